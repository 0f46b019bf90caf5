using Misty.Grains.Interfaces.Customers;
using Misty.Grains.Interfaces.Orders;
using Misty.Grains.Orders.Fraud;

namespace Misty.Benchmarks.Fraud;

/// <param name="Pattern">"legit", or the injected fraud pattern that produced the payment.</param>
internal sealed record LabeledPayment(FraudInput Input, bool Fraud, string Pattern);

/// <summary>
/// A deterministic stream of payments with the customer history each one is scored against: ordinary customers (with
/// the legitimate oddities that trip naive rules: splurges, gifts shipped elsewhere, collectors buying rare records, a
/// declined card, a second order the same day) and injected fraud patterns, some of which the model cannot see.
/// </summary>
internal sealed class FraudDataset(int seed)
{
    public const string Legit = "legit";
    public const string NewAccountRareBasket = "new account, high-value rare basket";
    public const string CardTesting = "card testing burst";
    public const string AccountTakeover = "account takeover";
    public const string Stealthy = "stealthy (history-like amount, own address)";

    private static readonly DateTimeOffset Now = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly Random _random = new(seed);

    public List<LabeledPayment> Generate(int legit, int fraud)
    {
        var payments = new List<LabeledPayment>(legit + fraud);
        for (var i = 0; i < legit; i++)
        {
            payments.Add(new LabeledPayment(LegitPayment(), false, Legit));
        }

        for (var i = 0; i < fraud; i++)
        {
            var draw = _random.NextDouble();
            payments.Add(draw switch
            {
                < 0.35 => new LabeledPayment(NewAccountBasket(), true, NewAccountRareBasket),
                < 0.65 => new LabeledPayment(CardTest(), true, CardTesting),
                < 0.90 => new LabeledPayment(Takeover(), true, AccountTakeover),
                _ => new LabeledPayment(StealthyFraud(), true, Stealthy),
            });
        }

        return payments;
    }

    private FraudInput LegitPayment()
    {
        var kind = _random.NextDouble();
        var (customer, typical) = kind < 0.6 ? Established() : kind < 0.85 ? Newcomer() : Occasional();
        var amount = Money(typical * LogNormal(0.45));
        if (_random.NextDouble() < 0.03)
        {
            // A collector's splurge: far above their usual, entirely legitimate.
            amount = Money(typical * Uniform(3, 8));
        }
        else if (customer.Purchases == 0 && _random.NextDouble() < 0.06)
        {
            amount = Money(Uniform(150, 600));
        }

        var channel = Pick((0.55, SalesChannel.Online), (0.30, SalesChannel.InStore), (0.10, SalesChannel.Phone), (0.05, SalesChannel.Corporate));
        var method = channel switch
        {
            SalesChannel.InStore => Chance(0.4) ? PaymentMethod.Cash : PaymentMethod.Card,
            SalesChannel.Online => Chance(0.08) ? PaymentMethod.BankTransfer : PaymentMethod.Card,
            SalesChannel.Phone => Chance(0.15) ? PaymentMethod.BankTransfer : PaymentMethod.Card,
            _ => Chance(0.7) ? PaymentMethod.BankTransfer : PaymentMethod.Card,
        };
        // Gifts and office deliveries: 12% ship somewhere else.
        var shipping = channel == SalesChannel.InStore ? null : Chance(0.12) ? OtherAddress() : customer.Address;
        var rare = Chance(0.08) ? 1 : Chance(0.01) ? 2 : 0;
        var highValue = amount >= FraudModel.HighValueItem && Chance(0.4) ? 1 : 0;
        customer = customer with
        {
            OrdersLast24Hours = Chance(0.85) ? 0 : Chance(0.67) ? 1 : _random.Next(2, 4),
            PaymentAttemptsLastHour = Chance(0.9) ? 0 : Chance(0.9) ? 1 : 2,
            FailedPaymentsLast24Hours = Chance(0.95) ? 0 : Chance(0.9) ? 1 : 2,
        };
        return new FraudInput(amount, channel, method, shipping, rare, highValue, customer, Now);
    }

    private FraudInput NewAccountBasket()
    {
        var customer = Profile(joinedDaysAgo: Uniform(0, 3), purchases: 0, typical: 0) with
        {
            OrdersLast24Hours = _random.Next(0, 3),
            PaymentAttemptsLastHour = _random.Next(0, 3),
            FailedPaymentsLast24Hours = _random.Next(0, 2),
        };
        var channel = Chance(0.85) ? SalesChannel.Online : SalesChannel.Phone;
        return new FraudInput(Money(Uniform(250, 900)), channel, PaymentMethod.Card, Chance(0.85) ? OtherAddress() : customer.Address,
            _random.Next(1, 4), _random.Next(1, 3), customer, Now);
    }

