using System.Globalization;
using CchcSurvey.Web.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
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
    private const string Columns = "\"UnitId\", \"InstrumentVersionId\", \"Period\", \"PeriodStart\", \"Channel\", \"Flagged\", " +
        "\"Responses\", \"OverallN\", \"OverallSatisfied\", \"Data\", \"Revision\"";

    public static async Task InsertAsync(SurveyDbContext db, IReadOnlyList<StatisticsCell> cells, CancellationToken ct)
    {
        if (cells.Count == 0) return;
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("Cells are inserted inside the rebuild's transaction.");
        switch (db.Database.GetDbConnection())
        {
            case SqliteConnection sqlite:
                await InsertSqliteAsync(sqlite, (SqliteTransaction)transaction, cells, ct);
                break;
            case NpgsqlConnection postgres:
                await CopyPostgresAsync(postgres, cells, ct);
                break;
            default:
                throw new NotSupportedException($"No bulk insert for {db.Database.ProviderName}.");
        }
    }

    private static async Task InsertSqliteAsync(SqliteConnection connection, SqliteTransaction transaction, IReadOnlyList<StatisticsCell> cells, CancellationToken ct)
    {
        // One prepared single-row statement run per cell: SQLite runs it in-process, and binding by name scans the
        // statement's parameter list, so a multi-row statement with hundreds of parameters spent its time in strncmp.
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"INSERT INTO \"StatisticsCells\" ({Columns}) VALUES ($unit, $version, $period, $start, $channel, $flagged, $responses, $n, $satisfied, $data, $revision)";
        var unit = command.Parameters.Add("$unit", SqliteType.Integer);
        var version = command.Parameters.Add("$version", SqliteType.Integer);
        var period = command.Parameters.Add("$period", SqliteType.Integer);
        var start = command.Parameters.Add("$start", SqliteType.Text);
        var channel = command.Parameters.Add("$channel", SqliteType.Text);
        var flagged = command.Parameters.Add("$flagged", SqliteType.Integer);
        var responses = command.Parameters.Add("$responses", SqliteType.Integer);
        var n = command.Parameters.Add("$n", SqliteType.Integer);
        var satisfied = command.Parameters.Add("$satisfied", SqliteType.Integer);
        var data = command.Parameters.Add("$data", SqliteType.Text);
        var revision = command.Parameters.Add("$revision", SqliteType.Integer);
        command.Prepare();
        foreach (var cell in cells)
        {
            unit.Value = cell.UnitId;
            version.Value = cell.InstrumentVersionId;
            period.Value = (byte)cell.Period;
            start.Value = cell.PeriodStart.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            channel.Value = cell.Channel;
            flagged.Value = cell.Flagged ? 1 : 0;
            responses.Value = cell.Responses;
            n.Value = cell.OverallN;
            satisfied.Value = cell.OverallSatisfied;
            data.Value = cell.Data;
            revision.Value = cell.Revision;
            await command.ExecuteNonQueryAsync(ct);
        }
    }

    private static async Task CopyPostgresAsync(NpgsqlConnection connection, IReadOnlyList<StatisticsCell> cells, CancellationToken ct)
    {
        await using var importer = await connection.BeginBinaryImportAsync($"COPY \"StatisticsCells\" ({Columns}) FROM STDIN (FORMAT BINARY)", ct);
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
