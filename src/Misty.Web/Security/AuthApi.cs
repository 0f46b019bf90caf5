using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Misty.Grains.Audit;
using Misty.Web.Api;

namespace Misty.Web.Security;

public sealed record LoginRequest([property: Required] string? Email, [property: Required] string? Password);

public sealed record LoginResponse(string AccessToken, DateTimeOffset ExpiresAt, string Role);

public static class AuthApi
{
    public const int MaxEmailLength = 320;
    /// <summary>Far above any passphrase; longer input would only make the password hash slower to compute.</summary>
    public const int MaxPasswordLength = 1_024;

    public static IEndpointRouteBuilder MapAuthApi(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/api/auth/login", LoginAsync)
            .AllowAnonymous()
            .RequireRateLimiting(MistyRateLimiting.LoginPolicy)
            .WithTags("Auth")
            .WithName("login")
            .WithSummary("Exchanges a staff email and password for a short-lived bearer token.");
        routes.MapPost("/api/auth/logout", LogoutAsync)
            .RequireAuthorization(MistyPolicies.Staff)
            .WithTags("Auth")
            .WithName("logout")
            .WithSummary("Ends every token of the signed-in staff member (on every device), and closes their live connections.");
        return routes;
    }

    private static async Task<NoContent> LogoutAsync(ClaimsPrincipal user, ICredentialStore credentials, StaffSessions sessions, IAuditLog audit)
    {
        var userId = Callers.StaffUserId(user)!.Value;
        await credentials.RenewSecurityStampAsync(userId, CancellationToken.None);
        sessions.Forget(userId);
        await audit.RecordAsync(new AuditEntry("auth.logout", $"user:{userId}", $"{user.FindFirstValue(ClaimTypes.Name)} logged out.")
        {
            Details = new Dictionary<string, object?> { ["userId"] = userId },
        });
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<LoginResponse>, ValidationProblem, UnauthorizedProblem, TooManyRequestsProblem>> LoginAsync(
        LoginRequest request,
        HttpContext http,
        ICredentialStore credentials,
        LoginCheck check,
        LoginThrottle throttle,
        IPasswordHasher<StaffAccount> hasher,
        IOptionsMonitor<BearerTokenOptions> bearerOptions,
        IAuditLog audit,
        TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var errors = new FieldErrors()
            .Check(!string.IsNullOrWhiteSpace(request.Email), "email", "An email is required.")
            .Check(request.Email is null || request.Email.Length <= MaxEmailLength, "email", $"At most {MaxEmailLength} characters.")
            .Check(!string.IsNullOrEmpty(request.Password), "password", "A password is required.")
            .Check(request.Password is null || request.Password.Length <= MaxPasswordLength, "password", $"At most {MaxPasswordLength} characters.");
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var address = Callers.ClientAddress(http);
        var standing = await credentials.FindLoginStandingAsync(request.Email!.Trim(), address, cancellationToken);
        var now = clock.GetUtcNow();
        // Refused before the password check, whoever the email names: the wait depends on the address only.
        if (LoginThrottle.IsBlocked(standing.AddressBlockedUntil, now, out var wait))
        {
            return Throttled(http, wait);
        }

        var account = standing.Account;
        var (refusal, verification) = check.Check(standing, request.Password!, now);
        if (refusal is not null)
        {
            // Counted against the address whatever the reason, and against the account for a wrong password; a lock
            // ends after LoginLockout.Duration, and attempts while it holds do not extend it.
            var failure = await credentials.RecordFailedLoginAsync(
                refusal == "wrong_password" ? account!.UserId : null, address, now, LoginLockout.Default, throttle, CancellationToken.None);
            var lockedUntil = failure.LockedUntil ?? account?.LockedUntil;
            await audit.RecordAsync(LoginRefused(account, refusal, lockedUntil > now ? lockedUntil : null,
                failure.AddressBlockedUntil > now ? failure.AddressBlockedUntil : null, http));
            // One answer for every refusal, so that it tells a guesser nothing about the account.
            return Problems.Unauthorized(
                "Invalid email or password.",
                "The email or password is wrong, or the account is locked for a while after repeated failures.");
        }

        if (verification == PasswordVerificationResult.SuccessRehashNeeded)
        {
            await credentials.UpdateUserAsync(account!.UserId,
                new StaffAccountChange(null, null, null, null, hasher.HashPassword(account, request.Password!)), cancellationToken);
        }

        var expiresAt = now + MistyAuthentication.TokenLifetime;
        var identity = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.NameIdentifier, account!.UserId.ToString()),
                new Claim(ClaimTypes.Name, account.Email),
                new Claim(ClaimTypes.Role, account.Role),
                new Claim(StaffSessions.StampClaim, account.SecurityStamp.ToString("N")),
            ],
            MistyAuthentication.BearerScheme);
        var properties = new AuthenticationProperties { IssuedUtc = now, ExpiresUtc = expiresAt };
        var ticket = new AuthenticationTicket(new ClaimsPrincipal(identity), properties, MistyAuthentication.BearerScheme);
        var token = bearerOptions.Get(MistyAuthentication.BearerScheme).BearerTokenProtector.Protect(ticket);

        await credentials.RecordLoginAsync(account.UserId, address, now, throttle, CancellationToken.None);
        await audit.RecordAsync(new AuditEntry("auth.login", $"user:{account.UserId}", $"{account.Email} logged in.")
        {
            Details = new Dictionary<string, object?> { ["userId"] = account.UserId, ["role"] = account.Role, ["ip"] = Callers.ClientAddress(http) },
        });
        return TypedResults.Ok(new LoginResponse(token, expiresAt, account.Role));
    }

    /// <summary>
    /// The audit row of a refused login. The typed email is kept only when it names an account: text that matches no
    /// account may be a password typed into the wrong field.
    /// </summary>
    private static AuditEntry LoginRefused(
        StaffAccount? account, string reason, DateTimeOffset? lockedUntil, DateTimeOffset? addressBlockedUntil, HttpContext http) =>
        new("auth.login_failed", "anonymous",
            account is null ? "A login for an unknown email was refused." : $"A login as {account.Email} was refused ({reason}).")
        {
            Severity = AuditSeverity.Warning,
            Details = new Dictionary<string, object?>
            {
                ["reason"] = reason,
                ["userId"] = account?.UserId,
                ["email"] = account?.Email,
                ["lockedUntil"] = lockedUntil,
                ["addressBlockedUntil"] = addressBlockedUntil,
                ["ip"] = Callers.ClientAddress(http),
            },
        };

    /// <summary>Too many failed logins from the client's address: 429 with Retry-After, as the rate limiter answers.</summary>
    private static TooManyRequestsProblem Throttled(HttpContext http, TimeSpan wait)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return Problems.TooManyRequests("Too many failed logins.",
            $"Too many failed logins from this address: try again in {seconds} second(s). Each further failure doubles the wait.");
    }
}
