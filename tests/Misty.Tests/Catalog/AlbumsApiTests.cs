using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Misty.Tests.Infrastructure;
using Misty.Web.Api;
using Misty.Web.Catalog;
using Misty.Web.Security;
using Npgsql;

namespace Misty.Tests.Catalog;

[Collection(PostgresCollection.Name)]
public sealed class AlbumsApiTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Creating_an_album_stores_it_with_its_genre_label_and_an_empty_inventory()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var node = await MistyWebNode.StartAsync(connectionString);
        using var staff = await node.CreateStaffClientAsync();

        var response = await staff.PostAsJsonAsync("/api/albums", Album("BN-4003", ("description", "Deep groove mono pressing.")));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var album = body.RootElement;
        var albumId = album.GetProperty("albumId").GetGuid();
        Assert.Equal($"/api/albums/{albumId}", response.Headers.Location?.OriginalString);
        Assert.Equal("BN-4003", album.GetProperty("sku").GetString());
        Assert.Equal("Moanin'", album.GetProperty("title").GetString());
        Assert.Equal("Art Blakey", album.GetProperty("artist").GetString());
        Assert.Equal("Jazz", album.GetProperty("genre").GetString());
        Assert.Equal("Blue Note", album.GetProperty("label").GetString());
        Assert.Equal(1958, album.GetProperty("releaseYear").GetInt32());
        Assert.Equal(34.99m, album.GetProperty("price").GetDecimal());
        Assert.Equal(18.50m, album.GetProperty("cost").GetDecimal());
        Assert.Equal("VG+", album.GetProperty("condition").GetString());
        Assert.Equal("Deep groove mono pressing.", album.GetProperty("description").GetString());
        Assert.False(album.GetProperty("isRare").GetBoolean());
        Assert.Equal(JsonValueKind.Null, album.GetProperty("estimatedValue").ValueKind);
        Assert.True(album.GetProperty("createdAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(-5));
        Assert.True(album.TryGetProperty("updatedAt", out _));

        await using var database = NpgsqlDataSource.Create(connectionString);
        Assert.Equal(album.GetProperty("genreId").GetGuid(), await ScalarAsync<Guid>(database, "SELECT genre_id FROM genres WHERE name = 'Jazz'"));
        Assert.Equal(album.GetProperty("labelId").GetGuid(), await ScalarAsync<Guid>(database, "SELECT label_id FROM labels WHERE name = 'Blue Note'"));

        // The inventory grain starts from this row: empty, unreserved, version 0.
        await using var inventory = database.CreateCommand(
            "SELECT quantity, reserved_quantity, reorder_point, optimal_stock_level, version FROM inventory WHERE album_id = @id");
        inventory.Parameters.AddWithValue("id", albumId);
        await using (var reader = await inventory.ExecuteReaderAsync())
        {
            Assert.True(await reader.ReadAsync());
            Assert.Equal(0, reader.GetInt32(0));
            Assert.Equal(0, reader.GetInt32(1));
            Assert.Equal(AlbumCatalog.DefaultReorderPoint, reader.GetInt32(2));
            Assert.Equal(AlbumCatalog.DefaultOptimalStockLevel, reader.GetInt32(3));
            Assert.Equal(0L, reader.GetInt64(4));
        }

        var fetched = await staff.GetFromJsonAsync<AlbumResponse>(response.Headers.Location);
        Assert.Equal(albumId, fetched!.AlbumId);
        Assert.Equal("Jazz", fetched.Genre);
    }

    [Fact]
    public async Task A_second_album_reuses_an_existing_genre_and_label_whatever_their_case()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var node = await MistyWebNode.StartAsync(connectionString);
        using var staff = await node.CreateStaffClientAsync();

        var first = await CreateAsync(staff, Album("BN-4003"));
        var second = await CreateAsync(staff, Album("BN-4008", ("title", "Horace-Scope"), ("artist", "Horace Silver"),
            ("genre", "jazz"), ("label", "Blue Note"), ("condition", "nm")));
        var third = await CreateAsync(staff, Album("CBS-1001", ("genre", "Jazz"), ("label", "Columbia")));

        Assert.Equal(first.GenreId, second.GenreId);
        Assert.Equal("Jazz", second.Genre);
        Assert.Equal(first.LabelId, second.LabelId);
        Assert.Equal("NM", second.Condition);
        Assert.Equal(first.GenreId, third.GenreId);
        Assert.NotEqual(first.LabelId, third.LabelId);
        await using var database = NpgsqlDataSource.Create(connectionString);
        Assert.Equal(1L, await ScalarAsync<long>(database, "SELECT count(*) FROM genres"));
        Assert.Equal(2L, await ScalarAsync<long>(database, "SELECT count(*) FROM labels"));
    }

    [Fact]
    public async Task A_duplicate_sku_is_a_conflict_that_writes_nothing()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var node = await MistyWebNode.StartAsync(connectionString);
        using var staff = await node.CreateStaffClientAsync();
        await CreateAsync(staff, Album("BN-4003"));

        var duplicate = await staff.PostAsJsonAsync("/api/albums", Album("BN-4003", ("genre", "Polka"), ("label", "Polka Records")));

        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
        Assert.Equal("application/problem+json", duplicate.Content.Headers.ContentType?.MediaType);
        Assert.Contains("BN-4003", await duplicate.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await using var database = NpgsqlDataSource.Create(connectionString);
        Assert.Equal(1L, await ScalarAsync<long>(database, "SELECT count(*) FROM albums"));
        Assert.Equal(1L, await ScalarAsync<long>(database, "SELECT count(*) FROM inventory"));
        // The new genre and label of the refused album were rolled back with it.
        Assert.Equal(0L, await ScalarAsync<long>(database, "SELECT count(*) FROM genres WHERE name = 'Polka'"));
        Assert.Equal(0L, await ScalarAsync<long>(database, "SELECT count(*) FROM labels WHERE name = 'Polka Records'"));
    }

    [Fact]
    public async Task Concurrent_creations_share_one_new_genre_and_exactly_one_wins_a_sku()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var node = await MistyWebNode.StartAsync(connectionString);
        using var staff = await node.CreateStaffClientAsync();

        var distinctSkus = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            staff.PostAsJsonAsync("/api/albums", Album($"SKA-{i}", ("genre", "Ska"), ("label", "Trojan")))));
        var sameSku = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            staff.PostAsJsonAsync("/api/albums", Album("DUB-1", ("genre", "Dub"), ("label", "Trojan")))));

        Assert.All(distinctSkus, response => Assert.Equal(HttpStatusCode.Created, response.StatusCode));
        Assert.Single(sameSku, response => response.StatusCode == HttpStatusCode.Created);
        Assert.All(sameSku.Where(response => response.StatusCode != HttpStatusCode.Created),
            response => Assert.Equal(HttpStatusCode.Conflict, response.StatusCode));
        await using var database = NpgsqlDataSource.Create(connectionString);
        Assert.Equal(1L, await ScalarAsync<long>(database, "SELECT count(*) FROM genres WHERE name = 'Ska'"));
        Assert.Equal(1L, await ScalarAsync<long>(database, "SELECT count(*) FROM labels WHERE name = 'Trojan'"));
        Assert.Equal(9L, await ScalarAsync<long>(database, "SELECT count(*) FROM albums"));
        Assert.Equal(9L, await ScalarAsync<long>(database, "SELECT count(*) FROM inventory"));
    }

    [Fact]
    public async Task Each_bad_field_is_a_validation_problem_naming_it_and_nothing_is_written()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var node = await MistyWebNode.StartAsync(connectionString);
        using var staff = await node.CreateStaffClientAsync();
        var nextYear = DateTime.UtcNow.Year + 1;
        (string Field, object? Value)[] cases =
        [
            ("sku", null), ("sku", "   "), ("sku", new string('S', 65)),
            ("title", null), ("title", ""), ("title", new string('T', 301)),
            ("artist", null), ("artist", new string('A', 301)),
            ("genre", null), ("genre", new string('G', 101)),
            ("label", " "), ("label", new string('L', 201)),
            ("releaseYear", null), ("releaseYear", 1899), ("releaseYear", nextYear + 1),
            ("price", null), ("price", -0.01m), ("price", 1.999m), ("price", 100_000_000m),
            ("cost", null), ("cost", -1m), ("cost", 0.001m),
            ("condition", null), ("condition", "Mint"), ("condition", "VG-"),
            ("estimatedValue", -5m), ("estimatedValue", 12.345m), ("estimatedValue", 1e12m),
            ("description", new string('D', 10_001)),
        ];

        foreach (var (field, value) in cases)
        {
            var response = await staff.PostAsJsonAsync("/api/albums", Album("BAD-1", (field, value)));
            Assert.True(HttpStatusCode.BadRequest == response.StatusCode, $"{field} = {value}: {response.StatusCode}");
            var errors = await ValidationErrorsAsync(response);
            Assert.True(errors.Contains(field) && errors.Count == 1, $"{field} = {value}: errors on {string.Join(", ", errors)}");
        }

        // Every bad field is named at once.
        var empty = await staff.PostAsJsonAsync("/api/albums", new { });
        Assert.Equal(
            ["artist", "condition", "cost", "genre", "label", "price", "releaseYear", "sku", "title"],
            (await ValidationErrorsAsync(empty)).Order(StringComparer.Ordinal));

        // The edges of each range are accepted.
        await CreateAsync(staff, Album("EDGE-1", ("releaseYear", 1900), ("price", 0m), ("cost", 0m), ("estimatedValue", 0m)));
        await CreateAsync(staff, Album("EDGE-2", ("releaseYear", nextYear), ("price", AlbumsApi.MaxAmount), ("condition", "P")));

        await using var database = NpgsqlDataSource.Create(connectionString);
        Assert.Equal(2L, await ScalarAsync<long>(database, "SELECT count(*) FROM albums"));
        Assert.Equal(0L, await ScalarAsync<long>(database, "SELECT count(*) FROM albums WHERE sku = 'BAD-1'"));
        Assert.Equal(1L, await ScalarAsync<long>(database, "SELECT count(*) FROM genres"));
        Assert.Equal(1L, await ScalarAsync<long>(database, "SELECT count(*) FROM labels"));
    }

    [Fact]
    public async Task Unreadable_bodies_are_problems_not_errors()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var node = await MistyWebNode.StartAsync(connectionString);
        using var staff = await node.CreateStaffClientAsync();

        foreach (var json in new[] { "{ \"sku\": ", "[1, 2]", "{\"sku\": \"X\", \"releaseYear\": \"nineteen\"}", "" })
        {
            var response = await staff.PostAsync("/api/albums", new StringContent(json, Encoding.UTF8, "application/json"));
            Assert.True(HttpStatusCode.BadRequest == response.StatusCode, $"{json}: {response.StatusCode}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        await using var database = NpgsqlDataSource.Create(connectionString);
        Assert.Equal(0L, await ScalarAsync<long>(database, "SELECT count(*) FROM albums"));
    }

    [Fact]
    public async Task The_storefront_reads_managers_write_and_strangers_are_refused()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var node = await MistyWebNode.StartAsync(connectionString);
        using var admin = await node.CreateStaffClientAsync();
        var album = await CreateAsync(admin, Album("BN-4003"));
        using var storefront = node.CreateClient();
        storefront.DefaultRequestHeaders.Add("X-Api-Key", MistyWebNode.StorefrontKey);
        using var clerk = await LoginAsync(node, await AddStaffMemberAsync(node, StaffRoles.Staff));
        using var manager = await LoginAsync(node, await AddStaffMemberAsync(node, StaffRoles.Manager));
        using var anonymous = node.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await storefront.GetAsync($"/api/albums/{album.AlbumId}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await storefront.GetAsync("/api/albums")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await clerk.GetAsync("/api/albums")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await storefront.PostAsJsonAsync("/api/albums", Album("SF-1"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await clerk.PostAsJsonAsync("/api/albums", Album("CL-1"))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await manager.PostAsJsonAsync("/api/albums", Album("MG-1"))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"/api/albums/{album.AlbumId}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/albums")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/api/albums", Album("AN-1"))).StatusCode);

        await using var database = NpgsqlDataSource.Create(connectionString);
        Assert.Equal(2L, await ScalarAsync<long>(database, "SELECT count(*) FROM albums"));
    }

    [Fact]
    public async Task Unknown_malformed_and_deleted_albums_are_not_found()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var node = await MistyWebNode.StartAsync(connectionString);
        using var staff = await node.CreateStaffClientAsync();
        var album = await CreateAsync(staff, Album("BN-4003"));
        await using var database = NpgsqlDataSource.Create(connectionString);
        await using (var delete = database.CreateCommand("UPDATE albums SET deleted_at = now() WHERE album_id = @id"))
        {
            delete.Parameters.AddWithValue("id", album.AlbumId);
            await delete.ExecuteNonQueryAsync();
        }

        foreach (var path in new[] { $"/api/albums/{Guid.NewGuid()}", "/api/albums/not-a-uuid", "/api/albums/1'--", $"/api/albums/{album.AlbumId}" })
        {
            var response = await staff.GetAsync(path);
            Assert.True(HttpStatusCode.NotFound == response.StatusCode, $"{path}: {response.StatusCode}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        var list = await staff.GetFromJsonAsync<AlbumPage>("/api/albums");
        Assert.Equal(0, list!.Total);
        Assert.Empty(list.Items);
    }

    [Fact]
    public async Task The_list_searches_filters_and_pages_in_a_stable_order()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var node = await MistyWebNode.StartAsync(connectionString);
        using var staff = await node.CreateStaffClientAsync();
        using var storefront = node.CreateClient();
        storefront.DefaultRequestHeaders.Add("X-Api-Key", MistyWebNode.StorefrontKey);
        await CreateAsync(staff, Album("BN-4003", ("title", "Moanin'"), ("artist", "Art Blakey"), ("genre", "Jazz")));
        await CreateAsync(staff, Album("BN-4029", ("title", "The Big Beat"), ("artist", "Art Blakey"), ("genre", "Jazz")));
        await CreateAsync(staff, Album("CL-1355", ("title", "Kind of Blue"), ("artist", "Miles Davis"), ("genre", "Jazz")));
        await CreateAsync(staff, Album("EMI-001", ("title", "Abbey Road"), ("artist", "The Beatles"), ("genre", "Rock")));
        await CreateAsync(staff, Album("XL-100", ("title", "100% Pure_Noise"), ("artist", "Blakey Tribute Band"), ("genre", "Rock")));

        Assert.Equal(["BN-4003", "BN-4029", "XL-100"], await SkusAsync(storefront, "?search=BLAKEY"));
        Assert.Equal(["CL-1355"], await SkusAsync(storefront, "?search=cl-13"));
        Assert.Equal(["EMI-001"], await SkusAsync(storefront, "?search=abbey"));
        // Wildcards in the search are literal characters.
        Assert.Equal(["XL-100"], await SkusAsync(storefront, "?search=%25"));
        Assert.Equal(["XL-100"], await SkusAsync(storefront, "?search=_"));
        Assert.Equal(["BN-4003", "BN-4029", "CL-1355"], await SkusAsync(storefront, "?genre=jazz"));
        Assert.Equal(["BN-4003", "BN-4029"], await SkusAsync(storefront, "?artist=art%20blakey"));
        Assert.Empty(await SkusAsync(storefront, "?artist=Art"));
        Assert.Equal(["XL-100"], await SkusAsync(storefront, "?genre=Rock&search=blakey"));
        Assert.Empty(await SkusAsync(storefront, "?genre=Polka"));

        var page1 = await storefront.GetFromJsonAsync<AlbumPage>("/api/albums?pageSize=2");
        var page2 = await storefront.GetFromJsonAsync<AlbumPage>("/api/albums?pageSize=2&page=2");
        var page3 = await storefront.GetFromJsonAsync<AlbumPage>("/api/albums?pageSize=2&page=3");
        var beyond = await storefront.GetFromJsonAsync<AlbumPage>("/api/albums?pageSize=2&page=9");
        Assert.Equal(["BN-4003", "BN-4029"], page1!.Items.Select(album => album.Sku));
        Assert.Equal(["XL-100", "CL-1355"], page2!.Items.Select(album => album.Sku));
        Assert.Equal(["EMI-001"], page3!.Items.Select(album => album.Sku));
        Assert.Empty(beyond!.Items);
        Assert.All(new[] { page1, page2, page3, beyond }, page => Assert.Equal(5, page.Total));
        Assert.Equal((2, 2), (page2.Page, page2.PageSize));
        var defaults = await storefront.GetFromJsonAsync<AlbumPage>("/api/albums");
        Assert.Equal((1, PageParameters.DefaultPageSize, 5), (defaults!.Page, defaults.PageSize, defaults.Items.Count));

        foreach (var (query, field) in new[]
                 {
                     ("page=0", "page"), ("page=-1", "page"), ("page=x", "page"), ("pageSize=0", "pageSize"),
                     ("pageSize=101", "pageSize"), ("pageSize=1.5", "pageSize"), ($"search={new string('s', 301)}", "search"),
                 })
        {
            var response = await storefront.GetAsync($"/api/albums?{query}");
            Assert.True(HttpStatusCode.BadRequest == response.StatusCode, $"{query}: {response.StatusCode}");
            Assert.Equal([field], await ValidationErrorsAsync(response));
        }
    }

    /// <summary>A valid create body; each override replaces a field, and a null value leaves it out.</summary>
    private static Dictionary<string, object?> Album(string sku, params (string Field, object? Value)[] overrides)
    {
        var album = new Dictionary<string, object?>
        {
            ["sku"] = sku,
            ["title"] = "Moanin'",
            ["artist"] = "Art Blakey",
            ["genre"] = "Jazz",
            ["label"] = "Blue Note",
            ["releaseYear"] = 1958,
            ["price"] = 34.99m,
            ["cost"] = 18.50m,
            ["condition"] = "VG+",
        };
        foreach (var (field, value) in overrides)
        {
            if (value is null)
            {
                album.Remove(field);
            }
            else
            {
                album[field] = value;
            }
        }

        return album;
    }

    private static async Task<AlbumResponse> CreateAsync(HttpClient client, Dictionary<string, object?> album)
    {
        var response = await client.PostAsJsonAsync("/api/albums", album);
        Assert.True(HttpStatusCode.Created == response.StatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<AlbumResponse>())!;
    }

    private static async Task<string[]> SkusAsync(HttpClient client, string query)
    {
        var page = await client.GetFromJsonAsync<AlbumPage>("/api/albums" + query);
        return page!.Items.Select(album => album.Sku).ToArray();
    }

    private static async Task<List<string>> ValidationErrorsAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return problem.RootElement.GetProperty("errors").EnumerateObject().Select(error => error.Name).ToList();
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlDataSource database, string sql)
    {
        await using var command = database.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<string> AddStaffMemberAsync(MistyWebNode node, string role)
    {
        var email = $"{role}-{Guid.NewGuid():N}@test.misty";
        var draft = new StaffAccount(Guid.NewGuid(), email, "", "Test", role, role, true);
        var hash = node.Services.GetRequiredService<IPasswordHasher<StaffAccount>>().HashPassword(draft, MistyWebNode.AdminPassword);
        await node.Services.GetRequiredService<ICredentialStore>().AddUserAsync(draft with { PasswordHash = hash }, CancellationToken.None);
        return email;
    }

    private static async Task<HttpClient> LoginAsync(MistyWebNode node, string email)
    {
        var client = node.CreateClient();
        var response = await client.PostAsJsonAsync("/api/auth/login", new { email, password = MistyWebNode.AdminPassword });
        response.EnsureSuccessStatusCode();
        using var login = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        client.DefaultRequestHeaders.Authorization = new("Bearer", login.RootElement.GetProperty("accessToken").GetString());
        return client;
    }
}
