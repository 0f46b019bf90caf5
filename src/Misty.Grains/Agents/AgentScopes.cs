namespace Misty.Grains.Agents;

/// <summary>
/// What an agent may touch: scopes are "&lt;area&gt;:read" or "&lt;area&gt;:write"; write does not imply read. The agent's
/// role bounds its scopes as the staff roles bound people: a staff agent may not move money or place stock orders.
/// </summary>
public static class AgentScopes
{
    public const string Staff = "staff";
    public const string Manager = "manager";
    public const int MaxScopes = 32;

    public static readonly IReadOnlyList<string> Areas =
        ["inventory", "orders", "payments", "customers", "cases", "workflows", "replenishment", "insights", "knowledge"];

    public static readonly IReadOnlySet<string> Roles = new HashSet<string>(StringComparer.Ordinal) { Staff, Manager };

    /// <summary>Writes only a manager's agent may hold.</summary>
    private static readonly HashSet<string> ManagerOnlyWrites = new(StringComparer.Ordinal) { "payments", "replenishment" };

    public static string Of(string area, bool write) => $"{area}:{(write ? "write" : "read")}";

    public static bool Allows(IEnumerable<string> scopes, string area, bool write) => scopes.Contains(Of(area, write), StringComparer.Ordinal);

    /// <returns>The reason the scopes are refused for the role, or null when they are all known and allowed.</returns>
    public static string? Refusal(string role, IReadOnlyCollection<string> scopes)
    {
        if (scopes.Count > MaxScopes)
        {
            return $"At most {MaxScopes} scopes.";
        }

        foreach (var scope in scopes)
        {
            var parts = scope.Split(':');
            if (parts.Length != 2 || !Areas.Contains(parts[0]) || parts[1] is not ("read" or "write"))
            {
                return $"Unknown scope '{Printable(scope)}': scopes are <area>:read or <area>:write, areas {string.Join(", ", Areas)}.";
            }

            if (role == Staff && parts[1] == "write" && ManagerOnlyWrites.Contains(parts[0]))
            {
                return $"A staff agent may not hold '{scope}': give the agent the manager role.";
            }
        }

        return null;
    }

    private static string Printable(string value) =>
        value.Length <= 40 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is ':' or '_' or '-' or '.') ? value : "(invalid text)";
}