    private FraudInput CardTest()
    {
        var (customer, _) = Chance(0.7) ? Newcomer() : Established();
        customer = customer with
        {
            OrdersLast24Hours = _random.Next(3, 11),
            PaymentAttemptsLastHour = _random.Next(3, 13),
            FailedPaymentsLast24Hours = _random.Next(2, 10),
        };
        return new FraudInput(Money(Uniform(8, 60)), SalesChannel.Online, PaymentMethod.Card, Chance(0.5) ? OtherAddress() : customer.Address,
            0, 0, customer, Now);
    }

    private FraudInput Takeover()
    {
        var (customer, typical) = Established();
        var amount = Money(Math.Max(typical * Uniform(4, 12), customer.LargestPurchase * Uniform(1.05m, 2)));
        customer = customer with { PaymentAttemptsLastHour = _random.Next(0, 2) };
        var channel = Chance(0.8) ? SalesChannel.Online : SalesChannel.Phone;
        return new FraudInput(amount, channel, PaymentMethod.Card, Chance(0.8) ? OtherAddress() : customer.Address,
            Chance(0.3) ? 1 : 0, amount >= FraudModel.HighValueItem && Chance(0.5) ? 1 : 0, customer, Now);
    }

    /// <summary>A stolen account used gently: an ordinary amount to the customer's own address. Nothing the model looks at stands out.</summary>
    private FraudInput StealthyFraud()
    {
        var (customer, typical) = Established();
        return new FraudInput(Money(typical * Uniform(1.5m, 3)), SalesChannel.Online, PaymentMethod.Card, customer.Address, 0, 0, customer, Now);
    }

    private (CustomerRiskProfile Customer, decimal Typical) Established()
    {
        var typical = Money(50 * LogNormal(0.5));
        return (Profile(Uniform(60, 1500), _random.Next(2, 41), typical), typical);
    }

    private (CustomerRiskProfile Customer, decimal Typical) Newcomer() =>
        (Profile(Uniform(0, 30), Chance(0.7) ? 0 : 1, 45), Money(45 * LogNormal(0.3)));

    private (CustomerRiskProfile Customer, decimal Typical) Occasional()
    {
        var typical = Money(40 * LogNormal(0.4));
        return (Profile(Uniform(30, 700), 1, typical), typical);
    }

    private CustomerRiskProfile Profile(decimal joinedDaysAgo, int purchases, decimal typical)
    {
        var lifetime = Money(purchases * typical * Uniform(0.8m, 1.2m));
        var largest = purchases == 0 ? 0 : Money(typical * (purchases == 1 ? 1 : Uniform(1.5m, 3)));
        var address = Chance(0.05) ? null : $"{_random.Next(1, 999)} Record Lane, Town {_random.Next(1, 400)}";
        return new CustomerRiskProfile(Now - TimeSpan.FromDays((double)joinedDaysAgo), address, purchases, lifetime, largest, 0, 0, 0);
    }

    private string OtherAddress() => $"{_random.Next(1, 999)} Parcel Drop, Unit {_random.Next(1, 90)}, Elsewhere {_random.Next(1, 400)}";

    private T Pick<T>(params (double Weight, T Value)[] choices)
    {
        var draw = _random.NextDouble();
        foreach (var (weight, value) in choices)
        {
            if ((draw -= weight) < 0)
            {
                return value;
            }
        }

        return choices[^1].Value;
    }

    private bool Chance(double probability) => _random.NextDouble() < probability;

    private decimal Uniform(decimal from, decimal to) => from + ((to - from) * (decimal)_random.NextDouble());

    /// <summary>exp(N(0, sigma)): a multiplicative spread around 1, as order values are.</summary>
    private decimal LogNormal(double sigma)
    {
        var normal = Math.Sqrt(-2 * Math.Log(1 - _random.NextDouble())) * Math.Cos(2 * Math.PI * _random.NextDouble());
        return (decimal)Math.Exp(sigma * normal);
    }

    private static decimal Money(decimal amount) => Math.Round(Math.Max(amount, 1), 2, MidpointRounding.AwayFromZero);
}
