namespace Misty.Tests.Contract;

/// <summary>Records every exchange of a client for the contract check; a request marked as sent wrong on purpose is recorded so.</summary>
public sealed class RecordingHandler(List<Exchange> exchanges) : DelegatingHandler(new HttpClientHandler())
{
    public const string DeliberatelyInvalid = "X-Test-Invalid-Request";

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var valid = !request.Headers.Remove(DeliberatelyInvalid);
        var requestBody = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        var headers = request.Headers.ToDictionary(header => header.Key, header => string.Join(",", header.Value), StringComparer.OrdinalIgnoreCase);
        var response = await base.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        lock (exchanges)
        {
            exchanges.Add(new Exchange(request.Method.Method, request.RequestUri!.PathAndQuery, request.Content?.Headers.ContentType?.MediaType, requestBody,
                headers, (int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, body, valid));
        }

        return response;
    }
}
