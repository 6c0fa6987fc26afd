using CchcSurvey.Web.Data;
using CchcSurvey.Web.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace CchcSurvey.Web.Security;

/// <summary>
/// Officials in a role of <c>Security:RequireTwoFactor</c> (default admin) who have not set up an authenticator
/// reach nothing but <c>/account/security</c> (to set it up) and signing out: pages send them there, the API
/// answers 403. Once set up, the sign-in asks for the code (SignInManager), so the whole session is two-factor.
/// Personal API tokens are left alone: an official makes one after signing in, an operator with the command line.
/// </summary>
public static class TwoFactorRequirement
{
    public const string SetUpPath = "/account/security";

    public static IApplicationBuilder UseTwoFactorRequirement(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        if (await MustSetUpAsync(http))
        {
            if (http.Request.Path.StartsWithSegments("/api"))
            {
                await Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Two-factor sign-in required",
                    detail: $"Your role requires an authenticator app: set it up at {SetUpPath}.").ExecuteAsync(http);
                return;
            }
            http.Response.Redirect(SetUpPath + "?required=1");
            return;
        }
        await next(http);
    });

    private static async Task<bool> MustSetUpAsync(HttpContext http)
    {
        var user = http.User;
        if (user.Identity?.IsAuthenticated != true || user.Identity.AuthenticationType == ApiTokenAuthenticationHandler.SchemeName) return false;
        var path = http.Request.Path;
        if (path.StartsWithSegments(SetUpPath) || path.StartsWithSegments("/account/logout") || path.StartsWithSegments("/account/login")
            || path.StartsWithSegments("/healthz"))
            return false;
        var roles = http.RequestServices.GetRequiredService<IOptions<SecurityOptions>>().Value.TwoFactorRoles;
        if (!roles.Any(user.IsInRole)) return false;
        var official = await http.RequestServices.GetRequiredService<UserManager<Official>>().GetUserAsync(user);
        return official is { TwoFactorEnabled: false };
    }
}
