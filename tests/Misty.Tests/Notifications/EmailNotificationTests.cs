using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using MimeKit;
using Misty.Tests.Infrastructure;
using static Misty.Tests.Orders.OrderTestData;

namespace Misty.Tests.Notifications;

[Collection(PostgresCollection.Name)]
public sealed class EmailNotificationTests(PostgresFixture postgres)
{
    [Fact]
    public async Task A_staff_reply_reaches_the_customer_escaped_and_threaded_and_the_emailed_answer_continues_the_case()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var smtp = await LocalSmtpServer.StartAsync();
        await using var node = await StartEmailNodeAsync(connectionString);
        using var admin = await node.CreateStaffClientAsync();
        await ConfigureSmtpAsync(admin, smtp.Port);
        var (customer, email) = await CustomerWithEmailAsync(admin, connectionString);

        var opened = await BodyAsync(await admin.PostAsJsonAsync("/api/cases",
            new { customerId = customer, subject = "Warped record", description = "My copy of Kind of Blue arrived warped." }), HttpStatusCode.Created);
        var caseId = opened.GetProperty("caseId").GetGuid();
        var caseNumber = opened.GetProperty("caseNumber").GetString()!;
        await BodyAsync(await admin.PostAsJsonAsync($"/api/cases/{caseId}/messages",
            new { message = "Internal: check the supplier batch <b>42</b>", isInternal = true }), HttpStatusCode.OK);
        await BodyAsync(await admin.PostAsJsonAsync($"/api/cases/{caseId}/messages",
            new { message = "Sorry! A <b>new copy</b> & a label are on their way.", isInternal = false }), HttpStatusCode.OK);

        var received = await smtp.WaitForAsync(messages => messages.Any(m => m.Subject?.Contains(caseNumber, StringComparison.Ordinal) == true));
        var reply = Assert.Single(received, m => m.Subject?.Contains(caseNumber, StringComparison.Ordinal) == true);
        Assert.Equal($"[{caseNumber}] Re: Warped record", reply.Subject);
        Assert.Equal(email, Assert.IsType<MailboxAddress>(Assert.Single(reply.To)).Address);
        Assert.Equal(("Misty Records", "shop@misty.test"), (reply.From.Mailboxes.Single().Name, reply.From.Mailboxes.Single().Address));
        Assert.Equal($"case-{caseId:N}@notifications.misty", reply.InReplyTo);
        Assert.Contains($"case-{caseId:N}@notifications.misty", reply.References);
        Assert.EndsWith("@notifications.misty", reply.MessageId, StringComparison.Ordinal);
        Assert.Contains("A <b>new copy</b> & a label are on their way.", reply.TextBody, StringComparison.Ordinal);
        Assert.Contains("A &lt;b&gt;new copy&lt;/b&gt; &amp; a label", reply.HtmlBody, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>", reply.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("1 Groove Lane &amp; Co", reply.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("Hello Vera", reply.TextBody, StringComparison.Ordinal);
        // The internal note is never mailed.
        Assert.DoesNotContain(smtp.Messages(), m => m.TextBody?.Contains("supplier batch", StringComparison.Ordinal) == true);

        // The customer answers from their mail client: the answer continues the same case.
        var answered = await BodyAsync(await admin.PostAsJsonAsync("/api/inbound/email", new
        {
            from = $"Vera Vinyl <{email}>",
            subject = "Re: " + reply.Subject,
            text = $"Thank you, that is kind.\n\nOn Monday Misty Records wrote:\n> {reply.TextBody}",
            messageId = $"<answer-{Guid.NewGuid():N}@customer.test>",
        }), HttpStatusCode.OK);
        Assert.Equal(caseId, answered.GetProperty("caseId").GetGuid());
        Assert.Contains(answered.GetProperty("messages").EnumerateArray(),
            message => message.GetProperty("fromCustomer").GetBoolean() && message.GetProperty("message").GetString() == "Thank you, that is kind.");

        var listed = await BodyAsync(await admin.GetAsync($"/api/notifications?customerId={customer}&status=sent"), HttpStatusCode.OK);
        var row = Assert.Single(listed.EnumerateArray(), n => n.GetProperty("kind").GetString() == "case_reply");
        Assert.Equal((caseId, email), (row.GetProperty("caseId").GetGuid(), row.GetProperty("recipient").GetString()));
        Assert.Equal(reply.MessageId, row.GetProperty("messageId").GetString());
        await AssertFieldErrorAsync(await admin.GetAsync("/api/notifications?status=lost"), "status");
    }

