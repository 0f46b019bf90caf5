using System.Globalization;

namespace Misty.Grains.Forecasting;

/// <summary>One sales line: an item, when, and how many (negative for returns and cancellations).</summary>
public readonly record struct SaleLine(string ItemId, DateTimeOffset Timestamp, double Quantity);

/// <summary>What reading a sales CSV produced: the lines, and how many could not be parsed.</summary>
public sealed record SalesCsvResult(IReadOnlyList<SaleLine> Lines, int Skipped);

/// <summary>
/// Reads <c>item_id,timestamp,quantity</c> CSV. Columns are found by the header when there is one (extra columns are
/// ignored), fields may be quoted, and a line that cannot be parsed is counted and skipped rather than failing the run.
/// </summary>
public static class SalesCsv
{
    private const DateTimeStyles UtcStyles = DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal;

    public static SalesCsvResult Read(TextReader reader)
    {
        var lines = new List<SaleLine>();
        var skipped = 0;
        int item = 0, time = 1, quantity = 2;
        var first = true;
        var fields = new List<string>(8);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0)
            {
                continue;
            }

            Split(line, fields);
            if (first)
            {
                first = false;
                if (IsHeader(fields, ref item, ref time, ref quantity))
                {
                    continue;
                }
            }

            if (TryParse(fields, item, time, quantity, out var sale))
            {
                lines.Add(sale);
            }
            else
            {
                skipped++;
            }
        }

        return new SalesCsvResult(lines, skipped);
    }

    private static bool IsHeader(List<string> fields, ref int item, ref int time, ref int quantity)
    {
        var itemAt = fields.FindIndex(f => f.Trim().Equals("item_id", StringComparison.OrdinalIgnoreCase));
        var timeAt = fields.FindIndex(f => f.Trim().Equals("timestamp", StringComparison.OrdinalIgnoreCase));
        var quantityAt = fields.FindIndex(f => f.Trim().Equals("quantity", StringComparison.OrdinalIgnoreCase));
        if (itemAt < 0 && timeAt < 0 && quantityAt < 0)
        {
            return false;
        }

        (item, time, quantity) = (itemAt < 0 ? item : itemAt, timeAt < 0 ? time : timeAt, quantityAt < 0 ? quantity : quantityAt);
        return true;
    }

    private static bool TryParse(List<string> fields, int item, int time, int quantity, out SaleLine sale)
    {
        sale = default;
        if (fields.Count <= Math.Max(item, Math.Max(time, quantity)))
        {
            return false;
        }

        var id = fields[item].Trim();
        if (id.Length == 0
            || !DateTimeOffset.TryParse(fields[time].Trim(), CultureInfo.InvariantCulture, UtcStyles, out var timestamp)
            || !double.TryParse(fields[quantity].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var amount)
            || !double.IsFinite(amount))
        {
            return false;
        }

        sale = new SaleLine(id, timestamp, amount);
        return true;
    }

    /// <summary>RFC 4180 fields of one line: quotes around a field are removed and doubled quotes inside it undone.</summary>
    public static void Split(string line, List<string> fields)
    {
        fields.Clear();
        if (line.IndexOf('"') < 0)
        {
            foreach (var range in line.AsSpan().Split(','))
            {
                fields.Add(line[range]);
            }

            return;
        }

        var field = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c != '"')
                {
                    field.Append(c);
                }
                else if (i + 1 < line.Length && line[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else
                {
                    quoted = false;
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else
            {
                field.Append(c);
            }
        }

        fields.Add(field.ToString());
    }
}
