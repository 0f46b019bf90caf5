using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Dashboard;
using Orleans.Serialization;

namespace Misty.Grains.Hosting;

/// <summary>How the cluster notices a dead member, what failures callers can tell apart, and where it runs (docs/scaling.md).</summary>
public static class MistyClusterResilience
{
    /// <summary>Initial probe timeout; the effective one adapts to observed response times within the bounds below.</summary>
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);

    /// <summary>Upper bound of the adaptive probe timeout: three misses of at most this still fit in 10 s.</summary>
    public static readonly TimeSpan MaxProbeTimeout = TimeSpan.FromSeconds(3);

    public static ISiloBuilder ConfigureMistyCluster(this ISiloBuilder silo, MistyOptions options)
    {
        // Orleans' defaults (5 s probes, adaptive up to 20 s) notice a killed silo after 15 s or more, during which calls
        // to its grains time out. Three missed 2-3 s probes and two votes declare it dead in about 6 to 9 s. The cost: a
        // probe per watched silo every 2 s (negligible), and a silo stalled for over 6 s (a long GC pause, a starved
        // host) is declared dead and must restart; Orleans still stretches probes while this silo itself is degraded.
        silo.Configure<ClusterMembershipOptions>(membership =>
        {
            membership.ProbeTimeout = ProbeTimeout;
            membership.MinProbeTimeout = ProbeTimeout / 2;
            membership.MaxProbeTimeout = MaxProbeTimeout;
            membership.NumMissedProbesLimit = 3;
            membership.NumVotesForDeathDeclaration = 2;
        });
        // A grain's storage failure reaches a caller on another silo as its own type, so Misty.Web can answer a database
        // outage with 503 rather than 500 (Orleans rebuilds exceptions only of the namespaces it is told to).
        silo.Services.Configure<ExceptionSerializationOptions>(exceptions => exceptions.SupportedNamespacePrefixes.Add("Npgsql"));
        if (options.Kubernetes)
        {
            // After UseMisty's own settings, so the pod's labels and address win (deploy/k8s sets both the same).
            silo.UseKubernetesHosting();
        }

        if (options.OrleansDashboard)
        {
            // Every silo must collect its grains' statistics; Misty.Web serves the page to admins.
            silo.AddDashboard();
        }

        return silo;
    }
}
