namespace Misty.Benchmarks.Faults;

/// <summary>
/// What a load balancer in front of the web nodes does (Kubernetes' readiness probes and endpoints, say): probes each
/// node's /health/ready every 250 ms and sends requests only to the nodes whose last probe answered 200. When no node is
/// ready it sends to all of them, as load balancers "fail open", so an outage of the database still reaches a node and
/// gets its 503.
/// </summary>
internal sealed class ReadyWebNodes : IAsyncDisposable
{
    private static readonly TimeSpan ProbeInterval = TimeSpan.FromMilliseconds(250);
    private readonly IReadOnlyList<Uri> _all;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _probing;
    private volatile Uri[] _ready;

    public ReadyWebNodes(IReadOnlyList<Uri> webs)
    {
        _all = webs;
        _ready = [.. webs];
        _probing = Task.Run(ProbeAsync);
    }

    /// <summary>The nodes to send to now.</summary>
    public IReadOnlyList<Uri> Current => _ready is { Length: > 0 } ready ? ready : _all;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _probing;
        _stop.Dispose();
    }

    private async Task ProbeAsync()
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(1) };
        while (!_stop.IsCancellationRequested)
        {
            var answers = await Task.WhenAll(_all.Select(async web =>
            {
                try
                {
                    using var response = await http.GetAsync(new Uri(web, "health/ready"), _stop.Token);
                    return response.IsSuccessStatusCode;
                }
                catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
                {
                    return false;
                }
            }));
            _ready = [.. _all.Where((_, index) => answers[index])];
            try
            {
                await Task.Delay(ProbeInterval, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
