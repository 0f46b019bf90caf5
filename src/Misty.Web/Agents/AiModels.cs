using System.ClientModel;
using Microsoft.Extensions.AI;
using Npgsql;
using OpenAI;

namespace Misty.Web.Agents;

/// <summary>The active chat model: an ai_model_config row. The API key stays encrypted until a chat client is made.</summary>
public sealed record AiModelConfig(
    Guid ConfigId, string Provider, string ModelName, string? Endpoint, string? ProtectedApiKey, double? Temperature, bool Active, DateTimeOffset UpdatedAt);

public interface IAiModelStore
{
    Task<AiModelConfig?> ActiveAsync(CancellationToken cancellationToken);

    Task<IReadOnlyList<AiModelConfig>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Stores a new model and makes it the only active one.</summary>
    Task<AiModelConfig> ActivateAsync(AiModelConfig config, CancellationToken cancellationToken);
}

/// <summary>
/// The chat models among ai_model_config's rows, marked <c>model_kind = 'chat'</c>: the table also records
/// Misty's own models (the demand forecaster, the recommender), which are never a chat model and keep their own flag.
/// </summary>
public sealed class PostgresAiModelStore(NpgsqlDataSource database) : IAiModelStore
{
    private const string Columns = "config_id, model_provider, model_name, endpoint, api_key_protected, (model_parameters->>'temperature')::float8, active, updated_at";

    public async Task<AiModelConfig?> ActiveAsync(CancellationToken cancellationToken) =>
        await ReadAsync($"SELECT {Columns} FROM ai_model_config WHERE active AND model_kind = 'chat'", cancellationToken) is [var active, ..] ? active : null;

    public Task<IReadOnlyList<AiModelConfig>> ListAsync(CancellationToken cancellationToken) =>
        ReadAsync($"SELECT {Columns} FROM ai_model_config WHERE model_kind = 'chat' ORDER BY updated_at DESC LIMIT 100", cancellationToken);

    public async Task<AiModelConfig> ActivateAsync(AiModelConfig config, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var off = new NpgsqlCommand("UPDATE ai_model_config SET active = false WHERE active AND model_kind = 'chat'", connection, transaction))
        {
            await off.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var insert = new NpgsqlCommand($"""
            INSERT INTO ai_model_config (config_id, model_provider, model_name, endpoint, api_key_protected, model_parameters, active)
            VALUES (@id, @provider, @name, @endpoint, @key, jsonb_strip_nulls(jsonb_build_object('temperature', @temperature::float8)), true)
            RETURNING {Columns}
            """, connection, transaction);
        insert.Parameters.AddWithValue("id", config.ConfigId);
        insert.Parameters.AddWithValue("provider", config.Provider);
        insert.Parameters.AddWithValue("name", config.ModelName);
        insert.Parameters.AddWithValue("endpoint", (object?)config.Endpoint ?? DBNull.Value);
        insert.Parameters.AddWithValue("key", (object?)config.ProtectedApiKey ?? DBNull.Value);
        insert.Parameters.AddWithValue("temperature", (object?)config.Temperature ?? DBNull.Value);
        AiModelConfig stored;
        await using (var reader = await insert.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            stored = Read(reader);
        }

        await transaction.CommitAsync(cancellationToken);
        return stored;
    }

    private async Task<IReadOnlyList<AiModelConfig>> ReadAsync(string sql, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<AiModelConfig>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(Read(reader));
        }

        return rows;
    }

    private static AiModelConfig Read(NpgsqlDataReader reader) => new(reader.GetGuid(0), reader.GetString(1), reader.GetString(2),
        reader.IsDBNull(3) ? null : reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetDouble(5),
        reader.GetBoolean(6), reader.GetFieldValue<DateTimeOffset>(7));
}

/// <summary>Makes the chat client for a configured model. Tests put a scripted client in its place.</summary>
public interface IAgentChatClientSource
{
    IChatClient Create(AiModelConfig config, string? apiKey);
}

/// <summary>
/// Every provider through the OpenAI client: OpenAI itself, Azure OpenAI's v1 endpoint, and any OpenAI-compatible
/// server (Ollama at http://localhost:11434/v1, llama.cpp, vLLM) by its URL.
/// </summary>
public sealed class OpenAIChatClientSource : IAgentChatClientSource
{
    public IChatClient Create(AiModelConfig config, string? apiKey)
    {
        var options = new OpenAIClientOptions();
        if (config.Endpoint is { } endpoint)
        {
            options.Endpoint = new Uri(endpoint);
        }

        // Local servers ignore the key, but the client requires one.
        return new OpenAI.Chat.ChatClient(config.ModelName, new ApiKeyCredential(apiKey ?? "unused"), options).AsIChatClient();
    }
}
