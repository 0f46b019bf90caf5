using Misty.Client;

namespace Misty.Web.Demo;

/// <summary>
/// One shopper's visit, through the public API only. What a visit does is drawn by weight: mostly browsing, then
/// baskets (some left to expire), orders (a few paid with a card that is declined, a few that look like fraud: a new
/// customer, a large basket, shipped elsewhere), cancellations, messages to the shop, reviews and sign-ups.
/// </summary>
internal sealed class DemoShopper(DemoShop shop, DemoPopulation population, Random random, DemoTrafficStats stats, CancellationToken cancellationToken)
{
    /// <summary>The simulated gateway declines this card every time (Misty:Payments), as a real card can be.</summary>
    public const string DeclinedCard = "tok_chargeDeclined";

    /// <summary>The fraud scorecard flags a first order of a new customer from this amount on, shipped to another address.</summary>
    private const decimal SuspiciousBasket = 260m;

    public (string Name, Func<Task> Action) PickAction()
    {
        var roll = random.Next(100);
        return roll switch
        {
            < 30 => ("browse", BrowseAsync),
            < 42 => ("basket_abandoned", AbandonBasketAsync),
            < 46 => ("basket_released", ReleaseBasketAsync),
            < 66 => ("order", () => OrderAsync(declined: random.Next(12) == 0, cancelAfter: false)),
            < 71 => ("order_cancelled", () => OrderAsync(declined: false, cancelAfter: true)),
            < 73 => ("order_suspicious", SuspiciousOrderAsync),
            < 78 => ("case_contact_form", ContactFormAsync),
            < 82 => ("case_email", EmailAsync),
            < 92 => ("review", ReviewAsync),
            _ => ("sign_up", () => SignUpAsync()),
        };
    }

    public async Task BrowseAsync()
    {
        var genre = population.PickAlbums(random, 1) is [var seen] && random.Next(3) == 0 ? seen.Genre : null;
        var page = await shop.Storefront.ListAlbumsAsync(genre: genre, page: random.Next(1, 6), pageSize: 48, cancellationToken: cancellationToken);
        if (page.Items.Count == 0)
        {
            page = await shop.Storefront.ListAlbumsAsync(page: 1, pageSize: 48, cancellationToken: cancellationToken);
        }

        population.Add(page.Items);
        stats.Count("browse.page");
        if (page.Items.Count == 0)
        {
            return;
        }

        var album = page.Items[random.Next(page.Items.Count)];
        await shop.Storefront.GetAlbumAsync(album.AlbumId, cancellationToken);
        await shop.Storefront.GetInventoryAsync(album.AlbumId, cancellationToken);
        await shop.Storefront.GetBoughtTogetherAsync(album.AlbumId, "6", cancellationToken);
        stats.Count("browse.album");
    }

    /// <summary>A basket left in the browser: its hold expires by itself after its time to live.</summary>
    private async Task AbandonBasketAsync()
    {
        if (await InStockAsync(random.Next(1, 3)) is not { Count: > 0 } albums)
        {
            return;
        }

        await shop.Storefront.CreateReservationAsync(NewKey(), Basket(albums, random.Next(30, 121)), cancellationToken);
        stats.Count("reservation.abandoned");
    }

    private async Task ReleaseBasketAsync()
    {
        if (await InStockAsync(1) is not { Count: > 0 } albums)
        {
            return;
        }

        var held = await shop.Storefront.CreateReservationAsync(NewKey(), Basket(albums, 300), cancellationToken);
        await Task.Delay(TimeSpan.FromMilliseconds(random.Next(200, 2_000)), cancellationToken);
        await shop.Storefront.ReleaseReservationAsync(held.ReservationId, cancellationToken);
        stats.Count("reservation.released");
    }

    private async Task OrderAsync(bool declined, bool cancelAfter)
    {
        var customer = population.PickCustomer(random) ?? await SignUpAsync();
        if (await InStockAsync(random.Next(1, 4)) is not { Count: > 0 } albums)
        {
            return;
        }

        using var session = await SignInAsync(customer);
        var held = await session.Client.CreateReservationAsync(NewKey(), Basket(albums, 600), cancellationToken);
        stats.Count("reservation.held");
        var order = await PlaceAsync(session.Client, held.ReservationId, customer.Address, declined ? DeclinedCard : null);
        if (cancelAfter && order.Status != OrderStatus.Cancelled)
        {
            await SettledAsync(session.Client, order.OrderId);
            await session.Client.CancelOrderAsync(order.OrderId, cancellationToken: cancellationToken);
            stats.Count("order.cancelled_by_customer");
        }
    }

