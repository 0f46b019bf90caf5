using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Misty.Tests.Payments;

/// <summary>
/// A stand-in for Stripe's API (a test double of a service outside Misty): the PaymentIntents create, retrieve and
/// search endpoints and refunds, answering with Stripe's documented JSON and honouring Idempotency-Key. The payment
/// method <c>pm_card_chargeDeclined</c> is declined with a card_error; <c>pm_card_slow</c> answers its first create only
/// after 30 s (a timeout), and at once afterwards.
/// </summary>
public sealed class StripeStandIn : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, (int Status, string Json)> _byIdempotencyKey = new();
    private readonly ConcurrentDictionary<string, JsonElement> _intents = new();
    private int _slowCalls;

    private StripeStandIn(WebApplication app) => _app = app;

    public string ApiBase { get; private set; } = "";

    public ConcurrentQueue<(string Method, string Path, string? IdempotencyKey, string? Authorization, IReadOnlyDictionary<string, string> Form)> Calls { get; } = new();

    public static async Task<StripeStandIn> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var standIn = new StripeStandIn(app);
        app.MapPost("/v1/payment_intents", standIn.CreateIntentAsync);
        app.MapGet("/v1/payment_intents/search", (HttpRequest request) => standIn.Search(request));
        app.MapGet("/v1/payment_intents/{id}", (string id) =>
            standIn._intents.TryGetValue(id, out var intent) ? Results.Text(intent.GetRawText(), "application/json") : Results.NotFound());
        app.MapPost("/v1/refunds", standIn.RefundAsync);
        await app.StartAsync();
        standIn.ApiBase = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return standIn;
    }

    public JsonElement Intent(string id) => _intents[id];

    private async Task<IResult> CreateIntentAsync(HttpRequest request)
    {
        var form = await RecordAsync(request);
        var key = request.Headers["Idempotency-Key"].ToString();
        if (form.GetValueOrDefault("payment_method") == "pm_card_slow" && Interlocked.Increment(ref _slowCalls) == 1)
        {
            await Task.Delay(TimeSpan.FromSeconds(30), request.HttpContext.RequestAborted);
        }

        var (status, json) = _byIdempotencyKey.GetOrAdd(key, _ =>
        {
            var id = "pi_" + Guid.NewGuid().ToString("N")[..24];
            var declined = form.GetValueOrDefault("payment_method") == "pm_card_chargeDeclined";
            var intent = JsonSerializer.SerializeToElement(new Dictionary<string, object?>
            {
                ["id"] = id,
                ["object"] = "payment_intent",
                ["amount"] = long.Parse(form["amount"]),
                ["currency"] = form["currency"],
                ["status"] = declined ? "requires_payment_method" : "succeeded",
                ["description"] = form.GetValueOrDefault("description"),
                ["metadata"] = form.Where(pair => pair.Key.StartsWith("metadata[", StringComparison.Ordinal))
                    .ToDictionary(pair => pair.Key["metadata[".Length..^1], pair => pair.Value),
                ["latest_charge"] = "ch_" + id[3..],
                ["livemode"] = false,
            });
            _intents[id] = intent;
            return declined
                ? (402, JsonSerializer.Serialize(new
                {
                    error = new
                    {
                        type = "card_error",
                        code = "card_declined",
                        decline_code = "generic_decline",
                        message = "Your card was declined.",
                        payment_intent = intent,
                    },
                }))
                : (200, intent.GetRawText());
        });
        return Results.Text(json, "application/json", statusCode: status);
    }

    private IResult Search(HttpRequest request)
    {
        var query = request.Query["query"].ToString();
        Calls.Enqueue(("GET", request.Path, null, request.Headers.Authorization, new Dictionary<string, string> { ["query"] = query }));
        var found = _intents.Values.Where(intent => query.Contains($"'{intent.GetProperty("metadata").GetProperty("misty_payment_id").GetString()}'", StringComparison.Ordinal));
        return Results.Text(JsonSerializer.Serialize(new { @object = "search_result", data = found, has_more = false, url = "/v1/payment_intents/search" }),
            "application/json");
    }

    private async Task<IResult> RefundAsync(HttpRequest request)
    {
        var form = await RecordAsync(request);
        var (status, json) = _byIdempotencyKey.GetOrAdd(request.Headers["Idempotency-Key"].ToString(), _ =>
        {
            var intent = _intents[form["payment_intent"]];
            return (200, JsonSerializer.Serialize(new
            {
                id = "re_" + Guid.NewGuid().ToString("N")[..24],
                @object = "refund",
                amount = intent.GetProperty("amount").GetInt64(),
                currency = intent.GetProperty("currency").GetString(),
                payment_intent = form["payment_intent"],
                status = "succeeded",
            }));
        });
        return Results.Text(json, "application/json", statusCode: status);
    }

    private async Task<Dictionary<string, string>> RecordAsync(HttpRequest request)
    {
        var form = (await request.ReadFormAsync()).ToDictionary(pair => pair.Key, pair => pair.Value.ToString(), StringComparer.Ordinal);
        Calls.Enqueue((request.Method, request.Path, request.Headers["Idempotency-Key"].ToString(), request.Headers.Authorization, form));
        return form;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
