using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Misty.Grains.Interfaces.Reservations;
using Misty.Grains.Interfaces.Workflows;

namespace Misty.Grains.Telemetry;

/// <summary>
/// Misty's own meter: what the business does (reservations, fraud flags, SLA breaches, workflow runs) and what the
/// store answered, per process. OpenTelemetry collects it by <see cref="MeterName"/>; Prometheus sums the processes.
/// </summary>
public static class MistyMetrics
{
    public const string MeterName = "Misty";

    private static readonly Meter Meter = new(MeterName);
    private static readonly ConcurrentDictionary<Guid, int> OpenHoldsByAlbum = new();

    private static readonly Counter<long> Reservations = Meter.CreateCounter<long>(
        "misty.reservations", "{reservation}", "Reservation answers by result: ok, insufficient, unknown_album, key_reused and the others.");

    private static readonly Counter<long> FraudFlags = Meter.CreateCounter<long>(
        "misty.fraud.flags", "{payment}", "Payments scored at or above the fraud threshold; their orders are held for review.");

    private static readonly Counter<long> SlaBreaches = Meter.CreateCounter<long>(
        "misty.cases.sla_breaches", "{breach}", "Case SLA targets missed, by target (first_response, resolution).");

    private static readonly Counter<long> WorkflowRuns = Meter.CreateCounter<long>(
        "misty.workflow.runs", "{run}", "Finished workflow runs, by workflow and status (complete, error).");

    private static readonly Counter<long> WorkflowFailures = Meter.CreateCounter<long>(
        "misty.workflow.failures", "{run}", "Workflow runs that ended in error, by workflow.");

    private static readonly Counter<long> AgentCalls = Meter.CreateCounter<long>(
        "misty.agent.calls", "{call}", "Agent tool calls, by tool, channel (chat, mcp, approval) and outcome (ok, error, forbidden, invalid, pending_approval, approved_ok, ...).");

    private static readonly Histogram<double> AgentCallDuration = Meter.CreateHistogram<double>(
        "misty.agent.call.duration", "s", "How long agent tool calls took, by tool and outcome.");

    /// <summary>Answers of 503 because the database or a cluster member was briefly away (Misty.Web).</summary>
    public static readonly Counter<long> UnavailableAnswers = Meter.CreateCounter<long>(
        "misty.http.unavailable", "{response}", "Requests answered 503 because the database or a cluster member was away.");

    static MistyMetrics() => Meter.CreateObservableGauge(
        "misty.holds.open", () => (long)OpenHoldsByAlbum.Values.Sum(), "{hold}",
        "Stock holds in the inventory grains active on this process (expired ones count until their album sweeps them).");

    public static void Reservation(ReservationResult result) =>
        Reservations.Add(1, new KeyValuePair<string, object?>("result", Snake(result.ToString())));

    public static void FraudFlag() => FraudFlags.Add(1);

    public static void SlaBreach(string target) => SlaBreaches.Add(1, new KeyValuePair<string, object?>("target", Snake(target)));

    public static void WorkflowRun(Guid workflowId, ExecutionStatus status)
    {
        var workflow = new KeyValuePair<string, object?>("workflow", workflowId.ToString());
        WorkflowRuns.Add(1, workflow, new KeyValuePair<string, object?>("status", Snake(status.ToString())));
        if (status == ExecutionStatus.Error)
        {
            WorkflowFailures.Add(1, workflow);
        }
    }

    public static void AgentCall(string tool, string channel, string outcome, TimeSpan duration)
    {
        var toolTag = new KeyValuePair<string, object?>("tool", tool);
        var outcomeTag = new KeyValuePair<string, object?>("outcome", outcome);
        AgentCalls.Add(1, toolTag, new KeyValuePair<string, object?>("channel", channel), outcomeTag);
        AgentCallDuration.Record(duration.TotalSeconds, toolTag, outcomeTag);
    }

    /// <summary>An inventory grain's current number of holds (it reports after each stored change).</summary>
    public static void OpenHolds(Guid albumId, int holds) => OpenHoldsByAlbum[albumId] = holds;

    /// <summary>An inventory grain left this process: its holds are counted where it activates next.</summary>
    public static void ForgetHolds(Guid albumId) => OpenHoldsByAlbum.TryRemove(albumId, out _);

    private static string Snake(string name) =>
        string.Concat(name.Select((c, i) => char.IsUpper(c) && i > 0 ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}