    /// <summary>What the fraud scorecard is there for: a new customer's large first basket, shipped to another address.</summary>
    private async Task SuspiciousOrderAsync()
    {
        var lines = new List<ReservationLineRequest>();
        var amount = 0m;
        // Up to eight records, three of each at most: with four, thin stock after a few flash sales left every basket short.
        foreach (var album in (await InStockAsync(8)).Where(album => album.Price > 0))
        {
            var quantity = (int)Math.Min(Math.Min(album.Available, 3), Math.Ceiling((SuspiciousBasket - amount) / album.Price));
            lines.Add(new ReservationLineRequest { AlbumId = album.AlbumId, Quantity = quantity });
            amount += quantity * album.Price;
            if (amount >= SuspiciousBasket)
            {
                break;
            }
        }

        if (amount < SuspiciousBasket)
        {
            stats.Count("order_suspicious.skipped");
            return;
        }

        var customer = await SignUpAsync();
        using var session = await SignInAsync(customer);
        var held = await session.Client.CreateReservationAsync(NewKey(), new CreateReservationRequest { Lines = lines, TtlSeconds = 600 }, cancellationToken);
        // By card: a bank transfer cannot be disputed, and the scorecard takes points off for it.
        await PlaceAsync(session.Client, held.ReservationId, DemoScripts.Address(random), card: null, mayTransfer: false);
    }

    /// <param name="card">The card's token; null for a card the gateway accepts, or now and then a bank transfer.</param>
    private async Task<CreatedOrderResponse> PlaceAsync(MistyClient client, Guid reservationId, string? shipTo, string? card, bool mayTransfer = true)
    {
        var method = card is null && mayTransfer && random.Next(10) == 0 ? "bank_transfer" : "card";
        var order = await client.CreateOrderAsync(new CreateOrderRequest
        {
            ReservationId = reservationId,
            ShippingAddress = shipTo,
            Payment = new OrderPaymentRequest { Method = method, Token = card },
        }, cancellationToken: cancellationToken);
        stats.Count(order.HeldForReview ? "order.held_for_review" : order.Payment.Status == PaymentStatus.Failed ? "order.payment_declined" : "order.placed");
        return order;
    }

