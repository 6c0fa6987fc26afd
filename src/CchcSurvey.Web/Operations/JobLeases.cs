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
}
