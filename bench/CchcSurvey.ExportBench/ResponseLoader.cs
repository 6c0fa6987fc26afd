using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;
using CchcSurvey.Core.Instruments;
using CchcSurvey.Web.Data;
using CchcSurvey.Web.Infrastructure;
using CchcSurvey.Web.Surveys;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CchcSurvey.ExportBench;

/// <summary>
/// Fills the app's Responses table of a SQLite file up to a number of rows, fast enough for 10 million: the app's
/// start-up creates the schema and instruments, UnitImport a province of 3,321 communes with a counter each; then
/// rows go straight into the table (the approach of bench/CchcSurvey.Bench's BulkLoader: the columns as EF Core
/// stores them, prepared 100-row INSERTs), with two differences that make it several times faster: the table's
/// secondary indexes are dropped during the load and created again afterwards from their own SQL (one sort instead
/// of 10 million random B-tree inserts into the unique SubmissionId index), and answers are drawn from a pool of
/// 4,096 generated answer sets per instrument instead of being generated per row.
/// </summary>
public static class ResponseLoader
{
    public const int Communes = 3321;
    private const int PoolPerInstrument = 4096;

    /// <summary>Instrument mix of bench/CchcSurvey.Bench (cumulative).</summary>
    private static readonly (string Code, double Cumulative)[] Mix =
        [("NHANH", 0.60), ("SIPAS-DV", 0.80), ("TT01", 0.95), ("SIPAS-CS", 0.98), ("PAPI-M", 1.00)];

    private readonly record struct Row(string SubmissionId, int UnitId, int? CounterId, int VersionId, string Channel, string SubmittedHourUtc, string AnswersJson, string PayloadHash);

    private sealed record Place(int UnitId, string UnitCode, int CounterId, string CounterCode);

    private sealed record Instrument(int VersionId, string Code, int Version, string[] Pool);

