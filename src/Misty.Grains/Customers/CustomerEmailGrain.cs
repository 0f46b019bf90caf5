using Microsoft.Extensions.Logging;
using Misty.Grains.Infrastructure;
using Misty.Grains.Interfaces.Customers;
using Orleans.Runtime;

namespace Misty.Grains.Customers;

[GenerateSerializer, Alias("Misty.CustomerEmailState")]
public sealed class CustomerEmailState
{
    [Id(0)] public Guid? OwnerId { get; set; }
}

/// <summary>Decides who owns an email address: the first claim is stored; a seeded customer's row owns its address already.</summary>
[GrainType("customer-email")]
public sealed class CustomerEmailGrain(
    [PersistentState("customer-email")] IPersistentState<CustomerEmailState> state,
    ICustomerStore store,
    ILogger<CustomerEmailGrain> logger) : Grain, ICustomerEmailGrain
{
    private StatePipeline<CustomerEmailState, object> _pipeline = null!;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _pipeline = state.StoreOnly(this, logger, "the owner of an email address");
        if (!state.RecordExists)
        {
            _pipeline.Live.OwnerId = await store.FindCustomerByEmailAsync(this.GetPrimaryKeyString(), cancellationToken);
        }
    }

    public async Task<Guid> ClaimAsync(Guid customerId)
    {
        // After a failed write the claim is not known to be stored: the grain reloads, and the caller retries.
        if (_pipeline.Current.OwnerId is { } owner)
        {
            return owner;
        }

        _pipeline.Live.OwnerId = customerId;
        await _pipeline.StoreAsync();
        return customerId;
    }
}
