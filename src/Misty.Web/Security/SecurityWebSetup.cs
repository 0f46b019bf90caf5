using Microsoft.AspNetCore.Identity;

namespace Misty.Web.Security;

public static class SecurityWebSetup
{
    /// <summary>Staff accounts and their first-run admin, authentication and policies, and the protector of stored secrets.</summary>
    public static IServiceCollection AddSecurityWeb(this IServiceCollection services)
    {
        services.AddSingleton<ICredentialStore, PostgresCredentialStore>();
        services.AddSingleton<IPasswordHasher<StaffAccount>, PasswordHasher<StaffAccount>>();
        services.AddSingleton<FirstRunBootstrap>();
        services.AddSingleton<ISecretProtector, DataProtectionSecretProtector>();
        return services.AddMistyAuthentication();
    }
}
