namespace Misty.Grains.Customers;

/// <summary>Customer settings, from the "Misty:Customers" configuration section (environment: Misty__Customers__CatchUpPeriod).</summary>
public sealed class CustomerOptions
{
    public const string Section = "Misty:Customers";

    /// <summary>How often a customer whose rows are not yet projected (after a crash) is woken up to finish them.</summary>
    public TimeSpan CatchUpPeriod { get; set; } = TimeSpan.FromMinutes(1);
}
