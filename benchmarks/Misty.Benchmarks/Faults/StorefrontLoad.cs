using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Misty.Benchmarks.Faults;

/// <summary>
/// Storefront clients over HTTP: reservations of one or two albums with fresh Idempotency-Keys, then a release, an
/// online order or nothing; every request retried as a storefront would (same key, next web node, Retry-After or
/// 250 ms) for up to a minute, through a load balancer that sends only to ready nodes. Keeps every attempt and what
/// each acknowledged reservation became.
/// </summary>
internal sealed class StorefrontLoad(ReadyWebNodes webs, IReadOnlyList<Guid> albums, double releaseShare, double orderShare)
{
    private static readonly TimeSpan GiveUpAfter = TimeSpan.FromMinutes(1);
    private readonly ConcurrentQueue<Attempt> _attempts = new();
    private readonly ConcurrentDictionary<Guid, Outcome> _reservations = new();
    private readonly ConcurrentDictionary<Guid, byte> _uncertainAlbums = new();
    private readonly ConcurrentQueue<string> _unexpectedAnswers = new();
    private int _orders;
    private int _releases;
    private int _refused;
    private int _unexpected;
    private int _givenUp;

    public IReadOnlyCollection<Attempt> Attempts => _attempts;

    public IReadOnlyDictionary<Guid, Outcome> Reservations => _reservations;

    /// <summary>Albums an operation touched whose outcome the client never learned (it gave up): not checked exactly.</summary>
    public IReadOnlyCollection<Guid> UncertainAlbums => (IReadOnlyCollection<Guid>)_uncertainAlbums.Keys;

    public int Orders => _orders;

    public int Releases => _releases;

    public int Refused => _refused;

    /// <summary>Requests still failing after a minute of retries.</summary>
    public int GivenUp => _givenUp;

    /// <summary>Final answers that are neither success nor an expected refusal (4xx other than 409): bugs.</summary>
    public int Unexpected => _unexpected;

    /// <summary>What each unexpected final answer was: "POST api/orders: 409".</summary>
    public IReadOnlyCollection<string> UnexpectedAnswers => _unexpectedAnswers;

    /// <summary>Runs <paramref name="clients"/> loops until <paramref name="stop"/>; the operation in flight then finishes.</summary>
    public Task RunAsync(int clients, CancellationToken stop) =>
        Task.WhenAll(Enumerable.Range(0, clients).Select(index => Task.Run(() => ClientAsync(index, stop), CancellationToken.None)));

