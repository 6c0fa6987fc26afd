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
/// prepared multi-row INSERTs on SQLite, binary COPY on PostgreSQL. A rebuild of ten million responses writes
/// millions of cells; EF Core's change tracking and per-row <c>RETURNING</c> managed a few thousand a second,
/// which made a national rebuild take an hour. Values are written in the representations EF Core's providers
/// use (SQLite: the period as an integer, the date as "yyyy-MM-dd" text, the flag as 0/1).
/// </summary>
public static class CellRows
{
    private const string Columns = "\"UnitId\", \"InstrumentVersionId\", \"Period\", \"PeriodStart\", \"Channel\", \"Flagged\", " +
        "\"Responses\", \"OverallN\", \"OverallSatisfied\", \"Data\", \"Revision\"";

    private const int ColumnCount = 11;

    /// <summary>Rows per SQLite statement: 64 × 11 parameters, well under SQLite's limit.</summary>
    private const int RowsPerStatement = 64;

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
        SqliteCommand Prepare(int rows)
        {
            var command = connection.CreateCommand();
            command.Transaction = transaction;
            var values = string.Join(", ", Enumerable.Range(0, rows).Select(r =>
                "(" + string.Join(", ", Enumerable.Range(0, ColumnCount).Select(c => $"$p{r * ColumnCount + c}")) + ")"));
            command.CommandText = $"INSERT INTO \"StatisticsCells\" ({Columns}) VALUES {values}";
            for (var p = 0; p < rows * ColumnCount; p++) command.Parameters.Add(new SqliteParameter($"$p{p}", null));
            command.Prepare();
            return command;
        }

        static void Bind(SqliteCommand command, IReadOnlyList<StatisticsCell> cells, int from, int rows)
        {
            var p = command.Parameters;
            for (var r = 0; r < rows; r++)
            {
                var cell = cells[from + r];
                var at = r * ColumnCount;
                p[at].Value = cell.UnitId;
                p[at + 1].Value = cell.InstrumentVersionId;
                p[at + 2].Value = (byte)cell.Period;
                p[at + 3].Value = cell.PeriodStart.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                p[at + 4].Value = cell.Channel;
                p[at + 5].Value = cell.Flagged ? 1 : 0;
                p[at + 6].Value = cell.Responses;
                p[at + 7].Value = cell.OverallN;
                p[at + 8].Value = cell.OverallSatisfied;
                p[at + 9].Value = cell.Data;
                p[at + 10].Value = cell.Revision;
            }
        }

        var at = 0;
        if (cells.Count >= RowsPerStatement)
        {
            await using var full = Prepare(RowsPerStatement);
            for (; at + RowsPerStatement <= cells.Count; at += RowsPerStatement)
            {
                Bind(full, cells, at, RowsPerStatement);
                await full.ExecuteNonQueryAsync(ct);
            }
        }
        if (at < cells.Count)
        {
            await using var rest = Prepare(cells.Count - at);
            Bind(rest, cells, at, cells.Count - at);
            await rest.ExecuteNonQueryAsync(ct);
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
