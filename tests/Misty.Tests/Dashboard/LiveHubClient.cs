using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR.Client;
using Misty.Tests.Infrastructure;

namespace Misty.Tests.Dashboard;

/// <summary>A staff SignalR client of /hubs/operations that keeps every event it receives, per hub method.</summary>
public sealed class LiveHubClient : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Channel<object>> _received = new(StringComparer.Ordinal);

    private LiveHubClient(HubConnection connection)
    {
        Connection = connection;
    }

    public HubConnection Connection { get; }

    public static async Task<LiveHubClient> ConnectAsync(MistyWebNode node)
    {
        using var staff = await node.CreateStaffClientAsync();
        var token = staff.DefaultRequestHeaders.Authorization!.Parameter!;
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(node.Address, "/hubs/operations"), options => options.AccessTokenProvider = () => Task.FromResult<string?>(token))
            .Build();
        var client = new LiveHubClient(connection);
        await connection.StartAsync();
        return client;
    }

    /// <summary>Keeps the events of <paramref name="method"/>; call before they can arrive.</summary>
    public LiveHubClient Record<TEvent>(string method) where TEvent : class
    {
        var channel = _received.GetOrAdd(method, _ => Channel.CreateUnbounded<object>());
        Connection.On<TEvent[]>(method, batch =>
        {
            foreach (var item in batch)
            {
                channel.Writer.TryWrite(item);
            }
        });
        return this;
    }

    /// <summary>The next kept event of <paramref name="method"/> that matches, or null when none comes in time.</summary>
    public async Task<TEvent?> NextAsync<TEvent>(string method, Func<TEvent, bool> match, TimeSpan timeout) where TEvent : class
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            while (true)
            {
                if (await _received[method].Reader.ReadAsync(deadline.Token) is TEvent item && match(item))
                {
                    return item;
                }
            }
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    public ValueTask DisposeAsync() => Connection.DisposeAsync();
}

/// <summary>The storefront's side of the tests: reservations through the HTTP API.</summary>
public static class StorefrontCalls
{
    public static HttpClient Client(MistyWebNode node)
    {
        var client = node.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", MistyWebNode.StorefrontKey);
        return client;
    }

    public static async Task ReserveAsync(HttpClient storefront, Guid albumId, int quantity)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/reservations")
        {
            Content = JsonContent.Create(new { lines = new[] { new { albumId, quantity } } }),
        };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        using var response = await storefront.SendAsync(request);
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
    }
}
