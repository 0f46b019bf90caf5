using System.Globalization;
using Misty.Grains.Interfaces.Orders;

namespace Misty.Grains.Orders.Fraud;

/// <summary>
/// An explainable fraud score: a scorecard that adds points for each risk signal the data holds, so every score comes
/// with the reasons that make it up. 0 is no signal at all, 100 the cap. Cash handed over at the till cannot be charged
/// back and scores 0; a bank transfer cannot be disputed like a card and earns points off.
/// </summary>
public sealed class FraudModel(int threshold = FraudModel.DefaultThreshold)
{
    public const int DefaultThreshold = 60;

    /// <summary>An album at this price or estimated value counts as a high-value item (resale target).</summary>
    public const decimal HighValueItem = 150m;

    /// <summary>A customer is new for this long after joining, or until their first paid order.</summary>
    public static readonly TimeSpan NewCustomerPeriod = TimeSpan.FromDays(7);

    public int Threshold => threshold;

    public FraudAssessment Assess(FraudInput input)
    {
        if (input.Method == PaymentMethod.Cash)
        {
            return new FraudAssessment(0, [new FraudReason("cash", 0, "Paid in cash: nothing can be charged back")], false);
        }

        var reasons = new List<FraudReason>();
        AmountAgainstHistory(input, reasons);
        NewCustomerBasket(input, reasons);
        Velocity(input, reasons);
        FailedAttempts(input, reasons);
        AddressMismatch(input, reasons);
        Items(input, reasons);
        Channel(input, reasons);
        var score = Math.Clamp(reasons.Sum(reason => reason.Points), 0, 100);
        return new FraudAssessment(score, reasons, score >= threshold);
    }

    private static void AmountAgainstHistory(FraudInput input, List<FraudReason> reasons)
    {
        var customer = input.Customer;
        if (customer.Purchases < 2)
        {
            return;
        }

        var average = customer.LifetimeValue / customer.Purchases;
        var ratio = average > 0 ? input.Amount / average : 0;
        var detail = $"Amount {Money(input.Amount)} is {ratio.ToString("0.0", CultureInfo.InvariantCulture)}x the customer's average order of {Money(average)}";
        if (ratio >= 4 && input.Amount > customer.LargestPurchase)
        {
            reasons.Add(new FraudReason("amount_vs_history", 30, $"{detail}, and above their largest ({Money(customer.LargestPurchase)})"));
        }
        else if (ratio >= 2.5m)
        {
            reasons.Add(new FraudReason("amount_vs_history", 12, detail));
        }
    }

    private static void NewCustomerBasket(FraudInput input, List<FraudReason> reasons)
    {
        var age = input.At - input.Customer.JoinedAt;
        if (input.Customer.Purchases > 0 && age >= NewCustomerPeriod)
        {
            return;
        }

        var who = input.Customer.Purchases == 0 ? "Customer with no paid order yet" : $"Customer who joined {Days(age)} ago";
        if (input.Amount >= 250)
        {
            reasons.Add(new FraudReason("new_customer_high_value", 35, $"{who} with a high-value basket of {Money(input.Amount)}"));
        }
        else if (input.Amount >= 120)
        {
            reasons.Add(new FraudReason("new_customer_high_value", 15, $"{who} with a basket of {Money(input.Amount)}"));
        }
    }

    private static void Velocity(FraudInput input, List<FraudReason> reasons)
    {
        var orders = input.Customer.OrdersLast24Hours;
        if (orders >= 4)
        {
            reasons.Add(new FraudReason("order_velocity", 25, $"{orders} other orders in the last 24 hours"));
        }
        else if (orders >= 2)
        {
            reasons.Add(new FraudReason("order_velocity", 12, $"{orders} other orders in the last 24 hours"));
        }

        var attempts = input.Customer.PaymentAttemptsLastHour;
        if (attempts >= 3)
        {
            reasons.Add(new FraudReason("payment_velocity", 20, $"{attempts} payment attempts in the last hour"));
        }
        else if (attempts == 2)
        {
            reasons.Add(new FraudReason("payment_velocity", 8, "2 payment attempts in the last hour"));
        }
    }

    private static void FailedAttempts(FraudInput input, List<FraudReason> reasons)
    {
        var failed = input.Customer.FailedPaymentsLast24Hours;
        if (failed >= 2)
        {
            reasons.Add(new FraudReason("failed_payments", 25, $"{failed} failed payments in the last 24 hours"));
        }
        else if (failed == 1)
        {
            reasons.Add(new FraudReason("failed_payments", 12, "A failed payment in the last 24 hours"));
        }
    }

    private static void AddressMismatch(FraudInput input, List<FraudReason> reasons)
    {
        if (input.Channel == SalesChannel.InStore || string.IsNullOrWhiteSpace(input.ShippingAddress))
        {
            return;
        }

        if (string.IsNullOrWhiteSpace(input.Customer.Address))
        {
            reasons.Add(new FraudReason("address_unverified", 5, "No address on file to compare the shipping address with"));
        }
        else if (Normalize(input.ShippingAddress) != Normalize(input.Customer.Address))
        {
            reasons.Add(new FraudReason("address_mismatch", 20, "Shipping address differs from the customer's address"));
        }
    }

    private static void Items(FraudInput input, List<FraudReason> reasons)
    {
        if (input.RareItems > 0)
        {
            reasons.Add(new FraudReason("rare_items", Math.Min(10 + (5 * (input.RareItems - 1)), 20),
                input.RareItems == 1 ? "A rare record in the basket" : $"{input.RareItems} rare records in the basket"));
        }

        if (input.HighValueItems > 0)
        {
            reasons.Add(new FraudReason("high_value_items", 10,
                $"{input.HighValueItems} album(s) priced or valued at {Money(HighValueItem)} or more"));
        }
    }

    private static void Channel(FraudInput input, List<FraudReason> reasons)
    {
        if (input.Method == PaymentMethod.BankTransfer)
        {
            reasons.Add(new FraudReason("bank_transfer", -15, "Bank transfer: cannot be disputed like a card"));
        }
        else if (input.Channel == SalesChannel.Phone)
        {
            reasons.Add(new FraudReason("card_not_present", 8, "Card details given over the phone"));
        }
        else if (input.Channel == SalesChannel.Online)
        {
            reasons.Add(new FraudReason("card_not_present", 5, "Card not present (online)"));
        }
    }

    /// <summary>Letters and digits only, lower case: "12 Elm St., Springfield" equals "12 elm st springfield".</summary>
    public static string Normalize(string address) =>
        new(address.Where(char.IsLetterOrDigit).Select(char.ToLowerInvariant).ToArray());

    private static string Money(decimal amount) => amount.ToString("$#,0.00", CultureInfo.InvariantCulture);

    private static string Days(TimeSpan age) => age.TotalDays < 1 ? "less than a day" : $"{(int)age.TotalDays} day(s)";
}
