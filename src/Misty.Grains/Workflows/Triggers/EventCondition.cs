using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Misty.Grains.Workflows.Triggers;

/// <summary>
/// The condition of an event trigger: clauses <c>field op value</c> joined by <c>and</c>, e.g.
/// <c>available == 0 and reorderPoint &gt; 2</c>. Fields are the event's JSON fields (camelCase, matched ignoring
/// case, dotted for nested ones); values are numbers, quoted strings, true, false or null; operators ==, !=, &lt;,
/// &lt;=, &gt;, &gt;=. A missing field is null.
/// </summary>
public sealed partial class EventCondition
{
    private readonly IReadOnlyList<Clause> _clauses;

    private EventCondition(IReadOnlyList<Clause> clauses) => _clauses = clauses;

    /// <summary>Matches every event.</summary>
    public static EventCondition Always { get; } = new([]);

    /// <returns>The condition (<see cref="Always"/> for null or blank text), or null with the reason in <paramref name="error"/>.</returns>
    public static EventCondition? TryParse(string? text, out string? error)
    {
        error = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return Always;
        }

        var tokens = Tokenize(text, out error);
        if (tokens is null)
        {
            return null;
        }

        var clauses = new List<Clause>();
        for (var i = 0; ; i += 4)
        {
            if (i + 3 > tokens.Count || tokens[i].Kind != TokenKind.Name || tokens[i + 1].Kind != TokenKind.Operator || !IsValue(tokens[i + 2]))
            {
                error = "Expected clauses like: available == 0 and reorderPoint > 2.";
                return null;
            }

            clauses.Add(new Clause(tokens[i].Text, tokens[i + 1].Text, ValueOf(tokens[i + 2])));
            if (i + 3 == tokens.Count)
            {
                return new EventCondition(clauses);
            }

            if (!tokens[i + 3].Is("and"))
            {
                error = $"Expected 'and' between clauses, found '{tokens[i + 3].Text}'.";
                return null;
            }
        }
    }

    public bool Matches(JsonElement item) => _clauses.All(clause => clause.Holds(item));

    private static List<Token>? Tokenize(string text, out string? error)
    {
        error = null;
        var tokens = new List<Token>();
        var position = 0;
        while (position < text.Length)
        {
            var match = TokenPattern().Match(text, position);
            if (!match.Success || match.Index != position || match.Length == 0)
            {
                error = $"Cannot read the condition at character {position + 1}: '{text[position..].Trim()}'.";
                return null;
            }

            position += match.Length;
            var kind = match.Groups["string"].Success ? TokenKind.String
                : match.Groups["operator"].Success ? TokenKind.Operator
                : match.Groups["number"].Success ? TokenKind.Number
                : match.Groups["name"].Success ? TokenKind.Name
                : (TokenKind?)null;
            if (kind is { } found)
            {
                tokens.Add(new Token(found, match.Groups[found.ToString().ToLowerInvariant()].Value));
            }
        }

        return tokens;
    }

    private static bool IsValue(Token token) =>
        token.Kind is TokenKind.String or TokenKind.Number || token.Is("true") || token.Is("false") || token.Is("null");

    private static object? ValueOf(Token token) => token.Kind switch
    {
        // The quotes go; a backslash escapes the next character.
        TokenKind.String => Escape().Replace(token.Text[1..^1], "$1"),
        TokenKind.Number => decimal.Parse(token.Text, NumberStyles.Float, CultureInfo.InvariantCulture),
        _ when token.Is("null") => null,
        _ => token.Is("true"),
    };

    [GeneratedRegex("""\s*(?:(?<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')|(?<operator>==|!=|<=|>=|<|>)|(?<number>-?\d+(?:\.\d+)?)|(?<name>[A-Za-z_][A-Za-z0-9_.]*))?\s*""")]
    private static partial Regex TokenPattern();

    [GeneratedRegex(@"\\(.)")]
    private static partial Regex Escape();

    private enum TokenKind
    {
        Name,
        Operator,
        Number,
        String,
    }

    private sealed record Token(TokenKind Kind, string Text)
    {
        public bool Is(string word) => Kind == TokenKind.Name && string.Equals(Text, word, StringComparison.OrdinalIgnoreCase);
    }

    private sealed record Clause(string Field, string Operator, object? Value)
    {
        public bool Holds(JsonElement item)
        {
            var actual = Find(item, Field);
            int? order = (Value, actual?.ValueKind) switch
            {
                (decimal expected, JsonValueKind.Number) => actual!.Value.GetDecimal().CompareTo(expected),
                (string expected, JsonValueKind.String) => string.CompareOrdinal(actual!.Value.GetString(), expected),
                (bool expected, JsonValueKind.True or JsonValueKind.False) => actual!.Value.GetBoolean() == expected ? 0 : null,
                (null, null or JsonValueKind.Null) => 0,
                _ => null,
            };
            return Operator switch
            {
                "==" => order == 0,
                "!=" => order != 0,
                "<" => order < 0,
                "<=" => order <= 0,
                ">" => order > 0,
                _ => order >= 0,
            };
        }

        private static JsonElement? Find(JsonElement item, string path)
        {
            var current = item;
            foreach (var name in path.Split('.'))
            {
                if (current.ValueKind != JsonValueKind.Object)
                {
                    return null;
                }

                var property = current.EnumerateObject().FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
                if (property.Value.ValueKind == JsonValueKind.Undefined)
                {
                    return null;
                }

                current = property.Value;
            }

            return current;
        }
    }
}
