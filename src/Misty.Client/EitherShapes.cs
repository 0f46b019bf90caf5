using System.Text.Json;

namespace Misty.Client;

/// <summary>
/// Answers whose shape depends on the caller are an anyOf of two schemas in the document (staff's view first, the
/// storefront's second). NSwag keeps such an answer's JSON as it came; these read it as the shape the caller gets.
/// </summary>
public partial class CaseResponseOrCustomerCaseResponse
{
    /// <summary>The case as staff and agents see it.</summary>
    public CaseResponse AsStaffCase() => EitherShape.Read<CaseResponse>(AdditionalProperties);

    /// <summary>The case as a storefront key sees it (the customer's own view).</summary>
    public CustomerCaseResponse AsCustomerCase() => EitherShape.Read<CustomerCaseResponse>(AdditionalProperties);
}

public partial class CasePageOfCaseSummaryOrCasePageOfCustomerCaseSummary
{
    public CasePageOfCaseSummary AsStaffPage() => EitherShape.Read<CasePageOfCaseSummary>(AdditionalProperties);

    public CasePageOfCustomerCaseSummary AsCustomerPage() => EitherShape.Read<CasePageOfCustomerCaseSummary>(AdditionalProperties);
}

internal static class EitherShape
{
    public static T Read<T>(IDictionary<string, object> json) =>
        JsonSerializer.SerializeToElement(json).Deserialize<T>()
        ?? throw new JsonException($"The answer is not a {typeof(T).Name}.");
}
