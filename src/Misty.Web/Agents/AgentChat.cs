using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.SemanticKernel.ChatCompletion;
using Misty.Grains.Audit;
using Misty.Grains.Interfaces.Agents;
using Misty.Web.Api;
using Misty.Web.Security;
using Npgsql;

namespace Misty.Web.Agents;

public sealed record AgentChatRequest(string? SessionId, string? Message);

public sealed record AgentChatToolCall(string Tool, string Outcome, Guid? ActionId);

public sealed record AgentChatResponse(Guid SessionId, string Answer, IReadOnlyList<AgentChatToolCall> ToolCalls);

public sealed record PutAiModelRequest(string? Provider, string? ModelName, string? Endpoint, string? ApiKey, double? Temperature);

public sealed record AiModelResponse(Guid ConfigId, string Provider, string ModelName, string? Endpoint, bool HasApiKey, double? Temperature, bool Active,
    DateTimeOffset UpdatedAt)
{
    public static AiModelResponse From(AiModelConfig config) => new(config.ConfigId, config.Provider, config.ModelName, config.Endpoint,
        config.ProtectedApiKey is not null, config.Temperature, config.Active, config.UpdatedAt);
}

public static class AgentChatApi
{
    public const string ApiKeyPurpose = AgentRunner.ApiKeyPurpose;
    private const int MaxMessageLength = 4_000;

    public static IServiceCollection AddAgentChat(this IServiceCollection services)
    {
        services.AddSingleton<IAiModelStore>(provider => new PostgresAiModelStore(provider.GetRequiredService<NpgsqlDataSource>()));
        services.TryAddSingleton<IAgentChatClientSource, OpenAIChatClientSource>();
        services.AddSingleton<AgentRunner>();
        return services;
    }

    public static IEndpointRouteBuilder MapAgentChatApi(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/api/agents/chat", ChatAsync).WithTags("Agents").RequireAuthorization(MistyPolicies.Staff).WithName("chatWithAssistant")
            .WithSummary("One message to the assistant, which may call the tools the caller's role allows; answers its reply and the calls it made.");
        var models = routes.MapGroup("/api/ai/models").WithTags("Agents").RequireAuthorization(MistyPolicies.Admin);
        models.MapGet("", async (IAiModelStore store, CancellationToken cancellationToken) =>
            TypedResults.Ok((await store.ListAsync(cancellationToken)).Select(AiModelResponse.From).ToList()))
            .WithName("listAiModels").WithSummary("The configured chat models, the active one included; API keys are never shown.");
        models.MapPut("", PutModelAsync).WithName("setAiModel").WithSummary("Configures the chat model and makes it the active one.");
        return routes;
    }