    private async Task ClientAsync(int index, CancellationToken stop)
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false, PooledConnectionLifetime = TimeSpan.FromSeconds(30) })
        {
            Timeout = TimeSpan.FromSeconds(15),
        };
        http.DefaultRequestHeaders.Add("X-Api-Key", FaultCluster.StorefrontKey);
        var random = new Random(index);
        while (!stop.IsCancellationRequested)
        {
            var first = random.Next(albums.Count);
            Guid[] lines = random.NextDouble() < 0.7 ? [albums[first]] : [albums[first], albums[(first + 1 + random.Next(albums.Count - 1)) % albums.Count]];
            var key = Guid.NewGuid().ToString();
            var (status, body) = await SendAsync(http, index, () => new HttpRequestMessage(HttpMethod.Post, "api/reservations")
            {
                Content = JsonContent.Create(new { lines = lines.Select(album => new { albumId = album, quantity = 1 }), ttlSeconds = 3600 }),
                Headers = { { "Idempotency-Key", key } },
            });
            if (status != HttpStatusCode.Created)
            {
                Settle(status, lines, HttpStatusCode.Conflict, ref _refused, "POST api/reservations");
                continue;
            }

            var id = body.GetProperty("reservationId").GetGuid();
            _reservations[id] = new Outcome(lines, State.Held);
            var next = random.NextDouble();
            if (next < releaseShare)
            {
                (status, _) = await SendAsync(http, index, () => new HttpRequestMessage(HttpMethod.Delete, $"api/reservations/{id}"));
                if (status == HttpStatusCode.NoContent)
                {
                    _reservations[id] = new Outcome(lines, State.Released);
                    Interlocked.Increment(ref _releases);
                }
                else
                {
                    Settle(status, lines, HttpStatusCode.NoContent, ref _unexpected, "DELETE api/reservations/{id}");
                }
            }
            else if (next < releaseShare + orderShare)
            {
                (status, body) = await SendAsync(http, index, () => new HttpRequestMessage(HttpMethod.Post, "api/orders")
                {
                    Content = JsonContent.Create(new
                    {
                        reservationId = id,
                        customer = new { email = $"faults-{id:N}@bench.misty", firstName = "Fay", lastName = "Ults", address = "1 Loopback Road" },
                        channel = "online",
                        shippingAddress = "1 Loopback Road",
                        payment = new { method = "card", token = "tok_bench" },
                    }),
                });
                if (status == HttpStatusCode.Created)
                {
                    _reservations[id] = new Outcome(lines, body.GetProperty("heldForReview").GetBoolean() ? State.OrderHeldForReview : State.Ordered);
                    Interlocked.Increment(ref _orders);
                }
                else
                {
                    Settle(status, lines, HttpStatusCode.Created, ref _unexpected, "POST api/orders");
                }
            }
        }
    }

    /// <summary>A final answer other than success: given up (outcome unknown), an expected refusal, or a bug.</summary>
    private void Settle(HttpStatusCode? status, Guid[] lines, HttpStatusCode expected, ref int counter, string request)
    {
        if (status is null)
        {
            foreach (var album in lines)
            {
                _uncertainAlbums[album] = 0;
            }
        }
        else if (status == expected)
        {
            Interlocked.Increment(ref counter);
        }
        else
        {
            Interlocked.Increment(ref _unexpected);
            _unexpectedAnswers.Enqueue(FormattableString.Invariant($"{request}: {(int)status}"));
        }
    }

    /// <summary>Sends until an answer below 500 (other than 429), or gives up after a minute (null).</summary>
    private async Task<(HttpStatusCode? Status, JsonElement Body)> SendAsync(HttpClient http, int client, Func<HttpRequestMessage> request)
    {
        var started = Stopwatch.StartNew();
        for (var attempt = 0; ; attempt++)
        {
            var ready = webs.Current;
            var web = ready[(client + attempt) % ready.Count];
            using var message = request();
            message.RequestUri = new Uri(web, message.RequestUri!);
            var at = DateTime.UtcNow;
            var clock = Stopwatch.StartNew();
            HttpStatusCode? status = null;
            JsonElement body = default;
            TimeSpan? retryAfter = null;
            try
            {
                using var response = await http.SendAsync(message);
                status = response.StatusCode;
                retryAfter = response.Headers.RetryAfter?.Delta;
                if (response.Content.Headers.ContentType?.MediaType == "application/json")
                {
                    body = await response.Content.ReadFromJsonAsync<JsonElement>();
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // Refused, reset or timed out: no answer, so the outcome is unknown and the same request goes again.
            }

            var final = status is { } code && (int)code < 500 && code != HttpStatusCode.TooManyRequests;
            _attempts.Enqueue(new Attempt(at, status is { } s ? (int)s : 0, clock.Elapsed, final, attempt > 0));
            if (final)
            {
                return (status, body);
            }

            if (started.Elapsed > GiveUpAfter)
            {
                Interlocked.Increment(ref _givenUp);
                return (null, default);
            }

            await Task.Delay(retryAfter is { } wait && wait < TimeSpan.FromSeconds(5) ? wait : TimeSpan.FromMilliseconds(250));
        }
    }

    /// <summary>One HTTP attempt: when, the status (0: no answer), how long, whether it was final, whether a retry.</summary>
    internal sealed record Attempt(DateTime At, int Status, TimeSpan Latency, bool Final, bool Retry);

    internal sealed record Outcome(Guid[] Albums, State State);

    internal enum State
    {
        Held,
        Released,
        Ordered,
        OrderHeldForReview,
    }
}
