using System.Security.Cryptography;
using System.Text;

namespace CchcSurvey.Web.Webhooks;

/// <summary>
/// The signature of a delivery: <c>Cchc-Webhook-Signature: v1=hex(HMAC-SHA256(secret, "{timestamp}.{body}"))</c>, with the
/// Unix time of the attempt in <c>Cchc-Webhook-Timestamp</c>. Signing the time with the body lets a receiver refuse an
/// old message replayed by someone who captured it (outside <see cref="WebhookOptions.ReplayWindowMinutes"/>).
/// </summary>
public static class WebhookSigner
{
    public const string IdHeader = "Cchc-Webhook-Id";
    public const string EventHeader = "Cchc-Webhook-Event";
    public const string TimestampHeader = "Cchc-Webhook-Timestamp";
    public const string SignatureHeader = "Cchc-Webhook-Signature";

    public static string Sign(string secret, long timestamp, string body)
    {
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{body}"));
        return "v1=" + Convert.ToHexStringLower(mac);
    }

    /// <summary>What a receiver does: recompute, compare in constant time, and check the timestamp's age.</summary>
    public static bool Verify(string secret, string? timestamp, string body, string? signature, DateTimeOffset now, TimeSpan window)
    {
        if (!long.TryParse(timestamp, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var t)) return false;
        if (Math.Abs(now.ToUnixTimeSeconds() - t) > window.TotalSeconds) return false;
        var expected = Encoding.ASCII.GetBytes(Sign(secret, t, body));
        return signature is not null && CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(signature));
    }

    /// <summary>A new random secret: 32 bytes, base64url.</summary>
    public static string NewSecret() => "whsec_" + System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
}
