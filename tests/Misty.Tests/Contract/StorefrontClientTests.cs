using System.Net.Http.Headers;
using Misty.Client;
using Misty.Tests.Infrastructure;
using Misty.Tests.Orders;

namespace Misty.Tests.Contract;

/// <summary>
/// The storefront's path driven only through Misty.Client, the C# client generated from docs/openapi/v1.json, against a
/// real node: what a storefront developer gets by generating a client from the document and nothing else.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class StorefrontClientTests(PostgresFixture postgres)
{
    [Fact]
    public async Task A_storefront_browses_reserves_orders_cancels_and_follows_a_case_through_the_generated_client()
    {
        // The simulated gateway never declines at random here: a declined charge would cancel the order before the site does.
        await using var node = await OrderTestData.StartNodeAsync(await postgres.CreateDatabaseAsync());

        // Staff sign in through the client; the token it returns authorises the staff calls that stock an album.
        using var anonymousHttp = node.CreateClient();
        var login = await new MistyClient(anonymousHttp).LoginAsync(new LoginRequest { Email = MistyWebNode.AdminEmail, Password = MistyWebNode.AdminPassword });
        Assert.True(login.ExpiresAt > DateTimeOffset.UtcNow);
        using var staffHttp = node.CreateClient();
        staffHttp.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", login.AccessToken);
        var staff = new MistyClient(staffHttp);
        var album = await staff.CreateAlbumAsync(new CreateAlbumRequest
        {
            Sku = "SC-" + Guid.NewGuid().ToString("N")[..8],
            Title = "A Love Supreme",
            Artist = "John Coltrane",
            Genre = "Jazz",
            Label = "Impulse!",
            ReleaseYear = 1965,
            Price = 34.50m,
            Cost = 17m,
            Condition = "NM",
        });
        Assert.Equal(5, (await staff.RestockAlbumAsync(album.AlbumId, new RestockRequest { Quantity = 5, UnitCost = 16.25m })).Available);

        // The storefront browses the catalogue and reads the stock.
        using var storefrontHttp = node.CreateStorefrontClient();
        var storefront = new MistyClient(storefrontHttp);
        var listed = Assert.Single((await storefront.ListAlbumsAsync(search: "Love Supreme", pageSize: 10)).Items, item => item.AlbumId == album.AlbumId);
        Assert.Equal((34.50m, "John Coltrane"), (listed.Price, listed.Artist));
        Assert.Equal(5, (await storefront.GetInventoryAsync(album.AlbumId)).Available);

        // A customer signs up; the site's backend mints their token; the shopper's client sends it.
        var customer = await storefront.CreateCustomerAsync(new CreateCustomerRequest
        {
            Email = $"client-{Guid.NewGuid():N}@example.com",
            FirstName = "Alice",
            LastName = "Coltrane",
            Address = "1 Blue Train Road",
        });
        var token = await storefront.IssueCustomerTokenAsync(new CreateCustomerTokenRequest { CustomerId = customer.CustomerId });
        using var shopperHttp = node.CreateStorefrontClient();
        shopperHttp.DefaultRequestHeaders.Add("X-Customer-Token", token.CustomerToken);
        var shopper = new MistyClient(shopperHttp);

        // Reserve with an Idempotency-Key (201 with the reservation); a retry with the key gets the same reservation.
        var basket = new CreateReservationRequest { Lines = [new ReservationLineRequest { AlbumId = album.AlbumId, Quantity = 2 }], TtlSeconds = 600 };
        var reservation = await shopper.CreateReservationAsync("basket-1", basket);
        Assert.Equal(("held", 2), (reservation.Status, Assert.Single(reservation.Lines).Quantity));
        Assert.Equal(reservation.ReservationId, (await shopper.CreateReservationAsync("basket-1", basket)).ReservationId);
        Assert.Equal(3, (await shopper.GetInventoryAsync(album.AlbumId)).Available);

        // Not enough stock: the 409 problem as a typed exception, naming the short line.
        var shortage = await Assert.ThrowsAsync<MistyApiException<ProblemDetails>>(() => shopper.CreateReservationAsync("basket-2",
            new CreateReservationRequest { Lines = [new ReservationLineRequest { AlbumId = album.AlbumId, Quantity = 9 }] }));
        Assert.Equal((409, "Not enough stock."), (shortage.StatusCode, shortage.Result.Title));
        var shortLine = Assert.IsType<System.Text.Json.JsonElement>(shortage.Result.AdditionalProperties["lines"])[0];
        Assert.Equal((album.AlbumId, 9, 3), (shortLine.GetProperty("albumId").GetGuid(), shortLine.GetProperty("requested").GetInt32(), shortLine.GetProperty("available").GetInt32()));

        // A refused field: the 400 validation problem as a typed exception, naming the field.
        var invalid = await Assert.ThrowsAsync<MistyApiException<HttpValidationProblemDetails>>(() => shopper.CreateReservationAsync("basket-3",
            new CreateReservationRequest { Lines = [new ReservationLineRequest { AlbumId = album.AlbumId, Quantity = 0 }] }));
        Assert.Equal(400, invalid.StatusCode);
        Assert.Contains("lines[0].quantity", invalid.Result.Errors!.Keys);

        // A spare hold released: 204, and the reservation says so.
        var spare = await shopper.CreateReservationAsync("spare", new CreateReservationRequest { Lines = [new ReservationLineRequest { AlbumId = album.AlbumId, Quantity = 1 }] });
        await shopper.ReleaseReservationAsync(spare.ReservationId);
        Assert.Equal("released", (await shopper.GetReservationAsync(spare.ReservationId)).Status);

        // Order from the reservation (201 with the order), read it back, cancel it; a second cancel is a 409 problem.
        var order = await shopper.CreateOrderAsync(new CreateOrderRequest { ReservationId = reservation.ReservationId, Payment = new OrderPaymentRequest { Method = "card" } });
        Assert.Equal(customer.CustomerId, order.CustomerId);
        Assert.Equal(order.OrderNumber, (await shopper.GetOrderAsync(order.OrderId)).OrderNumber);
        // A charge in flight is not cancelled under it: the site waits, as it would, for the payment to settle.
        Assert.True(await TestAlbums.EventuallyAsync(async () =>
            (await shopper.GetOrderAsync(order.OrderId)).Payments.TrueForAll(payment => payment.Status != PaymentStatus.Pending)));
        Assert.Equal(OrderStatus.Cancelled, (await shopper.CancelOrderAsync(order.OrderId)).Status);
        var cancelledTwice = await Assert.ThrowsAsync<MistyApiException<ProblemDetails>>(() => shopper.CancelOrderAsync(order.OrderId));
        Assert.Equal(409, cancelledTwice.StatusCode);

        // Open a case and follow it: add a message and read it back, in the customer's view of the case.
        var opened = (await shopper.OpenCaseAsync(new CreateCaseRequest
        {
            CustomerId = customer.CustomerId,
            Subject = "Scratched sleeve",
            Description = "The sleeve arrived torn.",
        })).AsCustomerCase();
        Assert.Equal(CaseStatus.Pending, opened.Status);
        await shopper.AddCaseMessageAsync(opened.CaseId, new AddCaseMessageRequest { CustomerId = customer.CustomerId, Message = "Any news?" });
        var followed = (await shopper.GetCaseAsync(opened.CaseId)).AsCustomerCase();
        Assert.Contains(followed.Messages, message => message.Message == "Any news?" && message.FromCustomer);

        // Staff read the same case in their own shape.
        Assert.Equal(opened.CaseNumber, (await staff.GetCaseAsync(opened.CaseId)).AsStaffCase().CaseNumber);
    }
}
