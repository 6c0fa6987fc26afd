using CchcSurvey.Web.Data;
using CchcSurvey.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CchcSurvey.Web.Integrity;

/// <summary>
/// Deletes device sightings older than <c>Integrity:SightingRetentionHours</c> (72) and the daily secrets they
/// were hashed with, once at start and then every hour. Tests call <see cref="CleanupAsync"/> directly.
/// </summary>
public sealed class SightingCleanup(IServiceScopeFactory scopes, DeviceKeys keys, TimeProvider time, IOptions<IntegrityOptions> options, ILogger<SightingCleanup> logger)
    : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    /// <summary>Deletes what is past retention; returns the number of sightings deleted.</summary>
    public async Task<int> CleanupAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var cutoff = now.AddHours(-Math.Max(1, options.Value.SightingRetentionHours));
        // A day's secret goes once every sighting hashed with it is past retention (the day ended before the cutoff).
        var lastSecretDay = DateOnly.FromDateTime(cutoff).AddDays(-1);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SurveyDbContext>();
        var deleted = await db.DeviceSightings.Where(s => s.HourUtc < cutoff).ExecuteDeleteAsync(ct);
        await db.SightingSecrets.Where(s => s.Day <= lastSecretDay).ExecuteDeleteAsync(ct);
        keys.Forget(lastSecretDay.AddDays(1));
        return deleted;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            try
            {
                // Once per interval across all instances on the database.
                if (!await Operations.JobLeases.TryClaimAsync(scopes, Operations.JobLeases.SightingCleanup, Interval, time, stoppingToken)) continue;
                var deleted = await CleanupAsync(stoppingToken);
                if (deleted > 0) logger.LogInformation("Deleted {Count} device sightings past retention", deleted);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Device sighting cleanup failed; retrying in an hour");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
