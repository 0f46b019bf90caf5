using Misty.Client;
using Npgsql;

namespace Misty.Web.Demo;

/// <summary>The demo's HTTP clients of the node: the site's backend (storefront key), a signed-in shopper, the mail gateway.</summary>
internal sealed class DemoShop : IDisposable
{
    private readonly HttpMessageHandler _handler;
    private readonly HttpClient _storefrontHttp;
    private readonly HttpClient _mailHttp;
    private readonly Uri _address;
    private readonly string _key;

    public DemoShop(HttpMessageHandler handler, HttpMessageHandler mailGateway, Uri address, string storefrontKey)
    {
        (_handler, _address, _key) = (handler, address, storefrontKey);
        _storefrontHttp = StorefrontHttp();
        _mailHttp = new HttpClient(mailGateway, disposeHandler: false) { BaseAddress = address };
        Storefront = new MistyClient(_storefrontHttp);
        MailGateway = new MistyClient(_mailHttp);
    }

    public MistyClient Storefront { get; }

    public MistyClient MailGateway { get; }

    /// <summary>The site acting for a signed-in customer: the storefront key plus the customer's token.</summary>
    public CustomerSession ForCustomer(string customerToken)
    {
        var http = StorefrontHttp();
        http.DefaultRequestHeaders.Add("X-Customer-Token", customerToken);
        return new CustomerSession(http);
    }

    private HttpClient StorefrontHttp()
    {
        var http = new HttpClient(_handler, disposeHandler: false) { BaseAddress = _address, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Add("X-Api-Key", _key);
        return http;
    }

    public void Dispose()
    {
        _storefrontHttp.Dispose();
        _mailHttp.Dispose();
    }
}

internal sealed class CustomerSession(HttpClient http) : IDisposable
{
    public MistyClient Client { get; } = new(http);

    public void Dispose() => http.Dispose();
}

/// <summary>A customer the demo shops as: one of the store's (from the rows, as a site knows its accounts) or one it signed up.</summary>
internal sealed record DemoCustomer(Guid CustomerId, string Email, string FirstName, string LastName, string? Address);

/// <summary>The customers and albums the shoppers know so far, shared by every shopper.</summary>
internal sealed class DemoPopulation
{
    private const int MaxKnown = 2_000;
    private readonly List<DemoCustomer> _customers = [];
    private readonly Dictionary<Guid, AlbumResponse> _albums = [];
    private readonly List<Guid> _albumIds = [];

    public int AlbumCount
    {
        get
        {
            lock (_albums)
            {
                return _albums.Count;
            }
        }
    }

    public async Task LoadCustomersAsync(NpgsqlDataSource database, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            "SELECT customer_id, email, first_name, last_name, address FROM customers WHERE deleted_at IS NULL ORDER BY random() LIMIT 500");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            Add(new DemoCustomer(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4)));
        }
    }

    public void Add(DemoCustomer customer)
    {
        lock (_customers)
        {
            if (_customers.Count >= MaxKnown)
            {
                _customers.RemoveAt(0);
            }

            _customers.Add(customer);
        }
    }

    public DemoCustomer? PickCustomer(Random random)
    {
        lock (_customers)
        {
            return _customers.Count == 0 ? null : _customers[random.Next(_customers.Count)];
        }
    }

    public void Add(IEnumerable<AlbumResponse> albums)
    {
        lock (_albums)
        {
            foreach (var album in albums)
            {
                if (_albums.TryAdd(album.AlbumId, album))
                {
                    _albumIds.Add(album.AlbumId);
                }
            }
        }
    }

    /// <summary>Up to <paramref name="count"/> different albums, at random.</summary>
    public IReadOnlyList<AlbumResponse> PickAlbums(Random random, int count)
    {
        lock (_albums)
        {
            var picked = new Dictionary<Guid, AlbumResponse>();
            for (var attempt = 0; attempt < count * 3 && picked.Count < count && _albumIds.Count > 0; attempt++)
            {
                var id = _albumIds[random.Next(_albumIds.Count)];
                picked.TryAdd(id, _albums[id]);
            }

            return [.. picked.Values];
        }
    }
}
