using System.Threading.Channels;
using CchcSurvey.Core.Instruments;
using CchcSurvey.Web.Data;
using CchcSurvey.Web.Demo;
using CchcSurvey.Web.Infrastructure;
using CchcSurvey.Web.Surveys;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NpgsqlTypes;

namespace CchcSurvey.Bench;

/// <summary>One row of the Responses table, exactly as normal submission stores it.</summary>
public readonly record struct BulkRow(Guid SubmissionId, int UnitId, int CounterId, int VersionId, string Channel, DateTime SubmittedHourUtc, string AnswersJson, string PayloadHash);

/// <summary>
/// Generates plausible responses (answers from <see cref="DemoResponseGenerator.Answers"/>, canonical JSON from
/// <see cref="AnswerCodec"/>, the payload hash of <see cref="SubmissionService"/>) and writes them straight into
/// the app's Responses table: prepared multi-row INSERTs in large transactions on SQLite, binary COPY on
/// PostgreSQL. Statistics cells are not written here: the caller rebuilds them with the app's own
/// StatisticsLedger.RebuildAsync, which is also a measurement.
/// </summary>
public sealed class BulkLoader
{
    private sealed record Place(int UnitId, int CounterId, string CounterCode, double Quality);

    /// <summary>Twelve local months of responses: the calendar year 2025.</summary>
    public static readonly DateOnly FirstDay = new(2025, 1, 1);
    public static readonly DateOnly LastDay = new(2025, 12, 31);

    private static readonly (string Code, double Cumulative)[] Mix =
        [("NHANH", 0.60), ("SIPAS-DV", 0.80), ("TT01", 0.95), ("SIPAS-CS", 0.98), ("PAPI-M", 1.00)];

    private readonly BenchApp _app;
    private readonly Random _random;
    private readonly List<Place> _places;
    private readonly Dictionary<string, PublishedInstrument> _instruments;
    private readonly DateOnly[] _workingDays;
    private readonly LocalClock _clock;

    public long Loaded { get; private set; }

