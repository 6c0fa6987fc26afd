using System.Buffers.Binary;
using System.Security.Cryptography;

namespace CchcSurvey.Web.Tests.Pages.Account;

/// <summary>
/// RFC 6238 time-based one-time passwords, computed independently of ASP.NET Core Identity: HMAC-SHA1 over the
/// 30-second step count, dynamic truncation (RFC 4226 §5.3), six digits; the key is RFC 4648 base32 as shown to
/// the official.
/// </summary>
public static class Totp
{
    public static string Code(string base32Key, DateTimeOffset time, int digits = 6) => Code(Base32(base32Key), time.ToUnixTimeSeconds() / 30, digits);

    public static string Code(byte[] key, long step, int digits = 6)
    {
        Span<byte> counter = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(counter, step);
        var hash = HMACSHA1.HashData(key, counter);
        var offset = hash[^1] & 0x0f;
        var binary = ((hash[offset] & 0x7f) << 24) | (hash[offset + 1] << 16) | (hash[offset + 2] << 8) | hash[offset + 3];
        return (binary % (int)Math.Pow(10, digits)).ToString(new string('0', digits), System.Globalization.CultureInfo.InvariantCulture);
    }

    public static byte[] Base32(string text)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var clean = new string(text.ToUpperInvariant().Where(c => c != ' ' && c != '=').ToArray());
        var bytes = new List<byte>();
        int buffer = 0, bits = 0;
        foreach (var c in clean)
        {
            var value = alphabet.IndexOf(c);
            if (value < 0) throw new FormatException($"'{c}' is not base32.");
            buffer = (buffer << 5) | value;
            bits += 5;
            if (bits >= 8)
            {
                bytes.Add((byte)(buffer >> (bits - 8)));
                bits -= 8;
            }
        }
        return [.. bytes];
    }
}
