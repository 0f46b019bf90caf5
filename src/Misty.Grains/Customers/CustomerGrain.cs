using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Misty.Grains.Infrastructure;
using Misty.Grains.Interfaces.Customers;
using Misty.Grains.Interfaces.Knowledge;
using Misty.Grains.Knowledge;
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
    IOptions<CustomerOptions> options,
    TimeProvider clock,
    IEnumerable<ICustomerPurchaseListener> purchaseListeners,
    KnowledgeNotices knowledge,
    ILogger<CustomerGrain> logger) : Grain, ICustomerGrain, IRemindable
{
    public const string StateName = "customer";

    private StatePipeline<CustomerState, object> _pipeline = null!;
    private CustomerBook _book = null!;

    private Guid CustomerId => this.GetPrimaryKey();

    private CustomerState Live => _pipeline.Live;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _pipeline = new StatePipeline<CustomerState, object>(this, state.State, new()
        {
            Write = state.Writer(),
            Version = stored => stored.Version,
            Project = ProjectAsync,
            Reminder = "customer-catch-up",
            ReminderPeriod = options.Value.CatchUpPeriod,
        }, logger, $"customer {CustomerId}");
        if (state.RecordExists)
        {
            // A crash may have come between storing a change and projecting it; replaying is idempotent.
            _pipeline.Resume();
        }
        else if (await store.LoadCustomerAsync(CustomerId, clock.GetUtcNow(), cancellationToken) is { } row)
        {
            // Stored as found: orders placed from now on are counted on top of this history, never in it as well.
            _pipeline.Live = row;
            await _pipeline.StoreAsFoundAsync();
        }

        _book = new CustomerBook(Live, SentimentAnalyzer.Default);
    }

    public async Task<CustomerView> CreateAsync(NewCustomer customer)
    {
        if (!Live.Exists)
        {
            var now = clock.GetUtcNow();
            Live.Exists = true;
            Live.Email = customer.Email;
            Live.FirstName = customer.FirstName;
            Live.LastName = customer.LastName;
            Live.Phone = customer.Phone;
            Live.Address = customer.Address;
            Live.JoinedAt = now;
            Live.CreatedAt = now;
            _book.Reassess(now);
            await StoreAsync();
        }

        return View();
    }

    public Task<CustomerView?> GetAsync() => Task.FromResult(Live.Exists ? View() : null);

    public Task<CustomerRiskProfile?> GetRiskAsync() => Task.FromResult(Live.Exists ? _book.Risk(clock.GetUtcNow()) : null);

    public async Task<bool> ApplyOrderNoticeAsync(OrderNotice notice)
    {
        if (!Live.Exists)
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
        if (!Live.Exists || !_book.Reassess(clock.GetUtcNow()))
        {
            return false;
        }

        await StoreAsync();
        return true;
    }

    public async Task<InteractionView?> AddInteractionAsync(InteractionDraft interaction)
    {
        if (!Live.Exists)
        {
            return null;
        }

        var recorded = _book.Interact(interaction, clock.GetUtcNow());
        await StoreAsync();
        return ToView(recorded);
    }

    public async Task<ReviewOutcome> AddReviewAsync(ReviewDraft review)
    {
        if (!Live.Exists)
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

    public Task<bool> RebuildProjectionAsync() => _pipeline.RebuildAsync();

    public Task ReceiveReminder(string reminderName, TickStatus status) => _pipeline.OnReminderAsync();

    private Task StoreAsync()
    {
        Live.Version++;
        Live.UpdatedAt = clock.GetUtcNow();
        return _pipeline.StoreAsync();
    }

    private async Task ProjectAsync(CustomerState stored, bool overwrite)
    {
        await store.ProjectAsync(CustomerId, stored, overwrite, CancellationToken.None);
        foreach (var review in stored.PendingReviews)
        {
            await knowledge.ChangedAsync(KnowledgeKinds.Review, review.ReviewId);
        }

        // Projected entries leave the outboxes with the next write; until then a replay is harmless.
        Live.PendingInteractions.RemoveAll(stored.PendingInteractions.Contains);
        Live.PendingReviews.RemoveAll(stored.PendingReviews.Contains);
    }

    private CustomerView View() => new(
        CustomerId, Live.Email, Live.FirstName, Live.LastName, Live.Phone, Live.Address, DateOnly.FromDateTime(Live.JoinedAt.UtcDateTime),
        Live.LifetimeValue, Live.TotalPurchases, Live.PreferredGenre, Live.Status,
        Live.Segment is { } segment
            ? new SegmentView(segment.SegmentId, segment.SegmentType, segment.SegmentScore, DateOnly.FromDateTime(segment.AssignedAt.UtcDateTime))
            : null,
        [.. Live.RecentInteractions.Select(ToView)], Live.CreatedAt, Live.UpdatedAt, Live.Version);

    private static InteractionView ToView(InteractionRecord interaction) =>
        new(interaction.InteractionId, interaction.InteractionType, interaction.Summary, interaction.Sentiment, interaction.InteractionDate);
}
