using System.Net.Mail;
using System.Security.Claims;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Misty.Grains.Audit;
using Misty.Web.Api;

namespace Misty.Web.Security;

/// <summary>Staff accounts, managed by admins: create, list, change names, role and password, deactivate.</summary>
public static partial class UsersApi
{
    private const int MaxNameLength = 100;

    public static IEndpointRouteBuilder MapUsersApi(this IEndpointRouteBuilder routes)
    {
        var users = routes.MapGroup("/api/users").WithTags("Users").RequireAuthorization(MistyPolicies.Admin);
        users.MapGet("", ListAsync).WithName("listUsers").WithSummary("Every staff account.");
        users.MapGet("/{userId:guid}", GetAsync).WithName("getUser").WithSummary("One staff account.");
        users.MapPost("", CreateAsync).WithName("createUser").WithSummary("Creates a staff account (a system account has no password).");
        users.MapPatch("/{userId:guid}", UpdateAsync).WithName("updateUser")
            .WithSummary("Changes names, role, active or password; the last active admin stays one.");
        return routes;
    }

    private static async Task<Ok<List<UserResponse>>> ListAsync(ICredentialStore credentials, TimeProvider clock, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        return TypedResults.Ok((await credentials.ListUsersAsync(cancellationToken)).Select(account => UserResponse.From(account, now)).ToList());
    }

    private static async Task<Results<Ok<UserResponse>, NotFoundProblem>> GetAsync(Guid userId, ICredentialStore credentials, TimeProvider clock, CancellationToken cancellationToken) =>
        await credentials.FindUserAsync(userId, cancellationToken) is { } account
            ? TypedResults.Ok(UserResponse.From(account, clock.GetUtcNow()))
            : UserNotFound(userId);

    private static async Task<Results<Created<UserResponse>, ValidationProblem, ConflictProblem>> CreateAsync(
        CreateUserRequest request, ClaimsPrincipal user, ICredentialStore credentials, IPasswordHasher<StaffAccount> hasher, IAuditLog audit,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var email = Email(request.Email, errors);
        var firstName = PersonName(request.FirstName, "firstName", errors);
        var lastName = PersonName(request.LastName, "lastName", errors);
        var role = Role(request.Role, errors);
        if (role == StaffRoles.System)
        {
            errors.Check(request.Password is null, "password", "A system account has no password: it cannot log in with one.");
        }
        else
        {
            CheckPassword(request.Password, errors, email, firstName, lastName);
        }

        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var draft = new StaffAccount(Guid.NewGuid(), email!, "", firstName!, lastName!, role!, Active: true);
        var account = request.Password is null ? draft : draft with { PasswordHash = hasher.HashPassword(draft, request.Password) };
        if (!await credentials.AddUserAsync(account, cancellationToken))
        {
            return Problems.Conflict("The email is taken.", $"Another account already uses {email}.");
        }

        var created = await credentials.FindUserAsync(account.UserId, cancellationToken) ?? account;
        await audit.RecordAsync(new AuditEntry("users.created", Callers.Id(user), $"Account {email} was created with role {role}.")
        {
            Details = new Dictionary<string, object?> { ["userId"] = account.UserId, ["email"] = email, ["role"] = role },
        });
        return TypedResults.Created($"/api/users/{account.UserId}", UserResponse.From(created, clock.GetUtcNow()));
    }

