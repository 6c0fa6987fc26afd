using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using CchcSurvey.Web.Data;
using CchcSurvey.Web.Infrastructure;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CchcSurvey.Web.Surveys;

/// <summary><c>Kiosks:*</c> — enrolled counter tablets.</summary>
public sealed class KioskOptions
{
    public const string Section = "Kiosks";

    /// <summary>Minutes an enrolment link (single use) stays valid.</summary>
    public int EnrolmentMinutes { get; set; } = 60;

    /// <summary>Seconds without a tap after which a half-filled kiosk form is cleared for the next citizen.</summary>
    public int IdleSeconds { get; set; } = 60;

    /// <summary>Seconds the thank-you stays on the tablet before a fresh form.</summary>
    public int ThanksSeconds { get; set; } = 5;

    /// <summary>Longest wait between two attempts to send the tablet's queue (retries back off up to this).</summary>
    public int RetryMaxSeconds { get; set; } = 300;
}

/// <summary>Why a request is, or is not, from an enrolled tablet of a counter.</summary>
public enum KioskCheck
{
    /// <summary>A valid credential of a live tablet of this counter.</summary>
    Enrolled,
    /// <summary>No credential at all.</summary>
    Missing,
    /// <summary>Not signed by this site, tampered with, or carried by another browser than the one enrolled.</summary>
    Invalid,
    /// <summary>A genuine credential of another counter's tablet.</summary>
    OtherCounter,
    /// <summary>The tablet was revoked (or its row is gone).</summary>
    Revoked,
}

public sealed record KioskVerdict(KioskCheck Check, int? TabletId = null)
{
    public bool IsEnrolled => Check == KioskCheck.Enrolled;
}

/// <summary>A tablet row just created with its enrolment link.</summary>
public sealed record IssuedEnrolment(KioskTablet Tablet, string Code, string Url);

