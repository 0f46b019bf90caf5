using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Misty.Persistence;
using Misty.Seeding;
using Npgsql;

namespace Misty.Silo.Commands;

/// <summary>
/// Loads the demo record-store dataset into an empty, migrated database. By default the history runs up to the moment
/// it is seeded, so a new store's dashboard has a today; with --anchor the same flags give the same rows.
/// </summary>
internal static class SeedCommand
{
    public static Command Create()
    {
        var defaults = new SeedOptions();
        var albums = AtLeast(1, new Option<int>("--albums")
        {
            Description = "Albums in the catalogue.",
            DefaultValueFactory = _ => defaults.Albums,
        });
        var customers = AtLeast(1, new Option<int>("--customers")
        {
            Description = "Customers.",
            DefaultValueFactory = _ => defaults.Customers,
        });
        var days = AtLeast(1, new Option<int>("--days")
        {
            Description = "Days of order history, ending the day before --anchor.",
            DefaultValueFactory = _ => defaults.Days,
        });
        var orders = new Option<int?>("--orders")
        {
            Description = "Orders over the history (default: 2.5 per customer for every two years of history).",
        };
        var seed = new Option<int>("--seed")
        {
            Description = "Random seed: another seed gives another, equally consistent, store.",
            DefaultValueFactory = _ => defaults.Seed,
        };
        var anchor = new Option<DateOnly?>("--anchor")
        {
            Description = string.Create(
                CultureInfo.InvariantCulture,
                $"The dataset's 'today', yyyy-MM-dd: the history ends at its midnight UTC, the same rows every time (default: the history runs up to the current moment, so today already has orders, cases and stock movements)."),
        };
        orders.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() < 0)
            {
                result.AddError("--orders cannot be negative.");
            }
        });
        return DatabaseCommand.Create("seed", "Loads a deterministic demo dataset (catalogue, customers, orders, stock ledger, service cases) into an empty database; refuses when it already has albums.", async (parse, connectionString, cancellationToken) =>
        {
            var options = new SeedOptions
            {
                Albums = parse.GetValue(albums),
                Customers = parse.GetValue(customers),
                Days = parse.GetValue(days),
                Orders = parse.GetValue(orders),
                Seed = parse.GetValue(seed),
            };
            options = parse.GetValue(anchor) is { } day ? options with { Anchor = day } : options.EndingAt(DateTime.UtcNow);
            await using var database = MistyDatabase.CreateDataSource(connectionString);
            try
            {
                var report = await new DemoDataSeeder(database).SeedAsync(options, cancellationToken);
                Console.WriteLine(report.Seeded ? Summary(report) : "The database already has albums: already seeded, nothing written.");
                return 0;
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UndefinedTable)
            {
                await Console.Error.WriteLineAsync($"The schema is missing ({ex.MessageText}): run the migrate verb first.");
                return 2;
            }
        }, albums, customers, days, orders, seed, anchor);
    }

    private static Option<int> AtLeast(int minimum, Option<int> option)
    {
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < minimum)
            {
                result.AddError(string.Create(CultureInfo.InvariantCulture, $"{option.Name} must be at least {minimum}."));
            }
        });
        return option;
    }

    private static string Summary(SeedReport report)
    {
        var lines = report.Tables.Select(table => string.Create(CultureInfo.InvariantCulture, $"  {table.Table,-24}{table.Rows,10:N0}"));
        return string.Create(
            CultureInfo.InvariantCulture,
            $"Seeded {report.TotalRows:N0} rows in {report.Elapsed.TotalSeconds:F1} s:{Environment.NewLine}{string.Join(Environment.NewLine, lines)}");
    }
}