    public static async Task<long> FillAsync(string file, long total, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        List<Place> places;
        Dictionary<string, Instrument> instruments;
        LocalClock clock;
        using (var host = new BenchHost(file))
        {
            await host.ImportUnitsAsync(Communes, ct);
            await using var scope = host.Scope();
            var db = scope.ServiceProvider.GetRequiredService<SurveyDbContext>();
            var registry = scope.ServiceProvider.GetRequiredService<InstrumentRegistry>();
            clock = scope.ServiceProvider.GetRequiredService<LocalClock>();
            places = await db.Counters.AsNoTracking().OrderBy(c => c.Code)
                .Select(c => new Place(c.UnitId, c.Unit.Code, c.Id, c.Code)).ToListAsync(ct);
            var random = new Random(20251125);
            instruments = (await registry.CurrentAsync(db, ct)).ToDictionary(i => i.Code,
                i => new Instrument(i.VersionId, i.Code, i.Version, Enumerable.Range(0, PoolPerInstrument).Select(_ => SampleAnswers.Json(i.Definition, random)).ToArray()),
                StringComparer.Ordinal);
        }
        SqliteConnection.ClearAllPools();

        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Pooling = false, DefaultTimeout = 3600 }.ToString());
        await connection.OpenAsync(ct);
        var existing = Convert.ToInt64(await ScalarAsync(connection, "SELECT COUNT(*) FROM \"Responses\"", ct), CultureInfo.InvariantCulture);
        if (existing >= total) return existing;

        var indexes = new List<(string Name, string Sql)>();
        await using (var list = connection.CreateCommand())
        {
            list.CommandText = "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'Responses' AND sql IS NOT NULL";
            await using var reader = await list.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) indexes.Add((reader.GetString(0), reader.GetString(1)));
        }
        // Nothing else has the file open: no journal, no fsync, a large cache for building the indexes again.
        // If the load dies half-way the file is a scratch file to delete, like any benchmark database.
        await ExecuteAsync(connection, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-262144;", ct);
        foreach (var (name, _) in indexes) await ExecuteAsync(connection, $"DROP INDEX \"{name}\"", ct);

        var rows = Channel.CreateBounded<Row[]>(4);
        var producer = Task.Run(async () =>
        {
            try
            {
                var random = new Random(unchecked((int)(7919 * existing + 17)));
                var days = WorkingDays2025();
                const int batch = 10_000;
                for (var made = existing; made < total; made += batch)
                {
                    var chunk = new Row[(int)Math.Min(batch, total - made)];
                    for (var i = 0; i < chunk.Length; i++) chunk[i] = Next(random, places, instruments, days, clock);
                    await rows.Writer.WriteAsync(chunk, ct);
                }
                rows.Writer.Complete();
            }
            catch (Exception e)
            {
                rows.Writer.Complete(e);
            }
        }, ct);

        var loaded = existing;
        const int perStatement = 100; // 800 parameters, under SQLite's limit
        SqliteTransaction? transaction = null;
        SqliteCommand? insert = null;
        var inTransaction = 0;
        try
        {
            await foreach (var chunk in rows.Reader.ReadAllAsync(ct))
            {
                if (transaction is null)
                {
                    transaction = connection.BeginTransaction();
                    insert = Prepare(connection, transaction, perStatement);
                }
                var at = 0;
                for (; at + perStatement <= chunk.Length; at += perStatement)
                {
                    Bind(insert!, chunk.AsSpan(at, perStatement));
                    insert!.ExecuteNonQuery();
                }
                if (at < chunk.Length)
                {
                    using var rest = Prepare(connection, transaction, chunk.Length - at);
                    Bind(rest, chunk.AsSpan(at));
                    rest.ExecuteNonQuery();
                }
                loaded += chunk.Length;
                inTransaction += chunk.Length;
                if (inTransaction >= 1_000_000)
                {
                    insert!.Dispose();
                    insert = null;
                    transaction.Commit();
                    transaction.Dispose();
                    transaction = null;
                    inTransaction = 0;
                }
                if (loaded % 1_000_000 == 0) Console.WriteLine($"  {loaded:N0} responses ({watch.Elapsed.TotalSeconds:F0} s)");
            }
            insert?.Dispose();
            transaction?.Commit();
        }
        finally
        {
            transaction?.Dispose();
        }
        await producer;

        Console.WriteLine($"  indexes ({watch.Elapsed.TotalSeconds:F0} s)");
        foreach (var (_, sql) in indexes) await ExecuteAsync(connection, sql, ct);
        await ExecuteAsync(connection, "PRAGMA journal_mode=WAL;", ct);
        return loaded;
    }

    private static Row Next(Random random, List<Place> places, Dictionary<string, Instrument> instruments, DateOnly[] days, LocalClock clock)
    {
        var place = places[random.Next(places.Count)];
        var u = random.NextDouble();
        var instrument = instruments[Mix.First(m => u < m.Cumulative).Code];
        var json = instrument.Pool[random.Next(instrument.Pool.Length)];
        var channel = random.NextDouble() switch { < 0.70 => "qr", < 0.93 => "kiosk", _ => "paper" };
        // Paper questionnaires are filed on the unit, without a counter (the export leaves the counter empty).
        var paper = channel == "paper";
        var day = days[random.Next(days.Length)];
        var hourUtc = clock.ToUtc(day.ToDateTime(new TimeOnly(7 + random.Next(0, 10), 0)));
        Span<byte> bytes = stackalloc byte[16];
        random.NextBytes(bytes);
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        // The same representations as EF Core's SQLite provider: upper-case GUID text, "yyyy-MM-dd HH:mm:ss" text.
        return new Row(new Guid(bytes).ToString().ToUpperInvariant(), place.UnitId, paper ? null : place.CounterId, instrument.VersionId, channel,
            hourUtc.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), json,
            SubmissionService.PayloadHash(paper ? place.UnitCode : place.CounterCode, instrument.Code, instrument.Version, channel, json));
    }

    private static DateOnly[] WorkingDays2025()
    {
        var days = new List<DateOnly>();
        for (var d = new DateOnly(2025, 1, 1); d.Year == 2025; d = d.AddDays(1))
            if (d.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday)) days.Add(d);
        return days.ToArray();
    }

    private const string Columns = "\"SubmissionId\", \"UnitId\", \"CounterId\", \"InstrumentVersionId\", \"Channel\", \"SubmittedHourUtc\", \"AnswersJson\", \"PayloadHash\", \"Flags\"";

    private static SqliteCommand Prepare(SqliteConnection connection, SqliteTransaction transaction, int rows)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        var values = string.Join(", ", Enumerable.Range(0, rows).Select(r => "(" + string.Join(", ", Enumerable.Range(0, 8).Select(c => $"$p{r}_{c}")) + ", 0)"));
        command.CommandText = $"INSERT INTO \"Responses\" ({Columns}) VALUES {values}";
        for (var r = 0; r < rows; r++)
            for (var c = 0; c < 8; c++)
                command.Parameters.Add(new SqliteParameter($"$p{r}_{c}", null));
        command.Prepare();
        return command;
    }

    private static void Bind(SqliteCommand command, ReadOnlySpan<Row> rows)
    {
        var p = command.Parameters;
        for (var r = 0; r < rows.Length; r++)
        {
            var row = rows[r];
            var at = r * 8;
            p[at].Value = row.SubmissionId;
            p[at + 1].Value = row.UnitId;
            p[at + 2].Value = row.CounterId is int counter ? counter : DBNull.Value;
            p[at + 3].Value = row.VersionId;
            p[at + 4].Value = row.Channel;
            p[at + 5].Value = row.SubmittedHourUtc;
            p[at + 6].Value = row.AnswersJson;
            p[at + 7].Value = row.PayloadHash;
        }
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.CommandTimeout = 0;
        await command.ExecuteNonQueryAsync(ct);
    }

    private static async Task<object?> ScalarAsync(SqliteConnection connection, string sql, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync(ct);
    }
}
