using CchcSurvey.Core.Indices;
using CchcSurvey.Core.Instruments;
using CchcSurvey.Web.Data;
using CchcSurvey.Web.Infrastructure;
using CchcSurvey.Web.Surveys;
using Microsoft.EntityFrameworkCore;

namespace CchcSurvey.Web.Indices;

/// <summary>A response about to be stored, with its already decoded answers.</summary>
public readonly record struct LedgerEntry(Response Response, IReadOnlyDictionary<string, AnswerValue> Answers);

/// <summary>
/// Keeps <see cref="StatisticsCell"/>s in step with the responses: every new response is added to the day
/// and month cells of its unit and of each ancestor, in the caller's transaction, so that figures are read
/// from a handful of cells instead of millions of responses. Paper import and demo data go through
/// <see cref="AddAsync"/>, the submission writer through <see cref="AddThroughCacheAsync"/> (the same cells, kept
/// in memory between batches); <see cref="RebuildAsync"/> recomputes all cells from the raw responses.
/// </summary>
public sealed class StatisticsLedger(InstrumentRegistry registry, LocalClock clock)
{
    private sealed class Delta(InstrumentStatistics statistics)
    {
        public InstrumentStatistics Statistics { get; } = statistics;
        public long Responses;
    }

    /// <summary>Statistics to add, per cell, accumulated response by response.</summary>
    private sealed class CellDeltas
    {
        public Dictionary<CellKey, Delta> Cells { get; } = new();

        /// <summary>Adds a response to the day and month cells of each unit of its ancestry (itself included).</summary>
        public void Add(Response response, IReadOnlyDictionary<string, AnswerValue> answers, InstrumentDefinition definition,
            IReadOnlyList<int> ancestry, DateOnly day)
        {
            foreach (var unitId in ancestry) AddToUnit(unitId, response, answers, definition, day);
        }

        /// <summary>Adds a response to one unit's day and month cells.</summary>
        public void AddToUnit(int unitId, Response response, IReadOnlyDictionary<string, AnswerValue> answers, InstrumentDefinition definition, DateOnly day)
        {
            var flagged = response.Flags != 0;
            Add(new CellKey(unitId, response.InstrumentVersionId, CellPeriod.Day, day, response.Channel, flagged));
            Add(new CellKey(unitId, response.InstrumentVersionId, CellPeriod.Month, new DateOnly(day.Year, day.Month, 1), response.Channel, flagged));

            void Add(CellKey key)
            {
                if (!Cells.TryGetValue(key, out var delta))
                    Cells[key] = delta = new Delta(InstrumentStatistics.For(definition));
                delta.Statistics.Add(answers);
                delta.Responses++;
            }
        }
    }

    /// <summary>Adds the entries to their cells. The caller saves (and commits) the context afterwards.</summary>
    public async Task AddAsync(SurveyDbContext db, IReadOnlyList<LedgerEntry> entries, CancellationToken ct)
    {
        if (entries.Count == 0) return;
        await MergeIntoCellsAsync(db, await DeltasAsync(db, entries, ct), ct);
    }

    /// <summary>
    /// Adds the entries to their cells through the writer's cache of cells (<see cref="CellCache"/>): a cell seen
    /// before is updated from memory with one UPDATE, without reading and parsing its statistics again; only cells
    /// not in the cache are read. Each UPDATE checks the cell's id and revision stamp, so a cell changed by anyone
    /// else since it was cached (another app instance, paper import, a rebuild that replaced every cell) makes it
    /// throw <see cref="StaleCellException"/> instead of overwriting newer figures; the caller then empties the
    /// cache and retries. The cache is changed in place: if the transaction does not commit, the caller must
    /// <see cref="CellCache.Clear"/> it. New cells are added to the context (the caller saves) and cached from the
    /// next batch on.
    /// </summary>
    public async Task AddThroughCacheAsync(SurveyDbContext db, IReadOnlyList<LedgerEntry> entries, CellCache cache, CancellationToken ct)
    {
        if (entries.Count == 0) return;
        var deltas = await DeltasAsync(db, entries, ct);
        // Room is made before the batch's cells are looked up, never in the middle: each of them must end up either
        // cached or new.
        cache.MakeRoomFor(deltas.Cells.Count);
        var missing = deltas.Cells.Keys.Where(k => !cache.Contains(k)).ToList();
        if (missing.Count > 0)
            foreach (var cell in await ReadCellsAsync(db, missing, tracked: false, ct))
                cache.Add(KeyOf(cell), new CachedCell(cell.Id, cell.Revision, cell.Responses,
                    InstrumentStatistics.FromJson(cell.Data, await DefinitionAsync(db, cell.InstrumentVersionId, ct))));

        var updates = new List<CellUpdate>();
        foreach (var (key, delta) in deltas.Cells)
        {
            if (!cache.TryGet(key, out var cached))
            {
                var fresh = NewCell(key, delta);
                fresh.Revision = CellCache.NewRevision();
                db.StatisticsCells.Add(fresh);
                continue;
            }
            cached.Statistics.Merge(delta.Statistics);
            cached.Responses += delta.Responses;
            var (overallN, overallSatisfied) = Overall(cached.Statistics);
            var next = CellCache.NewRevision();
            updates.Add(new CellUpdate(cached.Id, cached.Revision, next, cached.Statistics.ToJson(), cached.Responses, overallN, overallSatisfied));
            cached.Revision = next;
        }
        var changed = await CellUpdates.ApplyAsync(db, updates, ct);
        if (changed != updates.Count) throw new StaleCellException(updates.Count - changed);
    }