/// <summary>
/// Enrolled counter tablets: issuing single-use enrolment codes, turning one into the tablet's long-lived credential,
/// and answering "is this request from an enrolled tablet of this counter?".
/// <para>
/// The credential is an HttpOnly cookie (<see cref="CookieName"/>) holding a Data Protection payload
/// <c>tablet id | counter code | hash of the browser's device cookie</c>. Data Protection signs and encrypts it, so it
/// cannot be forged; the counter code binds it to one counter; the device hash binds it to the browser that enrolled
/// (the credential alone copied into another browser's request is refused); the database row makes it revocable.
/// A cookie rather than a token kept by the page: script cannot read an HttpOnly cookie (no copying through an
/// injected script), and browsers that cap script-written storage (Safari's 7 days) do not cap it.
/// </para>
/// </summary>
public sealed class KioskCredentials(SurveyDbContext db, IDataProtectionProvider protection, TimeProvider time,
    IOptions<KioskOptions> options, IOptions<SurveyOptions> survey, IWebHostEnvironment environment)
{
    public const string CookieName = "cchc_kiosk";
    public const string EnrolPath = "/kiosk-enrol/";

    /// <summary>Browsers cap cookie lifetimes at 400 days; the kiosk page renews the cookie on every load.</summary>
    public static readonly TimeSpan CookieLifetime = TimeSpan.FromDays(400);

    private IDataProtector Protector => protection.CreateProtector("CchcSurvey.Kiosk.Credential.v1");

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    /// <summary>Creates a tablet row with a fresh single-use enrolment code (only its hash is stored).</summary>
    public async Task<IssuedEnrolment> IssueAsync(Counter counter, string name, string? requestBaseUrl, CancellationToken ct)
    {
        var code = Integrity.DossierTokenService.NewToken();
        var tablet = new KioskTablet
        {
            CounterId = counter.Id,
            Name = name,
            CreatedUtc = Now,
            EnrolmentCodeHash = Integrity.DossierTokenService.Hash(code),
            EnrolmentExpiresUtc = Now.AddMinutes(Math.Clamp(options.Value.EnrolmentMinutes, 1, 7 * 24 * 60)),
        };
        db.KioskTablets.Add(tablet);
        await db.SaveChangesAsync(ct);
        return new IssuedEnrolment(tablet, code, EnrolmentUrl(code, requestBaseUrl));
    }

    /// <summary>A new enrolment code for an existing (not revoked) tablet row: re-enrolling a wiped tablet.</summary>
    public async Task<IssuedEnrolment> ReissueAsync(KioskTablet tablet, string? requestBaseUrl, CancellationToken ct)
    {
        var code = Integrity.DossierTokenService.NewToken();
        tablet.EnrolmentCodeHash = Integrity.DossierTokenService.Hash(code);
        tablet.EnrolmentExpiresUtc = Now.AddMinutes(Math.Clamp(options.Value.EnrolmentMinutes, 1, 7 * 24 * 60));
        await db.SaveChangesAsync(ct);
        return new IssuedEnrolment(tablet, code, EnrolmentUrl(code, requestBaseUrl));
    }

    public string EnrolmentUrl(string code, string? requestBaseUrl)
    {
        var configured = survey.Value.PublicBaseUrl;
        var baseUrl = !string.IsNullOrWhiteSpace(configured) ? configured.TrimEnd('/') : (requestBaseUrl ?? "http://localhost:5080").TrimEnd('/');
        return baseUrl + EnrolPath + code;
    }

    /// <summary>
    /// Redeems an enrolment code: one conditional UPDATE, so two browsers opening the same link enrol one tablet.
    /// Returns the tablet with its counter, or null (unknown, used, expired or revoked).
    /// </summary>
    public async Task<KioskTablet?> RedeemAsync(string code, CancellationToken ct)
    {
        if (!Integrity.DossierTokenService.LooksLikeToken(code)) return null;
        var hash = Integrity.DossierTokenService.Hash(code);
        var now = Now;
        var tablet = await db.KioskTablets.AsNoTracking().Include(t => t.Counter).ThenInclude(c => c.Unit)
            .FirstOrDefaultAsync(t => t.EnrolmentCodeHash == hash, ct);
        if (tablet is null || tablet.RevokedUtc is not null || tablet.EnrolmentExpiresUtc <= now) return null;
        var won = await db.KioskTablets
            .Where(t => t.Id == tablet.Id && t.EnrolmentCodeHash == hash && t.RevokedUtc == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.EnrolmentCodeHash, (string?)null)
                .SetProperty(t => t.EnrolledUtc, now).SetProperty(t => t.LastSeenUtc, now), ct);
        return won == 1 ? tablet : null;
    }

    /// <summary>The credential value for a tablet of a counter, bound to the browser's device cookie.</summary>
    public string Protect(int tabletId, string counterCode, string device) =>
        Protector.Protect(string.Join('|', tabletId.ToString(CultureInfo.InvariantCulture), counterCode, DeviceHash(device)));

    /// <summary>Sets (or renews) the credential cookie on the response.</summary>
    public void SetCookie(HttpContext http, int tabletId, string counterCode, string device) =>
        http.Response.Cookies.Append(CookieName, Protect(tabletId, counterCode, device), CookieOptions(http));

    public CookieOptions CookieOptions(HttpContext http) => new()
    {
        HttpOnly = true,
        // Lax: the tablet may be enrolled from a link opened in another app (a QR scanner).
        SameSite = SameSiteMode.Lax,
        Secure = http.Request.IsHttps || environment.IsProduction(),
        IsEssential = true,
        Path = "/",
        MaxAge = CookieLifetime,
    };

    /// <summary>
    /// The signed part of the request's credential, without asking the database: the tablet id and counter, or null.
    /// Cheap enough for the rate limiter's partitioning.
    /// </summary>
    public static (int TabletId, string Counter, string DeviceHash)? Read(IDataProtectionProvider protection, string? cookie)
    {
        if (string.IsNullOrEmpty(cookie) || cookie.Length > 1000) return null;
        string plain;
        try
        {
            plain = protection.CreateProtector("CchcSurvey.Kiosk.Credential.v1").Unprotect(cookie);
        }
        catch (CryptographicException)
        {
            return null;
        }
        var parts = plain.Split('|');
        if (parts.Length != 3 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var id)) return null;
        return (id, parts[1], parts[2]);
    }

    /// <summary>Is this request from an enrolled, unrevoked tablet of <paramref name="counter"/>? Updates last seen (at most once a minute).</summary>
    public async Task<KioskVerdict> CheckAsync(HttpContext http, Counter counter, CancellationToken ct)
    {
        var cookie = http.Request.Cookies[CookieName];
        if (string.IsNullOrEmpty(cookie)) return new KioskVerdict(KioskCheck.Missing);
        if (Read(protection, cookie) is not { } credential) return new KioskVerdict(KioskCheck.Invalid);
        var device = DeviceCookie.Read(http);
        if (string.IsNullOrEmpty(device) || !CryptographicOperations.FixedTimeEquals(
                Encoding.ASCII.GetBytes(DeviceHash(device)), Encoding.ASCII.GetBytes(credential.DeviceHash)))
            return new KioskVerdict(KioskCheck.Invalid, credential.TabletId);
        if (!string.Equals(credential.Counter, counter.Code, StringComparison.Ordinal))
            return new KioskVerdict(KioskCheck.OtherCounter, credential.TabletId);
        var tablet = await db.KioskTablets.AsNoTracking()
            .Where(t => t.Id == credential.TabletId)
            .Select(t => new { t.CounterId, t.RevokedUtc, t.LastSeenUtc })
            .FirstOrDefaultAsync(ct);
        if (tablet is null || tablet.RevokedUtc is not null) return new KioskVerdict(KioskCheck.Revoked, credential.TabletId);
        if (tablet.CounterId != counter.Id) return new KioskVerdict(KioskCheck.OtherCounter, credential.TabletId);
        var now = Now;
        if (tablet.LastSeenUtc is null || tablet.LastSeenUtc < now.AddMinutes(-1))
        {
            var cutoff = now.AddMinutes(-1);
            // Conditional: of several requests in the same minute one writes.
            await db.KioskTablets.Where(t => t.Id == credential.TabletId && (t.LastSeenUtc == null || t.LastSeenUtc < cutoff))
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.LastSeenUtc, now), ct);
        }
        return new KioskVerdict(KioskCheck.Enrolled, credential.TabletId);
    }

    /// <summary>The Vietnamese message a tablet shows for a refused credential.</summary>
    public static string Message(KioskCheck check) => check switch
    {
        KioskCheck.Revoked => "Máy tính bảng này đã bị thu hồi nên không gửi được câu trả lời. Vui lòng báo cán bộ quản lý.",
        KioskCheck.OtherCounter => "Máy tính bảng này được đăng ký cho một quầy khác.",
        KioskCheck.Invalid => "Chứng nhận của máy tính bảng không hợp lệ. Vui lòng đăng ký lại máy.",
        _ => "Máy này chưa được đăng ký làm máy tính bảng của quầy, nên không gửi được đánh giá theo kênh kiosk.",
    };

    private static string DeviceHash(string device) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("kiosk-device\n" + device)))[..32];
}
