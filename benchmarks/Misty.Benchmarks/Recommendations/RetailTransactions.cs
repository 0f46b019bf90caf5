using System.Globalization;
using System.IO.Compression;
using Misty.Grains.Recommendations;

namespace Misty.Benchmarks.Recommendations;

/// <summary>
/// The "Online Retail II" transactions in shared/data/retail as purchase lines: Customer ID as the customer,
/// StockCode as the item; lines without a customer are left out, cancellations keep their negative quantity.
/// </summary>
internal static class RetailTransactions
{
    public const string FileName = "online_retail_II_2009_2010.csv.gz";

    public static string? Locate()
    {
        var root = MistyRepository.Find();
        var path = root is null ? null : Path.Combine(root, "..", "shared", "data", "retail", FileName);
        return path is not null && File.Exists(path) ? Path.GetFullPath(path) : null;
    }

    public static List<PurchaseLine> Read(string path)
    {
        using var reader = new StreamReader(new GZipStream(File.OpenRead(path), CompressionMode.Decompress));
        var header = PurchaseCsv.Split(reader.ReadLine() ?? "");
        int Column(string name) => header.IndexOf(name) is var index and >= 0 ? index : throw new FormatException($"{path} has no column {name}.");
        var (item, quantity, date, customer) = (Column("StockCode"), Column("Quantity"), Column("InvoiceDate"), Column("Customer ID"));
        var lines = new List<PurchaseLine>();
        while (reader.ReadLine() is { } line)
        {
            var fields = PurchaseCsv.Split(line);
            if (fields.Count <= customer || fields[customer].Length == 0
                || !PurchaseCsv.TryParseTimestamp(fields[date], out var timestamp)
                || !double.TryParse(fields[quantity], NumberStyles.Float, CultureInfo.InvariantCulture, out var amount))
            {
                continue;
            }

            // Some exports write the id as a float ("13085.0").
            var id = fields[customer].EndsWith(".0", StringComparison.Ordinal) ? fields[customer][..^2] : fields[customer];
            lines.Add(new PurchaseLine(id, fields[item], timestamp.ToUniversalTime(), amount));
        }

        return lines;
    }
}
