using System.Globalization;

namespace Misty.Grains.Recommendations;

/// <summary>One purchase line: a positive quantity is a sale, a negative one a return or cancellation.</summary>
public readonly record struct PurchaseLine(string CustomerId, string ItemId, DateTimeOffset Timestamp, double Quantity);

/// <summary>What <see cref="PurchaseCsv.Read"/> kept and how many lines it could not use.</summary>
public sealed record PurchaseCsvResult(IReadOnlyList<PurchaseLine> Lines, int Skipped);

/// <summary>
/// Reads <c>customer_id,item_id,timestamp,quantity</c> CSV (columns found by header name, so extra or reordered
/// columns are fine). Fields may be quoted with doubled quotes inside; lines with a missing id, an unreadable
/// timestamp or quantity are counted as skipped rather than failing the whole file.
/// </summary>
public static class PurchaseCsv
{
    public static readonly string[] Header = ["customer_id", "item_id", "timestamp", "quantity"];

    public static PurchaseCsvResult Read(TextReader reader)
    {
        var headerLine = reader.ReadLine() ?? throw new FormatException("The input is empty; expected the header customer_id,item_id,timestamp,quantity.");
        var header = Split(headerLine);
        var columns = new int[Header.Length];
        for (var c = 0; c < Header.Length; c++)
        {
            columns[c] = header.FindIndex(h => string.Equals(h.Trim(), Header[c], StringComparison.OrdinalIgnoreCase));
            if (columns[c] < 0)
            {
                throw new FormatException($"The header has no column '{Header[c]}'; expected customer_id,item_id,timestamp,quantity.");
            }
        }

        var lines = new List<PurchaseLine>();
        var skipped = 0;
        var ids = new Dictionary<string, string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0)
            {
                continue;
            }

            var fields = Split(line);
            if (TryParse(fields, columns, ids, out var purchase))
            {
                lines.Add(purchase);
            }
            else
            {
                skipped++;
            }
        }

        return new PurchaseCsvResult(lines, skipped);
    }

    public static bool TryParseTimestamp(string text, out DateTimeOffset timestamp) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out timestamp);

    private static bool TryParse(List<string> fields, int[] columns, Dictionary<string, string> ids, out PurchaseLine purchase)
    {
        purchase = default;
        foreach (var column in columns)
        {
            if (column >= fields.Count)
            {
                return false;
            }
        }

        var customer = fields[columns[0]].Trim();
        var item = fields[columns[1]].Trim();
        if (customer.Length == 0 || item.Length == 0
            || !TryParseTimestamp(fields[columns[2]], out var timestamp)
            || !double.TryParse(fields[columns[3]], NumberStyles.Float, CultureInfo.InvariantCulture, out var quantity)
            || !double.IsFinite(quantity))
        {
            return false;
        }

        purchase = new PurchaseLine(Intern(ids, customer), Intern(ids, item), timestamp.ToUniversalTime(), quantity);
        return true;
    }

    // A million lines name a few thousand ids; sharing the strings keeps the memory to the distinct ones.
    private static string Intern(Dictionary<string, string> ids, string id)
    {
        if (ids.TryGetValue(id, out var shared))
        {
            return shared;
        }

        ids[id] = id;
        return id;
    }

    /// <summary>Splits one CSV line, honouring double quotes and doubled quotes inside them.</summary>
    public static List<string> Split(string line)
    {
        var fields = new List<string>(8);
        var i = 0;
        while (true)
        {
            if (i < line.Length && line[i] == '"')
            {
                var builder = new System.Text.StringBuilder();
                i++;
                while (i < line.Length)
                {
                    if (line[i] == '"')
                    {
                        if (i + 1 < line.Length && line[i + 1] == '"')
                        {
                            builder.Append('"');
                            i += 2;
                            continue;
                        }

                        i++;
                        break;
                    }

                    builder.Append(line[i++]);
                }

                // Anything between the closing quote and the comma is kept rather than lost.
                var comma = line.IndexOf(',', i);
                builder.Append(line, i, (comma < 0 ? line.Length : comma) - i);
                fields.Add(builder.ToString());
                if (comma < 0)
                {
                    return fields;
                }

                i = comma + 1;
            }
            else
            {
                var comma = line.IndexOf(',', i);
                if (comma < 0)
                {
                    fields.Add(line[i..]);
                    return fields;
                }

                fields.Add(line[i..comma]);
                i = comma + 1;
            }
        }
    }
}
