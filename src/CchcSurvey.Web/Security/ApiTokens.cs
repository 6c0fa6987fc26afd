using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using CchcSurvey.Web.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CchcSurvey.Web.Security;

/// <summary>Personal API tokens: 256 random bits, shown once, stored only as a SHA-256 hash.</summary>
public static class ApiTokenService
{
    public const string Prefix = "cchc_";

    public static string NewToken() => Prefix + Base64Url(RandomNumberGenerator.GetBytes(32));

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>Creates a token for an official and returns its plain text (the only time it is seen).</summary>
    public static async Task<string> IssueAsync(SurveyDbContext db, Official official, string name, DateTime nowUtc, CancellationToken ct, int? days = null)
    {
        var token = NewToken();
        db.ApiTokens.Add(new ApiToken
        {
            OfficialId = official.Id, TokenHash = Hash(token), Name = name, CreatedUtc = nowUtc,
            ExpiresUtc = days is int d ? nowUtc.AddDays(d) : null,
        });
        await db.SaveChangesAsync(ct);
        return token;
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

/// <summary>The lifetimes offered when a token is created (days; null: until revoked).</summary>
public static class ApiTokenLifetimes
{
    public static readonly int?[] Offered = [30, 90, 365, null];

    public const int MaxDays = 3650;
}

/// <summary>
/// Authenticates <c>Authorization: Bearer &lt;token&gt;</c> against the stored hashes, on <c>/api/v1/...</c> only:
/// a token is a program's credential, so on a page it opens nothing (401), whoever it belongs to.
/// </summary>
public sealed class ApiTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    SurveyDbContext db,
    IUserClaimsPrincipalFactory<Official> principals,
    TimeProvider time) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiToken";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return AuthenticateResult.NoResult();
        if (!Request.Path.StartsWithSegments("/api/v1"))
            return AuthenticateResult.Fail("API tokens open /api/v1/... only.");
        var hash = ApiTokenService.Hash(header["Bearer ".Length..].Trim());
        var token = await db.ApiTokens.Include(t => t.Official).FirstOrDefaultAsync(t => t.TokenHash == hash, Context.RequestAborted);
        var now = time.GetUtcNow().UtcDateTime;
        // A failed-password lockout (minutes) leaves tokens working: anyone can trigger it by typing wrong
        // passwords. Only an administrator's lock stops them.
        if (token is null || token.RevokedUtc is not null || token.ExpiresUtc <= now || token.Official.IsLockedByAdministrator)
            return AuthenticateResult.Fail("Invalid, expired or revoked token.");
        // "Last used" to the minute is enough; writing it on every request would cost a commit per read.
        if (token.LastUsedUtc is not DateTime last || now - last > TimeSpan.FromMinutes(1))
        {
            token.LastUsedUtc = now;
            await db.SaveChangesAsync(Context.RequestAborted);
        }
        var principal = await principals.CreateAsync(token.Official);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(principal.Identities.Select(i => new ClaimsIdentity(
            // The token's id, so that the audit log names the token ("api-token:{id}") and not only its owner.
            i.Claims.Append(new Claim(Administration.AuditLog.TokenIdClaim, token.Id.ToString(System.Globalization.CultureInfo.InvariantCulture))), SchemeName))), SchemeName));
    }
}
