using System.Net;
using System.Text;

namespace Misty.Web.Notifications;

/// <summary>An email ready to send: subject, plain text and HTML.</summary>
public sealed record RenderedEmail(string Subject, string Text, string Html);

/// <summary>What every template knows besides the notification's own fields.</summary>
public sealed record EmailContext(string CustomerName, string StoreName, string? StoreAddress);

/// <summary>
/// The templates, one per notification kind, in plain text and HTML. Every value (a staff reply, a name, a tracking
/// number) is inserted as text: HTML-encoded in the HTML part, so nothing a person typed becomes markup.
/// </summary>
public static class NotificationTemplates
{
    public static RenderedEmail Render(string kind, IReadOnlyDictionary<string, string> fields, EmailContext context)
    {
        string F(string name) => fields.GetValueOrDefault(name) ?? "";
        var (subject, paragraphs) = kind switch
        {
            "order_confirmed" => ($"Your order {F("orderNumber")} is confirmed",
                new[] { $"Thank you for your order {F("orderNumber")}: {F("itemCount")} item(s), {F("total")} in total.", "We will tell you when it ships." }),
            "payment_failed" => ($"Payment for order {F("orderNumber")} did not go through",
                new[] { $"The payment of {F("amount")} for order {F("orderNumber")} failed: {F("reason")}.", "Nothing was charged. You are welcome to order again." }),
            "shipped" => ($"Order {F("orderNumber")} has shipped",
                new[]
                {
                    $"Your order {F("orderNumber")} is on its way with {F("carrier")}.",
                    $"Tracking number: {F("trackingNumber")}",
                    F("estimatedDelivery").Length > 0 ? $"Expected delivery: {F("estimatedDelivery")}" : "",
                }),
            "delivered" => ($"Order {F("orderNumber")} was delivered", new[] { $"Your order {F("orderNumber")} has arrived. Enjoy the music!" }),
            "cancelled" => ($"Order {F("orderNumber")} was cancelled",
                new[]
                {
                    $"Your order {F("orderNumber")} was cancelled.",
                    F("refunded") is { } refunded && refunded != "0.00" ? $"{refunded} was refunded to your payment method." : "",
                }),
            "refunded" => ($"Refund for order {F("orderNumber")}", new[] { $"{F("amount")} for order {F("orderNumber")} was refunded to your payment method." }),
            "case_reply" => ($"[{F("caseNumber")}] Re: {F("subject")}",
                new[] { F("message"), $"To answer, reply to this email and keep {F("caseNumber")} in the subject." }),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "No template for this notification kind."),
        };
        var body = paragraphs.Where(paragraph => paragraph.Length > 0).ToList();
        return new RenderedEmail(subject, Text(body, context), Html(subject, body, context));
    }

    private static string Text(IReadOnlyList<string> body, EmailContext context)
    {
        var text = new StringBuilder();
        text.Append("Hello ").Append(context.CustomerName).Append(",\n\n");
        foreach (var paragraph in body)
        {
            text.Append(paragraph.ReplaceLineEndings("\n")).Append("\n\n");
        }

        text.Append("-- \n").Append(context.StoreName).Append('\n');
        if (context.StoreAddress is { Length: > 0 } address)
        {
            text.Append(address).Append('\n');
        }

        return text.ToString();
    }

    private static string Html(string subject, IReadOnlyList<string> body, EmailContext context)
    {
        static string E(string value) => WebUtility.HtmlEncode(value).ReplaceLineEndings("<br>");
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>").Append(E(subject)).Append("</title></head><body>");
        html.Append("<p>Hello ").Append(E(context.CustomerName)).Append(",</p>");
        foreach (var paragraph in body)
        {
            html.Append("<p>").Append(E(paragraph)).Append("</p>");
        }

        html.Append("<hr><p>").Append(E(context.StoreName));
        if (context.StoreAddress is { Length: > 0 } address)
        {
            html.Append("<br>").Append(E(address));
        }

        return html.Append("</p></body></html>").ToString();
    }
}
