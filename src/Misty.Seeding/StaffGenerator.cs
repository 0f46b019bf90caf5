using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;

namespace Misty.Seeding;

/// <summary>The store's team: cases are assigned to them and stock movements are booked by them.</summary>
internal sealed record Staff(IReadOnlyList<UserRow> Users)
{
    public IReadOnlyList<UserRow> Managers { get; } = Users.Where(user => user.Role == DbValues.RoleManager).ToList();

    public IReadOnlyList<UserRow> Clerks { get; } = Users.Where(user => user.Role == DbValues.RoleStaff).ToList();
}

/// <summary>
/// A few staff accounts. Their password hashes are of random passwords nobody knows (not of anything derived from the
/// seed, which is public), so these accounts cannot be logged into until someone resets the password; the hashes are
/// therefore the one part of the dataset that differs between runs.
/// </summary>
internal sealed class StaffGenerator(SeedOptions options)
{
    private const int Managers = 2;
    private const int Clerks = 6;
    private const string MailDomain = "staff.misty-records.example";
    private readonly SeedRandom _random = new(options.Seed, SeedStream.Staff);

    public Staff Generate()
    {
        var hasher = new PasswordHasher<UserRow>();
        var taken = new HashSet<string>();
        var users = Enumerable.Range(0, Managers + Clerks).Select(index =>
        {
            var role = index < Managers ? DbValues.RoleManager : DbValues.RoleStaff;
            var first = _random.Faker.Name.FirstName();
            var last = _random.Faker.Name.LastName();
            var email = UniqueEmail(first, last, taken);
            var user = new UserRow(
                _random.NextGuid(),
                email,
                PasswordHash: "",
                first,
                last,
                role,
                LastLogin: options.AnchorTime - _random.Hours(1, 96),
                CreatedAt: options.StoreOpened + _random.Days(0, 120));
            return user with { PasswordHash = hasher.HashPassword(user, UnknowablePassword()) };
        }).ToList();
        return new Staff(users);
    }

    private static string UniqueEmail(string first, string last, HashSet<string> taken)
    {
        var local = $"{ContactDetails.MailSafe(first)}.{ContactDetails.MailSafe(last)}";
        var email = $"{local}@{MailDomain}";
        for (var suffix = 2; !taken.Add(email); suffix++)
        {
            email = $"{local}{suffix}@{MailDomain}";
        }

        return email;
    }

    private static string UnknowablePassword() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
}
