using Misty.Grains.Interfaces.Customers;
using Misty.Grains.Interfaces.Orders;

namespace Misty.Grains.Orders.Fraud;

/// <summary>Everything the fraud model looks at for one payment: the order, and the customer's history before it.</summary>
/// <param name="RareItems">Lines of albums marked rare.</param>
/// <param name="HighValueItems">Lines of albums priced or valued at <see cref="FraudModel.HighValueItem"/> or more.</param>
public sealed record FraudInput(
    decimal Amount,
    SalesChannel Channel,
    PaymentMethod Method,
    string? ShippingAddress,
    int RareItems,
    int HighValueItems,
    CustomerRiskProfile Customer,
    DateTimeOffset At);

public sealed record FraudAssessment(int Score, IReadOnlyList<FraudReason> Reasons, bool Flagged);
