using Microsoft.AspNetCore.Identity;

namespace Misty.Web.Security;

/// <summary>
/// Creates the first admin and the first storefront key when none exist: from MISTY_ADMIN_EMAIL /
/// MISTY_ADMIN_PASSWORD and MISTY_STOREFRONT_KEY when set, otherwise generated and printed this one time.
/// </summary>
public sealed class FirstRunBootstrap(
    ICredentialStore credentials,
    IPasswordHasher<StaffAccount> hasher,
    IConfiguration configuration,
    ILogger<FirstRunBootstrap> logger)
{
    public const string DefaultAdminEmail = "admin@misty.local";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (!await credentials.AnyAdminAsync(cancellationToken))
        {
            var email = configuration["MISTY_ADMIN_EMAIL"] is { Length: > 0 } configuredEmail ? configuredEmail.Trim() : DefaultAdminEmail;
            var configuredPassword = configuration["MISTY_ADMIN_PASSWORD"];
            var password = string.IsNullOrEmpty(configuredPassword) ? StorefrontKeys.RandomToken(18) : configuredPassword;
            var draft = new StaffAccount(Guid.NewGuid(), email, "", "Misty", "Admin", StaffRoles.Admin, true);
            await credentials.AddUserAsync(draft with { PasswordHash = hasher.HashPassword(draft, password) }, cancellationToken);
            logger.LogWarning("Created the first admin account {Email}.", email);
            if (string.IsNullOrEmpty(configuredPassword))
            {
                // Printed to the console, not the log: it is shown once and must not end up in log storage.
                Console.WriteLine($"Misty first-run admin login: {email} / {password}  (shown once; set MISTY_ADMIN_PASSWORD to choose it)");
            }
        }

        if (!await credentials.AnyApiKeyAsync(cancellationToken))
        {
            var configuredKey = configuration["MISTY_STOREFRONT_KEY"];
            var key = string.IsNullOrEmpty(configuredKey) ? StorefrontKeys.Generate() : configuredKey;
            await credentials.AddApiKeyAsync(new StorefrontKey(Guid.NewGuid(), "storefront", ApiKeyAuthenticationHandler.StorefrontCaller, StorefrontKeyKinds.Server),
                StorefrontKeys.PrefixOf(key), ApiKeyAuthenticationHandler.Hash(key), cancellationToken);
            logger.LogWarning("Created the first storefront API key (a server key: it belongs to the site's backend, never in a browser).");
            if (string.IsNullOrEmpty(configuredKey))
            {
                Console.WriteLine($"Misty first-run storefront key (X-Api-Key): {key}  (shown once; set MISTY_STOREFRONT_KEY to choose it)");
            }
        }
    }
}
