using CchcSurvey.Web.Data;
using CchcSurvey.Web.Surveys;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace CchcSurvey.Web.Operations;

/// <summary>
/// <c>/healthz/ready</c>: this instance can take answers now. Liveness (<c>/healthz</c>) only asks whether the app
/// and its database answer; readiness also asks that the database accepts writes (a PostgreSQL standby, or a
/// primary demoted after a fail-over, does not), that every migration is applied (an instance started before an
/// upgrade's migration ran is not ready), and that the response writer's loop is running.
/// </summary>
public static class Readiness
{
    public const string Tag = "ready";

    public static IHealthChecksBuilder AddReadinessChecks(this IHealthChecksBuilder builder) => builder
        .AddCheck<WritableDatabaseCheck>("database-writable", tags: [Tag])
        .AddCheck<MigrationsCheck>("migrations", tags: [Tag])
        .AddCheck<WriterCheck>("writer", tags: [Tag]);
}

public sealed class WritableDatabaseCheck(SurveyDbContext db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var command = connection.CreateCommand();
            if (connection is NpgsqlConnection)
            {
                // A hot standby answers reads; a write would fail with "read-only transaction".
                command.CommandText = "SELECT pg_is_in_recovery() OR current_setting('transaction_read_only') = 'on'";
                return (bool)(await command.ExecuteScalarAsync(ct))!
                    ? HealthCheckResult.Unhealthy("the database is read-only (a standby)")
                    : HealthCheckResult.Healthy();
            }
            // SQLite: take the write lock and give it back (waits at most for the writer's current batch).
            command.CommandText = "BEGIN IMMEDIATE; ROLLBACK;";
            await command.ExecuteNonQueryAsync(ct);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is SqliteException or NpgsqlException)
        {
            return HealthCheckResult.Unhealthy("the database does not accept writes", e);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}

public sealed class MigrationsCheck(SurveyDbContext db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        var pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
        return pending.Count == 0
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy($"{pending.Count} migration(s) not applied");
    }
}

public sealed class WriterCheck(ResponseWriter writer) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default) =>
        Task.FromResult(writer.ExecuteTask is { IsCompleted: false }
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy("the response writer is not running"));
}
