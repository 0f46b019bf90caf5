using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Misty.Benchmarks.Reservations;

/// <summary>One reserve request: when its answer arrived, how long it took (Stopwatch ticks), its HTTP status.</summary>
public readonly record struct ReserveSample(long CompletedAt, long Elapsed, int Status)
{
    /// <summary>The status of a request that got no HTTP answer (connection failure or client timeout).</summary>
    public const int NoAnswer = 0;
}

/// <summary>What one worker saw: samples from the measured window, and every reservation acknowledged to it.</summary>
public sealed class WorkerTally
{
    public List<ReserveSample> Samples { get; } = [];

    public List<Guid> Acknowledged { get; } = [];

    public int FailedReleases { get; set; }
}

/// <summary>
/// Closed-loop load: each worker reserves one unit of a random album with a fresh Idempotency-Key, waits for the
/// answer and, when <paramref name="release"/>, deletes the reservation again before its next request, so stock
/// and open holds stay bounded. Only the reserve is timed.
/// </summary>
public sealed class ClosedLoopLoad(HttpClient client, IReadOnlyList<byte[]> bodies, bool release)
{
    private long _measureFrom = long.MaxValue;
    private volatile bool _stopping;

    public static byte[] ReserveOneBody(Guid albumId) =>
        JsonSerializer.SerializeToUtf8Bytes(new { lines = new[] { new { albumId, quantity = 1 } }, ttlSeconds = 900 });

    public Task<WorkerTally[]> RunAsync(int workers, CancellationToken cancellationToken) =>
        Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(() => WorkAsync(cancellationToken), cancellationToken)));

    /// <summary>From now on, samples count; returns the Stopwatch timestamp the window starts at.</summary>
    public long StartMeasuring()
    {
        var now = Stopwatch.GetTimestamp();
        Volatile.Write(ref _measureFrom, now);
        return now;
    }

    /// <summary>Workers finish their current request (and release) and stop.</summary>
    public void Stop() => _stopping = true;

    private async Task<WorkerTally> WorkAsync(CancellationToken cancellationToken)
    {
        var tally = new WorkerTally();
        while (!_stopping)
        {
            var (sample, reservationId) = await ReserveAsync(cancellationToken);
            if (sample.CompletedAt >= Volatile.Read(ref _measureFrom))
            {
                tally.Samples.Add(sample);
            }

            if (reservationId is not { } id)
            {
                continue;
            }

            tally.Acknowledged.Add(id);
            if (release && !await ReleaseAsync(id, cancellationToken))
            {
                tally.FailedReleases++;
            }
        }

        return tally;
    }

    private async Task<(ReserveSample Sample, Guid? ReservationId)> ReserveAsync(CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/reservations")
        {
            Content = new ByteArrayContent(bodies[Random.Shared.Next(bodies.Count)]) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
        };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        var started = Stopwatch.GetTimestamp();
        try
        {
            // The default completion option buffers the body, so the time includes reading the whole answer.
            using var response = await client.SendAsync(request, cancellationToken);
            var completed = Stopwatch.GetTimestamp();
            Guid? reservationId = response.StatusCode == HttpStatusCode.Created
                ? ReadReservationId(await response.Content.ReadAsByteArrayAsync(cancellationToken))
                : null;
            return (new ReserveSample(completed, completed - started, (int)response.StatusCode), reservationId);
        }
        catch (Exception ex) when (IsNoAnswer(ex, cancellationToken))
        {
            var completed = Stopwatch.GetTimestamp();
            return (new ReserveSample(completed, completed - started, ReserveSample.NoAnswer), null);
        }
    }

    private async Task<bool> ReleaseAsync(Guid reservationId, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await client.DeleteAsync($"/api/reservations/{reservationId}", cancellationToken);
            return response.StatusCode == HttpStatusCode.NoContent;
        }
        catch (Exception ex) when (IsNoAnswer(ex, cancellationToken))
        {
            return false;
        }
    }

    // A client timeout surfaces as a cancellation too; only the run's own token means "stop everything".
    private static bool IsNoAnswer(Exception ex, CancellationToken cancellationToken) =>
        ex is HttpRequestException || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested);

    private static Guid ReadReservationId(byte[] json)
    {
        var reader = new Utf8JsonReader(json);
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1 && reader.ValueTextEquals("reservationId"u8))
            {
                reader.Read();
                return reader.GetGuid();
            }
        }

        throw new InvalidDataException("A 201 answer without a reservationId.");
    }
}