    private BulkLoader(BenchApp app, List<Place> places, Dictionary<string, PublishedInstrument> instruments, LocalClock clock, long loaded)
    {
        // Seeded by how many rows are there already: each step (a child process of its own) continues with fresh
        // submission ids instead of repeating the first step's, and the same sizes always give the same data.
        _random = new Random(unchecked(20251125 + (int)loaded));
        Loaded = loaded;
        _app = app;
        _places = places;
        _instruments = instruments;
        _clock = clock;
        var days = new List<DateOnly>();
        for (var d = FirstDay; d <= LastDay; d = d.AddDays(1))
            if (d.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday)) days.Add(d);
        _workingDays = days.ToArray();
    }

    public static async Task<BulkLoader> CreateAsync(BenchApp app, CancellationToken ct)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SurveyDbContext>();
        var registry = scope.ServiceProvider.GetRequiredService<InstrumentRegistry>();
        var instruments = (await registry.CurrentAsync(db, ct)).ToDictionary(i => i.Code, StringComparer.Ordinal);
        var counters = await db.Counters.AsNoTracking().OrderBy(c => c.Code).Select(c => new { c.Id, c.UnitId, c.Code }).ToListAsync(ct);
        var quality = new Random(7);
        var places = counters.Select(c => new Place(c.UnitId, c.Id, c.Code, 0.55 + quality.NextDouble() * 0.4)).ToList();
        var loader = new BulkLoader(app, places, instruments, scope.ServiceProvider.GetRequiredService<LocalClock>(), await db.Responses.LongCountAsync(ct));
        return loader;
    }

    /// <summary>Adds responses until the table holds <paramref name="total"/>; generation overlaps writing.</summary>
    public async Task LoadUpToAsync(long total, IProgress<long> progress, CancellationToken ct)
    {
        var toAdd = total - Loaded;
        if (toAdd <= 0) return;
        var batches = Channel.CreateBounded<BulkRow[]>(4);
        const int batchSize = 10_000;
        var producer = Task.Run(async () =>
        {
            try
            {
                for (long made = 0; made < toAdd; made += batchSize)
                {
                    var rows = new BulkRow[(int)Math.Min(batchSize, toAdd - made)];
                    for (var i = 0; i < rows.Length; i++) rows[i] = Next();
                    await batches.Writer.WriteAsync(rows, ct);
                }
                batches.Writer.Complete();
            }
            catch (Exception e)
            {
                batches.Writer.Complete(e);
            }
        }, ct);
        if (_app.IsPostgres) await CopyPostgresAsync(batches.Reader, progress, ct);
        else await InsertSqliteAsync(batches.Reader, progress, ct);
        await producer;
    }

    private BulkRow Next()
    {
        var place = _places[_random.Next(_places.Count)];
        var u = _random.NextDouble();
        var code = Mix.First(m => u < m.Cumulative).Code;
        var instrument = _instruments[code];
        var answers = DemoResponseGenerator.Answers(_random, instrument.Definition, place.Quality);
        var channel = _random.NextDouble() switch { < 0.7 => "qr", < 0.93 => "kiosk", _ => "paper" };
        var json = AnswerCodec.Serialize(answers);
        var day = _workingDays[_random.Next(_workingDays.Length)];
        var hourUtc = _clock.ToUtc(day.ToDateTime(new TimeOnly(7 + _random.Next(0, 10), 0)));
        Span<byte> bytes = stackalloc byte[16];
        _random.NextBytes(bytes);
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new BulkRow(new Guid(bytes), place.UnitId, place.CounterId, instrument.VersionId, channel, hourUtc, json,
            SubmissionService.PayloadHash(place.CounterCode, instrument.Code, instrument.Version, channel, json));
    }

    private const string Columns = "\"SubmissionId\", \"UnitId\", \"CounterId\", \"InstrumentVersionId\", \"Channel\", \"SubmittedHourUtc\", \"AnswersJson\", \"PayloadHash\", \"Flags\"";

    private async Task InsertSqliteAsync(ChannelReader<BulkRow[]> batches, IProgress<long> progress, CancellationToken ct)
    {
        const int rowsPerStatement = 100; // 900 parameters
        const int rowsPerTransaction = 200_000;
        // Not pooled: its 256 MB page cache must go when the load is over, or it would count in the memory of
        // every later measurement (the app's own connections keep SQLite's default cache).
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder(_app.ConnectionString) { Pooling = false }.ToString());
        await connection.OpenAsync(ct);
        await using (var pragma = connection.CreateCommand())
        {
            pragma.CommandText = "PRAGMA cache_size=-256000; PRAGMA synchronous=NORMAL;";
            await pragma.ExecuteNonQueryAsync(ct);
        }

        SqliteCommand Prepare(int rows, SqliteTransaction transaction)
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

        void Bind(SqliteCommand command, ReadOnlySpan<BulkRow> rows)
        {
            var p = command.Parameters;
            for (var r = 0; r < rows.Length; r++)
            {
                var row = rows[r];
                var at = r * 8;
                // The same representations as EF Core's SQLite provider: upper-case GUID text, "yyyy-MM-dd HH:mm:ss" text.
                p[at].Value = row.SubmissionId.ToString().ToUpperInvariant();
                p[at + 1].Value = row.UnitId;
                p[at + 2].Value = row.CounterId;
                p[at + 3].Value = row.VersionId;
                p[at + 4].Value = row.Channel;
                p[at + 5].Value = row.SubmittedHourUtc.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
                p[at + 6].Value = row.AnswersJson;
                p[at + 7].Value = row.PayloadHash;
            }
        }

        SqliteTransaction? transaction = null;
        SqliteCommand? full = null;
        var inTransaction = 0;
        try
        {
            await foreach (var batch in batches.ReadAllAsync(ct))
            {
                if (transaction is null)
                {
                    transaction = connection.BeginTransaction();
                    full = Prepare(rowsPerStatement, transaction);
                }
                var at = 0;
                for (; at + rowsPerStatement <= batch.Length; at += rowsPerStatement)
                {
                    Bind(full!, batch.AsSpan(at, rowsPerStatement));
                    full!.ExecuteNonQuery();
                }
                if (at < batch.Length)
                {
                    using var rest = Prepare(batch.Length - at, transaction);
                    Bind(rest, batch.AsSpan(at));
                    rest.ExecuteNonQuery();
                }
                inTransaction += batch.Length;
                Loaded += batch.Length;
                if (inTransaction >= rowsPerTransaction)
                {
                    full!.Dispose();
                    full = null;
                    transaction.Commit();
                    transaction.Dispose();
                    transaction = null;
                    inTransaction = 0;
                }
                progress.Report(Loaded);
            }
            full?.Dispose();
            transaction?.Commit();
        }
        finally
        {
            transaction?.Dispose();
        }
        await using var checkpoint = connection.CreateCommand();
        checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
        await checkpoint.ExecuteNonQueryAsync(ct);
    }

    private async Task CopyPostgresAsync(ChannelReader<BulkRow[]> batches, IProgress<long> progress, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(_app.ConnectionString);
        await connection.OpenAsync(ct);
        var inCopy = 0;
        NpgsqlBinaryImporter? importer = null;
        try
        {
            await foreach (var batch in batches.ReadAllAsync(ct))
            {
                importer ??= await connection.BeginBinaryImportAsync($"COPY \"Responses\" ({Columns}) FROM STDIN (FORMAT BINARY)", ct);
                foreach (var row in batch)
                {
                    await importer.StartRowAsync(ct);
                    await importer.WriteAsync(row.SubmissionId, NpgsqlDbType.Uuid, ct);
                    await importer.WriteAsync(row.UnitId, NpgsqlDbType.Integer, ct);
                    await importer.WriteAsync(row.CounterId, NpgsqlDbType.Integer, ct);
                    await importer.WriteAsync(row.VersionId, NpgsqlDbType.Integer, ct);
                    await importer.WriteAsync(row.Channel, NpgsqlDbType.Varchar, ct);
                    await importer.WriteAsync(row.SubmittedHourUtc, NpgsqlDbType.TimestampTz, ct);
                    await importer.WriteAsync(row.AnswersJson, NpgsqlDbType.Text, ct);
                    await importer.WriteAsync(row.PayloadHash, NpgsqlDbType.Varchar, ct);
                    await importer.WriteAsync(0, NpgsqlDbType.Integer, ct);
                }
                inCopy += batch.Length;
                Loaded += batch.Length;
                if (inCopy >= 500_000)
                {
                    await importer.CompleteAsync(ct);
                    await importer.DisposeAsync();
                    importer = null;
                    inCopy = 0;
                }
                progress.Report(Loaded);
            }
            if (importer is not null) await importer.CompleteAsync(ct);
        }
        finally
        {
            if (importer is not null) await importer.DisposeAsync();
        }
        // What autovacuum would do shortly after such a load: fresh planner statistics.
        await using var analyze = new NpgsqlCommand("ANALYZE \"Responses\"", connection);
        analyze.CommandTimeout = 0;
        await analyze.ExecuteNonQueryAsync(ct);
    }
}
