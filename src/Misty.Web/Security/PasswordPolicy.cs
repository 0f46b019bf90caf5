using System.Collections.Frozen;
using System.Text;

namespace Misty.Web.Security;

/// <summary>
/// What a new staff password must be: 12 to 1,024 characters, not a common password (the packaged list, also with
/// digits or symbols around it, look-alike characters or repeated), not a run or repetition of a few characters, and
/// not containing the account's email name or person names. Reasons never repeat the password.
/// </summary>
public sealed class PasswordPolicy(IReadOnlySet<string> commonPasswords)
{
    public const int MinLength = 12;
    public const int MaxLength = AuthApi.MaxPasswordLength;

    /// <summary>Fewer different characters than this is a repetition ("abababababab"), whatever its length.</summary>
    public const int MinDistinctCharacters = 5;

    /// <summary>Names shorter than this are too likely to occur by chance to refuse a password for.</summary>
    private const int MinPersonalLength = 3;

    public const string ResourceName = "misty-common-passwords.txt";

    private static readonly Lazy<PasswordPolicy> Packaged = new(() => new PasswordPolicy(LoadPackagedList()));

    /// <summary>The policy with the list packaged in Misty.Web (Security/Data/common-passwords.txt).</summary>
    public static PasswordPolicy Default => Packaged.Value;

    public int CommonPasswordCount => commonPasswords.Count;

    /// <param name="personal">The account's email and names: a password containing one is refused.</param>
    /// <returns>Null when the password may be used, otherwise why not.</returns>
    public string? Check(string? password, params IEnumerable<string?> personal)
    {
        if (password is not { Length: >= MinLength and <= MaxLength } || string.IsNullOrWhiteSpace(password))
        {
            return $"A password of {MinLength} to {MaxLength} characters is required.";
        }

        var lower = password.ToLowerInvariant();
        if (IsCommon(lower))
        {
            return "This password is a common one (or one with digits, symbols or look-alike characters added): choose a less guessable one, such as a few unrelated words.";
        }

        if (IsPredictable(lower))
        {
            return "This password is too predictable: it repeats or runs through a few characters (aaaa, abab, abcd, 1234). Use a few unrelated words.";
        }

        return personal.Any(part => ContainsPersonal(lower, part))
            ? "The password must not contain the account's email or name."
            : null;
    }

    /// <summary>
    /// The password as typed, without spaces and punctuation, without digits and symbols around it, with look-alike
    /// characters read as letters ("$ummer2024!" is "summer"), and one unit of a repetition: none may be on the list.
    /// </summary>
    private bool IsCommon(string lower) =>
        new[] { lower, new string([.. lower.Where(char.IsLetterOrDigit)]) }
            .SelectMany(text => new[] { text, text.Trim(NotLetter), Unleet(text.TrimEnd(NotLetter)).Trim(NotLetter) })
            .Where(candidate => candidate.Length > 0)
            .SelectMany(candidate => new[] { candidate, RepeatedUnit(candidate) })
            .Any(commonPasswords.Contains);

    /// <summary>Repetitions of a few characters, and runs such as "abcdefghijkl" or "987654321098".</summary>
    private static bool IsPredictable(string lower)
    {
        if (lower.Distinct().Count() < MinDistinctCharacters)
        {
            return true;
        }

        var steps = 0;
        for (var i = 1; i < lower.Length; i++)
        {
            steps += Math.Abs(lower[i] - lower[i - 1]) <= 1 ? 1 : 0;
        }

        return steps * 3 >= (lower.Length - 1) * 2;
    }

    private static bool ContainsPersonal(string lower, string? part)
    {
        var name = part?.Split('@')[0].Trim().ToLowerInvariant();
        return name is { Length: >= MinPersonalLength } && lower.Contains(name, StringComparison.Ordinal);
    }

    /// <summary>"passwordpassword" -> "password"; the text itself when it is no repetition.</summary>
    private static string RepeatedUnit(string text)
    {
        for (var length = 1; length <= text.Length / 2; length++)
        {
            if (text.Length % length == 0 && text.AsSpan(0, text.Length - length).SequenceEqual(text.AsSpan(length)))
            {
                return text[..length];
            }
        }

        return text;
    }

    private static string Unleet(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var character in text)
        {
            builder.Append(character switch
            {
                '@' or '4' => 'a',
                '8' => 'b',
                '3' => 'e',
                '6' or '9' => 'g',
                '1' or '!' or '|' => 'i',
                '0' => 'o',
                '$' or '5' => 's',
                '7' or '+' => 't',
                '2' => 'z',
                _ => character,
            });
        }

        return builder.ToString();
    }

    private static readonly char[] NotLetter = [.. Enumerable.Range(32, 95).Select(code => (char)code).Where(character => !char.IsLetter(character))];

    private static FrozenSet<string> LoadPackagedList()
    {
        using var stream = typeof(PasswordPolicy).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The packaged list {ResourceName} is missing from Misty.Web.");
        using var reader = new StreamReader(stream);
        var passwords = new HashSet<string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0 && !line.StartsWith('#'))
            {
                passwords.Add(line.Trim().ToLowerInvariant());
            }
        }

        return passwords.ToFrozenSet(StringComparer.Ordinal);
    }
}
