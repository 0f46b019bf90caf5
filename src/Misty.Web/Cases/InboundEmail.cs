using System.Net.Mail;
using System.Text.RegularExpressions;

namespace Misty.Web.Cases;

/// <summary>Reading what matters from an inbound email: who sent it, which case it answers, and the new text.</summary>
public static partial class InboundEmail
{
    /// <returns>The sender's address from "Name &lt;address&gt;" or a bare address, or null when it is not one.</returns>
    public static string? SenderAddress(string? from) =>
        MailAddress.TryCreate(from?.Trim(), out var address) ? address.Address : null;

    /// <returns>
    /// The first case number in the subject, else in the text (CASE-yyyy-nnnnnn, or a seeded case's CS-yyMMdd-nnn);
    /// null when there is none.
    /// </returns>
    public static string? CaseNumber(string subject, string text) =>
        (CaseNumberPattern().Match(subject) is { Success: true } inSubject ? inSubject : CaseNumberPattern().Match(text)) is { Success: true } match
            ? match.Value.ToUpperInvariant()
            : null;

    /// <summary>
    /// The text above the quoted earlier messages that mail clients append ("On ... wrote:", "&gt; " lines, an
    /// "Original Message" divider), so that triage and staff read what is new; the whole text when nothing is quoted.
    /// </summary>
    public static string WithoutQuotedReply(string text)
    {
        var lines = text.ReplaceLineEndings("\n").Split('\n');
        var end = Array.FindIndex(lines, line =>
            line.StartsWith('>') || QuoteHeaderPattern().IsMatch(line) || line.Trim().StartsWith("-----Original Message-----", StringComparison.OrdinalIgnoreCase));
        var kept = string.Join('\n', end < 0 ? lines : lines[..end]).Trim();
        return kept.Length > 0 ? kept : text.Trim();
    }

    [GeneratedRegex(@"\b(?:CASE-\d{4}-\d{6,}|CS-\d{6}-\d{3,})\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex CaseNumberPattern();

    [GeneratedRegex(@"^\s*On .{0,200} wrote:\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex QuoteHeaderPattern();
}
