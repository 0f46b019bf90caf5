using System.CommandLine;
using System.Globalization;
using System.Text;
using Misty.Grains.Forecasting;

namespace Misty.Silo.Commands;

/// <summary>
/// Forecasts weekly demand from a sales CSV on stdin with the same engine as the nightly refresh, so the engine can
/// be judged on any sales history without a database.
/// </summary>
internal static class ForecastCommand
{
    public static Command Create()
    {
        var cutoff = new Option<string>("--cutoff")
        {
            Description = "ISO 8601 UTC instant: lines at or after it are ignored, and week 1 starts at it.",
            Required = true,
        };
        var horizon = new Option<int>("--horizon")
        {
            Description = "Weeks to forecast (1 to 104).",
            DefaultValueFactory = _ => 8,
        };
        var level = new Option<double>("--level")
        {
            Description = "Coverage of the prediction interval, in percent (above 0, below 100).",
            DefaultValueFactory = _ => 80,
        };
        var command = new Command(
            "forecast",
            "Reads CSV with the header item_id,timestamp,quantity on stdin (one sales line each, negative quantities are returns) and writes item_id,week,forecast,lower,upper on stdout: one row per item with a sale before the cutoff and per week 1..horizon, week w being the 7 days from cutoff + 7(w-1) days.")
        {
            cutoff,
            horizon,
            level,
        };
        command.SetAction((parse, _) => Task.FromResult(Run(
            Console.In, Console.Out, Console.Error, parse.GetValue(cutoff), parse.GetValue(horizon), parse.GetValue(level))));
        return command;
    }

    internal static int Run(TextReader input, TextWriter output, TextWriter diagnostics, string? cutoffText, int horizon, double levelPercent)
    {
        if (!DateTimeOffset.TryParse(cutoffText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var cutoff))
        {
            diagnostics.WriteLine($"--cutoff: '{cutoffText}' is not an ISO 8601 instant.");
            return 2;
        }

        if (horizon is < 1 or > 104)
        {
            diagnostics.WriteLine("--horizon: must be between 1 and 104 weeks.");
            return 2;
        }

        if (!(levelPercent > 0 && levelPercent < 100))
        {
            diagnostics.WriteLine("--level: must be a percentage above 0 and below 100.");
            return 2;
        }

        var sales = SalesCsv.Read(input);
        if (sales.Skipped > 0)
        {
            diagnostics.WriteLine($"Skipped {sales.Skipped} line(s) that were not item_id,timestamp,quantity.");
        }

        var series = WeeklySeriesBuilder.Build(sales.Lines, cutoff);
        var forecasts = DemandForecaster.Forecast(series, horizon, levelPercent / 100);
        var text = new StringBuilder(forecasts.Count * horizon * 32);
        text.Append("item_id,week,forecast,lower,upper\n");
        foreach (var item in forecasts)
        {
            var id = Quote(item.ItemId);
            for (var h = 0; h < horizon; h++)
            {
                text.Append(CultureInfo.InvariantCulture, $"{id},{h + 1},{item.Point[h]:0.####},{item.Lower[h]:0.####},{item.Upper[h]:0.####}\n");
            }
        }

        output.Write(text.ToString());
        output.Flush();
        diagnostics.WriteLine($"Forecast {forecasts.Count} item(s) from {sales.Lines.Count} line(s).");
        return 0;
    }

    private static string Quote(string field) =>
        field.AsSpan().IndexOfAny(",\"\n\r") < 0 ? field : $"\"{field.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
}
