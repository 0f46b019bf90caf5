using Npgsql;
using NpgsqlTypes;

namespace Misty.Seeding;

/// <summary>A table and the columns a seed row writes, in order; columns left out get their defaults.</summary>
internal sealed record SeedTable(string Name, params string[] Columns)
{
    public string CopyCommand => $"COPY {Name} ({string.Join(", ", Columns)}) FROM STDIN (FORMAT BINARY)";
}

/// <summary>A row the seeder bulk-loads: its table, and how it writes its values in the table's column order.</summary>
internal interface ISeedRow
{
    static abstract SeedTable Table { get; }

    Task WriteAsync(CopyRowWriter writer);
}

/// <summary>Typed column writes for one binary COPY, with nulls handled in one place.</summary>
internal sealed class CopyRowWriter(NpgsqlBinaryImporter importer, CancellationToken cancellationToken)
{
    public Task Uuid(Guid value) => importer.WriteAsync(value, NpgsqlDbType.Uuid, cancellationToken);

    public Task Uuid(Guid? value) => value is { } id ? Uuid(id) : Null();

    public Task Text(string? value) =>
        value is null ? Null() : importer.WriteAsync(value, NpgsqlDbType.Text, cancellationToken);

    /// <summary>
    /// PostgreSQL enums travel as their label in binary COPY too; Unknown makes Npgsql send the text as is, without
    /// needing the enum mapped on the data source.
    /// </summary>
    public Task TextArray(string[] values) => importer.WriteAsync(values, NpgsqlDbType.Array | NpgsqlDbType.Text, cancellationToken);

    public Task Enum(string label) => importer.WriteAsync(label, NpgsqlDbType.Unknown, cancellationToken);

    public Task Int(int value) => importer.WriteAsync(value, NpgsqlDbType.Integer, cancellationToken);

    public Task Int(int? value) => value is { } number ? Int(number) : Null();

    public Task Numeric(decimal value) => importer.WriteAsync(value, NpgsqlDbType.Numeric, cancellationToken);

    public Task Numeric(decimal? value) => value is { } number ? Numeric(number) : Null();

    public Task Bool(bool value) => importer.WriteAsync(value, NpgsqlDbType.Boolean, cancellationToken);

    public Task Time(DateTime value) => importer.WriteAsync(value, NpgsqlDbType.TimestampTz, cancellationToken);

    public Task Time(DateTime? value) => value is { } time ? Time(time) : Null();

    public Task Date(DateOnly value) => importer.WriteAsync(value, NpgsqlDbType.Date, cancellationToken);

    public Task Date(DateOnly? value) => value is { } date ? Date(date) : Null();

    private Task Null() => importer.WriteNullAsync(cancellationToken);
}

/// <summary>Bulk-loads lists of seed rows with binary COPY on one open connection (and its transaction).</summary>
internal sealed class SeedCopier(NpgsqlConnection connection, CancellationToken cancellationToken)
{
    private readonly List<SeedTableCount> _counts = [];

    public IReadOnlyList<SeedTableCount> Counts => _counts;

    public async Task CopyAsync<TRow>(IReadOnlyList<TRow> rows)
        where TRow : ISeedRow
    {
        var table = TRow.Table;
        await using var importer = await connection.BeginBinaryImportAsync(table.CopyCommand, cancellationToken);
        var writer = new CopyRowWriter(importer, cancellationToken);
        foreach (var row in rows)
        {
            await importer.StartRowAsync(cancellationToken);
            await row.WriteAsync(writer);
        }

        var written = await importer.CompleteAsync(cancellationToken);
        _counts.Add(new SeedTableCount(table.Name, (long)written));
    }
}
