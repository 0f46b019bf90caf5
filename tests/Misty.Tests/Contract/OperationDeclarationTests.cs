using System.Net;
using System.Net.Http.Json;
using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Misty.Tests.Infrastructure;

namespace Misty.Tests.Contract;

/// <summary>
/// What the document declares for every operation, not only the ones the storefront's traffic reaches: a named id and a
/// summary; each client error the pipeline can answer (401/403 where credentials are needed, 429 where the storefront's
/// rate limit applies, 400/413/415 where a body is read, 404 where the path names something); problem details for every
/// error; handlers whose return types declare their answers; and staff, admin and agent traffic that conforms.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed partial class OperationDeclarationTests(PostgresFixture postgres)
{
    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch"];
    private static readonly string[] ProblemSchemas = ["#/components/schemas/ProblemDetails", "#/components/schemas/HttpValidationProblemDetails"];

    /// <summary>Creates or replaces what its path names, so nothing can be missing.</summary>
    private static readonly HashSet<string> Upserts = ["putIntegration"];

    [Fact]
    [Trait("Category", "Unit")]
    public void Every_operation_has_a_named_id_and_a_summary()
    {
        var operations = Operations().ToList();
        Assert.True(operations.Count >= 100, $"only {operations.Count} operations in docs/openapi/v1.json");
        Assert.All(operations, entry =>
        {
            var id = entry.Operation["operationId"]?.GetValue<string>() ?? "";
            Assert.True(OperationId().IsMatch(id), $"{entry.Name}: operationId '{id}' is not a camelCase name");
            Assert.False(RouteDerived().IsMatch(id), $"{entry.Name}: '{id}' is made from the route; name the endpoint (.WithName)");
            var summary = entry.Operation["summary"]?.GetValue<string>();
            Assert.True(!string.IsNullOrWhiteSpace(summary) && summary != id, $"{entry.Name}: no summary (.WithSummary)");
        });
        var duplicates = operations.GroupBy(entry => entry.Operation["operationId"]!.GetValue<string>()).Where(group => group.Count() > 1).Select(group => group.Key);
        Assert.Empty(duplicates);
    }

    [Fact]
    [Trait("Category", "Unit")]
    public void Every_operation_declares_the_client_errors_it_can_answer_as_problems()
    {
        List<string> missing = [];
        foreach (var (name, operation) in Operations())
        {
            var responses = operation["responses"]!.AsObject();
            var security = operation["security"]?.AsArray() ?? [];
            var parameters = operation["parameters"]?.AsArray().OfType<JsonObject>().ToList() ?? [];
            var id = operation["operationId"]?.GetValue<string>() ?? "";
            void Expect(bool applies, string status, string why)
            {
                if (applies && !responses.ContainsKey(status))
                {
                    missing.Add($"{name}: no {status} ({why})");
                }
            }

            Expect(security.Count > 0, "401", "credentials are required");
            Expect(security.Count > 0, "403", "credentials are required");
            Expect(security.ToJsonString().Contains("\"apiKey\"", StringComparison.Ordinal), "429", "a storefront key is rate limited");
            Expect(operation["requestBody"] is not null, "400", "a body is read");
            Expect(operation["requestBody"] is not null, "413", "a body is read");
            Expect(operation["requestBody"] is not null, "415", "a body is read");
            Expect(parameters.Count > 0, "400", "parameters are read");
            Expect(parameters.Any(parameter => parameter["in"]?.GetValue<string>() == "path") && !Upserts.Contains(id), "404", "the path names something");
            foreach (var (status, response) in responses.Where(entry => entry.Key[0] is '4' or '5'))
            {
                var schema = response?["content"]?["application/problem+json"]?["schema"]?["$ref"]?.GetValue<string>();
                if (!ProblemSchemas.Contains(schema))
                {
                    missing.Add($"{name}: {status} is not declared as application/problem+json problem details");
                }
            }
        }

        Assert.True(missing.Count == 0, $"{missing.Count} undeclared answers:\n" + string.Join("\n", missing));
    }

    [Fact]
    public async Task Every_api_handler_declares_its_answers_by_its_return_type()
    {
        await using var node = await MistyWebNode.StartAsync(await postgres.CreateDatabaseAsync());
        var endpoints = node.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(endpoint => endpoint.RoutePattern.RawText?.StartsWith("/api/", StringComparison.Ordinal) == true)
            .Where(endpoint => endpoint.Metadata.GetMetadata<IExcludeFromDescriptionMetadata>() is not { ExcludeFromDescription: true })
            .ToList();
        Assert.True(endpoints.Count >= 100, $"only {endpoints.Count} API endpoints");
        var undeclared = endpoints
            .SelectMany(endpoint => endpoint.Metadata.GetMetadata<MethodInfo>() is { } method
                ? Answers(method.ReturnType).Where(answer => !Declares(answer, endpoint)).Select(answer => $"{endpoint.DisplayName}: {answer.Name}")
                : [$"{endpoint.DisplayName}: no handler method"])
            .ToList();
        Assert.True(undeclared.Count == 0, "handlers answering with a result the document cannot know:\n" + string.Join("\n", undeclared));
    }

    [Fact]
    public async Task Staff_admin_and_agent_traffic_conforms_to_the_document()
    {
        await using var node = await MistyWebNode.StartAsync(await postgres.CreateDatabaseAsync());
        List<Exchange> exchanges = [];
        using var reader = await node.CreateStaffClientAsync();
        var document = await reader.GetStringAsync("/openapi/v1.json");
        using var admin = Client(node, exchanges, reader.DefaultRequestHeaders.Authorization!.ToString());
        using var anonymous = Client(node, exchanges, null);
        var nobody = Guid.NewGuid();

        // Staff accounts and storefront keys.
        var email = $"contract-{nobody:N}@test.misty";
        var user = new { email, firstName = "Grace", lastName = "Hopper", role = "staff", password = StaffClients.Password + " for contracts" };
        await Answer(admin.PostAsJsonAsync("/api/users", user), HttpStatusCode.Created);
        await Answer(admin.PostAsJsonAsync("/api/users", user), HttpStatusCode.Conflict);
        await Answer(admin.GetAsync("/api/users"), HttpStatusCode.OK);
        await Answer(admin.GetAsync($"/api/users/{nobody}"), HttpStatusCode.NotFound);
        await Answer(Wrong(admin, HttpMethod.Patch, $"/api/users/{nobody}", new { role = "pirate" }), HttpStatusCode.NotFound);
        var key = await Answer(admin.PostAsJsonAsync("/api/api-keys", new { name = "contract shop", kind = "server" }), HttpStatusCode.Created);
        await Answer(admin.GetAsync("/api/api-keys"), HttpStatusCode.OK);
        await Answer(admin.DeleteAsync($"/api/api-keys/{key!["apiKeyId"]!.GetValue<string>()}"), HttpStatusCode.OK);
        await Answer(admin.DeleteAsync($"/api/api-keys/{nobody}"), HttpStatusCode.NotFound);

        // Integrations: free JSON settings, credentials by name only.
        var integration = new { category = "mail", connected = true, settings = new { region = "eu", retries = 3 }, credentials = new { token = "secret" } };
        await Answer(admin.PutAsJsonAsync("/api/integrations/contract-mail", integration), HttpStatusCode.Created);
        await Answer(admin.PutAsJsonAsync("/api/integrations/contract-mail", integration with { connected = false }), HttpStatusCode.OK);
        await Answer(admin.GetAsync("/api/integrations/contract-mail"), HttpStatusCode.OK);
        await Answer(admin.GetAsync("/api/integrations"), HttpStatusCode.OK);
        await Answer(admin.GetAsync("/api/integrations/not-there"), HttpStatusCode.NotFound);
        await Answer(Wrong(admin, HttpMethod.Put, "/api/integrations/contract-mail", new { connected = true, settings = new[] { 1 } }), HttpStatusCode.BadRequest);

        // Agents, their calls and held actions; the assistant without a configured model.
        var agent = await Answer(admin.PostAsJsonAsync("/api/agents", new { name = "contract-bot", role = "staff", scopes = new[] { "inventory:read" } }),
            HttpStatusCode.Created);
        await Answer(admin.GetAsync("/api/agents"), HttpStatusCode.OK);
        var agentId = agent!["agentId"]!.GetValue<string>();
        await Answer(admin.GetAsync($"/api/agents/{agentId}/calls?limit=10"), HttpStatusCode.OK);
        await Answer(admin.GetAsync($"/api/agents/{nobody}/calls"), HttpStatusCode.NotFound);
        await Answer(admin.PostAsync($"/api/agents/{nobody}/rotate-key", null), HttpStatusCode.NotFound);
        await Answer(admin.DeleteAsync($"/api/agents/{agentId}"), HttpStatusCode.OK);
        await Answer(admin.GetAsync("/api/agent-actions?status=pending"), HttpStatusCode.OK);
        await Answer(Wrong(admin, HttpMethod.Get, "/api/agent-actions?status=sideways", null), HttpStatusCode.BadRequest);
        await Answer(admin.GetAsync($"/api/agent-actions/{nobody}"), HttpStatusCode.NotFound);
        await Answer(admin.PostAsync($"/api/agent-actions/{nobody}/approve", null), HttpStatusCode.NotFound);
        await Answer(admin.GetAsync("/api/ai/models"), HttpStatusCode.OK);
        await Answer(admin.PostAsJsonAsync("/api/agents/chat", new { message = "How many copies of Kind of Blue are left?" }), HttpStatusCode.ServiceUnavailable);

        // Workflows, notifications, webhooks, knowledge, forecasts, customers.
        await Answer(admin.GetAsync("/api/workflows"), HttpStatusCode.OK);
        await Answer(admin.GetAsync($"/api/workflows/{nobody}"), HttpStatusCode.NotFound);
        await Answer(admin.PostAsJsonAsync($"/api/workflows/{nobody}/run", new { reason = "contract" }), HttpStatusCode.NotFound);
        await Answer(admin.GetAsync($"/api/workflows/{nobody}/executions"), HttpStatusCode.NotFound);
        await Answer(admin.GetAsync($"/api/executions/{nobody}"), HttpStatusCode.NotFound);
        await Answer(admin.PostAsync($"/api/executions/{nobody}/cancel", null), HttpStatusCode.NotFound);
        await Answer(admin.GetAsync("/api/notifications?status=sent"), HttpStatusCode.OK);
        await Answer(admin.GetAsync($"/api/notifications/customers/{nobody}"), HttpStatusCode.NotFound);
        await Answer(admin.PostAsJsonAsync("/api/notifications/bounces", new { messageId = "<nothing@test.misty>" }), HttpStatusCode.NotFound);
        await Answer(admin.GetAsync("/api/webhooks"), HttpStatusCode.OK);
        await Answer(admin.GetAsync($"/api/webhooks/{nobody}"), HttpStatusCode.NotFound);
        await Answer(admin.DeleteAsync($"/api/webhooks/{nobody}"), HttpStatusCode.NotFound);
        await Answer(admin.GetAsync($"/api/knowledge/documents/{nobody}"), HttpStatusCode.NotFound);
        await Answer(admin.GetAsync($"/api/albums/{nobody}/forecast"), HttpStatusCode.NotFound);
        await Answer(admin.GetAsync("/api/customers?search=ada&page=1"), HttpStatusCode.OK);

        // Reports as JSON and as CSV, and the audit trail these calls left.
        await Answer(admin.GetAsync("/api/reports/sales?groupBy=week"), HttpStatusCode.OK);
        using (var csv = await admin.GetAsync("/api/reports/inventory?format=csv"))
        {
            Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        }

        await Answer(Wrong(admin, HttpMethod.Get, "/api/reports/sales?format=xml", null), HttpStatusCode.BadRequest);
        await Answer(admin.GetAsync("/api/audit?action=users.&pageSize=5"), HttpStatusCode.OK);
        await Answer(anonymous.GetAsync("/api/audit"), HttpStatusCode.Unauthorized);
        // Stripe's own event format, which Misty reads raw after checking its signature: only the answer is checked.
        await Answer(Wrong(anonymous, HttpMethod.Post, "/api/payments/stripe/webhook", new { id = "evt_contract" }), HttpStatusCode.ServiceUnavailable);

        var validator = new OpenApiDocumentValidator(document);
        var departures = exchanges.SelectMany(validator.Check).ToList();
        Assert.True(exchanges.Count >= 45, $"only {exchanges.Count} exchanges were recorded");
        Assert.True(departures.Count == 0, $"{departures.Count} departures from the document in {exchanges.Count} exchanges:\n" + string.Join("\n", departures));
    }

    private static JsonObject Committed() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(MistyWebNode.RepositoryRoot(), "docs", "openapi", "v1.json")))!.AsObject();

    private static IEnumerable<(string Name, JsonObject Operation)> Operations() =>
        Committed()["paths"]!.AsObject().SelectMany(path => path.Value!.AsObject()
            .Where(entry => Methods.Contains(entry.Key))
            .Select(entry => ($"{entry.Key.ToUpperInvariant()} {path.Key}", entry.Value!.AsObject())));

    /// <summary>The result types a handler may answer with: each of a Results&lt;...&gt;, or the one it returns.</summary>
    private static IEnumerable<Type> Answers(Type type)
    {
        if (type.IsGenericType && (type.GetGenericTypeDefinition() == typeof(Task<>) || type.GetGenericTypeDefinition() == typeof(ValueTask<>)))
        {
            return Answers(type.GetGenericArguments()[0]);
        }

        return type.IsGenericType && type.Namespace == typeof(Ok).Namespace && type.Name.StartsWith("Results`", StringComparison.Ordinal)
            ? type.GetGenericArguments()
            : [type];
    }

    /// <summary>A result declares its status and schema itself; a file download is declared on the endpoint with its content type.</summary>
    private static bool Declares(Type answer, Endpoint endpoint) =>
        typeof(IEndpointMetadataProvider).IsAssignableFrom(answer)
        || (answer == typeof(FileContentHttpResult) && endpoint.Metadata.OfType<IProducesResponseTypeMetadata>().Any(produces => !produces.ContentTypes.Contains("application/json")));

    private static HttpClient Client(MistyWebNode node, List<Exchange> exchanges, string? authorization)
    {
        var client = new HttpClient(new RecordingHandler(exchanges)) { BaseAddress = node.Address };
        if (authorization is not null)
        {
            client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", authorization);
        }

        return client;
    }

    /// <summary>A request wrong on purpose: the recorder checks only its answer.</summary>
    private static Task<HttpResponseMessage> Wrong(HttpClient client, HttpMethod method, string path, object? body)
    {
        var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Add(RecordingHandler.DeliberatelyInvalid, "1");
        return client.SendAsync(request);
    }

    private static async Task<JsonNode?> Answer(Task<HttpResponseMessage> sending, HttpStatusCode expected)
    {
        using var response = await sending;
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: {(int)response.StatusCode} {text}");
        return response.Content.Headers.ContentType?.MediaType == "application/json" ? JsonNode.Parse(text) : null;
    }

    [GeneratedRegex("^[a-z][A-Za-z]+$")]
    private static partial Regex OperationId();

    [GeneratedRegex("^(get|post|put|patch|delete)Api[A-Z]")]
    private static partial Regex RouteDerived();
}
