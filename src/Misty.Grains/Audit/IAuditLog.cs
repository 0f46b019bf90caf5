namespace Misty.Grains.Audit;

/// <summary>
/// The audit trail: who did what, kept as system_logs rows with source 'audit'. Record logins, role and account
/// changes, stock adjustments, refunds, secret changes and every action an AI agent takes. Never put a password, key
/// or other secret in an entry.
/// </summary>
/// <remarks>
/// Call it after the change it reports has been stored. It does not throw when the trail cannot be written (it logs an
/// error instead), so a stored change is never reported to its caller as failed, which would invite a retry.
/// </remarks>
public interface IAuditLog
{
    Task RecordAsync(AuditEntry entry);
}

/// <param name="Action">What happened, dotted, e.g. "auth.login_failed", "users.role_changed", "agent.reorder.approve".</param>
/// <param name="Actor">
/// Who did it: "user:&lt;users.user_id&gt;" for staff, "key:&lt;api_key_id&gt;" for a storefront key,
/// "agent:&lt;agent name&gt;" for an AI agent (with the staff member it acts for in <see cref="Details"/>), "anonymous".
/// </param>
/// <param name="Message">One readable sentence for the dashboards.</param>
public sealed record AuditEntry(string Action, string Actor, string Message)
{
    public AuditSeverity Severity { get; init; } = AuditSeverity.Info;

    /// <summary>Facts for queries (ids, amounts, before and after values): strings, numbers, booleans, Guids, times.</summary>
    public IReadOnlyDictionary<string, object?> Details { get; init; } = new Dictionary<string, object?>();
}

/// <summary>The system_logs.log_level of an audit row: warning for refusals and security events, info otherwise.</summary>
public enum AuditSeverity
{
    Info,
    Warning,
}
