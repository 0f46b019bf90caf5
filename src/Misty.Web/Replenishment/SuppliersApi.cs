using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Misty.Grains.Audit;
using Misty.Web.Api;
using Misty.Web.Security;

namespace Misty.Web.Replenishment;

/// <summary>Suppliers and their price lists, which the replenishment planner chooses from.</summary>
public static class SuppliersApi
{
    private const int MaxPrices = 10_000;

    public static IEndpointRouteBuilder MapSuppliersApi(this IEndpointRouteBuilder routes)
    {
        var suppliers = routes.MapGroup("/api/suppliers").WithTags("Replenishment");
        suppliers.MapGet("", ([AsParameters] PageQuery query, SupplierDirectory directory, CancellationToken cancellationToken) =>
                ListAsync(query, directory, cancellationToken))
            .RequireAuthorization(MistyPolicies.Staff).WithName("listSuppliers").WithSummary("Suppliers by name.");
        suppliers.MapGet("/{supplierId:guid}", GetAsync).RequireAuthorization(MistyPolicies.Staff).WithName("getSupplier").WithSummary("One supplier.");
        suppliers.MapPost("", CreateAsync).RequireAuthorization(MistyPolicies.Manager).WithName("createSupplier")
            .WithSummary("Adds a supplier with its average delivery days and reliability score.");
        suppliers.MapPut("/{supplierId:guid}", UpdateAsync).RequireAuthorization(MistyPolicies.Manager).WithName("updateSupplier")
            .WithSummary("Replaces a supplier's details.");
        suppliers.MapGet("/{supplierId:guid}/pricing", GetPricesAsync).RequireAuthorization(MistyPolicies.Staff).WithName("getSupplierPricing")
            .WithSummary("The supplier's current price list: unit price, minimum order, pack size and dates per album.");
        suppliers.MapPut("/{supplierId:guid}/pricing", ReplacePricesAsync).RequireAuthorization(MistyPolicies.Manager).WithName("replaceSupplierPricing")
            .WithSummary("Replaces the supplier's price list (the old one is kept as history).");
        return routes;
    }

    private static async Task<Results<Ok<SupplierPage>, ValidationProblem>> ListAsync(PageQuery query, SupplierDirectory directory,
        CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var (page, pageSize) = (query.PageOf(errors), query.PageSizeOf(errors));
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var (items, total) = await directory.ListAsync(page, pageSize, cancellationToken);
        return TypedResults.Ok(new SupplierPage(items, page, pageSize, total));
    }

    private static async Task<Results<Ok<SupplierResponse>, NotFoundProblem>> GetAsync(Guid supplierId, SupplierDirectory directory,
        CancellationToken cancellationToken) =>
        await directory.GetAsync(supplierId, cancellationToken) is { } supplier ? TypedResults.Ok(supplier) : SupplierNotFound(supplierId);

    private static async Task<Results<Created<SupplierResponse>, ValidationProblem>> CreateAsync(SupplierRequest request, ClaimsPrincipal user,
        SupplierDirectory directory, IAuditLog audit, CancellationToken cancellationToken)
    {
        if (Validate(request) is { IsEmpty: false } errors)
        {
            return errors.ToProblem();
        }

        var supplier = await directory.CreateAsync(request, cancellationToken);
        await audit.RecordAsync(new AuditEntry("suppliers.created", Callers.Id(user), $"Supplier '{supplier.Name}' added.")
        {
            Details = new Dictionary<string, object?> { ["supplierId"] = supplier.SupplierId },
        });
        return TypedResults.Created($"/api/suppliers/{supplier.SupplierId}", supplier);
    }

    private static async Task<Results<Ok<SupplierResponse>, ValidationProblem, NotFoundProblem>> UpdateAsync(Guid supplierId, SupplierRequest request,
        ClaimsPrincipal user, SupplierDirectory directory, IAuditLog audit, CancellationToken cancellationToken)
    {
        if (Validate(request) is { IsEmpty: false } errors)
        {
            return errors.ToProblem();
        }

        if (await directory.UpdateAsync(supplierId, request, cancellationToken) is not { } supplier)
        {
            return SupplierNotFound(supplierId);
        }

        await audit.RecordAsync(new AuditEntry("suppliers.updated", Callers.Id(user), $"Supplier '{supplier.Name}' changed.")
        {
            Details = new Dictionary<string, object?>
            {
                ["supplierId"] = supplierId,
                ["avgDeliveryDays"] = supplier.AvgDeliveryDays,
                ["reliabilityScore"] = supplier.ReliabilityScore,
            },
        });
        return TypedResults.Ok(supplier);
    }

    private static async Task<Results<Ok<PriceListResponse>, NotFoundProblem>> GetPricesAsync(Guid supplierId, SupplierDirectory directory,
        CancellationToken cancellationToken) =>
        await directory.GetAsync(supplierId, cancellationToken) is null
            ? SupplierNotFound(supplierId)
            : TypedResults.Ok(new PriceListResponse(supplierId, await directory.PricesAsync(supplierId, cancellationToken)));

