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
/// In three files: the incremental add (<c>StatisticsLedger.Incremental.cs</c>), the rebuild
/// (<c>StatisticsLedger.Rebuild.cs</c>) and, here, what both share; the writer's cell cache is <c>CellCache.cs</c>.
/// </summary>
public sealed partial class StatisticsLedger(InstrumentRegistry registry, LocalClock clock)
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
