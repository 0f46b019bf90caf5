using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Misty.Grains.Interfaces.Cases;
using Misty.Grains.Interfaces.Orders;
using Misty.Web.Api;
using Misty.Web.Security;
using Npgsql;

namespace Misty.Web.Reports;

/// <summary>Sales and inventory reports for managers and admins, as JSON or (format=csv) a CSV download.</summary>
public static class ReportsApi
{
    public static IServiceCollection AddReportsWeb(this IServiceCollection services) => services.AddSingleton<SalesReports>();

    public static IEndpointRouteBuilder MapReportsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/reports").WithTags("Reports").RequireAuthorization(MistyPolicies.Manager);
        group.MapGet("/sales", (string? from, string? to, string? groupBy, string? channel, string? genre, string? format, SalesReports reports, TimeProvider clock, CancellationToken cancellationToken) =>
                SalesAsync(new(from, to, groupBy, channel, genre, format), reports, clock, cancellationToken))
            .WithName("getSalesReport")
            .WithSummary("Revenue, units, average order value, new and returning customers per day, week or month, with the previous period and the top sellers.")
            .Produces<string>(StatusCodes.Status200OK, "text/csv")
            .AddOpenApiOperationTransformer(DeclareQueryAsync);
        group.MapGet("/inventory", (string? from, string? to, string? genre, string? format, SalesReports reports, TimeProvider clock, CancellationToken cancellationToken) =>
                InventoryAsync(new(from, to, null, null, genre, format), reports, clock, cancellationToken))
            .WithName("getInventoryReport")
            .WithSummary("Stock value, turnover over the period, days in stock, low, out of and over stock, per genre.")
            .Produces<string>(StatusCodes.Status200OK, "text/csv")
            .AddOpenApiOperationTransformer(DeclareQueryAsync);
        return routes;
    }

    /// <summary>The query is read as text so that a bad value is named in the problem; what to send is declared here.</summary>
    private static Task DeclareQueryAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        foreach (var parameter in (operation.Parameters ?? []).OfType<OpenApiParameter>())
        {
            if (parameter.Schema is not OpenApiSchema schema)
            {
                continue;
            }

            switch (parameter.Name)
            {
                case "from" or "to":
                    schema.Format = "date";
                    break;
                case "groupBy":
                    schema.Enum = [.. Enum.GetNames<ReportGrouping>().Select(name => (JsonNode)JsonValue.Create(name.ToLowerInvariant()))];
                    break;
                case "channel":
                    schema.Enum = [.. SchemaNames.All<SalesChannel>().Select(name => (JsonNode)JsonValue.Create(name))];
                    break;
                case "format":
                    schema.Enum = [JsonValue.Create("json"), JsonValue.Create("csv")];
                    break;
            }
        }

        return Task.CompletedTask;
    }

    private sealed record RawQuery(string? From, string? To, string? GroupBy, string? Channel, string? Genre, string? Format);

    private static async Task<Results<Ok<SalesReport>, FileContentHttpResult, ValidationProblem>> SalesAsync(RawQuery raw, SalesReports reports, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (Parse(raw, clock, out var query) is { } problem)
        {
            return problem;
        }

        var report = await reports.SalesAsync(query!, cancellationToken);
        return raw.Format == "csv"
            ? Csv($"sales-{report.From:yyyy-MM-dd}-{report.To:yyyy-MM-dd}.csv", "period,revenue,units,orders,average_order_value,new_customers,returning_customers",
                report.Periods.Select(period => Row(period.Start.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), period.Figures.Revenue, period.Figures.Units,
                    period.Figures.Orders, period.Figures.AverageOrderValue, period.Figures.NewCustomers, period.Figures.ReturningCustomers)))
            : TypedResults.Ok(report);
    }

    private static async Task<Results<Ok<InventoryReport>, FileContentHttpResult, ValidationProblem>> InventoryAsync(RawQuery raw, SalesReports reports, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (Parse(raw, clock, out var query) is { } problem)
        {
            return problem;
        }

        var report = await reports.InventoryAsync(query!, cancellationToken);
        return raw.Format == "csv"
            ? Csv($"inventory-{report.To:yyyy-MM-dd}.csv", "genre,skus,units,value,turnover,average_days_in_stock,low,out,over",
                report.Genres.Append(report.Totals).Select(group => Row(group.Genre, group.Skus, group.Units, group.Value, group.Turnover,
                    group.AverageDaysInStock, group.Low, group.Out, group.Over)))
            : TypedResults.Ok(report);
    }

    private static ValidationProblem? Parse(RawQuery raw, TimeProvider clock, out ReportQuery? query)
    {
        query = null;
        var errors = new FieldErrors();
        errors.Check(raw.Format is null or "json" or "csv", "format", "One of json, csv.");
        query = ReportQuery.Parse(raw.From, raw.To, raw.GroupBy, raw.Channel, raw.Genre, DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime), errors);
        return errors.IsEmpty ? null : errors.ToProblem();
    }

    /// <summary>A CSV download: declared on the endpoint as text/csv, beside the JSON report.</summary>
    private static FileContentHttpResult Csv(string fileName, string header, IEnumerable<string> rows)
    {
        var text = new StringBuilder(header).Append('\n');
        foreach (var row in rows)
        {
            text.Append(row).Append('\n');
        }

        return TypedResults.File(Encoding.UTF8.GetBytes(text.ToString()), "text/csv", fileName);
    }

    /// <summary>One CSV line; text is quoted, and a leading formula character is defused for spreadsheets.</summary>
    private static string Row(params object[] values) => string.Join(',', values.Select(value => value switch
    {
        string text => "\"" + (text.Length > 0 && "=+-@".Contains(text[0]) ? "'" + text : text).Replace("\"", "\"\"") + "\"",
        IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    }));
}
