using Misty.Benchmarks;

// Each mode measures one thing; add further benchmarks as further entries.
var modes = new Dictionary<string, (string Description, Func<string[], int> Run)>(StringComparer.OrdinalIgnoreCase)
{
    ["sentiment"] = ("Sentiment analyzer: messages/second on one thread, and quality on the development sets.", SentimentBenchmark.Run),
    ["reservations"] = ("Flash-sale reservations over HTTP: Misty against a plain-PostgreSQL baseline.", Misty.Benchmarks.Reservations.ReservationBenchmark.Run),
    ["fraud"] = ("Fraud scoring: precision and recall on seeded payments with injected fraud, next to an amount-only baseline.", Misty.Benchmarks.Fraud.FraudBenchmark.Run),
    ["knowledge"] = ("Knowledge assistant: first indexing, recall@5/MRR of keyword, vector and hybrid retrieval, embedding rate, search p99 at 50,000 chunks.", Misty.Benchmarks.Knowledge.KnowledgeBenchmark.Run),
    ["dashboard"] = ("Stock changes to SignalR dashboard clients: latency from the API's answer, and clients per node.", Misty.Benchmarks.Dashboard.DashboardBenchmark.Run),
    ["faults"] = ("Faults under storefront load: kill -9 a silo, rolling restart, PostgreSQL restart; nothing acknowledged lost.", Misty.Benchmarks.Faults.FaultsBenchmark.Run),
    ["forecast"] = ("Demand forecast: rolling-origin MASE and interval coverage on the retail data, next to naive, moving-average, SES and Croston baselines.", Misty.Benchmarks.Forecast.ForecastBenchmark.Run),
    ["replenishment"] = ("Replenishment policy: the plan against a static min/max rule of the same average stock, replaying 26 weeks of demo and retail sales.", Misty.Benchmarks.Replenishment.ReplenishmentBenchmark.Run),
    ["client-overhead"] = ("Load generator CPU per reserve: the reservation benchmark's raw request against the same through Misty.Client, no server.", Misty.Benchmarks.ClientOverhead.ClientOverheadBenchmark.Run),
    ["reports"] = ("Reports: p50/p99 of the sales and inventory reports on two years of seeded demo data, against the 200 ms target.", Misty.Benchmarks.Reports.ReportsBenchmark.Run),
    ["recommend"] = ("Recommender: hit rate@10 and recall@10 on held-out months of real retail purchases, next to three baselines; verb speed.", Misty.Benchmarks.Recommendations.RecommendBenchmark.Run),
    ["forecast-refresh"] = ("Demand forecast refresh end to end: 5,000 demo albums read, forecast 12 weeks ahead and written to demand_forecasts in PostgreSQL, against 60 s.", Misty.Benchmarks.Forecast.ForecastRefreshBenchmark.Run),
    ["workflows"] = ("Every built-in workflow run by hand on the demo data (segment refresh twice), recommendation reads p50/p99 and the recompute of every list.", Misty.Benchmarks.Workflows.WorkflowsBenchmark.Run),
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
