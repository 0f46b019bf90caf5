namespace Misty.Grains.Inventory;

/// <summary>Live stock settings, from the "Misty:Inventory" configuration section (environment: Misty__Inventory__ReminderPeriod).</summary>
public sealed class InventoryOptions
{
    public const string Section = "Misty:Inventory";

    /// <summary>
    /// How often an album's reminder releases its expired holds durably (also when its silo is gone), and wakes an album
    /// whose rows a lost silo left unwritten.
    /// </summary>
    public TimeSpan ReminderPeriod { get; set; } = TimeSpan.FromMinutes(1);
}
