using Microsoft.Extensions.Logging;

namespace Misty.Grains.Audit;

/// <summary>The embedded mode's audit trail: it has no system_logs table, so entries go to the host log.</summary>
public sealed class LoggingAuditLog(ILogger<LoggingAuditLog> logger) : IAuditLog
{
    public Task RecordAsync(AuditEntry entry)
    {
        logger.Log(entry.Severity == AuditSeverity.Warning ? LogLevel.Warning : LogLevel.Information,
            "Audit {Action} by {Actor}: {Message}", entry.Action, entry.Actor, entry.Message);
        return Task.CompletedTask;
    }
}
