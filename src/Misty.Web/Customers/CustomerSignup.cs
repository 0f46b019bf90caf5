using System.Net.Mail;
using Misty.Grains.Interfaces.Customers;
using Misty.Web.Api;

namespace Misty.Web.Customers;

/// <summary>New customers, from POST /api/customers or inline in an order: validated, and unique by email.</summary>
public static class CustomerSignup
{
    /// <returns>The normalized customer (email in lower case), or null when <paramref name="errors"/> names a bad field.</returns>
    /// <param name="prefix">Where the fields sit in the request ("" or "customer.").</param>
    public static NewCustomer? Validate(string? email, string? firstName, string? lastName, string? phone, string? address, string prefix, FieldErrors errors)
    {
        var normalized = email?.Trim().ToLowerInvariant();
        errors.Check(normalized is { Length: > 0 and <= 320 } && MailAddress.TryCreate(normalized, out var parsed) && parsed.Address == normalized,
            prefix + "email", "A valid email address is required.");
        var first = Text(firstName, prefix + "firstName", 100, required: true, errors);
        var last = Text(lastName, prefix + "lastName", 100, required: true, errors);
        var phoneNumber = Text(phone, prefix + "phone", 32, required: false, errors);
        var postal = Text(address, prefix + "address", 1_000, required: false, errors);
        return errors.IsEmpty ? new NewCustomer(normalized!, first!, last!, phoneNumber, postal) : null;
    }

    /// <summary>
    /// The customer with this email: claimed for a new customer, or the one that has it already.
    /// A claim whose customer was never stored (a crash in between) is completed here.
    /// </summary>
    /// <param name="candidate">
    /// The new customer's id. A request that may be retried derives it from its own idempotent id, so that its retry,
    /// after an answer lost with the customer already created, is told "created" again and not "taken".
    /// </param>
    public static async Task<(CustomerView Customer, bool Created)> FindOrCreateAsync(IGrainFactory grains, NewCustomer customer, Guid candidate)
    {
        var owner = await grains.GetGrain<ICustomerEmailGrain>(customer.Email).ClaimAsync(candidate);
        var grain = grains.GetGrain<ICustomerGrain>(owner);
        if (owner != candidate && await grain.GetAsync() is { } existing)
        {
            return (existing, false);
        }

        return (await grain.CreateAsync(customer), true);
    }

    private static string? Text(string? value, string field, int maxLength, bool required, FieldErrors errors)
    {
        var text = value?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            errors.Check(!required, field, "Required, and not blank.");
            return null;
        }

        errors.Check(text.Length <= maxLength, field, $"At most {maxLength} characters.");
        return text;
    }
}
