using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Playwright;
using MimeKit;
using Misty.Tests.Dashboard;
using Misty.Tests.Infrastructure;

namespace Misty.Tests.Notifications;

/// <summary>Issue 18's walk end to end: a reply typed on the dashboard reaches the customer's mailbox, and their answer the case.</summary>
[Collection(PostgresCollection.Name)]
public sealed class EmailDashboardWalkTests(PostgresFixture postgres)
{
    [ChromiumFact]
    public async Task A_reply_sent_on_the_dashboard_arrives_by_SMTP_and_the_customers_emailed_answer_appears_on_the_open_case_page()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var smtp = await LocalSmtpServer.StartAsync();
        await using var node = await MistyWebNode.StartAsync(connectionString, configure: builder =>
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Misty:Email:PollInterval"] = "00:00:00.200" }));
        using var admin = await node.CreateStaffClientAsync();
        var configured = await admin.PutAsJsonAsync("/api/integrations/smtp", new
        {
            category = "email",
            connected = true,
            settings = new { host = "127.0.0.1", port = smtp.Port, security = "none", fromAddress = "shop@misty.test", fromName = "Misty Records" },
        });
        Assert.True(configured.IsSuccessStatusCode, await configured.Content.ReadAsStringAsync());
        var email = $"ada-{Guid.NewGuid():N}@customer.test";
        var created = await admin.PostAsJsonAsync("/api/customers", new { email, firstName = "Ada", lastName = "Groove", address = "3 Vinyl Row" });
        var customer = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("customerId").GetGuid();
        Assert.True(await TestAlbums.EventuallyAsync(async () =>
            await TestSql.ScalarAsync<long>(connectionString, "SELECT count(*) FROM customers WHERE customer_id = @c", ("c", customer)) == 1));
        var opened = await admin.PostAsJsonAsync("/api/cases", new { customerId = customer, subject = "Skipping side B", description = "Side B skips at track 3." });
        var body = await opened.Content.ReadFromJsonAsync<JsonElement>();
        var (caseId, caseNumber) = (body.GetProperty("caseId").GetGuid(), body.GetProperty("caseNumber").GetString()!);

        await using var browser = await DashboardBrowser.LaunchAsync(node);
        var page = await browser.SignInAsync(MistyWebNode.AdminEmail, MistyWebNode.AdminPassword);
        await page.GotoAsync($"/#/case/{caseId}");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Skipping side B" })).ToBeVisibleAsync();
        await page.GetByLabel("Reply").FillAsync("Sorry! A fresh copy ships today.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Send", Exact = true }).ClickAsync();

        // In the customer's mailbox, on the SMTP server: to them, under the case number, threaded under the case.
        var received = await smtp.WaitForAsync(messages => messages.Any(m => m.Subject?.Contains(caseNumber, StringComparison.Ordinal) == true));
        var reply = Assert.Single(received, m => m.Subject?.Contains(caseNumber, StringComparison.Ordinal) == true);
        Assert.Equal(email, Assert.IsType<MailboxAddress>(Assert.Single(reply.To)).Address);
        Assert.Contains("Sorry! A fresh copy ships today.", reply.TextBody, StringComparison.Ordinal);
        Assert.Equal($"case-{caseId:N}@notifications.misty", reply.InReplyTo);

        // The customer answers from their mail client; the inbound path continues the case and the open page shows it live.
        var answered = await admin.PostAsJsonAsync("/api/inbound/email", new
        {
            from = $"Ada Groove <{email}>",
            subject = "Re: " + reply.Subject,
            text = $"Thank you, received!\n\n> {reply.TextBody}",
            messageId = $"<answer-{Guid.NewGuid():N}@customer.test>",
        });
        Assert.Equal(caseId, (await answered.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("caseId").GetGuid());
        await Assertions.Expect(page.Locator("ol.thread li.customer p.message").Last).ToHaveTextAsync("Thank you, received!", new() { Timeout = 10_000 });
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(DashboardBrowser.Artifacts, "case-email.png"), FullPage = true });
        Assert.Empty(browser.Problems);
    }
}
