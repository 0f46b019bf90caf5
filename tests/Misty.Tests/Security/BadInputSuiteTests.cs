using System.Collections;
using System.Net;
using System.Net.Http.Json;
using System.Reflection;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Misty.Grains.Workflows;
using Misty.Tests.Infrastructure;
using Misty.Web.Security;
using Npgsql;

namespace Misty.Tests.Security;

/// <summary>
/// Walks every mapped endpoint with bad input: missing and wrong credentials, malformed and unknown ids, malformed JSON,
/// wrong types, missing fields, zero, negative and huge numbers, SQL and script injection strings, NUL characters and
/// oversized bodies. Every answer must be a 4xx with problem details (free-text query filters may also answer 200),
/// never a 5xx, and no table may change.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class BadInputSuiteTests(PostgresFixture postgres)
{
    private static readonly string[] Injections =
    [
        "' OR '1'='1", "'; DROP TABLE users;--", "\" OR \"\"=\"", "1; SELECT pg_sleep(5)", "<script>alert(1)</script>",
        "\"><img src=x onerror=alert(1)>", "${jndi:ldap://example.invalid/a}", "{{7*7}}", "../../etc/passwd", "\u0000", "a\u0000b",
        "\ud800", "%00", "\r\nX-Injected: 1", "🎵", "",  " ",
    ];

    private static readonly string[] MalformedIds =
    [
        "not-a-uuid", "0", "-1", "99999999999999999999999", "00000000-0000-0000-0000-00000000000g", "1' OR '1'='1",
        "<script>alert(1)</script>", "..%2F..%2Fetc%2Fpasswd", new('x', 3_000),
    ];

    [Fact]
    public async Task Every_endpoint_answers_bad_input_with_a_4xx_problem_and_writes_nothing()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        // The suite sends many login probes from one address; the login limit and throttle are tested elsewhere. Without
        // the built-in workflows, no scheduled run writes rows while the suite checks that nothing was written.
        await using var node = await MistyWebNode.StartAsync(connectionString, configure: builder =>
        {
            builder.Configuration.AddInMemoryCollection([new("MISTY_LOGIN_RATE_LIMIT", "1000000")]);
            builder.Services.AddSingleton(LoginThrottle.Default with { FreeFailures = 1_000_000 });
            builder.Services.Configure<WorkflowOptions>(workflows => workflows.DefineBuiltIns = false);
        });
        using var admin = await node.CreateStaffClientAsync();
        await TestAlbums.InsertAsync(connectionString, quantity: 5);
        var revokedKey = (await (await admin.PostAsJsonAsync("/api/api-keys", new { name = "revoked", kind = "server" })).Content.ReadFromJsonAsync<CreatedApiKeyResponse>())!;
        await admin.DeleteAsync($"/api/api-keys/{revokedKey.ApiKeyId}");
        using var anonymous = node.CreateClient();
        using var forgedToken = node.CreateClient();
        forgedToken.DefaultRequestHeaders.Authorization = new("Bearer", "CfDJ8-forged-" + new string('A', 200));
        using var wrongKey = node.CreateStorefrontClient("msk_wrong");
        using var revoked = node.CreateStorefrontClient(revokedKey.Key);
        using var forgedCustomer = node.CreateStorefrontClient();
        forgedCustomer.DefaultRequestHeaders.Add(CustomerTokens.HeaderName, "mct_CfDJ8-forged-" + new string('A', 200));
        var strangers = new[]
        {
            ("no credentials", anonymous), ("forged token", forgedToken), ("wrong key", wrongKey), ("revoked key", revoked),
            ("forged customer token", forgedCustomer),
        };

        var before = await SnapshotAsync(connectionString);
        var logsBefore = await TestSql.ScalarAsync<long>(connectionString, "SELECT count(*) FROM system_logs");
        var failures = new List<string>();
        var sent = 0;
        foreach (var endpoint in MappedEndpoint.Of(node))
        {
            var caller = endpoint.IsPublic ? anonymous : admin;
            var probes = new List<Probe>();
            if (!endpoint.IsPublic)
            {
                probes.AddRange(strangers.Select(stranger => new Probe(stranger.Item1, stranger.Item2, endpoint.SomePath(), endpoint.HasBody ? Json("{}") : null)));
            }

            if (!endpoint.IsHub)
            {
                probes.AddRange(RouteProbes(endpoint, caller));
                probes.AddRange(BodyProbes(endpoint, caller));
                probes.AddRange(QueryProbes(endpoint, caller, node.Services));
            }

            foreach (var probe in probes)
            {
                using var request = new HttpRequestMessage(new HttpMethod(endpoint.Method), probe.Path) { Content = probe.Body };
                // Waits for Kestrel's go-ahead before sending a body, so that an early 413 is read rather than a broken pipe.
                request.Headers.ExpectContinue = probe.Body is not null;
                var response = await probe.Client.SendAsync(request);
                sent++;
                var status = (int)response.StatusCode;
                var problem = response.Content.Headers.ContentType?.MediaType == "application/problem+json";
                if (status >= 500 || (status < 400 && !probe.MayAnswerOk) || (status >= 400 && !problem && !probe.KestrelRefuses))
                {
                    var body = await response.Content.ReadAsStringAsync();
                    failures.Add($"{endpoint} {probe.Description} ({Shorten(probe.Path)}): {status} {Shorten(body)}");
                }
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {sent} probes failed:\n" + string.Join("\n", failures));
        Assert.True(sent > 1_000, $"only {sent} probes were sent");
        var after = await SnapshotAsync(connectionString);
        Assert.True(before.Count == after.Count && before.All(table => after.GetValueOrDefault(table.Key) == table.Value),
            "Tables changed: " + string.Join(", ", after.Where(table => before.GetValueOrDefault(table.Key) != table.Value).Select(table => $"{table.Key} {before.GetValueOrDefault(table.Key)} -> {table.Value}")));
        // The only rows written are the audit trail's refused logins, and their count against the suite's address.
        Assert.Equal("127.0.0.1", await TestSql.ScalarAsync<string>(connectionString, "SELECT coalesce(string_agg(address, ','), '') FROM login_throttles"));
        Assert.Equal(
            await TestSql.ScalarAsync<long>(connectionString, "SELECT count(*) FROM system_logs") - logsBefore,
            await TestSql.ScalarAsync<long>(connectionString,
                "SELECT count(*) FROM system_logs WHERE source = 'audit' AND metadata->>'action' = 'auth.login_failed' AND metadata->>'reason' = 'unknown_account'"));
    }

    [Fact]
    public async Task NUL_characters_are_refused_as_bad_input_before_they_reach_PostgreSQL()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var node = await MistyWebNode.StartAsync(connectionString);
        using var admin = await node.CreateStaffClientAsync();
        var albumId = await TestAlbums.InsertAsync(connectionString, quantity: 5);

        foreach (var (path, body, field) in new (string, object, string)[]
                 {
                     ($"/api/inventory/{albumId}/restock", new { quantity = 1, notes = "box\u0000 2" }, "notes"),
                     ($"/api/inventory/{albumId}/adjust", new { delta = -1, reason = "\u0000" }, "reason"),
                     ("/api/auth/login", new { email = "admin\u0000@test.misty", password = "x" }, "email"),
                     ("/api/albums", new { sku = "NUL-1", title = "Nul\u0000", artist = "A", genre = "G", label = "L", releaseYear = 1970, price = 1, cost = 1, condition = "NM" }, "title"),
                 })
        {
            var response = await admin.PostAsJsonAsync(path, body);
            Assert.True(HttpStatusCode.BadRequest == response.StatusCode, $"{path}: {response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            var problem = await response.Content.ReadFromJsonAsync<ValidationProblemDetails>();
            Assert.True(problem!.Errors.ContainsKey(field), $"{path}: {string.Join(", ", problem.Errors.Keys)}");
        }

        var search = await admin.GetAsync("/api/albums?search=a%00b");
        Assert.Equal(HttpStatusCode.BadRequest, search.StatusCode);
        Assert.Equal(1L, await TestSql.ScalarAsync<long>(connectionString, "SELECT count(*) FROM inventory_transactions"));
        Assert.Equal(1L, await TestSql.ScalarAsync<long>(connectionString, "SELECT count(*) FROM albums"));
    }

    /// <param name="MayAnswerOk">A free-text filter: a strange value is a valid search that finds nothing.</param>
    /// <param name="KestrelRefuses">Kestrel itself answers (a 4xx without a body) before the application sees the request.</param>
    private sealed record Probe(string Description, HttpClient Client, string Path, HttpContent? Body, bool MayAnswerOk = false, bool KestrelRefuses = false);

    private static IEnumerable<Probe> RouteProbes(MappedEndpoint endpoint, HttpClient caller)
    {
        foreach (var parameter in endpoint.RouteParameters.Where(parameter => !parameter.IsCatchAll))
        {
            var values = MalformedIds.Append(MappedEndpoint.IsGuid(parameter) ? Guid.NewGuid().ToString() : "probe-unknown");
            foreach (var value in values)
            {
                var path = endpoint.Path(other => other == parameter ? value : MappedEndpoint.IsGuid(other) ? Guid.NewGuid().ToString() : "probe-unknown");
                yield return new Probe($"{parameter.Name} = {Shorten(value)}", caller, path, endpoint.HasBody ? Json("{}") : null);
            }

            var nul = endpoint.Path(other => other == parameter ? "a\u0000b" : MappedEndpoint.IsGuid(other) ? Guid.NewGuid().ToString() : "probe-unknown");
            yield return new Probe($"{parameter.Name} = NUL", caller, nul, endpoint.HasBody ? Json("{}") : null, KestrelRefuses: true);
        }
    }

    /// <summary>Endpoints whose body is a question to answer, writing nothing: any text in it is a valid question.</summary>
    private static readonly HashSet<string> FreeTextQueries = new(StringComparer.Ordinal) { "POST /api/knowledge/ask" };

    private static IEnumerable<Probe> BodyProbes(MappedEndpoint endpoint, HttpClient caller)
    {
        if (!endpoint.HasBody || endpoint.BodyType is not { } bodyType)
        {
            yield break;
        }

        var path = endpoint.SomePath();
        foreach (var raw in new[] { "", "{", "{\"a\":", "[]", "[1,2]", "\"text\"", "42", "null", "true", "{}}", "{} {}", "{\"a\":1,}", "{'a':1}", "{}", "\u0000" })
        {
            yield return new Probe($"body {Shorten(raw)}", caller, path, Json(raw));
        }

        yield return new Probe("invalid UTF-8", caller, path, new ByteArrayContent([0x7B, 0x22, 0xFF, 0xFE, 0x22, 0x7D]) { Headers = { ContentType = new("application/json") } });
        yield return new Probe("text/plain body", caller, path, new StringContent(Plausible(bodyType)!.ToJsonString(), Encoding.UTF8, "text/plain"));
        yield return new Probe("no content type", caller, path, new ByteArrayContent(Encoding.UTF8.GetBytes(Plausible(bodyType)!.ToJsonString())));
        yield return new Probe("oversized body", caller, path, Json(JsonSerializer.Serialize(new { padding = new string('x', (int)HttpHardening.MaxRequestBodyBytes + 10) })));
        yield return new Probe("deep nesting", caller, path, Json(new string('[', 5_000) + new string(']', 5_000)));

        foreach (var (field, type, set) in Fields(bodyType))
        {
            foreach (var (label, value) in BadValues(type))
            {
                var body = (JsonObject)Plausible(bodyType)!;
                set(body, value);
                yield return new Probe($"{field} = {label}", caller, path, Json(body.ToJsonString()),
                    MayAnswerOk: type == typeof(string) && FreeTextQueries.Contains(endpoint.ToString()));
            }
        }
    }

    private static IEnumerable<Probe> QueryProbes(MappedEndpoint endpoint, HttpClient caller, IServiceProvider services)
    {
        var routeNames = endpoint.RouteParameters.Select(parameter => parameter.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var serviceCheck = services.GetRequiredService<IServiceProviderIsService>();
        var query = (endpoint.Handler?.GetParameters() ?? []).Where(parameter =>
            !routeNames.Contains(parameter.Name!) && IsSimple(parameter.ParameterType) && !serviceCheck.IsService(parameter.ParameterType)
            && parameter.ParameterType != typeof(CancellationToken) && parameter.GetCustomAttributes().All(attribute => attribute is not (FromHeaderAttribute or FromServicesAttribute)));
        foreach (var parameter in query)
        {
            var textFilter = parameter.ParameterType == typeof(string);
            foreach (var value in Injections.Concat(["-1", "0", "1.5", "99999999999999999999", "1e308", "NaN", new string('q', 4_000)]))
            {
                yield return new Probe($"?{parameter.Name}={Shorten(value)}", caller,
                    $"{endpoint.SomePath()}?{parameter.Name}={Uri.EscapeDataString(value)}", null, MayAnswerOk: textFilter);
            }

            // Beyond Kestrel's request line limit (8 KiB): 414 from the server itself.
            yield return new Probe($"?{parameter.Name}=(10,000 characters)", caller,
                $"{endpoint.SomePath()}?{parameter.Name}={new string('q', 10_000)}", null, KestrelRefuses: true);
        }
    }

    /// <summary>Each field of the body, nested list elements included ("lines[0].quantity"), with a way to set it.</summary>
    private static IEnumerable<(string Field, Type Type, Action<JsonObject, JsonNode?> Set)> Fields(Type bodyType)
    {
        foreach (var property in Properties(bodyType))
        {
            var name = JsonNamingPolicy.CamelCase.ConvertName(property.Name);
            yield return (name, property.PropertyType, (body, value) => body[name] = value);
            if (ElementType(property.PropertyType) is { } element && IsRecord(element))
            {
                foreach (var inner in Properties(element))
                {
                    var innerName = JsonNamingPolicy.CamelCase.ConvertName(inner.Name);
                    yield return ($"{name}[0].{innerName}", inner.PropertyType, (body, value) => ((JsonObject)body[name]![0]!)[innerName] = value);
                }
            }
        }
    }

    private static IEnumerable<(string Label, JsonNode? Value)> BadValues(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        // Values of a JSON kind the type cannot take.
        JsonNode?[] wrongKinds = type switch
        {
            _ when type == typeof(bool) => [new JsonArray(), new JsonObject()],
            _ when type == typeof(JsonElement) || typeof(IDictionary).IsAssignableFrom(type) => [JsonValue.Create(true), new JsonArray()],
            _ when ElementType(type) is not null => [JsonValue.Create(true), new JsonObject()],
            _ => [JsonValue.Create(true), new JsonArray(), new JsonObject()],
        };
        IEnumerable<(string, JsonNode?)> values = type switch
        {
            _ when type == typeof(string) => Injections.Select(text => (Shorten(text), (JsonNode?)JsonValue.Create(text)))
                .Append(("10,000 characters", JsonValue.Create(new string('s', 10_000))))
                .Append(("a number", JsonValue.Create(123))),
            _ when IsNumber(type) =>
                new[] { "0", "-1", "-2147483649", "2147483648", "9223372036854775808", "1e308", "-1e308", "1.5", "1e-7", "79228162514264337593543950336", "\"1\"", "\"NaN\"" }
                    .Select(number => (number, JsonNode.Parse(number))),
            _ when type == typeof(Guid) => new[] { "not-a-guid", "", "00000000-0000-0000-0000-000000000000", "1' OR '1'='1" }
                .Select(text => (text, (JsonNode?)JsonValue.Create(text))).Append(("a number", JsonValue.Create(7))),
            _ when type == typeof(bool) => [("\"yes\"", JsonValue.Create("yes")), ("1", JsonValue.Create(1)), ("\"true\"", JsonValue.Create("true"))],
            _ when type == typeof(JsonElement) => [("a string", JsonValue.Create("x")), ("a number", JsonValue.Create(1)), ("an array", new JsonArray()), ("NUL", JsonNode.Parse("{\"a\":\"\\u0000\"}"))],
            _ when typeof(IDictionary).IsAssignableFrom(type) =>
            [
                ("a string", JsonValue.Create("x")), ("an array", new JsonArray()), ("a number value", JsonNode.Parse("{\"k\":1}")),
                ("an object value", JsonNode.Parse("{\"k\":{}}")), ("an empty name", JsonNode.Parse("{\"\":\"v\"}")), ("an empty value", JsonNode.Parse("{\"k\":\"\"}")),
                ("an injected name", JsonNode.Parse("{\"<script>\":\"v\"}")),
            ],
            _ when ElementType(type) is { } element =>
            [
                ("an object", new JsonObject()), ("a string", JsonValue.Create("x")), ("[null]", JsonNode.Parse("[null]")), ("[1]", JsonNode.Parse("[1]")),
                ("10,000 elements", new JsonArray([.. Enumerable.Range(0, 10_000).Select(_ => Plausible(element))])),
            ],
            _ => [],
        };
        return values.Concat(type == typeof(string) ? [] : wrongKinds.Select(kind => ($"the wrong kind {kind!.GetValueKind()}", (JsonNode?)kind)));
    }

    /// <summary>A body of the right shape, each field a value of its type (not necessarily a valid one).</summary>
    private static JsonNode? Plausible(Type type, int depth = 0)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type switch
        {
            _ when type == typeof(string) => JsonValue.Create("probe"),
            _ when IsNumber(type) => JsonValue.Create(1),
            _ when type == typeof(Guid) => JsonValue.Create(Guid.NewGuid()),
            _ when type == typeof(bool) => JsonValue.Create(false),
            _ when type == typeof(DateTimeOffset) || type == typeof(DateTime) => JsonValue.Create("2026-01-01T00:00:00Z"),
            _ when type == typeof(DateOnly) => JsonValue.Create("2026-01-01"),
            _ when type.IsEnum => JsonValue.Create(Enum.GetNames(type)[0]),
            _ when type == typeof(JsonElement) || typeof(IDictionary).IsAssignableFrom(type) => new JsonObject(),
            _ when ElementType(type) is { } element => new JsonArray(Plausible(element, depth + 1)),
            // Records nest (lines of an order); anything else gets a string, which is a bad value for it anyway.
            _ when IsRecord(type) && depth < 3 => new JsonObject(Properties(type).Select(property =>
                KeyValuePair.Create(JsonNamingPolicy.CamelCase.ConvertName(property.Name), Plausible(property.PropertyType, depth + 1)))),
            _ => JsonValue.Create("probe"),
        };
    }

    private static PropertyInfo[] Properties(Type type) => type.GetProperties(BindingFlags.Public | BindingFlags.Instance);

    private static Type? ElementType(Type type) =>
        type != typeof(string) && !typeof(IDictionary).IsAssignableFrom(type)
            ? type.GetInterfaces().Append(type).FirstOrDefault(candidate => candidate.IsGenericType && candidate.GetGenericTypeDefinition() == typeof(IEnumerable<>))
                ?.GetGenericArguments()[0]
            : null;

    private static bool IsRecord(Type type) => type.IsClass && type != typeof(string) && type.GetMethod("<Clone>$") is not null;

    private static bool IsNumber(Type type) =>
        type == typeof(int) || type == typeof(long) || type == typeof(short) || type == typeof(decimal) || type == typeof(double) || type == typeof(float);

    private static bool IsSimple(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type.IsPrimitive || type == typeof(string) || type == typeof(decimal) || type == typeof(Guid) || type == typeof(DateTimeOffset)
               || type == typeof(DateTime) || type.IsEnum;
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static string Shorten(string text) => text.Length <= 60 ? text : $"{text[..40]}... ({text.Length} chars)";

    /// <summary>
    /// A digest of every relational table and of the inventory and reservation grains' stored state: anything a
    /// probe wrote changes it. The audit trail (system_logs) is checked apart, the Orleans cluster tables change by
    /// themselves.
    /// </summary>
    internal static async Task<Dictionary<string, string>> SnapshotAsync(string connectionString)
    {
        await using var database = NpgsqlDataSource.Create(connectionString);
        var tables = new List<string>();
        await using (var list = database.CreateCommand(
            """
            SELECT tablename FROM pg_tables WHERE schemaname = 'public'
            AND tablename NOT LIKE 'orleans%' AND tablename NOT IN ('system_logs', 'schemaversions', 'schema_versions')
            -- The knowledge index follows the catalogue in the background (it indexes the test's album meanwhile);
            -- a document a request wrote would show in knowledge_documents.
            AND tablename NOT IN ('knowledge_chunks', 'knowledge_sources')
            -- Refused logins count against the client's address: checked on its own.
            AND tablename <> 'login_throttles'
            ORDER BY tablename
            """))
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        var digests = new Dictionary<string, string>();
        foreach (var table in tables)
        {
            await using var digest = database.CreateCommand($"SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') FROM \"{table}\" t");
            digests[table] = (string)(await digest.ExecuteScalarAsync())!;
        }

        await using var grains = database.CreateCommand(
            "SELECT count(*) || ':' || coalesce(md5(string_agg(payloadjson::text, '|' ORDER BY payloadjson::text)), '') FROM orleansstorage WHERE graintypestring IN ('inventory', 'reservation')");
        digests["orleansstorage (inventory, reservation)"] = (string)(await grains.ExecuteScalarAsync())!;
        return digests;
    }
}
