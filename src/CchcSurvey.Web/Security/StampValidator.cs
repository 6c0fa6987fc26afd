using System.Security.Claims;
using CchcSurvey.Web.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CchcSurvey.Web.Security;

/// <summary>
/// The session cookie's check against its account, with Identity's meaning (<see cref="SecurityStampValidatorOptions.ValidationInterval"/>:
/// a cookie issued longer ago than that is checked; 0 checks every request) in one SQL statement: the account's
/// current security stamp compared with the cookie's. Identity's own validator also rebuilds the principal from the
/// database after every check (user, roles, claims, role claims: about five statements and a new cookie per request at
/// interval 0). That rebuild adds nothing here: every change that matters to a session — signing out, a lock, a new
/// role or scope, a password or authenticator change — renews the stamp (Pages/Admin/Users, Account), so a cookie
/// whose stamp still matches carries the account's current claims, and one whose stamp differs is rejected and
/// signed out exactly as before.
/// </summary>
public sealed class StampValidator(SurveyDbContext db, IOptions<SecurityStampValidatorOptions> options,
    IOptions<IdentityOptions> identity, TimeProvider time) : ISecurityStampValidator
{
    public async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var now = time.GetUtcNow();
        var interval = options.Value.ValidationInterval;
        if (context.Properties.IssuedUtc is { } issued && now.Subtract(issued) <= interval && interval > TimeSpan.Zero) return;

        var principal = context.Principal;
        var claims = identity.Value.ClaimsIdentity;
        var userId = principal?.FindFirstValue(claims.UserIdClaimType);
        var stamp = principal?.FindFirstValue(claims.SecurityStampClaimType);
        var current = userId is null ? null
            : await db.Users.AsNoTracking().Where(u => u.Id == userId).Select(u => new { u.SecurityStamp }).FirstOrDefaultAsync(context.HttpContext.RequestAborted);
        if (current is null || stamp is null || !string.Equals(current.SecurityStamp, stamp, StringComparison.Ordinal))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(IdentityConstants.ApplicationScheme);
            return;
        }
        // Checked now: with an interval, the next check is one interval after this one, as with Identity's validator.
        if (interval > TimeSpan.Zero)
        {
            context.Properties.IssuedUtc = now;
            context.ShouldRenew = true;
        }
    }
}
