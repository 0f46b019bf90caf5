using System.Text.RegularExpressions;
using Misty.Tests.Infrastructure;
using Npgsql;

namespace Misty.Tests.Persistence;

/// <summary>
/// Holds the migrations to docs/schema.md itself: the erDiagram and the Key Indexes are read from the document,
/// so a table, column, enum value or index added there and forgotten in a migration fails here.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed partial class SchemaTests(PostgresFixture postgres)
{
    private static readonly SchemaDocument Document = SchemaDocument.Load();

    [Fact]
    public void The_document_parses()
    {
        // Guards the tests below against passing vacuously if the document's layout changes.
        Assert.Contains(Document.Entities, entity => entity.Table == "customers");
        Assert.All(Document.Entities, entity => Assert.NotEmpty(entity.Columns));
        Assert.Contains(Document.Indexes, index => index.Name == "idx_customers_email");
        Assert.Contains(Document.Entities.SelectMany(entity => entity.Columns), column => column.EnumValues.Count > 0);
    }

    [Fact]
    public async Task Every_table_exists()
    {
        var catalog = await DatabaseCatalog.LoadAsync(await postgres.CreateDatabaseAsync());

        var missing = Document.Entities.Select(entity => entity.Table).Where(table => !catalog.Columns.ContainsKey(table));

        Assert.Empty(missing);
    }

    [Fact]
    public async Task Every_column_exists()
    {
        var catalog = await DatabaseCatalog.LoadAsync(await postgres.CreateDatabaseAsync());

        var missing =
            from entity in Document.Entities
            from column in entity.Columns
            where !catalog.Columns.TryGetValue(entity.Table, out var columns) || !columns.ContainsKey(column.Name)
            select $"{entity.Table}.{column.Name}";

        Assert.Empty(missing);
    }

    [Fact]
    public async Task Every_enum_column_has_exactly_the_listed_values()
    {
        var catalog = await DatabaseCatalog.LoadAsync(await postgres.CreateDatabaseAsync());

        var wrong = new List<string>();
        foreach (var entity in Document.Entities)
        {
            foreach (var column in entity.Columns.Where(column => column.EnumValues.Count > 0))
            {
                if (!catalog.Columns.TryGetValue(entity.Table, out var columns) || !columns.TryGetValue(column.Name, out var type))
                {
                    wrong.Add($"{entity.Table}.{column.Name}: missing");
                }
                else if (!catalog.Enums.TryGetValue(type, out var values))
                {
                    wrong.Add($"{entity.Table}.{column.Name}: type {type} is not an enum");
                }
                else if (!values.SetEquals(column.EnumValues))
                {
                    wrong.Add($"{entity.Table}.{column.Name}: {type} has ({string.Join(", ", values)}), " +
                              $"schema.md lists ({string.Join(", ", column.EnumValues)})");
                }
            }
        }

        // Spelled out in full: the default collection rendering would truncate the value lists.
        if (wrong.Count > 0)
        {
            Assert.Fail(string.Join(Environment.NewLine, wrong));
        }
    }

    [Fact]
    public async Task Every_named_index_exists_on_its_table()
    {
        var catalog = await DatabaseCatalog.LoadAsync(await postgres.CreateDatabaseAsync());

        var missing = Document.Indexes
            .Where(index => !catalog.Indexes.TryGetValue(index.Name, out var table) || table != index.Table)
            .Select(index => $"{index.Name} on {index.Table}");

        Assert.Empty(missing);
    }

    [Fact]
    public async Task Every_key_of_the_diagram_is_enforced()
    {
        var catalog = await DatabaseCatalog.LoadAsync(await postgres.CreateDatabaseAsync());

        var missing = new List<string>();
        foreach (var entity in Document.Entities)
        {
            foreach (var column in entity.Columns)
            {
                var name = (entity.Table, column.Name);
                if (column.Keys.Contains("PK") && !catalog.PrimaryKeys.Contains(name))
                {
                    missing.Add($"PK {entity.Table}.{column.Name}");
                }

                if (column.Keys.Contains("UK") && !catalog.UniqueColumns.Contains(name))
                {
                    missing.Add($"UK {entity.Table}.{column.Name}");
                }

                if (column.Keys.Contains("FK") && !catalog.ForeignKeys.Contains(name))
                {
                    missing.Add($"FK {entity.Table}.{column.Name}");
                }
            }
        }

        Assert.Empty(missing);
    }

    [Fact]
    public async Task Every_updated_at_column_is_maintained_by_the_trigger()
    {
        var catalog = await DatabaseCatalog.LoadAsync(await postgres.CreateDatabaseAsync());

        var untriggered = catalog.Columns
            .Where(table => table.Value.ContainsKey("updated_at") && !catalog.UpdatedAtTriggers.Contains(table.Key))
            .Select(table => table.Key);

        Assert.Empty(untriggered);
    }

    private sealed record DatabaseCatalog(
        IReadOnlyDictionary<string, Dictionary<string, string>> Columns,
        IReadOnlyDictionary<string, HashSet<string>> Enums,
        IReadOnlyDictionary<string, string> Indexes,
        HashSet<(string Table, string Column)> PrimaryKeys,
        HashSet<(string Table, string Column)> UniqueColumns,
        HashSet<(string Table, string Column)> ForeignKeys,
        HashSet<string> UpdatedAtTriggers)
    {
        public static async Task<DatabaseCatalog> LoadAsync(string connectionString)
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();

            // Column -> udt_name, which names the enum type for enum columns.
            var columns = new Dictionary<string, Dictionary<string, string>>();
            foreach (var (table, column, type) in await QueryAsync(connection,
                         """
                         SELECT c.table_name, c.column_name, c.udt_name
                         FROM information_schema.columns c
                         JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
                         WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
                         """))
            {
                columns.TryAdd(table, []);
                columns[table][column] = type;
            }

            var enums = new Dictionary<string, HashSet<string>>();
            foreach (var (type, value, _) in await QueryAsync(connection,
                         """
                         SELECT t.typname, e.enumlabel, ''
                         FROM pg_type t
                         JOIN pg_enum e ON e.enumtypid = t.oid
                         WHERE t.typnamespace = 'public'::regnamespace
                         """))
            {
                enums.TryAdd(type, []);
                enums[type].Add(value);
            }

            var indexes = (await QueryAsync(connection,
                    "SELECT indexname, tablename, '' FROM pg_indexes WHERE schemaname = 'public'"))
                .ToDictionary(row => row.A, row => row.B);

            // Single-column keys only: every key in the diagram is on one column.
            var keyColumns = await QueryAsync(connection,
                """
                SELECT c.relname, a.attname, CASE WHEN i.indisprimary THEN 'PK' ELSE 'UK' END
                FROM pg_index i
                JOIN pg_class c ON c.oid = i.indrelid
                JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
                WHERE c.relnamespace = 'public'::regnamespace AND i.indisunique AND i.indnkeyatts = 1 AND i.indpred IS NULL
                UNION ALL
                SELECT c.relname, a.attname, 'FK'
                FROM pg_constraint k
                JOIN pg_class c ON c.oid = k.conrelid
                JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = k.conkey[1]
                WHERE c.relnamespace = 'public'::regnamespace AND k.contype = 'f' AND cardinality(k.conkey) = 1
                """);
            HashSet<(string, string)> Keys(string kind) =>
                keyColumns.Where(row => row.C == kind).Select(row => (row.A, row.B)).ToHashSet();

            var triggers = (await QueryAsync(connection,
                    """
                    SELECT c.relname, '', ''
                    FROM pg_trigger t
                    JOIN pg_class c ON c.oid = t.tgrelid
                    JOIN pg_proc p ON p.oid = t.tgfoid
                    WHERE c.relnamespace = 'public'::regnamespace AND p.proname = 'set_updated_at' AND NOT t.tgisinternal
                    """))
                .Select(row => row.A).ToHashSet();

            return new DatabaseCatalog(columns, enums, indexes, Keys("PK"), Keys("UK"), Keys("FK"), triggers);
        }

        // Every catalog query here returns three text columns; that keeps the reading code to one helper.
        private static async Task<List<(string A, string B, string C)>> QueryAsync(NpgsqlConnection connection, string sql)
        {
            await using var command = new NpgsqlCommand(sql, connection);
            await using var reader = await command.ExecuteReaderAsync();
            var rows = new List<(string, string, string)>();
            while (await reader.ReadAsync())
            {
                rows.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
            }

            return rows;
        }
    }

    /// <summary>The parts of docs/schema.md the schema must implement: the erDiagram entities and the Key Indexes.</summary>
    private sealed partial record SchemaDocument(IReadOnlyList<SchemaEntity> Entities, IReadOnlyList<SchemaIndex> Indexes)
    {
        public static SchemaDocument Load()
        {
            var markdown = File.ReadAllText(Path.Combine(FindRepositoryRoot(), "docs", "schema.md"));
            return new SchemaDocument(ParseEntities(markdown), ParseIndexes(markdown));
        }

        private static string FindRepositoryRoot()
        {
            for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "Misty.sln")))
                {
                    return directory.FullName;
                }
            }

            throw new DirectoryNotFoundException($"No folder above {AppContext.BaseDirectory} contains Misty.sln.");
        }

        private static List<SchemaEntity> ParseEntities(string markdown)
        {
            var start = markdown.IndexOf("erDiagram", StringComparison.Ordinal);
            if (start < 0)
            {
                throw new InvalidDataException("docs/schema.md has no erDiagram.");
            }

            var end = markdown.IndexOf("```", start, StringComparison.Ordinal);
            var diagram = markdown[start..(end < 0 ? markdown.Length : end)];

            var entities = new List<SchemaEntity>();
            string? current = null;
            var columns = new List<SchemaColumn>();
            foreach (var line in diagram.Split('\n'))
            {
                if (current is null)
                {
                    var open = EntityStart().Match(line);
                    if (open.Success)
                    {
                        current = open.Groups["name"].Value.ToLowerInvariant();
                        columns = [];
                    }
                }
                else if (line.Trim() == "}")
                {
                    entities.Add(new SchemaEntity(current, columns));
                    current = null;
                }
                else if (!string.IsNullOrWhiteSpace(line))
                {
                    var match = Attribute().Match(line);
                    if (!match.Success)
                    {
                        throw new InvalidDataException($"Unrecognised line in the {current} entity of docs/schema.md: {line.Trim()}");
                    }

                    var type = match.Groups["type"].Value;
                    var comment = match.Groups["comment"].Success ? match.Groups["comment"].Value : null;
                    // For enums the comment is the value list, e.g. "active, inactive, vip".
                    var values = type == "enum" && comment is not null
                        ? comment.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToHashSet()
                        : [];
                    var keys = match.Groups["keys"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet();
                    columns.Add(new SchemaColumn(match.Groups["name"].Value, type, keys, values));
                }
            }

            return entities;
        }

        private static List<SchemaIndex> ParseIndexes(string markdown) =>
            CreateIndex().Matches(markdown)
                .Select(match => new SchemaIndex(match.Groups["name"].Value, match.Groups["table"].Value))
                .ToList();

        // "    CUSTOMERS {" opens an entity; relationship lines ("CUSTOMERS ||--o{ ORDERS : places") do not match.
        [GeneratedRegex(@"^\s*(?<name>[A-Za-z_][A-Za-z0-9_]*)\s*\{\s*$")]
        private static partial Regex EntityStart();

        // "        enum status "active, inactive, vip"" or "        uuid order_id FK "nullable"".
        [GeneratedRegex("""^\s*(?<type>\w+)\s+(?<name>\w+)(?<keys>(?:\s+(?:PK|FK|UK))*)\s*(?:"(?<comment>[^"]*)")?\s*$""")]
        private static partial Regex Attribute();

        [GeneratedRegex(@"CREATE\s+(?:UNIQUE\s+)?INDEX\s+(?<name>\w+)\s+ON\s+(?<table>\w+)\s*\(", RegexOptions.IgnoreCase)]
        private static partial Regex CreateIndex();
    }

    private sealed record SchemaEntity(string Table, IReadOnlyList<SchemaColumn> Columns);

    private sealed record SchemaColumn(string Name, string Type, IReadOnlySet<string> Keys, IReadOnlySet<string> EnumValues);

    private sealed record SchemaIndex(string Name, string Table);
}