    [Fact]
    public async Task Order_emails_are_queued_with_the_change_and_sent_once_each_by_a_node_started_after_the_first_one_stopped()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        var album = await AlbumAsync(connectionString, quantity: 10, price: 20m);
        Guid order;
        Guid customer;
        await using (var first = await StartEmailNodeAsync(connectionString))
        {
            // No SMTP integration yet: the emails can only wait in the queue.
            using var admin = await first.CreateStaffClientAsync();
            (customer, _) = await CustomerWithEmailAsync(admin, connectionString);
            order = (await BodyAsync(await StaffOrderAsync(admin, customer, album, 2), HttpStatusCode.Created)).GetProperty("orderId").GetGuid();
            var shipment = (await BodyAsync(await admin.PostAsJsonAsync($"/api/orders/{order}/shipments", new { carrier = "UPS", trackingNumber = "1Z<999>" }),
                HttpStatusCode.Created)).GetProperty("shipmentId").GetGuid();
            await BodyAsync(await admin.PostAsJsonAsync($"/api/shipments/{shipment}/status", new { status = "shipped" }), HttpStatusCode.OK);
            Assert.True(await TestAlbums.EventuallyAsync(async () =>
                await TestSql.ScalarAsync<long>(connectionString, "SELECT count(*) FROM notifications WHERE order_id = @o AND status = 'queued'", ("o", order)) == 2));
        }

