using System.Buffers.Binary;
using System.Security.Cryptography;
using CchcSurvey.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace CchcSurvey.Web.Security;

/// <summary>What an opaque identifier stands for; a reference of one kind never decodes as another.</summary>
public enum OpaqueKind : uint
{
    Response = 0x52455350, // "RESP"
    Alert = 0x414c5254,    // "ALRT"
}

/// <summary>
/// Turns row ids into the identifiers officials see — on pages, in forms and in the API — so that these do
/// not follow the order of submission (METHODOLOGY §6, Unlinkable: the global sequential response id would tell
/// an official which of two comments came first, and how many answers came in between). A reference is one AES
/// block — the id, the kind and four zero bytes — encrypted under a random key of this installation
/// (<see cref="SiteSecret"/> "opaque-ids"), written as 22 base64url characters: stable for a row, unforgeable
/// in practice (a made-up reference decrypts to non-zero check bytes and is refused like an unknown id).
/// </summary>
public sealed class OpaqueIds(IServiceScopeFactory scopes)
{
    public const string SecretName = "opaque-ids";

    private Aes? _aes;
    private readonly SemaphoreSlim _load = new(1, 1);

    public async Task<string> ToOpaqueAsync(OpaqueKind kind, long id, CancellationToken ct) => Encode(await KeyAsync(ct), kind, id);

    /// <summary>The references of many ids (one key look-up).</summary>
    public async Task<Func<long, string>> EncoderAsync(OpaqueKind kind, CancellationToken ct)
    {
        var aes = await KeyAsync(ct);
        return id => Encode(aes, kind, id);
    }

    /// <summary>The id a reference stands for, or null when it is malformed, forged or of another kind.</summary>
    public async Task<long?> FromOpaqueAsync(OpaqueKind kind, string? reference, CancellationToken ct)
    {
        if (reference is not { Length: 22 } || !reference.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')) return null;
        byte[] block;
        try
        {
            block = Convert.FromBase64String(reference.Replace('-', '+').Replace('_', '/') + "==");
        }
        catch (FormatException)
        {
            return null;
        }
        if (block.Length != 16) return null;
        var aes = await KeyAsync(ct);
        var plain = new byte[16];
        lock (aes) aes.DecryptEcb(block, plain, PaddingMode.None);
        if (BinaryPrimitives.ReadUInt32LittleEndian(plain.AsSpan(8)) != (uint)kind || BinaryPrimitives.ReadUInt32LittleEndian(plain.AsSpan(12)) != 0) return null;
        return BinaryPrimitives.ReadInt64LittleEndian(plain);
    }

    private static string Encode(Aes aes, OpaqueKind kind, long id)
    {
        Span<byte> plain = stackalloc byte[16];
        BinaryPrimitives.WriteInt64LittleEndian(plain, id);
        BinaryPrimitives.WriteUInt32LittleEndian(plain[8..], (uint)kind);
        BinaryPrimitives.WriteUInt32LittleEndian(plain[12..], 0);
        var cipher = new byte[16];
        lock (aes) aes.EncryptEcb(plain, cipher, PaddingMode.None);
        return Convert.ToBase64String(cipher).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    private async Task<Aes> KeyAsync(CancellationToken ct)
    {
        if (_aes is { } ready) return ready;
        await _load.WaitAsync(ct);
        try
        {
            if (_aes is { } loaded) return loaded;
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<SurveyDbContext>();
            var secret = await db.SiteSecrets.AsNoTracking().Where(s => s.Name == SecretName).Select(s => s.Secret).FirstOrDefaultAsync(ct);
            if (secret is null)
            {
                try
                {
                    db.SiteSecrets.Add(new SiteSecret { Name = SecretName, Secret = RandomNumberGenerator.GetBytes(16) });
                    await db.SaveChangesAsync(ct);
                }
                catch (DbUpdateException)
                {
                    // Another instance created it first: use theirs.
                    db.ChangeTracker.Clear();
                }
                secret = await db.SiteSecrets.AsNoTracking().Where(s => s.Name == SecretName).Select(s => s.Secret).FirstAsync(ct);
            }
            var aes = Aes.Create();
            aes.Key = secret;
            return _aes = aes;
        }
        finally
        {
            _load.Release();
        }
    }
}
