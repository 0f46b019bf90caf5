using System.ComponentModel;
using Microsoft.SemanticKernel;
using Misty.Grains.Interfaces.Inventory;
using Misty.Web.Catalog;
using Misty.Web.Inventory;

namespace Misty.Web.Agents.Plugins;

public sealed class InventoryPlugin(AgentGate gate, IGrainFactory grains, AlbumCatalog catalog)
{
    private const int MaxUnits = 10_000;

    [KernelFunction("search_albums"), Description("Read only. Finds albums by title, artist or SKU text; answers ids, titles, artists and prices.")]
    [AgentTool("inventory", readOnly: true)]
    public Task<string> SearchAlbumsAsync(Kernel kernel,
        [Description("Words to look for in title, artist or SKU (1 to 100 characters).")] string query,
        [Description("How many albums to answer, 1 to 50.")] int limit = 10,
        CancellationToken cancellationToken = default)
    {
        var input = new ToolInput();
        var text = input.Text("query", query, 100);
        var size = input.Number("limit", limit, 1, 50);
        return gate.RunAsync(kernel, "search_albums", input, async ct =>
        {
            var page = await catalog.ListAsync(new AlbumQuery(text, null, null, 1, size), ct);
            return ToolOutcome.Ok(new { total = page.Total, albums = page.Items.Select(album => new { album.AlbumId, album.Sku, album.Title, album.Artist, album.Price }) });
        }, cancellationToken);
    }

    [KernelFunction("get_inventory"), Description("Read only. The stock of one album: on hand, reserved, available, reorder point.")]
    [AgentTool("inventory", readOnly: true)]
    public Task<string> GetInventoryAsync(Kernel kernel,
        [Description("The album's id (a GUID).")] string albumId,
        CancellationToken cancellationToken = default)
    {
        var input = new ToolInput();
        var id = input.Id("albumId", albumId);
        return gate.RunAsync(kernel, "get_inventory", input, async _ =>
            await grains.GetGrain<IInventoryGrain>(id).GetAsync() is { } snapshot
                ? ToolOutcome.Ok(InventoryResponse.From(snapshot))
                : ToolOutcome.NotFound("album", albumId), cancellationToken);
    }

    [KernelFunction("restock_album"), Description("Writes. Adds received units to an album's stock. Large restocks wait for a manager's approval.")]
    [AgentTool("inventory", readOnly: false)]
    public Task<string> RestockAlbumAsync(Kernel kernel,
        [Description("The album's id (a GUID).")] string albumId,
        [Description($"Units received, 1 to 10000.")] int quantity,
        [Description("Optional note, up to 500 characters.")] string? notes = null,
        CancellationToken cancellationToken = default)
    {
        var input = new ToolInput();
        var id = input.Id("albumId", albumId);
        var units = input.Number("quantity", quantity, 1, MaxUnits);
        var note = input.OptionalText("notes", notes, 500);
        return gate.RunAsync(kernel, "restock_album", input, async _ =>
            Stock(await grains.GetGrain<IInventoryGrain>(id).ChangeStockAsync(new StockChange(StockChangeKind.Restock, units, null, note, null, null, ApprovalKey(kernel, "restock_album"))), albumId),
            cancellationToken);
    }

    [KernelFunction("adjust_stock"), Description("Writes. Corrects an album's stock up or down (count, damage, loss). Always waits for a manager's approval.")]
    [AgentTool("inventory", readOnly: false, Destructive = true)]
    public Task<string> AdjustStockAsync(Kernel kernel,
        [Description("The album's id (a GUID).")] string albumId,
        [Description("Units to add (positive) or remove (negative), -10000 to 10000, not 0.")] int delta,
        [Description("Why the stock changes, up to 500 characters.")] string reason,
        CancellationToken cancellationToken = default)
    {
        var input = new ToolInput();
        var id = input.Id("albumId", albumId);
        var units = input.Number("delta", delta, -MaxUnits, MaxUnits);
        input.Require(units != 0, "delta", "Must not be 0.");
        var why = input.Text("reason", reason, 500);
        return gate.RunAsync(kernel, "adjust_stock", input, async _ =>
            Stock(await grains.GetGrain<IInventoryGrain>(id).ChangeStockAsync(new StockChange(StockChangeKind.Adjustment, units, null, why, null, null, ApprovalKey(kernel, "adjust_stock"))), albumId),
            cancellationToken);
    }

    /// <summary>
    /// An approved call's change is keyed by its action: if the node dies between the change and recording it, the
    /// call is executed again (<see cref="AgentActions.ResumeStalledAsync"/>) and the album applies it once.
    /// </summary>
    private static Guid? ApprovalKey(Kernel kernel, string tool) =>
        AgentCallContext.Of(kernel).ApprovedAction is { } action ? StockChange.KeyFor("agent-action", action.ActionId, tool) : null;

    private static ToolOutcome Stock(StockChangeOutcome outcome, string albumId) => outcome.Status switch
    {
        StockChangeStatus.Applied => ToolOutcome.Ok(new { status = "applied", inventory = InventoryResponse.From(outcome.Inventory!) }),
        StockChangeStatus.UnknownAlbum => ToolOutcome.NotFound("album", albumId),
        StockChangeStatus.KeyReused => ToolOutcome.Error("key_reused", "Another change was recorded under this approval's key; nothing changed."),
        _ => ToolOutcome.Error("would_go_negative", "The change would take stock below zero or below what is reserved; nothing changed."),
    };
}
