using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Misty.Grains.Infrastructure;
using Misty.Grains.Interfaces.Customers;
using Misty.Grains.Orders;
using Misty.Grains.Sentiment;
using Orleans.Runtime;

namespace Misty.Grains.Customers;

/// <summary>
/// One customer. Seeded customers start from their rows and order history, and that starting point is stored at once,
/// so later notices from orders are counted against it exactly once. Every change is stored before the caller hears of
/// it; the rows are projected afterwards (outboxes for interactions and reviews), caught up by a reminder after a crash.
/// </summary>
[GrainType("customer")]
public sealed class CustomerGrain(
    [PersistentState(CustomerGrain.StateName)] IPersistentState<CustomerState> state,
    ICustomerStore store,
    IOptions<OrderOptions> options,
    TimeProvider clock,
    IEnumerable<ICustomerPurchaseListener> purchaseListeners,
    ILogger<CustomerGrain> logger) : Grain, ICustomerGrain, IRemindable
{
    public const string StateName = "customer";

    private CustomerState _live = null!;
    private CustomerBook _book = null!;
    private CustomerState? _stored;
    private long _projectedVersion = -1;
    private CatchUpLoop _catchUp = null!;
    private CatchUpReminder _reminder = null!;

    private Guid CustomerId => this.GetPrimaryKey();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _reminder = new CatchUpReminder(this, "customer-catch-up", options.Value.CatchUpPeriod, logger);
        _catchUp = new CatchUpLoop(CatchUpAsync, CaughtUp, logger, $"customer {CustomerId}");
        _catchUp.CaughtUp += () => _reminder.ClearAsync(CaughtUp);
        _live = state.State;
        if (state.RecordExists)
        {
            // A crash may have come between storing a change and projecting it; replaying is idempotent.
            _stored = _live.Copy();
            _catchUp.Kick();
        }
        else if (await store.LoadCustomerAsync(CustomerId, clock.GetUtcNow(), cancellationToken) is { } row)
        {
            // Stored as found: orders placed from now on are counted on top of this history, never in it as well.
            _live = row;
            state.State = row.Copy();
            await state.WriteStateAsync(cancellationToken);
            _stored = state.State;
            _projectedVersion = row.Version;
        }

        _book = new CustomerBook(_live, SentimentAnalyzer.Default);
    }

    public async Task<CustomerView> CreateAsync(NewCustomer customer)
    {
        if (!_live.Exists)
        {
            var now = clock.GetUtcNow();
            _live.Exists = true;
            _live.Email = customer.Email;
            _live.FirstName = customer.FirstName;
            _live.LastName = customer.LastName;
            _live.Phone = customer.Phone;
            _live.Address = customer.Address;
            _live.JoinedAt = now;
            _live.CreatedAt = now;
            _book.Reassess(now);
            await StoreAsync();
        }

        return View();
    }

    public Task<CustomerView?> GetAsync() => Task.FromResult(_live.Exists ? View() : null);

    public Task<CustomerRiskProfile?> GetRiskAsync() => Task.FromResult(_live.Exists ? _book.Risk(clock.GetUtcNow()) : null);

    public async Task<bool> ApplyOrderNoticeAsync(OrderNotice notice)
    {
        if (!_live.Exists)
        {
            return false;
        }

        var changed = _book.Apply(notice);
        changed |= _book.Reassess(clock.GetUtcNow());
        if (changed)
        {
            await StoreAsync();
            if (notice.Kind == OrderNoticeKind.Purchased)
            {
                var albums = notice.Lines.Select(line => line.AlbumId).Distinct().ToArray();
                foreach (var listener in purchaseListeners)
                {
                    listener.Purchased(CustomerId, albums);
                }
            }
        }

        return true;
    }

    public async Task<bool> RefreshSegmentAsync()
    {
        if (!_live.Exists || !_book.Reassess(clock.GetUtcNow()))
        {
            return false;
        }

        await StoreAsync();
        return true;
    }

    public async Task<InteractionView?> AddInteractionAsync(InteractionDraft interaction)
    {
        if (!_live.Exists)
        {
            return null;
        }

        var recorded = _book.Interact(interaction, clock.GetUtcNow());
        await StoreAsync();
        return ToView(recorded);
    }

    public async Task<ReviewOutcome> AddReviewAsync(ReviewDraft review)
    {
        if (!_live.Exists)
        {
            return new ReviewOutcome(CustomerResult.NotFound, null);
        }

        if (!await store.AlbumExistsAsync(review.AlbumId, CancellationToken.None))
        {
            return new ReviewOutcome(CustomerResult.UnknownAlbum, null);
        }

        if (_book.Review(review, clock.GetUtcNow()) is not { } recorded)
        {
            return new ReviewOutcome(CustomerResult.AlreadyReviewed, null);
        }

        await StoreAsync();
        return new ReviewOutcome(CustomerResult.Ok, new ReviewView(recorded.ReviewId, CustomerId, recorded.AlbumId, recorded.Rating, recorded.ReviewText,
            recorded.Sentiment, recorded.SentimentScore, recorded.VerifiedPurchase, recorded.CreatedAt));
    }

    public async Task<bool> RebuildProjectionAsync()
    {
        if (_stored is not { } stored)
        {
            return false;
        }

        await store.ProjectAsync(CustomerId, stored, overwrite: true, CancellationToken.None);
        return true;
    }

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != _reminder.Name)
        {
            return Task.CompletedTask;
        }

        if (CaughtUp())
        {
            return _reminder.ClearAsync(CaughtUp);
        }

        _catchUp.Kick();
        return Task.CompletedTask;
    }

    private async Task StoreAsync()
    {
        _live.Version++;
        _live.UpdatedAt = clock.GetUtcNow();
        var copy = _live.Copy();
        await _reminder.StoreAsync(state, copy, $"customer {CustomerId}");
        _stored = copy;
        _catchUp.Kick();
    }

    private async Task CatchUpAsync()
    {
        if (_stored is not { } stored || !Behind(stored))
        {
            return;
        }

        await store.ProjectAsync(CustomerId, stored, overwrite: false, CancellationToken.None);
        _projectedVersion = stored.Version;
        // Projected entries leave the outboxes with the next write; until then a replay is harmless.
        _live.PendingInteractions.RemoveAll(stored.PendingInteractions.Contains);
        _live.PendingReviews.RemoveAll(stored.PendingReviews.Contains);
    }

    private bool CaughtUp() => _stored is not { } stored || !Behind(stored);

    private bool Behind(CustomerState stored) =>
        stored.Version > _projectedVersion
        || stored.PendingInteractions.Any(_live.PendingInteractions.Contains)
        || stored.PendingReviews.Any(_live.PendingReviews.Contains);

    private CustomerView View() => new(
        CustomerId, _live.Email, _live.FirstName, _live.LastName, _live.Phone, _live.Address, DateOnly.FromDateTime(_live.JoinedAt.UtcDateTime),
        _live.LifetimeValue, _live.TotalPurchases, _live.PreferredGenre, _live.Status,
        _live.Segment is { } segment
            ? new SegmentView(segment.SegmentId, segment.SegmentType, segment.SegmentScore, DateOnly.FromDateTime(segment.AssignedAt.UtcDateTime))
            : null,
        [.. _live.RecentInteractions.Select(ToView)], _live.CreatedAt, _live.UpdatedAt, _live.Version);

    private static InteractionView ToView(InteractionRecord interaction) =>
        new(interaction.InteractionId, interaction.InteractionType, interaction.Summary, interaction.Sentiment, interaction.InteractionDate);
}