    private static async Task<Results<Ok<UserResponse>, ValidationProblem, NotFoundProblem, ConflictProblem>> UpdateAsync(
        Guid userId, UpdateUserRequest request, ClaimsPrincipal user, ICredentialStore credentials, IPasswordHasher<StaffAccount> hasher,
        StaffSessions sessions, IAuditLog audit, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (await credentials.FindUserAsync(userId, cancellationToken) is not { } current)
        {
            return UserNotFound(userId);
        }

        var errors = new FieldErrors()
            .Check(request is not (null, null, null, null, null), "body", "Name at least one of firstName, lastName, role, active, password.");
        var firstName = request.FirstName is null ? null : PersonName(request.FirstName, "firstName", errors);
        var lastName = request.LastName is null ? null : PersonName(request.LastName, "lastName", errors);
        var role = request.Role is null ? null : Role(request.Role, errors);
        // A person's account and a system account differ in kind (a password or none): make a new account instead.
        errors.Check(role is null || (role == StaffRoles.System) == (current.Role == StaffRoles.System), "role",
            "A system account cannot become a person's account, nor the reverse.");
        if (request.Password is not null)
        {
            errors.Check(current.Role != StaffRoles.System, "password", "A system account has no password.");
            CheckPassword(request.Password, errors, current.Email, firstName ?? current.FirstName, lastName ?? current.LastName);
        }

        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var hash = request.Password is null ? null : hasher.HashPassword(current, request.Password);
        var outcome = await credentials.UpdateUserAsync(userId, new StaffAccountChange(firstName, lastName, role, request.Active, hash), cancellationToken);
        switch (outcome.Status)
        {
            case StaffChangeStatus.NotFound:
                return UserNotFound(userId);
            case StaffChangeStatus.LastAdmin:
                return Problems.Conflict(
                    "This is the last active admin.",
                    "Make another account an active admin first: without one, nobody could manage accounts.");
        }

        sessions.Forget(userId);
        foreach (var entry in Changes(outcome.Before!, outcome.After!, hash is not null, Callers.Id(user)))
        {
            await audit.RecordAsync(entry);
        }

        return TypedResults.Ok(UserResponse.From(outcome.After!, clock.GetUtcNow()));
    }

    /// <summary>One audit entry per kind of change, so that role changes and deactivations can be queried by action.</summary>
    private static IEnumerable<AuditEntry> Changes(StaffAccount before, StaffAccount after, bool passwordReset, string actor)
    {
        var who = new Dictionary<string, object?> { ["userId"] = after.UserId, ["email"] = after.Email };
        if (before.Role != after.Role)
        {
            yield return new AuditEntry("users.role_changed", actor, $"{after.Email}'s role changed from {before.Role} to {after.Role}.")
            {
                Severity = AuditSeverity.Warning,
                Details = new Dictionary<string, object?>(who) { ["from"] = before.Role, ["to"] = after.Role },
            };
        }

        if (before.Active != after.Active)
        {
            yield return new AuditEntry(after.Active ? "users.reactivated" : "users.deactivated", actor,
                $"{after.Email} was {(after.Active ? "reactivated" : "deactivated")}.")
            { Severity = AuditSeverity.Warning, Details = who };
        }

        if (passwordReset)
        {
            yield return new AuditEntry("users.password_reset", actor, $"{after.Email}'s password was reset.")
            { Severity = AuditSeverity.Warning, Details = who };
        }

        if (before.FirstName != after.FirstName || before.LastName != after.LastName)
        {
            yield return new AuditEntry("users.renamed", actor, $"{after.Email} is now {after.FirstName} {after.LastName}.") { Details = who };
        }
    }

    private static string? Email(string? value, FieldErrors errors)
    {
        var email = value?.Trim();
        // MailAddress also accepts display names and comments; only a bare address that it reads back unchanged passes.
        var valid = email is { Length: > 0 and <= AuthApi.MaxEmailLength } && !email.Any(char.IsWhiteSpace)
            && MailAddress.TryCreate(email, out var parsed) && parsed.Address == email;
        errors.Check(valid, "email", $"A plain email address (name@domain) of at most {AuthApi.MaxEmailLength} characters is required.");
        return email;
    }

    private static string? PersonName(string? value, string field, FieldErrors errors)
    {
        var name = value?.Trim();
        errors.Check(name is not null && PersonNamePattern().IsMatch(name), field,
            $"Required: up to {MaxNameLength} letters, spaces, apostrophes, hyphens or periods.");
        return name;
    }

    private static string? Role(string? value, FieldErrors errors)
    {
        var role = value?.Trim().ToLowerInvariant();
        errors.Check(role is not null && StaffRoles.All.Contains(role), "role", $"One of {string.Join(", ", StaffRoles.All.Order(StringComparer.Ordinal))}.");
        return role;
    }

    private static void CheckPassword(string? password, FieldErrors errors, params IEnumerable<string?> personal)
    {
        if (PasswordPolicy.Default.Check(password, personal) is { } refusal)
        {
            errors.Add("password", refusal);
        }
    }

    private static NotFoundProblem UserNotFound(Guid userId) => Problems.NotFound("No such account.", $"There is no account {userId}.");

    [GeneratedRegex(@"^[\p{L}\p{M}][\p{L}\p{M} '\u2019.-]{0,99}\z")]
    private static partial Regex PersonNamePattern();
}