    private static async Task<Results<Ok<AgentChatResponse>, ValidationProblem, NotFoundProblem, UnavailableProblem, BadGatewayProblem>> ChatAsync(
        AgentChatRequest request, ClaimsPrincipal user, AgentRunner runner, IGrainFactory grains, TimeProvider clock, ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        var logger = loggers.CreateLogger(typeof(AgentChatApi));
        var errors = new FieldErrors()
            .Check(request.Message is { Length: > 0 and <= MaxMessageLength } message && !string.IsNullOrWhiteSpace(message) && !message.Contains('\0'),
                "message", $"Required: 1 to {MaxMessageLength} characters.");
        var sessionId = Guid.NewGuid();
        errors.Check(request.SessionId is null || (Guid.TryParse(request.SessionId, out sessionId) && sessionId != Guid.Empty), "sessionId",
            "A session id from an earlier answer (a GUID), or nothing for a new session.");
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        if (await runner.ActiveModelAsync(cancellationToken) is not { } model)
        {
            return Problems.Unavailable("No AI model is configured.",
                "An admin configures one with PUT /api/ai/models, e.g. {\"provider\":\"custom\",\"modelName\":\"llama3.1\"," +
                    "\"endpoint\":\"http://localhost:11434/v1\"} for Ollama, or {\"provider\":\"openai\",\"modelName\":\"gpt-4o-mini\",\"apiKey\":\"...\"}.");
        }

        var owner = Callers.Id(user);
        var session = grains.GetGrain<IAgentSessionGrain>(sessionId);
        if (await session.OpenAsync(owner) is not { } turns)
        {
            return Problems.NotFound("No such session.", $"There is no chat session {sessionId} of yours.");
        }

        var role = user.FindFirstValue(ClaimTypes.Role) ?? StaffRoles.Staff;
        var context = new AgentCallContext(AgentIdentity.ForStaff(Callers.StaffUserId(user) ?? Guid.Empty, role), "chat");
        var history = new ChatHistory(AgentRunner.SystemPrompt);
        foreach (var turn in turns)
        {
            history.AddMessage(turn.Role == "assistant" ? AuthorRole.Assistant : AuthorRole.User, turn.Text);
        }

        history.AddUserMessage(request.Message!);
        string answer;
        try
        {
            answer = await runner.AnswerAsync(model, context, history, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The model is a service outside Misty: its failure is a bad gateway, and the calls made so far stay audited.
            logger.LogWarning(ex, "The chat model {Provider}/{Model} failed.", model.Provider, model.ModelName);
            return Problems.BadGateway("The AI model did not answer.",
                $"The configured model ({model.Provider}/{model.ModelName}) failed: check PUT /api/ai/models and the model server. " +
                    $"Tool calls made before the failure: {context.Calls.Count}.");
        }

        var now = clock.GetUtcNow();
        await session.AppendAsync(owner, [new AgentChatTurn("user", request.Message!, now), new AgentChatTurn("assistant", answer, now)]);
        return TypedResults.Ok(new AgentChatResponse(sessionId, answer, [.. context.Calls.Select(call => new AgentChatToolCall(call.Tool, call.Outcome, call.ActionId))]));
    }

    private static async Task<Results<Ok<AiModelResponse>, ValidationProblem>> PutModelAsync(
        PutAiModelRequest request, ClaimsPrincipal user, IAiModelStore models, ISecretProtector protector, IAuditLog audit, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var provider = request.Provider?.Trim().ToLowerInvariant();
        var errors = new FieldErrors()
            .Check(provider is "openai" or "azure" or "custom", "provider", "openai, azure, or custom (any OpenAI-compatible server: Ollama, llama.cpp, vLLM).")
            .Check(request.ModelName is { Length: > 0 and <= 200 } name && name.All(c => !char.IsControl(c)), "modelName", "Required: 1 to 200 characters.")
            .Check(request.Endpoint is null || (request.Endpoint.Length <= 500 && Uri.TryCreate(request.Endpoint, UriKind.Absolute, out var uri) &&
                uri.Scheme is "http" or "https"), "endpoint", "An absolute http or https URL, e.g. http://localhost:11434/v1.")
            .Check(provider is not ("azure" or "custom") || request.Endpoint is not null, "endpoint", "Required for azure and custom.")
            .Check(request.ApiKey is null || request.ApiKey.Length is > 0 and <= 8_192, "apiKey", "1 to 8192 characters.")
            .Check(provider is not ("openai" or "azure") || request.ApiKey is not null, "apiKey", "Required for openai and azure.")
            .Check(request.Temperature is null or (>= 0 and <= 2), "temperature", "From 0 to 2.");
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var stored = await models.ActivateAsync(new AiModelConfig(Guid.NewGuid(), provider!, request.ModelName!.Trim(), request.Endpoint,
            request.ApiKey is null ? null : protector.Protect(ApiKeyPurpose, request.ApiKey), request.Temperature, true, clock.GetUtcNow()), cancellationToken);
        await audit.RecordAsync(new AuditEntry("ai_models.activated", Callers.Id(user), $"Chat model {stored.Provider}/{stored.ModelName} was made active.")
        {
            Severity = AuditSeverity.Warning,
            Details = new Dictionary<string, object?> { ["configId"] = stored.ConfigId, ["endpoint"] = stored.Endpoint, ["hasApiKey"] = stored.ProtectedApiKey is not null },
        });
        return TypedResults.Ok(AiModelResponse.From(stored));
    }
}
