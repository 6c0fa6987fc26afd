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
/// from a handful of cells instead of millions of responses. Every writer (the submission queue, paper
/// import, demo data) goes through <see cref="AddAsync"/>; <see cref="RebuildAsync"/> recomputes all cells
/// from the raw responses.
/// </summary>
public sealed class StatisticsLedger(InstrumentRegistry registry, LocalClock clock)
{
    private readonly record struct CellKey(int UnitId, int VersionId, CellPeriod Period, DateOnly Start, string Channel, bool Flagged);

    private sealed class Delta(InstrumentStatistics statistics)
    {
        public InstrumentStatistics Statistics { get; } = statistics;
        public long Responses;
    }

    /// <summary>Statistics to add, per cell, accumulated response by response.</summary>
    private sealed class CellDeltas
    {
        public Dictionary<CellKey, Delta> Cells { get; } = new();

        public void Add(Response response, IReadOnlyDictionary<string, AnswerValue> answers, InstrumentDefinition definition,
            IReadOnlyList<int> ancestry, DateOnly day, CellPeriod? only = null)
        {
            var month = new DateOnly(day.Year, day.Month, 1);
            var flagged = response.Flags != 0;
            foreach (var unitId in ancestry)
            {
                if (only is null or CellPeriod.Day) Add(new CellKey(unitId, response.InstrumentVersionId, CellPeriod.Day, day, response.Channel, flagged));
                if (only is null or CellPeriod.Month) Add(new CellKey(unitId, response.InstrumentVersionId, CellPeriod.Month, month, response.Channel, flagged));
            }

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
        var unitIds = entries.Select(e => e.Response.UnitId).Distinct().ToList();
        var ancestry = await AncestryAsync(db, unitIds, ct);
        var deltas = new CellDeltas();
        foreach (var (response, answers) in entries)
            deltas.Add(response, answers, await DefinitionAsync(db, response.InstrumentVersionId, ct), ancestry[response.UnitId], LocalDay(response.SubmittedHourUtc));
        await MergeIntoCellsAsync(db, deltas, ct);
    }

    /// <summary>
    /// Recomputes every cell from the raw responses, one local day at a time (so memory stays bounded by
    /// one day's cells and one month's cells). Run it with the site stopped: submissions arriving during a
    /// rebuild may be counted twice or not at all until the next rebuild.
    /// </summary>
    public async Task<long> RebuildAsync(SurveyDbContext db, IProgress<long>? progress, CancellationToken ct)
    {
        await db.StatisticsCells.ExecuteDeleteAsync(ct);
        // Two index seeks on SubmittedHourUtc; null when there are no responses.
        var first = await db.Responses.MinAsync(r => (DateTime?)r.SubmittedHourUtc, ct);
        var last = await db.Responses.MaxAsync(r => (DateTime?)r.SubmittedHourUtc, ct);
        if (first is null || last is null) return 0;
        var ancestry = await AncestryAsync(db, null, ct);
        // Loaded before the responses are streamed: the context cannot run a second query while one is open.
        var definitions = new Dictionary<int, InstrumentDefinition>();
        foreach (var versionId in await db.InstrumentVersions.AsNoTracking().Select(v => v.Id).ToListAsync(ct))
            definitions[versionId] = await DefinitionAsync(db, versionId, ct);
        var previousDetect = db.ChangeTracker.AutoDetectChangesEnabled;
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        long done = 0;
        try
        {
            var monthDeltas = new CellDeltas();
            var lastDay = LocalDay(last.Value);
            for (var day = LocalDay(first.Value); day <= lastDay; day = day.AddDays(1))
            {
                var dayDeltas = new CellDeltas();
                var start = clock.StartOfDayUtc(day);
                var end = clock.StartOfDayUtc(day.AddDays(1));
                // One streamed range read of the SubmittedHourUtc index per day. (Paging by "Id > last ORDER BY
                // Id" made SQLite walk the whole table by rowid for every day: O(responses × days).)
                var responses = db.Responses.AsNoTracking()
                    .Where(r => r.SubmittedHourUtc >= start && r.SubmittedHourUtc < end)
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
                    dayDeltas.Add(response, answers, definition, ancestry[response.UnitId], day, CellPeriod.Day);
                    monthDeltas.Add(response, answers, definition, ancestry[response.UnitId], day, CellPeriod.Month);
                    if (++done % 10_000 == 0) progress?.Report(done);
                }
                progress?.Report(done);
                await InsertAsync(db, dayDeltas, ct);
                if (day.AddDays(1).Day == 1 || day == lastDay)
                {
                    await InsertAsync(db, monthDeltas, ct);
                    monthDeltas = new CellDeltas();
                }
            }
            return done;
        }
        finally
        {
            db.ChangeTracker.AutoDetectChangesEnabled = previousDetect;
        }
    }

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

    private static async Task MergeIntoCellsAsync(SurveyDbContext db, CellDeltas deltas, CancellationToken ct)
    {
        var keys = deltas.Cells.Keys;
        var versionIds = keys.Select(k => k.VersionId).Distinct().ToList();
        var first = keys.Min(k => k.Start);
        var last = keys.Max(k => k.Start);
        var existing = new Dictionary<CellKey, StatisticsCell>();
        foreach (var chunk in keys.Select(k => k.UnitId).Distinct().Chunk(500))
        {
            var cells = await db.StatisticsCells
                .Where(c => chunk.Contains(c.UnitId) && versionIds.Contains(c.InstrumentVersionId) && c.PeriodStart >= first && c.PeriodStart <= last)
                .ToListAsync(ct);
            foreach (var cell in cells)
                existing[new CellKey(cell.UnitId, cell.InstrumentVersionId, cell.Period, cell.PeriodStart, cell.Channel, cell.Flagged)] = cell;
        }

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
        foreach (var chunk in deltas.Cells.Chunk(2000))
        {
            db.StatisticsCells.AddRange(chunk.Select(c => NewCell(c.Key, c.Value)));
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
        }
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
        var item = OverallItem(statistics.Definition);
        if (item is null) return (0, 0);
        var satisfied = IndexCalculator.Satisfied(statistics, item.Code);
        return (satisfied.N, satisfied.Satisfied);
    }

    /// <summary>The instrument's overall satisfaction item (HL_CHUNG, HL), whose counts cells carry as columns.</summary>
    public static ItemDefinition? OverallItem(InstrumentDefinition definition) =>
        definition.Items.FirstOrDefault(i => i.Role == "overall" && i.Type is AnswerType.Likert5 or AnswerType.Likert3);
}

public static class UnitPath
{
    /// <summary>The ids of a materialised path "/1/4/9/": the root first, the unit itself last.</summary>
    public static int[] Ids(string path) =>
        path.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(p => int.Parse(p, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
}
