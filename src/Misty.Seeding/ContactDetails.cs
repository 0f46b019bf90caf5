namespace Misty.Seeding;

/// <summary>
/// Contact details that can never reach a real person: example.* mail domains (RFC 2606) and 555-01xx phone numbers,
/// which are reserved for fiction. The demo data may end up behind a real mail or SMS integration.
/// </summary>
internal static class ContactDetails
{
    private static readonly IReadOnlyList<string> MailDomains = ["example.com", "example.net", "example.org"];

    public static string Phone(SeedRandom random) => $"({random.Int(201, 989)}) 555-01{random.Int(0, 99):D2}";

    public static string PostalAddress(SeedRandom random)
    {
        var address = random.Faker.Address;
        return $"{address.StreetAddress()}, {address.City()}, {address.StateAbbr()} {address.ZipCode("#####")}";
    }

    /// <summary>A personal address built from the name, made unique against <paramref name="taken"/>.</summary>
    public static string Email(SeedRandom random, string firstName, string lastName, HashSet<string> taken)
    {
        var local = $"{MailSafe(firstName)}.{MailSafe(lastName)}";
        var domain = random.Pick(MailDomains);
        var email = $"{local}@{domain}";
        while (!taken.Add(email))
        {
            email = $"{local}{random.Int(1, 9999)}@{domain}";
        }

        return email;
    }

    /// <summary>Lower-case letters and digits only, so names like O'Keefe make valid addresses.</summary>
    public static string MailSafe(string text) =>
        new(text.ToLowerInvariant().Where(char.IsAsciiLetterOrDigit).ToArray());
}
