using Npgsql;

namespace Misty.Web.Api;

/// <summary>Statements for one round trip (<see cref="NpgsqlBatch"/>), each with its named parameters.</summary>
public static class BatchCommands
{
    public static NpgsqlBatchCommand Of(string sql, params (string Name, object Value)[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command;
    }
}