        await using var smtp = await LocalSmtpServer.StartAsync();
        await using var second = await StartEmailNodeAsync(connectionString);
        using var staff = await second.CreateStaffClientAsync();
        await ConfigureSmtpAsync(staff, smtp.Port);
        var received = await smtp.WaitForAsync(messages => messages.Count >= 2);
        // Further rounds of the sender send nothing more.
        await Task.Delay(TimeSpan.FromSeconds(2));
        received = smtp.Messages();
        Assert.Equal(2, received.Count);
        Assert.Equal(2, received.Select(m => m.MessageId).Distinct().Count());
        var confirmation = Assert.Single(received, m => m.Headers["X-Misty-Notification"] == "order_confirmed");
        Assert.Matches(@"^Your order MST-\d{4}-\d{6} is confirmed$", confirmation.Subject);
        // 2 x 20.00 + 8 % tax + 5.99 shipping.
        Assert.Contains("49.19", confirmation.TextBody, StringComparison.Ordinal);
        var shipped = Assert.Single(received, m => m.Headers["X-Misty-Notification"] == "shipped");
        Assert.Contains("with UPS", shipped.TextBody, StringComparison.Ordinal);
        Assert.Contains("Tracking number: 1Z<999>", shipped.TextBody, StringComparison.Ordinal);
        Assert.Contains("Tracking number: 1Z&lt;999&gt;", shipped.HtmlBody, StringComparison.Ordinal);
        Assert.True(await TestAlbums.EventuallyAsync(async () =>
            await TestSql.ScalarAsync<long>(connectionString, "SELECT count(*) FROM notifications WHERE customer_id = @c AND status = 'sent'", ("c", customer)) == 2));
    }

    [Fact]
    public async Task A_bounce_is_recorded_on_the_email_and_the_customer_and_bad_smtp_settings_are_refused_by_field()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var smtp = await LocalSmtpServer.StartAsync();
        await using var node = await StartEmailNodeAsync(connectionString);
        using var admin = await node.CreateStaffClientAsync();
        var refused = await admin.PutAsJsonAsync("/api/integrations/smtp", new
        {
            category = "email",
            connected = true,
            settings = new { host = "", port = 70000, security = "ssl3", fromAddress = "not an address", fromName = "Misty" },
            credentials = new { username = "only-a-name" },
        });
        var problem = await BodyAsync(refused, HttpStatusCode.BadRequest);
        foreach (var field in new[] { "settings.host", "settings.port", "settings.security", "settings.fromAddress", "credentials" })
        {
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"no error for {field}: {problem}");
        }

        await ConfigureSmtpAsync(admin, smtp.Port);
        var (customer, _) = await CustomerWithEmailAsync(admin, connectionString);
        var opened = await BodyAsync(await admin.PostAsJsonAsync("/api/cases",
            new { customerId = customer, subject = "Hello", description = "A question." }), HttpStatusCode.Created);
        await BodyAsync(await admin.PostAsJsonAsync($"/api/cases/{opened.GetProperty("caseId").GetGuid()}/messages",
            new { message = "An answer.", isInternal = false }), HttpStatusCode.OK);
        var sent = Assert.Single(await smtp.WaitForAsync(messages => messages.Count == 1));

        var standing = await BodyAsync(await admin.GetAsync($"/api/notifications/customers/{customer}"), HttpStatusCode.OK);
        Assert.False(standing.GetProperty("undeliverable").GetBoolean());
        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsJsonAsync("/api/notifications/bounces",
            new { messageId = $"<{sent.MessageId}>", reason = "550 mailbox unavailable" })).StatusCode);
        standing = await BodyAsync(await admin.GetAsync($"/api/notifications/customers/{customer}"), HttpStatusCode.OK);
        Assert.Equal((true, "550 mailbox unavailable"), (standing.GetProperty("undeliverable").GetBoolean(), standing.GetProperty("reason").GetString()));
        var bounced = await BodyAsync(await admin.GetAsync($"/api/notifications?customerId={customer}&status=bounced"), HttpStatusCode.OK);
        Assert.Equal("550 mailbox unavailable", Assert.Single(bounced.EnumerateArray()).GetProperty("lastError").GetString());
        await BodyAsync(await admin.PostAsJsonAsync("/api/notifications/bounces", new { messageId = "nobody@nowhere" }), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_permanent_SMTP_refusal_fails_the_email_once_without_retries_and_staff_see_it()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var smtp = await LocalSmtpServer.StartAsync(refusing: true);
        await using var node = await StartEmailNodeAsync(connectionString);
        using var admin = await node.CreateStaffClientAsync();
        await ConfigureSmtpAsync(admin, smtp.Port);
        var (gone, _) = await CustomerWithEmailAsync(admin, connectionString, "gone-");
        var (refused, _) = await CustomerWithEmailAsync(admin, connectionString);
        foreach (var customer in new[] { gone, refused })
        {
            var opened = await BodyAsync(await admin.PostAsJsonAsync("/api/cases",
                new { customerId = customer, subject = "Hello", description = "A question." }), HttpStatusCode.Created);
            await BodyAsync(await admin.PostAsJsonAsync($"/api/cases/{opened.GetProperty("caseId").GetGuid()}/messages",
                new { message = "An answer.", isInternal = false }), HttpStatusCode.OK);
        }

        // A recipient refused at RCPT (550): the email bounced and the customer is marked undeliverable.
        var bounced = await OnlyEmailAsync(admin, gone, "bounced");
        Assert.StartsWith("550", bounced.GetProperty("lastError").GetString(), StringComparison.Ordinal);
        var standing = await BodyAsync(await admin.GetAsync($"/api/notifications/customers/{gone}"), HttpStatusCode.OK);
        Assert.True(standing.GetProperty("undeliverable").GetBoolean());
        Assert.StartsWith("550", standing.GetProperty("reason").GetString(), StringComparison.Ordinal);

        // The message itself refused after DATA (554): failed for good; the address is not blamed.
        var failed = await OnlyEmailAsync(admin, refused, "failed");
        Assert.StartsWith("554", failed.GetProperty("lastError").GetString(), StringComparison.Ordinal);
        Assert.False((await BodyAsync(await admin.GetAsync($"/api/notifications/customers/{refused}"), HttpStatusCode.OK)).GetProperty("undeliverable").GetBoolean());

        // Neither is tried again: the sender polls every 200 ms, and after 3 s each email still has its one attempt.
        await Task.Delay(TimeSpan.FromSeconds(3));
        foreach (var (customer, status) in new[] { (gone, "bounced"), (refused, "failed") })
        {
            Assert.Equal(1, (await OnlyEmailAsync(admin, customer, status)).GetProperty("attempts").GetInt32());
        }

        Assert.Empty(smtp.Messages());
        var queued = await BodyAsync(await admin.GetAsync("/api/notifications?status=queued"), HttpStatusCode.OK);
        Assert.Equal(0, queued.GetArrayLength());
    }

    /// <summary>The customer's one email, once it has reached <paramref name="status"/>.</summary>
    private static async Task<JsonElement> OnlyEmailAsync(HttpClient admin, Guid customer, string status)
    {
        JsonElement listed = default;
        Assert.True(await TestAlbums.EventuallyAsync(async () =>
        {
            listed = await BodyAsync(await admin.GetAsync($"/api/notifications?customerId={customer}&status={status}"), HttpStatusCode.OK);
            return listed.GetArrayLength() == 1;
        }, seconds: 60), $"no {status} email for customer {customer}");
        return listed[0];
    }

    private static Task<MistyWebNode> StartEmailNodeAsync(string connectionString) =>
        MistyWebNode.StartAsync(connectionString, configure: builder => builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Misty:Payments:Latency"] = "00:00:00",
            ["Misty:Payments:DeclineRate"] = "0",
            ["Misty:Email:PollInterval"] = "00:00:00.200",
        }));

    private static async Task ConfigureSmtpAsync(HttpClient admin, int port)
    {
        var response = await admin.PutAsJsonAsync("/api/integrations/smtp", new
        {
            category = "email",
            connected = true,
            settings = new
            {
                host = "127.0.0.1",
                port,
                security = "none",
                fromAddress = "shop@misty.test",
                fromName = "Misty Records",
                storeName = "Misty Records",
                storeAddress = "1 Groove Lane & Co, Springfield",
            },
        });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>A customer, once its row is there (cases are opened for customers the rows know).</summary>
    private static async Task<(Guid Customer, string Email)> CustomerWithEmailAsync(HttpClient client, string connectionString, string prefix = "vera-")
    {
        var email = $"{prefix}{Guid.NewGuid():N}@customer.test";
        var response = await client.PostAsJsonAsync("/api/customers", new { email, firstName = "Vera", lastName = "Vinyl", address = "12 Elm Street" });
        var customer = (await BodyAsync(response, HttpStatusCode.Created)).GetProperty("customerId").GetGuid();
        Assert.True(await TestAlbums.EventuallyAsync(async () =>
            await TestSql.ScalarAsync<long>(connectionString, "SELECT count(*) FROM customers WHERE customer_id = @c", ("c", customer)) == 1));
        return (customer, email);
    }
}
