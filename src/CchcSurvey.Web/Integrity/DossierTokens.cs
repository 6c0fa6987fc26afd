using System.Security.Cryptography;
using System.Text;
using CchcSurvey.Web.Data;
using CchcSurvey.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CchcSurvey.Web.Integrity;

public enum TokenState
{
    Unknown,
    Valid,
    Used,
    Expired,
}

/// <summary>A token just issued: its plain text (shown once, on the slip or in the API answer) and its expiry.</summary>
public sealed record IssuedToken(string Token, string Url, DateTime ExpiresUtc, Counter Counter);

/// <summary>
/// Per-dossier single-use tokens: 128 random bits (base64url, 22 characters, short enough for a small QR code),
/// stored only as a SHA-256 hash, bound to one counter, expiring after <c>Tokens:LifetimeDays</c>. A token is
/// redeemed only by the <see cref="Surveys.ResponseWriter"/>, in the transaction that stores its response.
/// </summary>
public sealed class DossierTokenService(SurveyDbContext db, TimeProvider time, IOptions<DossierTokenOptions> options, IOptions<SurveyOptions> survey)
{
    public static string NewToken() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>A plausible token: 16 to 64 base64url characters. Anything else is unknown without a database look-up.</summary>
    public static bool LooksLikeToken(string? token) =>
        token is { Length: >= 16 and <= 64 } && token.All(c => c is (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_');

    public string Url(HttpRequest request, string token)
    {
        var configured = survey.Value.PublicBaseUrl;
        var baseUrl = string.IsNullOrWhiteSpace(configured) ? $"{request.Scheme}://{request.Host}{request.PathBase}" : configured.TrimEnd('/');
        return $"{baseUrl}/t/{token}";
    }

    public async Task<IssuedToken> IssueAsync(Counter counter, HttpRequest request, CancellationToken ct)
    {
        var token = NewToken();
        var now = time.GetUtcNow().UtcDateTime;
        var expires = CeilingHour(now.AddDays(Math.Max(0, options.Value.LifetimeDays)));
        db.DossierTokens.Add(new DossierToken { TokenHash = Hash(token), CounterId = counter.Id, ExpiresUtc = expires });
        await db.SaveChangesAsync(ct);
        return new IssuedToken(token, Url(request, token), expires, counter);
    }

    /// <summary>The token's state and its (active) counter; Unknown when there is no such token or its counter is closed.</summary>
    public async Task<(TokenState State, Counter? Counter)> FindAsync(string? token, CancellationToken ct)
    {
        if (!LooksLikeToken(token)) return (TokenState.Unknown, null);
        var hash = Hash(token!);
        var found = await db.DossierTokens.AsNoTracking().Include(t => t.Counter).ThenInclude(c => c.Unit)
            .FirstOrDefaultAsync(t => t.TokenHash == hash, ct);
        if (found is null || !found.Counter.IsActive || !found.Counter.Unit.IsActive) return (TokenState.Unknown, null);
        // Expiry first: an expired token answers alike whether or not it was used (the issuer knows the expiry anyway).
        if (found.ExpiresUtc <= time.GetUtcNow().UtcDateTime) return (TokenState.Expired, found.Counter);
        if (found.Used) return (TokenState.Used, found.Counter);
        return (TokenState.Valid, found.Counter);
    }

    /// <summary>
    /// Marks the token used if it is unused, unexpired and bound to that counter, in the caller's transaction:
    /// one conditional UPDATE, true when it changed the row. Of two concurrent redemptions only one succeeds:
    /// PostgreSQL makes the second wait for the first's row lock and re-checks the condition (now false);
    /// SQLite allows one writer at a time.
    /// </summary>
    public static async Task<bool> RedeemAsync(SurveyDbContext db, string tokenHash, int? counterId, DateTime nowUtc)
    {
        var changed = await db.DossierTokens
            .Where(t => t.TokenHash == tokenHash && !t.Used && t.ExpiresUtc > nowUtc && t.CounterId == counterId)
            .ExecuteUpdateAsync(u => u.SetProperty(t => t.Used, true));
        return changed == 1;
    }

    private static DateTime CeilingHour(DateTime utc)
    {
        var floor = new DateTime(utc.Year, utc.Month, utc.Day, utc.Hour, 0, 0, DateTimeKind.Utc);
        return floor == utc ? floor : floor.AddHours(1);
    }
}
