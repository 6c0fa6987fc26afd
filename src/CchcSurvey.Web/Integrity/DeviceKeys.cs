using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using CchcSurvey.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace CchcSurvey.Web.Integrity;

/// <summary>
/// Hashes device cookies so that no raw device id is ever stored or used as a key. Sightings use
/// HMAC-SHA256 under a random secret of the UTC day, kept in the database only as long as the sightings
/// (72 hours): once a day's secret is deleted its hashes cannot be recomputed from a cookie. The in-memory
/// rate limiter uses a secret that lives only in this process.
/// </summary>
public sealed class DeviceKeys(IServiceScopeFactory scopes)
{
    private static readonly byte[] ProcessSecret = RandomNumberGenerator.GetBytes(32);

    private readonly ConcurrentDictionary<DateOnly, byte[]> _secrets = new();

    /// <summary>The rate limiter's partition key for a device cookie: never the cookie itself.</summary>
    public static string RateLimitKey(string device) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(ProcessSecret, Encoding.UTF8.GetBytes(device)));

    public static string SightingKey(byte[] secret, string device, int counterId) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(secret, Encoding.UTF8.GetBytes($"{device}\n{counterId}")));

    /// <summary>
    /// The secret of a UTC day, created (randomly) on first use when <paramref name="create"/>; empty when it
    /// does not exist. Uses its own context: call it before opening a write transaction.
    /// </summary>
    public async Task<byte[]> SecretAsync(DateOnly day, bool create, CancellationToken ct)
    {
        if (_secrets.TryGetValue(day, out var cached)) return cached;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SurveyDbContext>();
        var stored = await db.SightingSecrets.AsNoTracking().Where(s => s.Day == day).Select(s => s.Secret).FirstOrDefaultAsync(ct);
        if (stored is null && !create) return [];
        if (stored is null)
        {
            try
            {
                db.SightingSecrets.Add(new SightingSecret { Day = day, Secret = RandomNumberGenerator.GetBytes(32) });
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException)
            {
                // Another instance created it first: use theirs.
                db.ChangeTracker.Clear();
            }
            stored = await db.SightingSecrets.AsNoTracking().Where(s => s.Day == day).Select(s => s.Secret).FirstAsync(ct);
        }
        _secrets[day] = stored;
        return stored;
    }

    /// <summary>Forgets cached secrets (after the cleanup deleted them).</summary>
    public void Forget(DateOnly before)
    {
        foreach (var day in _secrets.Keys.Where(d => d < before)) _secrets.TryRemove(day, out _);
    }
}
