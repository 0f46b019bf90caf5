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
public sealed class CustomerEmailGrain([PersistentState("customer-email")] IPersistentState<CustomerEmailState> state, ICustomerStore store)
    : Grain, ICustomerEmailGrain
{
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (!state.RecordExists)
        {
            state.State.OwnerId = await store.FindCustomerByEmailAsync(this.GetPrimaryKeyString(), cancellationToken);
        }
    }

    public async Task<Guid> ClaimAsync(Guid customerId)
    {
        if (state.State.OwnerId is { } owner)
        {
            return owner;
        }

        state.State.OwnerId = customerId;
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            // Not stored, so not claimed: the next claim decides again.
            state.State.OwnerId = null;
            throw;
        }

        return customerId;
    }
}
