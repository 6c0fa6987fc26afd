using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace CchcSurvey.Web.Surveys;

/// <summary>
/// The anonymous device cookie (rate limiting and the repeat-device flag only). Its value is a random id
/// protected (encrypted and authenticated) with ASP.NET Core Data Protection, so only this server issues valid
/// ones: a made-up or altered cookie counts as none (METHODOLOGY §6, Channels are earned), and an attacker cannot
/// mint fresh device buckets without asking the server for each. The id is never stored; it is only hashed.
/// </summary>
public static class DeviceCookie
{
    public const string Name = SubmissionRateLimiting.DeviceCookie;
    private const string Purpose = "CchcSurvey.DeviceCookie.v1";
    private static readonly object ItemKey = new();

    /// <summary>The verified device id of the request, or null when there is no cookie or it was not issued by this server.</summary>
    public static string? Read(HttpContext http)
    {
        if (http.Items.TryGetValue(ItemKey, out var cached)) return (string?)cached;
        string? device = null;
        var raw = http.Request.Cookies[Name];
        if (!string.IsNullOrEmpty(raw) && raw.Length <= 512)
        {
            try
            {
                var id = Protector(http).Unprotect(raw);
                if (id.Length == 32 && id.All(char.IsAsciiHexDigitLower)) device = id;
            }
            catch (CryptographicException)
            {
                // Forged, altered or from a key ring this server no longer has: no device.
            }
        }
        http.Items[ItemKey] = device;
        return device;
    }

    /// <summary>Issues a new signed cookie unless the request already carries a valid one.</summary>
    public static void Ensure(HttpContext http)
    {
        if (Read(http) is not null) return;
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        http.Response.Cookies.Append(Name, Protector(http).Protect(id), new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Lax,
            Secure = http.Request.IsHttps,
            IsEssential = true,
            Path = "/",
            MaxAge = TimeSpan.FromDays(365),
        });
        http.Items[ItemKey] = id;
    }

    private static IDataProtector Protector(HttpContext http) =>
        http.RequestServices.GetRequiredService<IDataProtectionProvider>().CreateProtector(Purpose);
}

/// <summary>
/// Which channel a submission may carry (METHODOLOGY §6, Channels are earned). An anonymous caller's answer is
/// <c>qr</c> or <c>web</c>; <c>paper</c> comes only from an official's import, scan or entry, never over the
/// anonymous API; <c>kiosk</c> only from a tablet enrolled for the answer's counter. A tablet is enrolled for one
/// counter, so that last check needs the counter and is made by <see cref="KioskCredentials"/> once the counter is
/// known (<c>SurveyApi.ChannelRefusalAsync</c>, the kiosk page). This is the one place that lists the rules.
/// </summary>
public static class ChannelPolicy
{
    public static readonly string[] Anonymous = ["qr", "web"];

    /// <summary>
    /// Whether a request may send a response with this channel, before its counter is known: qr and web always;
    /// kiosk goes on to the enrolled-tablet check; paper never.
    /// </summary>
    public static bool MayClaim(string channel) => Anonymous.Contains(channel, StringComparer.Ordinal) || channel == "kiosk";

    /// <summary>The problem detail of a refused channel.</summary>
    public static string Refusal(string channel) => channel switch
    {
        "paper" => "channel paper is only for questionnaires an official imports, scans or types; an anonymous caller sends qr or web.",
        _ => $"channel must be one of {string.Join(", ", Anonymous)}, or kiosk from an enrolled counter tablet.",
    };
}
