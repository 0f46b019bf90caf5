using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Misty.Grains.Recommendations;

/// <summary>What one full refresh did, and where its time went.</summary>
public sealed record RecommendationRefreshSummary(int Customers, int Rows, double HitRate, double Recall, TimeSpan Elapsed, RefreshStages Stages);

/// <summary>
/// Wall time of each stage of a full refresh. The offline check runs beside the write, so the stages add up to more
/// than the whole.
/// </summary>
public sealed record RefreshStages(TimeSpan Read, TimeSpan Fit, TimeSpan Lists, TimeSpan Write, TimeSpan Evaluation)
{
    public override string ToString() => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"read {Read.TotalSeconds:F1} s, fit {Fit.TotalSeconds:F1} s, lists {Lists.TotalSeconds:F1} s, write {Write.TotalSeconds:F1} s, offline check {Evaluation.TotalSeconds:F1} s (beside the write)");
}

/// <summary>
/// Fits the recommender on every order and writes each customer's storefront list to customer_recommendations;
/// keeps the fitted model so that one customer's list can be redone after their order without fitting again.
/// </summary>
public sealed class CustomerRecommendationRefresher(PostgresRecommendationStore store, TimeProvider clock, ILogger<CustomerRecommendationRefresher> logger)
{
    public const string ModelName = "misty-recommender";

    /// <summary>A list stays valid for two days: the nightly refresh replaces it well before.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(2);

    private const int CustomersPerTransaction = 2_000;
    private static readonly TimeSpan HeldOut = TimeSpan.FromDays(30);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private Model? _model;

    public async Task<RecommendationRefreshSummary> RefreshAllAsync(CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var now = clock.GetUtcNow();
            var stage = Stopwatch.StartNew();
            var lines = await store.PurchasesAsync(null, cancellationToken);
            var albums = await store.AlbumsAsync(cancellationToken);
            var customers = await store.CustomersAsync(cancellationToken);
            var read = stage.Elapsed;

            stage.Restart();
            var model = Fit(lines, albums, now);
            _model = model;
            var fit = stage.Elapsed;

            stage.Restart();
            var lists = new (Guid Customer, IReadOnlyList<AlbumSuggestion> Suggestions)[customers.Count];
            Parallel.For(0, customers.Count, () => new float[model.History.ItemCount], (index, _, scores) =>
            {
                lists[index] = (customers[index], model.For(customers[index], scores));
                return scores;
            }, _ => { });
            var computed = stage.Elapsed;

            // The offline check (fit on all but the last 30 days, score on what customers bought new in them) needs
            // only the lines, so it runs on the CPU while the database takes the lists.
            var evaluation = Task.Run(() =>
            {
                var started = Stopwatch.StartNew();
                var results = RecommendationEvaluation.CompareWithBaselines(lines, now - HeldOut, HeldOut, 10, RecommenderOptions.Default);
                return (Results: results, Elapsed: started.Elapsed);
            }, cancellationToken);

            stage.Restart();
            foreach (var chunk in lists.Chunk(CustomersPerTransaction))
            {
                await store.ReplaceAsync(chunk, now, now + Lifetime, cancellationToken);
            }

            var written = stage.Elapsed;
            var (results, evaluated) = await evaluation;
            var engine = results.Single(r => r.Scorer == RecommendationEvaluation.EngineName);
            var parameters = JsonSerializer.Serialize(new
            {
                options = RecommenderOptions.Default,
                evaluation = results.Select(r => new { r.Scorer, r.Customers, hitRateAt10 = r.HitRate, recallAt10 = r.Recall }),
                heldOutDays = HeldOut.TotalDays,
            });
            await store.RegisterModelAsync(ModelName, parameters, Math.Round((decimal)engine.HitRate * 100m, 2), cancellationToken);
            var rows = lists.Sum(l => l.Suggestions.Count);
            var stages = new RefreshStages(read, fit, computed, written, evaluated);
            logger.LogInformation("Recommendations refreshed for {Customers} customers ({Rows} rows) in {Seconds:F1} s: {Stages}.",
                customers.Count, rows, watch.Elapsed.TotalSeconds, stages);
            return new RecommendationRefreshSummary(customers.Count, rows, engine.HitRate, engine.Recall, watch.Elapsed, stages);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>After an order: marks the customer's suggestions of the bought albums purchased and redoes their list.</summary>
    public async Task RefreshCustomerAsync(Guid customer, IReadOnlyCollection<Guid> boughtAlbums, CancellationToken cancellationToken)
    {
        await store.MarkPurchasedAsync(customer, boughtAlbums, cancellationToken);
        if (_model is not { } model)
        {
            // No fitted model on this silo yet: the nightly refresh writes the list.
            return;
        }

        var now = clock.GetUtcNow();
        var lines = await store.PurchasesAsync(customer, cancellationToken);
        var list = model.ForLines(customer, lines, now);
        await store.ReplaceAsync([(customer, list)], now, now + Lifetime, cancellationToken);
    }

    private static Model Fit(List<PurchaseLine> lines, Dictionary<string, AlbumFacts> albums, DateTimeOffset now)
    {
        var history = PurchaseHistory.Build(lines, now);
        var recommender = new Recommender(history, RecommenderOptions.Default);
        return new Model(history, new AlbumSuggestions(history, recommender, albums));
    }

    private sealed record Model(PurchaseHistory History, AlbumSuggestions Suggestions)
    {
        public IReadOnlyList<AlbumSuggestion> For(Guid customer, float[] scores) =>
            History.TryGetCustomer(customer.ToString(), out var index)
                ? Suggestions.For(index, scores)
                : Suggestions.For([], [], scores);

        /// <summary>A list from the customer's current lines, scored by the model fitted earlier.</summary>
        public IReadOnlyList<AlbumSuggestion> ForLines(Guid customer, List<PurchaseLine> lines, DateTimeOffset now)
        {
            var own = PurchaseHistory.Build(lines, now);
            if (!own.TryGetCustomer(customer.ToString(), out var index))
            {
                return Suggestions.For([], [], new float[History.ItemCount]);
            }

            // Albums the model has never seen sold cannot be scored, but they are still excluded as bought below.
            var known = new List<(int Item, float Age)>();
            foreach (var (item, age) in own.CustomerItems[index].Zip(own.CustomerItemAgeDays[index]))
            {
                if (History.TryGetItem(own.ItemIds[item], out var modelItem))
                {
                    known.Add((modelItem, age));
                }
            }

            known.Sort((a, b) => a.Item.CompareTo(b.Item));
            return Suggestions.For(known.Select(k => k.Item).ToArray(), known.Select(k => k.Age).ToArray(), new float[History.ItemCount]);
        }
    }
}
