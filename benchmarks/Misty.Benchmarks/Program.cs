using Misty.Benchmarks;

// Each mode measures one thing; add further benchmarks as further entries.
var modes = new Dictionary<string, (string Description, Func<string[], int> Run)>(StringComparer.OrdinalIgnoreCase)
{
    ["sentiment"] = ("Sentiment analyzer: messages/second on one thread, and quality on the development sets.", SentimentBenchmark.Run),
    ["reservations"] = ("Flash-sale reservations over HTTP: Misty against a plain-PostgreSQL baseline.", Misty.Benchmarks.Reservations.ReservationBenchmark.Run),
    ["fraud"] = ("Fraud scoring: precision and recall on seeded payments with injected fraud, next to an amount-only baseline.", Misty.Benchmarks.Fraud.FraudBenchmark.Run),
    ["knowledge"] = ("Knowledge assistant: first indexing, recall@5/MRR of keyword, vector and hybrid retrieval, embedding rate, search p99 at 50,000 chunks.", Misty.Benchmarks.Knowledge.KnowledgeBenchmark.Run),
    ["dashboard"] = ("Stock changes to SignalR dashboard clients: latency from the API's answer, and clients per node.", Misty.Benchmarks.Dashboard.DashboardBenchmark.Run),
};

if (args.Length == 0 || !modes.TryGetValue(args[0], out var mode))
{
    Console.Error.WriteLine("usage: dotnet run -c Release --project benchmarks/Misty.Benchmarks -- <mode> [--markdown <file>]");
    foreach (var (name, (description, _)) in modes)
    {
        Console.Error.WriteLine($"  {name,-12} {description}");
    }

    return 2;
}

return mode.Run(args[1..]);
