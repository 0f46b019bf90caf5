using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Misty.Benchmarks.Reservations;
using Misty.Client;

namespace Misty.Benchmarks.ClientOverhead;

/// <summary>
/// What a reserve costs the load generator itself, with no server: the reservation benchmark's raw request
/// (<see cref="ClosedLoopLoad"/>: a pre-serialised body, the id read from the answer's bytes) against the same request
/// through Misty.Client (the request serialised, the whole answer deserialised), both answered at once by an in-process
/// handler with a real 201 answer. On a 2-core machine the load generator shares the cores with the service it measures,
/// so client CPU per request is CPU the service does not get.
/// </summary>
internal static class ClientOverheadBenchmark
{
    public const string Heading = "## Load generator cost per reserve: raw HttpClient against Misty.Client";
    private const int Runs = 5;
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan RunLength = TimeSpan.FromSeconds(3);

    public static int Run(string[] args)
    {
        var markdown = args.Length == 2 && args[0] == "--markdown" ? args[1] : null;
        if (args.Length > 0 && markdown is null)
        {
            Console.Error.WriteLine("usage: client-overhead [--markdown <file>]");
            return 2;
        }

        var albumId = Guid.NewGuid();
        var raw = Measure(() => RawAsync(albumId));
        var generated = Measure(() => GeneratedAsync(albumId));
        var invariant = CultureInfo.InvariantCulture;
        var report = new StringBuilder();
        report.AppendLine(invariant, $"Measured {BenchmarkReport.Machine()} with");
        report.AppendLine();
        report.AppendLine(invariant, $"    {BenchmarkReport.Command("client-overhead", args)}");
        report.AppendLine();
        report.AppendLine(invariant,
            $"One thread reserves one unit in a closed loop against an in-process handler that answers every request at once with a " +
            $"201 reservation: {WarmUp.TotalSeconds:F0} s warm-up, then {Runs} runs of {RunLength.TotalSeconds:F0} s; the median run.");
        report.AppendLine();
        report.AppendLine("| client | reserves/s on one thread | µs per reserve (wall time, one thread) | bytes allocated per reserve |");
        report.AppendLine("| --- | ---: | ---: | ---: |");
        foreach (var (name, figures) in new[] { ("raw HttpClient (ClosedLoopLoad)", raw), ("Misty.Client (CreateReservationAsync)", generated) })
        {
            report.AppendLine(invariant, $"| {name} | {figures.PerSecond:N0} | {1e6 / figures.PerSecond:0.0} | {figures.BytesPerCall:N0} |");
        }

        report.AppendLine();
        report.AppendLine(invariant, $"Misty.Client takes **{raw.PerSecond / generated.PerSecond:0.00}x** the raw request's time per reserve and allocates " +
            $"**{generated.BytesPerCall / (double)Math.Max(1, raw.BytesPerCall):0.00}x** its bytes.");
        var text = report.ToString();
        Console.Write(text);
        if (markdown is not null)
        {
            BenchmarkReport.WriteSection(markdown, Heading, text);
        }

        return 0;
    }

    private sealed record Figures(double PerSecond, long BytesPerCall);

    private static Figures Measure(Func<Task<int>> runFor)
    {
        RunFor(runFor, WarmUp);
        var runs = Enumerable.Range(0, Runs).Select(_ => RunFor(runFor, RunLength)).OrderBy(run => run.PerSecond).ToList();
        return runs[Runs / 2];
    }

    private static Figures RunFor(Func<Task<int>> oneCall, TimeSpan length)
    {
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();
        var calls = 0L;
        while (clock.Elapsed < length)
        {
            calls += oneCall().GetAwaiter().GetResult();
        }

        clock.Stop();
        return new Figures(calls / clock.Elapsed.TotalSeconds, (GC.GetTotalAllocatedBytes(precise: true) - allocated) / Math.Max(1, calls));
    }

    private static readonly HttpClient Http = new(new ReservedHandler()) { BaseAddress = new Uri("http://127.0.0.1/") };
    private static readonly MistyClient Misty = new(Http);

    /// <summary>A batch of ClosedLoopLoad's own requests (one worker, measured from the start): the benchmark's exact code path.</summary>
    private static async Task<int> RawAsync(Guid albumId)
    {
        var load = new ClosedLoopLoad(Http, [ClosedLoopLoad.ReserveOneBody(albumId)], release: false);
        load.StartMeasuring();
        var running = load.RunAsync(1, CancellationToken.None);
        await Task.Delay(100);
        load.Stop();
        var tallies = await running;
        return tallies.Sum(tally => tally.Acknowledged.Count);
    }

    private static async Task<int> GeneratedAsync(Guid albumId)
    {
        var calls = 0;
        var until = Stopwatch.GetTimestamp() + Stopwatch.Frequency / 10;
        while (Stopwatch.GetTimestamp() < until)
        {
            var request = new CreateReservationRequest { Lines = [new() { AlbumId = albumId, Quantity = 1 }], TtlSeconds = 900 };
            var held = await Misty.CreateReservationAsync(Guid.NewGuid().ToString("N"), request);
            calls += held.Lines.Count;
        }

        return calls;
    }

    /// <summary>Reads the request body, as a server would, and answers 201 with a reservation as Misty writes it.</summary>
    private sealed class ReservedHandler : HttpMessageHandler
    {
        private static readonly byte[] Answer = Encoding.UTF8.GetBytes(
            $$"""{"reservationId":"{{Guid.NewGuid()}}","status":"held","createdAt":"2026-12-03T23:00:00+00:00","expiresAt":"2026-12-03T23:15:00+00:00","lines":[{"albumId":"{{Guid.NewGuid()}}","quantity":1}],"orderId":null}""");

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            await request.Content!.ReadAsByteArrayAsync(cancellationToken);
            var content = new ByteArrayContent(Answer);
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            return new HttpResponseMessage(HttpStatusCode.Created) { Content = content, RequestMessage = request };
        }
    }
}
