using CchcSurvey.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace CchcSurvey.Web.Operations;

/// <summary>
/// Background jobs run once per interval across all app instances on one database: before a run, an instance claims
/// it with one conditional UPDATE of the job's <see cref="JobLease"/> row ("last run longer ago than 90 % of the
/// interval"). The database decides: on PostgreSQL a concurrent UPDATE of the same row waits and then re-checks the
/// condition against the committed row, on SQLite writers are serialised, so exactly one instance wins each
/// interval; the others skip until their next tick. If the instance that ran a job stops, another claims it at its
/// next tick after the interval. The 10 % slack absorbs timer jitter of the instance that holds the rhythm.
/// </summary>
public static class JobLeases
{
    public const string Alerts = "alerts";
    public const string SightingCleanup = "sighting-cleanup";
    public const string PaperBatches = "paper-batches";

    private static readonly string Me = $"{Environment.MachineName}:{Environment.ProcessId}";

    /// <summary>True when this instance should run the job now (it has been recorded as running it).</summary>
    public static async Task<bool> TryClaimAsync(IServiceScopeFactory scopes, string job, TimeSpan interval, TimeProvider time, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SurveyDbContext>();
        var now = time.GetUtcNow().UtcDateTime;
        var due = now - interval * 0.9;
        return await db.JobLeases
            .Where(j => j.Name == job && j.LastRunUtc <= due)
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.LastRunUtc, now).SetProperty(j => j.Runs, j => j.Runs + 1).SetProperty(j => j.Holder, Me), ct) == 1;
    }

    /// <summary>
    /// A held lease for long jobs (reading a batch of scans): true when <paramref name="holder"/> holds the job now,
    /// either because it held it already (renewed) or because the last holder has not renewed it for
    /// <paramref name="lease"/> (it stopped). The holder renews it while working; another instance takes over only
    /// after a silence of one lease. The same single conditional UPDATE as <see cref="TryClaimAsync"/> decides.
    /// </summary>
    public static async Task<bool> TryHoldAsync(IServiceScopeFactory scopes, string job, string holder, TimeSpan lease, TimeProvider time, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SurveyDbContext>();
        var now = time.GetUtcNow().UtcDateTime;
        var expired = now - lease;
        return await db.JobLeases
            .Where(j => j.Name == job && (j.Holder == holder || j.LastRunUtc <= expired))
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.LastRunUtc, now).SetProperty(j => j.Holder, holder), ct) == 1;
    }

    /// <summary>Gives a held lease up (a clean stop), so that another instance may take the job at once.</summary>
    public static async Task ReleaseAsync(IServiceScopeFactory scopes, string job, string holder, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SurveyDbContext>();
        await db.JobLeases.Where(j => j.Name == job && j.Holder == holder)
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.LastRunUtc, DateTime.UnixEpoch), ct);
    }
}
