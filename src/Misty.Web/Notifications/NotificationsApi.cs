using Microsoft.AspNetCore.Http.HttpResults;
using Misty.Web.Api;
using Misty.Web.Security;

namespace Misty.Web.Notifications;

/// <summary>A customer's email standing: when and why email to them last failed for good.</summary>
public sealed record EmailStandingResponse(Guid CustomerId, bool Undeliverable, DateTimeOffset? UndeliverableAt, string? Reason);

/// <param name="MessageId">The Message-ID of the email that bounced (with or without angle brackets).</param>
public sealed record BounceRequest(string? MessageId, string? Reason);

public static class NotificationsApi
{
    public static readonly IReadOnlyList<string> Statuses = ["queued", "sent", "failed", "bounced"];

    /// <summary>Customer email: the queue, its sender and the settings it reads (only with a database).</summary>
    public static IServiceCollection AddNotificationsWeb(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<EmailOptions>(configuration.GetSection("Misty:Email"));
        services.AddSingleton<NotificationQueue>();
        services.AddHostedService<NotificationSender>();
        return services;
    }

    public static IEndpointRouteBuilder MapNotificationsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/notifications").WithTags("Notifications").RequireAuthorization(MistyPolicies.Staff);
        group.MapGet("", ListAsync).WithName("listNotifications")
            .WithSummary("Emails to customers, newest first: queued, sent, failed or bounced, with the reason of a failure.");
        group.MapGet("/customers/{customerId:guid}", StandingAsync).WithName("getEmailStanding")
            .WithSummary("Whether email to the customer bounced or failed for good, when and why.");
        group.MapPost("/bounces", BounceAsync)
            .RequireAuthorization(MistyPolicies.Manager).WithName("recordBounce")
            .WithSummary("Records a bounce reported after sending (by a relay or a delivery status notification) on the email and its customer.");
        return routes;
    }

    private static async Task<Results<Ok<IReadOnlyList<NotificationResponse>>, ValidationProblem>> ListAsync(string? customerId, string? status, string? page, string? pageSize, NotificationQueue queue,
        CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        Guid? customer = null;
        if (!string.IsNullOrWhiteSpace(customerId))
        {
            errors.Check(Guid.TryParse(customerId, out var parsed), "customerId", "A customer id (a UUID).");
            customer = parsed;
        }

        var wanted = string.IsNullOrWhiteSpace(status) ? null : status.Trim();
        errors.Check(wanted is null || Statuses.Contains(wanted), "status", $"One of {string.Join(", ", Statuses)}.");
        var pageNumber = PageParameters.Page(page, errors);
        var size = PageParameters.PageSize(pageSize, errors);
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        return TypedResults.Ok(await queue.ListAsync(customer, wanted, pageNumber, size, cancellationToken));
    }

    private static async Task<Results<Ok<EmailStandingResponse>, NotFoundProblem>> StandingAsync(Guid customerId, NotificationQueue queue, CancellationToken cancellationToken)
    {
        return await queue.UndeliverableAsync(customerId, cancellationToken) is { } standing
            ? TypedResults.Ok(new EmailStandingResponse(customerId, standing.At is not null, standing.At, standing.Reason))
            : CustomerAccess.NotFound(customerId);
    }

    private static async Task<Results<NoContent, ValidationProblem, NotFoundProblem>> BounceAsync(BounceRequest request, NotificationQueue queue, CancellationToken cancellationToken)
    {
        var messageId = request.MessageId?.Trim().Trim('<', '>');
        var errors = new FieldErrors();
        errors.Check(messageId is { Length: > 0 and <= 255 }, "messageId", "The Message-ID of the email that bounced.")
            .Check(request.Reason is null || request.Reason.Length <= 2000, "reason", "At most 2000 characters.");
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        return await queue.RecordBounceAsync(messageId!, request.Reason?.Trim() is { Length: > 0 } reason ? reason : "bounced", cancellationToken)
            ? TypedResults.NoContent()
            : Problems.NotFound("No such email.", $"No email has the Message-ID {messageId}.");
    }
}
