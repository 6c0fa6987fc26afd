using System.Globalization;
using CchcSurvey.Web.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace CchcSurvey.Web.Indices;

/// <summary>
/// Bulk insert of new statistics cells for <see cref="StatisticsLedger.RebuildAsync"/>, in the caller's transaction:
/// a prepared INSERT run per cell on SQLite, binary COPY on PostgreSQL. A rebuild of ten million responses writes
/// millions of cells; EF Core's change tracking and per-row <c>RETURNING</c> managed a few thousand a second,
/// which made a national rebuild take an hour. Values are written in the representations EF Core's providers
/// use (SQLite: the period as an integer, the date as "yyyy-MM-dd" text, the flag as 0/1).
/// </summary>
public static class CellRows
{
    /// <summary>The table and the columns written, in the order of the statements' values, from the EF model.</summary>
    internal static RawTable Table(DbContext db) => RawTable.Of<StatisticsCell>(db, nameof(StatisticsCell.UnitId), nameof(StatisticsCell.InstrumentVersionId),
        nameof(StatisticsCell.Period), nameof(StatisticsCell.PeriodStart), nameof(StatisticsCell.Channel), nameof(StatisticsCell.Flagged),
        nameof(StatisticsCell.Responses), nameof(StatisticsCell.OverallN), nameof(StatisticsCell.OverallSatisfied), nameof(StatisticsCell.Data),
        nameof(StatisticsCell.Revision));

    public static async Task InsertAsync(SurveyDbContext db, IReadOnlyList<StatisticsCell> cells, CancellationToken ct)
    {
        if (cells.Count == 0) return;
        var table = Table(db);
        switch (RawSql.TargetOf(db, "Cells are inserted inside the rebuild's transaction."))
        {
            case RawSql.SqliteTarget sqlite:
                await InsertSqliteAsync(sqlite, table, cells, ct);
                break;
            case RawSql.PostgresTarget postgres:
                await CopyPostgresAsync(postgres.Connection, table, cells, ct);
                break;
        }
    }

    // One prepared single-row statement run per cell: SQLite runs it in-process, and binding by name scans the
    // statement's parameter list, so a multi-row statement with hundreds of parameters spent its time in strncmp.
    private static Task<int> InsertSqliteAsync(RawSql.SqliteTarget target, RawTable table, IReadOnlyList<StatisticsCell> cells, CancellationToken ct) =>
        RawSql.RunPerRowAsync<StatisticsCell>(target,
            $"INSERT INTO {table.Name} ({table.Columns}) VALUES ($unit, $version, $period, $start, $channel, $flagged, $responses, $n, $satisfied, $data, $revision)",
            [
                new("$unit", SqliteType.Integer, c => c.UnitId), new("$version", SqliteType.Integer, c => c.InstrumentVersionId),
                new("$period", SqliteType.Integer, c => (byte)c.Period),
                new("$start", SqliteType.Text, c => c.PeriodStart.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
                new("$channel", SqliteType.Text, c => c.Channel), new("$flagged", SqliteType.Integer, c => c.Flagged ? 1 : 0),
                new("$responses", SqliteType.Integer, c => c.Responses), new("$n", SqliteType.Integer, c => c.OverallN),
                new("$satisfied", SqliteType.Integer, c => c.OverallSatisfied), new("$data", SqliteType.Text, c => c.Data),
                new("$revision", SqliteType.Integer, c => c.Revision),
            ], cells, ct);

    private static async Task CopyPostgresAsync(NpgsqlConnection connection, RawTable table, IReadOnlyList<StatisticsCell> cells, CancellationToken ct)
    {
        await using var importer = await connection.BeginBinaryImportAsync($"COPY {table.Name} ({table.Columns}) FROM STDIN (FORMAT BINARY)", ct);
        foreach (var cell in cells)
        {
            await importer.StartRowAsync(ct);
            await importer.WriteAsync(cell.UnitId, NpgsqlDbType.Integer, ct);
            await importer.WriteAsync(cell.InstrumentVersionId, NpgsqlDbType.Integer, ct);
            await importer.WriteAsync((short)cell.Period, NpgsqlDbType.Smallint, ct);
            await importer.WriteAsync(cell.PeriodStart, NpgsqlDbType.Date, ct);
            await importer.WriteAsync(cell.Channel, NpgsqlDbType.Varchar, ct);
            await importer.WriteAsync(cell.Flagged, NpgsqlDbType.Boolean, ct);
            await importer.WriteAsync(cell.Responses, NpgsqlDbType.Bigint, ct);
            await importer.WriteAsync(cell.OverallN, NpgsqlDbType.Bigint, ct);
            await importer.WriteAsync(cell.OverallSatisfied, NpgsqlDbType.Bigint, ct);
            await importer.WriteAsync(cell.Data, NpgsqlDbType.Text, ct);
            await importer.WriteAsync(cell.Revision, NpgsqlDbType.Integer, ct);
        }
        await importer.CompleteAsync(ct);
    }
}
