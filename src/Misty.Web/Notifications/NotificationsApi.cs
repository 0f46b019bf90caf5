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
        group.MapGet("", ListAsync)
            .WithSummary("Emails to customers, newest first: queued, sent, failed or bounced, with the reason of a failure.")
            .Produces<IReadOnlyList<NotificationResponse>>()
            .ProducesValidationProblem();
        group.MapGet("/customers/{customerId:guid}", StandingAsync)
            .WithSummary("Whether email to the customer bounced or failed for good, when and why.")
            .Produces<EmailStandingResponse>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/bounces", BounceAsync)
            .RequireAuthorization(MistyPolicies.Manager)
            .WithSummary("Records a bounce reported after sending (by a relay or a delivery status notification) on the email and its customer.")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
        return routes;
    }

    private static async Task<IResult> ListAsync(string? customerId, string? status, string? page, string? pageSize, NotificationQueue queue,
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

    private static async Task<IResult> StandingAsync(Guid customerId, NotificationQueue queue, CancellationToken cancellationToken)
    {
        return await queue.UndeliverableAsync(customerId, cancellationToken) is { } standing
            ? TypedResults.Ok(new EmailStandingResponse(customerId, standing.At is not null, standing.At, standing.Reason))
            : TypedResults.Problem(title: "No such customer.", detail: $"Customer {customerId} does not exist.", statusCode: StatusCodes.Status404NotFound);
    }

    private static async Task<IResult> BounceAsync(BounceRequest request, NotificationQueue queue, CancellationToken cancellationToken)
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
            : TypedResults.Problem(title: "No such email.", detail: $"No email has the Message-ID {messageId}.", statusCode: StatusCodes.Status404NotFound);
    }
}
