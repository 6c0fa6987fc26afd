using System.Diagnostics;
using CchcSurvey.Web.Data;
using CchcSurvey.Web.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CchcSurvey.Web.Operations;

/// <summary>
/// <c>backup --out FILE</c>: a consistent copy of the SQLite database while the site runs and takes answers.
/// SQLite's online backup API (<see cref="SqliteConnection.BackupDatabase(SqliteConnection)"/>) copies every page
/// in one step under a read transaction; in WAL mode that transaction does not block the writer, and it sees the
/// database as of its start, so the copy holds every response committed (acknowledged) before the backup began.
/// The copy is written beside the target under a temporary name, checked by opening it (integrity_check and row
/// counts) and only then renamed to FILE, so a FILE that exists is a verified backup.
/// </summary>
public static class SqliteBackup
{
    public sealed record Result(string File, long Bytes, long Responses, long Cells, TimeSpan Elapsed);

    public sealed class BackupException(string message) : Exception(message);

    public static async Task<Result> RunAsync(IServiceProvider services, FileInfo target, CancellationToken ct)
    {
        var database = services.GetRequiredService<IOptions<DatabaseOptions>>().Value;
        if (database.IsPostgres)
            throw new BackupException("backup is for SQLite; on PostgreSQL use pg_dump -Fc (or pg_basebackup for a standby), see docs/deployment.md");
        if (target.Exists)
            throw new BackupException($"{target.FullName} exists; choose a new file (a backup never overwrites one)");
        if (target.Directory is { Exists: false } directory)
            throw new BackupException($"directory not found: {directory.FullName}");

        var db = services.GetRequiredService<SurveyDbContext>();
        var source = db.Database.GetConnectionString()!;
        if (Path.GetFullPath(new SqliteConnectionStringBuilder(source).DataSource) == target.FullName)
            throw new BackupException("--out is the database itself");

        var started = Stopwatch.StartNew();
        var temporary = target.FullName + ".partial";
        File.Delete(temporary);
        try
        {
            await using (var from = new SqliteConnection(source))
            await using (var to = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = temporary, Pooling = false }.ToString()))
            {
                await from.OpenAsync(ct);
                await to.OpenAsync(ct);
                from.BackupDatabase(to);
            }
            var (responses, cells) = await VerifyAsync(temporary, ct);
            File.Move(temporary, target.FullName);
            return new Result(target.FullName, new FileInfo(target.FullName).Length, responses, cells, started.Elapsed);
        }
        finally
        {
            File.Delete(temporary);
            File.Delete(temporary + "-wal");
            File.Delete(temporary + "-shm");
        }
    }

    /// <summary>Opens the copy read-only: the whole file must pass integrity_check, and its tables must be readable.</summary>
    internal static async Task<(long Responses, long Cells)> VerifyAsync(string file, CancellationToken ct)
    {
        await using var copy = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        await copy.OpenAsync(ct);
        var check = (string?)await Scalar(copy, "PRAGMA integrity_check;", ct);
        if (check != "ok") throw new BackupException($"the copy failed integrity_check: {check}");
        var migrations = (long)(await Scalar(copy, "SELECT count(*) FROM \"__EFMigrationsHistory\";", ct))!;
        if (migrations == 0) throw new BackupException("the copy has no migration history");
        var responses = (long)(await Scalar(copy, "SELECT count(*) FROM \"Responses\";", ct))!;
        var cells = (long)(await Scalar(copy, "SELECT count(*) FROM \"StatisticsCells\";", ct))!;
        return (responses, cells);
    }

    private static async Task<object?> Scalar(SqliteConnection connection, string sql, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync(ct);
    }
}