    private async Task<CellDeltas> DeltasAsync(SurveyDbContext db, IReadOnlyList<LedgerEntry> entries, CancellationToken ct)
    {
        var unitIds = entries.Select(e => e.Response.UnitId).Distinct().ToList();
        var ancestry = await AncestryAsync(db, unitIds, ct);
        var deltas = new CellDeltas();
        foreach (var (response, answers) in entries)
            deltas.Add(response, answers, await DefinitionAsync(db, response.InstrumentVersionId, ct), ancestry[response.UnitId], LocalDay(response.SubmittedHourUtc));
        return deltas;
    }

    /// <summary>
    /// Recomputes every cell from the raw responses, one local month and one unit at a time (so memory stays bounded
    /// whatever the number of units, see below), and writes them with <see cref="CellRows"/> (bulk insert). Inside the caller's
    /// transaction (a unit move or merge) it is part of that transaction. On its own (<c>stats rebuild</c>), on
    /// PostgreSQL it is one transaction, so readers see the old cells until the new ones are complete, followed by
    /// VACUUM ANALYZE of the cells so that rankings can read the covering index alone at once; on SQLite it commits
    /// after each month, because a write transaction cannot be checkpointed and every page read searches the whole
    /// write-ahead log of an open transaction, so one transaction over millions of cells slows down as it grows
    /// (an interrupted rebuild leaves partial cells until it is run again). Run it with the site stopped: submissions
    /// stored during a rebuild in another process may be counted twice or not at all until the next rebuild.
    /// </summary>
    public async Task<long> RebuildAsync(SurveyDbContext db, IProgress<long>? progress, CancellationToken ct)
    {
        if (db.Database.CurrentTransaction is not null)
            return await RebuildInTransactionAsync(db, progress, () => Task.CompletedTask, ct);

        var sqlite = db.Database.IsSqlite();
        await db.Database.OpenConnectionAsync(ct);
        var own = await db.Database.BeginTransactionAsync(ct);
        try
        {
            // A larger page cache for this connection while it reads every response (restored below: it is pooled).
            if (sqlite) await db.Database.ExecuteSqlRawAsync("PRAGMA cache_size=-65536", ct);
            var done = await RebuildInTransactionAsync(db, progress, async () =>
            {
                if (!sqlite) return;
                await own.CommitAsync(ct);
                await own.DisposeAsync();
                own = await db.Database.BeginTransactionAsync(ct);
            }, ct);
            await own.CommitAsync(ct);
            if (!sqlite)
            {
                var timeout = db.Database.GetCommandTimeout();
                db.Database.SetCommandTimeout(TimeSpan.FromHours(1));
                await db.Database.ExecuteSqlRawAsync("VACUUM (ANALYZE) \"StatisticsCells\"", ct);
                db.Database.SetCommandTimeout(timeout);
            }
            return done;
        }
        finally
        {
            await own.DisposeAsync();
            if (sqlite) await db.Database.ExecuteSqlRawAsync("PRAGMA cache_size=-2000", CancellationToken.None);
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>
    /// One local month at a time, one unit at a time (a range read of the (UnitId, SubmittedHourUtc) index each):
    /// a unit without sub-units has all of its month's responses once its read is over, so its day and month cells
    /// are written and forgotten at once; only the cells of units with sub-units (a province, a district) are kept
    /// for the whole month. Memory is bounded by those and one unit's cells, whatever the number of communes.
    /// </summary>
    /// <param name="monthDone">Called after each month's cells are written (the standalone SQLite rebuild commits there).</param>
    private async Task<long> RebuildInTransactionAsync(SurveyDbContext db, IProgress<long>? progress, Func<Task> monthDone, CancellationToken ct)
    {
        await db.StatisticsCells.ExecuteDeleteAsync(ct);
        // Responses waiting to be added after a reorganisation (PendingCells) are counted by the rebuild itself.
        await db.PendingCellResponses.ExecuteDeleteAsync(ct);
        // Two index seeks on SubmittedHourUtc; null when there are no responses.
        var first = await db.Responses.MinAsync(r => (DateTime?)r.SubmittedHourUtc, ct);
        var last = await db.Responses.MaxAsync(r => (DateTime?)r.SubmittedHourUtc, ct);
        if (first is null || last is null) return 0;
        var units = await db.Units.AsNoTracking().OrderBy(u => u.Id).Select(u => new { u.Id, u.Path }).ToListAsync(ct);
        var ancestry = units.ToDictionary(u => u.Id, u => UnitPath.Ids(u.Path));
        // Units that are an ancestor of another: their cells gather responses from many units.
        var gathering = ancestry.Values.SelectMany(path => path.Take(path.Length - 1)).ToHashSet();
        // Loaded before the responses are streamed: the context cannot run a second query while one is open.
        var definitions = new Dictionary<int, InstrumentDefinition>();
        foreach (var versionId in await db.InstrumentVersions.AsNoTracking().Select(v => v.Id).ToListAsync(ct))
            definitions[versionId] = await DefinitionAsync(db, versionId, ct);

        long done = 0;
        var lastMonth = MonthOf(LocalDay(last.Value));
        for (var month = MonthOf(LocalDay(first.Value)); month <= lastMonth; month = month.AddMonths(1))
        {
            var start = clock.StartOfDayUtc(month);
            var end = clock.StartOfDayUtc(month.AddMonths(1));
            var shared = new CellDeltas();
            foreach (var unit in units)
            {
                var unitId = unit.Id;
                var own = new CellDeltas();
                var responses = db.Responses.AsNoTracking()
                    .Where(r => r.UnitId == unitId && r.SubmittedHourUtc >= start && r.SubmittedHourUtc < end)
                    .Select(r => new Response
                    {
                        Id = r.Id, UnitId = r.UnitId, InstrumentVersionId = r.InstrumentVersionId, Channel = r.Channel,
                        SubmittedHourUtc = r.SubmittedHourUtc, Flags = r.Flags, AnswersJson = r.AnswersJson, PayloadHash = "",
                    })
                    .AsAsyncEnumerable();
                await foreach (var response in responses.WithCancellation(ct))
                {
                    var definition = definitions[response.InstrumentVersionId];
                    var answers = AnswerCodec.Deserialize(response.AnswersJson, definition);
                    var day = LocalDay(response.SubmittedHourUtc);
                    foreach (var cellUnit in ancestry[unitId])
                        (gathering.Contains(cellUnit) ? shared : own).AddToUnit(cellUnit, response, answers, definition, day);
                    if (++done % 10_000 == 0) progress?.Report(done);
                }
                await InsertAsync(db, own, ct);
            }
            await InsertAsync(db, shared, ct);
            progress?.Report(done);
            await monthDone();
        }
        return done;
    }

    private static DateOnly MonthOf(DateOnly day) => new(day.Year, day.Month, 1);

    /// <summary>The local day of an hour-truncated UTC time.</summary>
    public DateOnly LocalDay(DateTime utc) => DateOnly.FromDateTime(clock.ToLocal(utc));

    private async Task<InstrumentDefinition> DefinitionAsync(SurveyDbContext db, int versionId, CancellationToken ct) =>
        (await registry.FindByIdAsync(db, versionId, ct) ?? throw new InvalidOperationException($"Unknown instrument version {versionId}.")).Definition;

    /// <summary>Each unit's ancestry (itself included), from its materialised path.</summary>
    private static async Task<Dictionary<int, int[]>> AncestryAsync(SurveyDbContext db, IReadOnlyList<int>? unitIds, CancellationToken ct)
    {
        var query = db.Units.AsNoTracking();
        if (unitIds is not null) query = query.Where(u => unitIds.Contains(u.Id));
        return await query.Select(u => new { u.Id, u.Path }).ToDictionaryAsync(u => u.Id, u => UnitPath.Ids(u.Path), ct);
    }

    private static CellKey KeyOf(StatisticsCell cell) => new(cell.UnitId, cell.InstrumentVersionId, cell.Period, cell.PeriodStart, cell.Channel, cell.Flagged);

    /// <summary>The stored cells among the given keys (a superset is read, then narrowed to the keys).</summary>
    private static async Task<List<StatisticsCell>> ReadCellsAsync(SurveyDbContext db, IReadOnlyCollection<CellKey> keys, bool tracked, CancellationToken ct)
    {
        var wanted = keys.ToHashSet();
        var versionIds = keys.Select(k => k.VersionId).Distinct().ToList();
        var first = keys.Min(k => k.Start);
        var last = keys.Max(k => k.Start);
        var found = new List<StatisticsCell>();
        foreach (var chunk in keys.Select(k => k.UnitId).Distinct().Chunk(500))
        {
            var query = db.StatisticsCells
                .Where(c => chunk.Contains(c.UnitId) && versionIds.Contains(c.InstrumentVersionId) && c.PeriodStart >= first && c.PeriodStart <= last);
            if (!tracked) query = query.AsNoTracking();
            found.AddRange((await query.ToListAsync(ct)).Where(c => wanted.Contains(KeyOf(c))));
        }
        return found;
    }

    private static async Task MergeIntoCellsAsync(SurveyDbContext db, CellDeltas deltas, CancellationToken ct)
    {
        var existing = (await ReadCellsAsync(db, deltas.Cells.Keys, tracked: true, ct)).ToDictionary(KeyOf);

        foreach (var (key, delta) in deltas.Cells)
        {
            if (existing.TryGetValue(key, out var cell))
            {
                var stored = InstrumentStatistics.FromJson(cell.Data, delta.Statistics.Definition);
                stored.Merge(delta.Statistics);
                Fill(cell, stored, cell.Responses + delta.Responses);
                cell.Revision++;
                // Explicit, because bulk writers switch automatic change detection off.
                db.Entry(cell).State = EntityState.Modified;
            }
            else
            {
                db.StatisticsCells.Add(NewCell(key, delta));
            }
        }
    }

    private static async Task InsertAsync(SurveyDbContext db, CellDeltas deltas, CancellationToken ct)
    {
        // In chunks, so that only a chunk's JSON texts are alive at once.
        foreach (var chunk in deltas.Cells.Chunk(4096))
            await CellRows.InsertAsync(db, chunk.Select(c => NewCell(c.Key, c.Value)).ToList(), ct);
    }

    private static StatisticsCell NewCell(CellKey key, Delta delta)
    {
        var cell = new StatisticsCell
        {
            UnitId = key.UnitId, InstrumentVersionId = key.VersionId, Period = key.Period, PeriodStart = key.Start,
            Channel = key.Channel, Flagged = key.Flagged, Data = "",
        };
        Fill(cell, delta.Statistics, delta.Responses);
        return cell;
    }

    private static void Fill(StatisticsCell cell, InstrumentStatistics statistics, long responses)
    {
        cell.Responses = responses;
        cell.Data = statistics.ToJson();
        (cell.OverallN, cell.OverallSatisfied) = Overall(statistics);
    }

    /// <summary>n and satisfied count of the instrument's overall item, or zeros when it has none.</summary>
    internal static (long N, long Satisfied) Overall(InstrumentStatistics statistics)
    {
        var item = statistics.Definition.OverallItem;
        if (item is null) return (0, 0);
        var satisfied = IndexCalculator.Satisfied(statistics, item.Code);
        return (satisfied.N, satisfied.Satisfied);
    }
}

/// <summary>The identity of a statistics cell: its unit (subtree root), version, period, channel and flag.</summary>
public readonly record struct CellKey(int UnitId, int VersionId, CellPeriod Period, DateOnly Start, string Channel, bool Flagged);

/// <summary>A cell as the writer last wrote it: its row id, revision stamp, response count and statistics.</summary>
public sealed class CachedCell(long id, int revision, long responses, InstrumentStatistics statistics)
{
    public long Id { get; } = id;
    public int Revision { get; set; } = revision;
    public long Responses { get; set; } = responses;
    public InstrumentStatistics Statistics { get; } = statistics;
}

/// <summary>
/// The cells the response writer updated recently, so that the next batch for the same unit, day and channel does
/// not read and parse them again. Used by one writer at a time (not thread-safe). Bounded: when a batch would take it
/// past <see cref="Capacity"/> cells it is emptied first (yesterday's cells are the bulk of it by then).
/// </summary>
public sealed class CellCache
{
    public const int Capacity = 8192;

    private readonly Dictionary<CellKey, CachedCell> _cells = new();

    public int Count => _cells.Count;
    public bool Contains(CellKey key) => _cells.ContainsKey(key);
    public bool TryGet(CellKey key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out CachedCell? cell) => _cells.TryGetValue(key, out cell);

    public void Add(CellKey key, CachedCell cell) => _cells[key] = cell;

    /// <summary>Empties the cache if adding this many cells could take it past <see cref="Capacity"/>.</summary>
    public void MakeRoomFor(int cells)
    {
        if (_cells.Count + cells > Capacity) _cells.Clear();
    }

    public void Clear() => _cells.Clear();

    /// <summary>
    /// A random revision stamp. Random rather than "previous + 1" because SQLite may give a rebuilt cell the row id
    /// of a deleted one: a cached (id, revision) pair must not match a different row that merely counted up to the
    /// same number.
    /// </summary>
    public static int NewRevision() => Random.Shared.Next(1, int.MaxValue);
}

/// <summary>Cached cells were changed by someone else since the writer cached them; nothing of the batch is kept.</summary>
public sealed class StaleCellException(int stale) : Exception($"{stale} statistics cell(s) changed since they were cached.");
