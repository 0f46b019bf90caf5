using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Misty.Web.Api;

namespace Misty.Web.Security;

public sealed record LoginRequest(string? Email, string? Password);

public sealed record LoginResponse(string AccessToken, DateTimeOffset ExpiresAt, string Role);

public static class AuthApi
{
    public static IEndpointRouteBuilder MapAuthApi(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/api/auth/login", LoginAsync)
            .AllowAnonymous()
            .WithTags("Auth")
            .WithSummary("Exchanges a staff email and password for a short-lived bearer token.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        return routes;
    }

    private static async Task<IResult> LoginAsync(
        LoginRequest request,
        ICredentialStore credentials,
        IPasswordHasher<StaffAccount> hasher,
        IOptionsMonitor<BearerTokenOptions> bearerOptions,
        TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var errors = new FieldErrors()
            .Check(!string.IsNullOrWhiteSpace(request.Email), "email", "An email is required.")
            .Check(!string.IsNullOrEmpty(request.Password), "password", "A password is required.");
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var account = await credentials.FindUserByEmailAsync(request.Email!.Trim(), cancellationToken);
        // Verify against a fixed hash when the account is unknown, so timing does not reveal which emails exist.
        var verification = hasher.VerifyHashedPassword(account ?? UnknownAccount, account?.PasswordHash ?? UnknownAccountHash, request.Password!);
        if (account is not { Active: true } || verification == PasswordVerificationResult.Failed)
        {
            return TypedResults.Problem(title: "Invalid email or password.", statusCode: StatusCodes.Status401Unauthorized);
        }

        var now = clock.GetUtcNow();
        var expiresAt = now + MistyAuthentication.TokenLifetime;
        var identity = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.NameIdentifier, account.UserId.ToString()),
                new Claim(ClaimTypes.Name, account.Email),
                new Claim(ClaimTypes.Role, account.Role),
            ],
            MistyAuthentication.BearerScheme);
        var properties = new AuthenticationProperties { IssuedUtc = now, ExpiresUtc = expiresAt };
        var ticket = new AuthenticationTicket(new ClaimsPrincipal(identity), properties, MistyAuthentication.BearerScheme);
        var token = bearerOptions.Get(MistyAuthentication.BearerScheme).BearerTokenProtector.Protect(ticket);

        await credentials.RecordLoginAsync(account.UserId, now, cancellationToken);
        return TypedResults.Ok(new LoginResponse(token, expiresAt, account.Role));
    }

    private static readonly StaffAccount UnknownAccount = new(Guid.Empty, "", "", "", "", StaffRoles.Staff, false);
    private static readonly string UnknownAccountHash = new PasswordHasher<StaffAccount>().HashPassword(UnknownAccount, Guid.NewGuid().ToString());
}