    /// <summary>A charge in flight is not cancelled under it: the site waits for the payment to settle, as it would.</summary>
    private async Task SettledAsync(MistyClient client, Guid orderId)
    {
        for (var attempt = 0; attempt < 20; attempt++)
        {
            var order = await client.GetOrderAsync(orderId, cancellationToken: cancellationToken);
            if (order.Payments.TrueForAll(payment => payment.Status != PaymentStatus.Pending))
            {
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
        }
    }

    /// <summary>The shop's contact form: a case opened by the customer, sometimes followed by a second message.</summary>
    private async Task ContactFormAsync()
    {
        var customer = population.PickCustomer(random) ?? await SignUpAsync();
        using var session = await SignInAsync(customer);
        var (subject, text) = DemoScripts.CaseMessage(random);
        var opened = (await session.Client.OpenCaseAsync(new CreateCaseRequest { CustomerId = customer.CustomerId, Subject = subject, Description = text },
            NewKey(), cancellationToken)).AsCustomerCase();
        stats.Count("case.opened");
        if (random.Next(3) == 0)
        {
            await session.Client.AddCaseMessageAsync(opened.CaseId,
                new AddCaseMessageRequest { CustomerId = customer.CustomerId, Message = DemoScripts.FollowUp(random) }, NewKey(), cancellationToken);
            stats.Count("case.followed_up");
        }
    }

    /// <summary>An email to the shop's address, passed on by the mail gateway as it arrives.</summary>
    private async Task EmailAsync()
    {
        var customer = population.PickCustomer(random) ?? await SignUpAsync();
        var (subject, text) = DemoScripts.CaseMessage(random);
        await shop.MailGateway.ReceiveInboundEmailAsync(new InboundEmailRequest
        {
            From = $"{customer.FirstName} {customer.LastName} <{customer.Email}>",
            Subject = subject,
            Text = text,
            MessageId = $"<demo-{Guid.NewGuid():N}@customer.example>",
        }, cancellationToken);
        stats.Count("case.emailed");
    }

    private async Task ReviewAsync()
    {
        var customer = population.PickCustomer(random) ?? await SignUpAsync();
        if (population.PickAlbums(random, 1) is not [var album])
        {
            return;
        }

        using var session = await SignInAsync(customer);
        var (rating, text) = DemoScripts.Review(random, album.Title);
        await session.Client.CreateReviewAsync(new CreateReviewRequest { CustomerId = customer.CustomerId, AlbumId = album.AlbumId, Rating = rating, ReviewText = text },
            cancellationToken);
        stats.Count("review.posted");
    }

    private async Task<DemoCustomer> SignUpAsync()
    {
        var (first, last) = DemoScripts.Name(random);
        var created = await shop.Storefront.CreateCustomerAsync(new CreateCustomerRequest
        {
            Email = $"{first}.{last}.{Guid.NewGuid().ToString("N")[..8]}@shopper.example".ToLowerInvariant(),
            FirstName = first,
            LastName = last,
            Address = DemoScripts.Address(random),
        }, cancellationToken);
        var customer = new DemoCustomer(created.CustomerId, created.Email, created.FirstName, created.LastName, created.Address);
        population.Add(customer);
        stats.Count("customer.signed_up");
        return customer;
    }

    /// <summary>
    /// A flash sale: many shoppers at once for one album, each holding a unit; some buy it, the rest leave their hold to
    /// expire, and late comers find it sold out.
    /// </summary>
    public async Task FlashSaleAsync(int shoppers, Func<Random> newRandom)
    {
        if (await InStockAsync(1) is not [var album])
        {
            return;
        }

        stats.Count("flash_sale.started");
        var basket = new CreateReservationRequest { Lines = [new ReservationLineRequest { AlbumId = album.AlbumId, Quantity = 1 }], TtlSeconds = 90 };
        // The crowd arrives over three seconds, not in one instant.
        await Task.WhenAll(Enumerable.Range(0, shoppers).Select(async _ =>
        {
            var arrival = TimeSpan.FromMilliseconds(random.Next(0, 3_000));
            var visitor = new DemoShopper(shop, population, newRandom(), stats, cancellationToken);
            await Task.Delay(arrival, cancellationToken);
            await visitor.FlashShopperAsync(basket);
        }));
    }

    private async Task FlashShopperAsync(CreateReservationRequest basket)
    {
        try
        {
            var customer = population.PickCustomer(random) ?? await SignUpAsync();
            using var session = await SignInAsync(customer);
            var held = await session.Client.CreateReservationAsync(NewKey(), basket, cancellationToken);
            stats.Count("flash_sale.held");
            if (random.Next(3) == 0)
            {
                await PlaceAsync(session.Client, held.ReservationId, customer.Address, card: null);
            }
        }
        catch (MistyApiException ex) when (ex.StatusCode == 409)
        {
            stats.Count("flash_sale.sold_out");
        }
    }

    private async Task<CustomerSession> SignInAsync(DemoCustomer customer)
    {
        var token = await shop.Storefront.IssueCustomerTokenAsync(new CreateCustomerTokenRequest { CustomerId = customer.CustomerId, TtlSeconds = 900 }, cancellationToken);
        return shop.ForCustomer(token.CustomerToken);
    }

    /// <summary>Albums the shopper looks at and finds available, with what is available.</summary>
    private async Task<IReadOnlyList<(Guid AlbumId, string Title, decimal Price, int Available)>> InStockAsync(int wanted)
    {
        var found = new List<(Guid, string, decimal, int)>();
        foreach (var album in population.PickAlbums(random, wanted * 3))
        {
            var stock = await shop.Storefront.GetInventoryAsync(album.AlbumId, cancellationToken);
            if (stock.Available > 0)
            {
                found.Add((album.AlbumId, album.Title, album.Price, stock.Available));
                if (found.Count == wanted)
                {
                    break;
                }
            }
        }

        if (found.Count == 0)
        {
            stats.Count("skipped.nothing_in_stock");
        }

        return found;
    }

    private CreateReservationRequest Basket(IEnumerable<(Guid AlbumId, string Title, decimal Price, int Available)> albums, int ttlSeconds) => new()
    {
        Lines = [.. albums.Select(album => new ReservationLineRequest { AlbumId = album.AlbumId, Quantity = Math.Min(album.Available, random.Next(1, 3)) })],
        TtlSeconds = ttlSeconds,
    };

    private static string NewKey() => $"demo-{Guid.NewGuid():N}";
}
