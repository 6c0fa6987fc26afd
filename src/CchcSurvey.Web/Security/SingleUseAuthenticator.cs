using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using CchcSurvey.Web.Data;
using Microsoft.AspNetCore.Identity;

namespace CchcSurvey.Web.Security;

/// <summary>
/// Identity's authenticator (TOTP, RFC 6238) with two changes ASVS 5.0 V6.5 asks for: a code works once (the step
/// of the last accepted code is kept beside the key, in the user's tokens, and a code of that step or an earlier
/// one is refused), and only the current step and its neighbours (±30 s of clock drift) are accepted instead of
/// ±90 s. Key storage, QR set-up, recovery codes and the sign-in flow stay Identity's own.
/// </summary>
public sealed class SingleUseAuthenticatorTokenProvider(TimeProvider time) : AuthenticatorTokenProvider<Official>
{
    public const string ProviderName = "SingleUseAuthenticator";
    public const string Store = "[CchcSurvey]";
    public const string LastStep = "LastTotpStep";

    public override async Task<bool> ValidateAsync(string purpose, string token, UserManager<Official> manager, Official user)
    {
        var key = await manager.GetAuthenticatorKeyAsync(user);
        if (string.IsNullOrEmpty(key) || token.Length != 6 || !token.All(char.IsAsciiDigit)) return false;
        var secret = Base32.Decode(key);
        var now = time.GetUtcNow().ToUnixTimeSeconds() / 30;
        var last = long.TryParse(await manager.GetAuthenticationTokenAsync(user, Store, LastStep), NumberStyles.None, CultureInfo.InvariantCulture, out var l) ? l : -1;
        for (var step = now - 1; step <= now + 1; step++)
        {
            if (step <= last || !CryptographicOperations.FixedTimeEquals(System.Text.Encoding.ASCII.GetBytes(Code(secret, step)), System.Text.Encoding.ASCII.GetBytes(token)))
                continue;
            await manager.SetAuthenticationTokenAsync(user, Store, LastStep, step.ToString(CultureInfo.InvariantCulture));
            return true;
        }
        return false;
    }

    internal static string Code(byte[] key, long step)
    {
        Span<byte> counter = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(counter, step);
        Span<byte> hash = stackalloc byte[20];
        HMACSHA1.HashData(key, counter, hash);
        var offset = hash[^1] & 0x0f;
        var binary = ((hash[offset] & 0x7f) << 24) | (hash[offset + 1] << 16) | (hash[offset + 2] << 8) | hash[offset + 3];
        return (binary % 1_000_000).ToString("000000", CultureInfo.InvariantCulture);
    }

    private static class Base32
    {
        private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

        public static byte[] Decode(string text)
        {
            var bytes = new List<byte>(text.Length * 5 / 8);
            int buffer = 0, bits = 0;
            foreach (var c in text.ToUpperInvariant())
            {
                var value = Alphabet.IndexOf(c);
                if (value < 0) continue;
                buffer = (buffer << 5) | value;
                bits += 5;
                if (bits < 8) continue;
                bytes.Add((byte)(buffer >> (bits - 8)));
                bits -= 8;
            }
            return [.. bytes];
        }
    }
}