    private static async Task<Results<Ok<PriceListResponse>, ValidationProblem, NotFoundProblem>> ReplacePricesAsync(Guid supplierId,
        PriceListRequest request, ClaimsPrincipal user, SupplierDirectory directory, IAuditLog audit, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var prices = request.Prices ?? [];
        errors.Check(request.Prices is not null, "prices", "The price list is required (an empty list clears it).")
            .Check(prices.Count <= MaxPrices, "prices", $"At most {MaxPrices} prices.");
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        for (var i = 0; i < prices.Count && errors.IsEmpty; i++)
        {
            if (prices[i] is null)
            {
                errors.Add($"prices[{i}]", "A price is required, not null.");
                continue;
            }

            ValidatePrice(prices[i], $"prices[{i}]", today, errors);
        }

        if (errors.IsEmpty)
        {
            CheckOverlaps(prices, today, errors);
            var missing = await directory.MissingAlbumsAsync([.. prices.Select(price => price.AlbumId!.Value).Distinct()], cancellationToken);
            for (var i = 0; i < prices.Count; i++)
            {
                errors.Check(!missing.Contains(prices[i].AlbumId!.Value), $"prices[{i}].albumId", "No such album.");
            }
        }

        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        if (await directory.GetAsync(supplierId, cancellationToken) is null)
        {
            return SupplierNotFound(supplierId);
        }

        await directory.ReplacePricesAsync(supplierId, prices, today, cancellationToken);
        await audit.RecordAsync(new AuditEntry("suppliers.pricing_replaced", Callers.Id(user), $"Price list of supplier {supplierId} replaced: {prices.Count} price(s).")
        {
            Details = new Dictionary<string, object?> { ["supplierId"] = supplierId, ["prices"] = prices.Count },
        });
        return TypedResults.Ok(new PriceListResponse(supplierId, await directory.PricesAsync(supplierId, cancellationToken)));
    }

    private static FieldErrors Validate(SupplierRequest request) => new FieldErrors()
        .Check(!string.IsNullOrWhiteSpace(request.Name) && request.Name.Trim().Length <= 200, "name", "A name of 1 to 200 characters is required.")
        .Check(request.Email is null || (request.Email.Length <= 320 && request.Email.Contains('@', StringComparison.Ordinal)), "email",
            "An email address of at most 320 characters.")
        .Check(request.Phone is null || request.Phone.Length <= 32, "phone", "At most 32 characters.")
        .Check(request.Address is null || request.Address.Length <= 1_000, "address", "At most 1,000 characters.")
        .Check(request.AvgDeliveryDays is null or (>= 0 and <= 365) && TwoDecimals(request.AvgDeliveryDays), "avgDeliveryDays",
            "From 0 to 365 days, at most two decimals.")
        .Check(request.ReliabilityScore is null or (>= 0 and <= 100) && TwoDecimals(request.ReliabilityScore), "reliabilityScore",
            "From 0 to 100, at most two decimals.");

    private static void ValidatePrice(PriceRequest price, string field, DateOnly today, FieldErrors errors)
    {
        errors.Check(price.AlbumId is not null, $"{field}.albumId", "Required.")
            .Check(price.UnitPrice is >= 0 and <= 1_000_000 && TwoDecimals(price.UnitPrice), $"{field}.unitPrice",
                "Required: from 0 to 1,000,000, at most two decimals.")
            .Check(price.MinimumOrderQuantity is null or (>= 1 and <= 100_000), $"{field}.minimumOrderQuantity", "From 1 to 100,000.")
            .Check(price.PackSize is null or (>= 1 and <= 10_000), $"{field}.packSize", "From 1 to 10,000.")
            .Check(price.EffectiveTo is null || price.EffectiveTo >= (price.EffectiveFrom ?? today), $"{field}.effectiveTo",
                "Not before effectiveFrom.");
    }

    /// <summary>Two prices of one album valid on the same day would make the planner's choice depend on row order.</summary>
    private static void CheckOverlaps(IReadOnlyList<PriceRequest> prices, DateOnly today, FieldErrors errors)
    {
        foreach (var album in prices.Select((price, index) => (price, index)).GroupBy(entry => entry.price.AlbumId))
        {
            var sorted = album.OrderBy(entry => entry.price.EffectiveFrom ?? today).ToList();
            for (var i = 1; i < sorted.Count; i++)
            {
                var previousEnd = sorted[i - 1].price.EffectiveTo ?? DateOnly.MaxValue;
                errors.Check((sorted[i].price.EffectiveFrom ?? today) > previousEnd, $"prices[{sorted[i].index}].effectiveFrom",
                    "Overlaps another price of the same album.");
            }
        }
    }

    private static bool TwoDecimals(decimal? value) => value is null || decimal.Round(value.Value, 2) == value;

    private static NotFoundProblem SupplierNotFound(Guid supplierId) => Problems.NotFound("No such supplier.", $"Supplier {supplierId} does not exist.");
}
