using CchcSurvey.Web.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CchcSurvey.Web.Security;

public static class Policies
{
    public const string Admin = "admin";
    public const string Official = "official";

    /// <summary>Counter staff who print dossier tokens: managers and administrators, signed in.</summary>
    public const string Staff = "staff";

    /// <summary>The same, for systems calling the API with a personal API token (Bearer) only.</summary>
    public const string StaffApi = "staff-api";
}

public static class OfficialAuthentication
{
    private const string CookieOrToken = "CookieOrToken";

    /// <summary>
    /// Officials authenticate with the Identity cookie (pages) or a bearer token (API). API paths answer
    /// 401/403 problem details instead of redirecting to the sign-in page. <paramref name="secureCookies"/>:
    /// the session cookie is sent over HTTPS only (everywhere but Development and the test host).
    /// </summary>
    public static IServiceCollection AddOfficialAuthentication(this IServiceCollection services, bool secureCookies, TimeSpan sessionValidation)
    {
        services.AddAuthentication(o =>
            {
                // AddIdentity sets the authenticate/challenge defaults to its cookie; these run after it and win.
                o.DefaultScheme = CookieOrToken;
                o.DefaultAuthenticateScheme = CookieOrToken;
                o.DefaultChallengeScheme = CookieOrToken;
            })
            .AddPolicyScheme(CookieOrToken, CookieOrToken, o => o.ForwardDefaultSelector = context =>
                context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                    ? ApiTokenAuthenticationHandler.SchemeName
                    : IdentityConstants.ApplicationScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiTokenAuthenticationHandler>(ApiTokenAuthenticationHandler.SchemeName, null);

        services.ConfigureApplicationCookie(o =>
        {
            o.LoginPath = "/account/login";
            o.LogoutPath = "/account/logout";
            o.AccessDeniedPath = "/account/login";
            o.Cookie.Name = "cchc_auth";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.Cookie.SecurePolicy = secureCookies ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
            o.SlidingExpiration = true;
            o.ExpireTimeSpan = TimeSpan.FromHours(8);
            o.Events.OnRedirectToLogin = context => ApiAwareRedirect(context, StatusCodes.Status401Unauthorized);
            o.Events.OnRedirectToAccessDenied = context => ApiAwareRedirect(context, StatusCodes.Status403Forbidden);
        });

        // The cookie is checked against the account's security stamp this often (0: every request). Signing out,
        // a lock, a new role or scope, a password or authenticator change renew the stamp, so the session ends here.
        services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = sessionValidation);
        // The same check in one statement instead of Identity's five (Security/StampValidator.cs).
        services.Replace(ServiceDescriptor.Scoped<ISecurityStampValidator, StampValidator>());
        services.ConfigureExternalCookie(o => o.Cookie.SecurePolicy = secureCookies ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest);
        services.Configure<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions>(IdentityConstants.TwoFactorUserIdScheme, o =>
        {
            o.Cookie.SecurePolicy = secureCookies ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
            o.Cookie.SameSite = SameSiteMode.Strict;
        });

        services.AddAuthorizationBuilder()
            .AddPolicy(Policies.Admin, p => p.RequireAuthenticatedUser().RequireRole(Roles.Admin))
            .AddPolicy(Policies.Official, p => p.RequireAuthenticatedUser())
            .AddPolicy(Policies.Staff, p => p.RequireAuthenticatedUser().RequireRole(Roles.Admin, Roles.Manager))
            .AddPolicy(Policies.StaffApi, p => p.AddAuthenticationSchemes(ApiTokenAuthenticationHandler.SchemeName)
                .RequireAuthenticatedUser().RequireRole(Roles.Admin, Roles.Manager));
        return services;
    }

    private static Task ApiAwareRedirect(Microsoft.AspNetCore.Authentication.RedirectContext<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions> context, int status)
    {
        if (context.Request.Path.StartsWithSegments("/api"))
        {
            context.Response.StatusCode = status;
            return Task.CompletedTask;
        }
        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }
}
