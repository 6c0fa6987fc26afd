using CchcSurvey.Core.Indices;
using CchcSurvey.Core.Instruments;
using CchcSurvey.Web.Data;
using CchcSurvey.Web.Infrastructure;
using CchcSurvey.Web.Surveys;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CchcSurvey.Web.Indices;

/// <summary>
/// Which responses a figure is about: local dates (inclusive), channel, and whether flagged responses
/// count (flags are set by the response writer when a response is stored; cells are split by flagged or not).
/// Flagged responses are left out unless asked for (METHODOLOGY §6: published and default views leave them out;
/// including them is an official's explicit choice).
/// </summary>
public sealed record IndexFilter(DateOnly? From, DateOnly? To, string? Channel, bool IncludeFlagged = false)
{
    /// <summary>Every response, flagged ones included (operators' exports and tests; never a default view).</summary>
    public static readonly IndexFilter All = new(null, null, null, IncludeFlagged: true);
}

/// <summary>
/// Pools statistics into the Core accumulators (<see cref="InstrumentStatistics"/>): a unit's figures are
/// those of the pooled responses of its whole subtree (docs/methodology.md §4.8), never an average of its
/// children. Reads only <see cref="StatisticsCell"/>s: whole months from month cells, the days at the
/// edges of a period from day cells — never the raw responses.
/// </summary>
public sealed class IndexQueries(SurveyDbContext db, InstrumentRegistry registry, IOptions<SurveyOptions> options, FigureCache cache)
{
    public IndexOptions Options { get; } = new() { MinN = options.Value.EffectiveMinN };

    // Read once per scope (a request): a page asks for several instruments' figures and would otherwise read the
    // current versions and version ids again for each (docs/performance.md, statements per page).
    private IReadOnlyList<PublishedInstrument>? _current;
    private ILookup<string, int>? _versionIds;

    /// <summary>The current version of every published instrument (read once per request).</summary>
    public async Task<IReadOnlyList<PublishedInstrument>> CurrentAsync(CancellationToken ct)
    {
        await LoadVersionsAsync(ct);
        return _current!;
    }

    /// <summary>
    /// Every version's id, code and whether it is current, in one statement (the current ones in code order, as
    /// <see cref="InstrumentRegistry.CurrentAsync"/> gives them); definitions come from the registry's cache.
    /// </summary>
    private async Task LoadVersionsAsync(CancellationToken ct)
    {
        if (_current is not null) return;
        var versions = await db.InstrumentVersions.AsNoTracking().OrderBy(v => v.Code).Select(v => new { v.Id, v.Code, v.IsCurrent }).ToListAsync(ct);
        var current = versions.Where(v => v.IsCurrent).ToList();
        var definitions = await registry.DefinitionsAsync(db, current.Select(v => v.Id).ToList(), ct);
        _versionIds = versions.ToLookup(v => v.Code, v => v.Id, StringComparer.Ordinal);
        _current = current.Select(v => new PublishedInstrument(v.Id, definitions[v.Id])).ToList();
    }

    private async Task<PublishedInstrument?> FindAsync(string instrument, CancellationToken ct) =>
        (await CurrentAsync(ct)).FirstOrDefault(i => i.Code == instrument);

    /// <summary>The pooled statistics of one instrument for each unit given (each over its own subtree).</summary>
    public async Task<IReadOnlyDictionary<int, InstrumentStatistics>> PoolSubtreesAsync(
        IReadOnlyList<Unit> units, string instrument, IndexFilter filter, CancellationToken ct)
    {
        var current = await FindAsync(instrument, ct)
            ?? throw new ArgumentException($"No published instrument '{instrument}'.", nameof(instrument));
        var result = units.ToDictionary(u => u.Id, _ => InstrumentStatistics.For(current.Definition));
        if (units.Count == 0) return result;

        var versionIds = await VersionIdsAsync(instrument, ct);
        var definitions = await registry.DefinitionsAsync(db, versionIds, ct);
        foreach (var chunk in units.Select(u => u.Id).Chunk(1000))
        {
            var cells = Cells(chunk, filter).Where(c => versionIds.Contains(c.InstrumentVersionId))
                .Select(c => new { c.UnitId, c.InstrumentVersionId, c.Data }).AsAsyncEnumerable();
            await foreach (var cell in cells.WithCancellation(ct))
            {
                var definition = definitions[cell.InstrumentVersionId];
                result[cell.UnitId].Merge(InstrumentStatistics.FromJson(cell.Data, definition));
            }
        }
        return result;
    }

    /// <summary>
    /// The pooled statistics of every current instrument for each unit given, in one read of the cells (per 1000 units):
    /// a page showing several instruments asks once, not once per instrument.
    /// </summary>
    /// <remarks>
    /// A unit's pooled statistics are kept between requests (<see cref="FigureCache"/>) under the filter and the current
    /// versions, and used again while the fingerprint of its cells for the filter is unchanged: one grouped query on
    /// the cells without their data, then the cells of only the units whose cells changed (or were never pooled).
    /// The returned statistics may be shared with other requests: read them, never change them.
    /// </remarks>
    public async Task<IReadOnlyDictionary<int, IReadOnlyDictionary<string, InstrumentStatistics>>> PoolAllAsync(
        IReadOnlyList<Unit> units, IndexFilter filter, CancellationToken ct)
    {
        var current = await CurrentAsync(ct);
        var versions = await CurrentVersionsKeyAsync(ct);
        var result = new Dictionary<int, IReadOnlyDictionary<string, InstrumentStatistics>>();
        Dictionary<string, InstrumentStatistics> Empty() => current.ToDictionary(i => i.Code, i => InstrumentStatistics.For(i.Definition), StringComparer.Ordinal);
        object Key(int unitId) => ("pool", unitId, filter.From, filter.To, filter.Channel, filter.IncludeFlagged, versions);
        var codes = await VersionCodesAsync(ct);
        var definitions = await registry.DefinitionsAsync(db, codes.Keys.ToList(), ct);
        foreach (var chunk in units.Select(u => u.Id).Distinct().Chunk(1000))
        {
            var prints = cache.Enabled ? await FingerprintsAsync(Cells(chunk, filter), ct) : null;
            var read = new Dictionary<int, Dictionary<string, InstrumentStatistics>>();
            foreach (var id in chunk)
            {
                if (prints is not null && !prints.ContainsKey(id)) result[id] = Empty(); // no cell in the period
                else if (prints is not null && cache.TryGet<IReadOnlyDictionary<string, InstrumentStatistics>>(Key(id), prints[id], out var kept)) result[id] = kept;
                else read[id] = Empty();
            }
            if (read.Count == 0) continue;
            var cells = Cells(read.Keys.ToList(), filter).Select(c => new { c.UnitId, c.InstrumentVersionId, c.Data }).AsAsyncEnumerable();
            await foreach (var cell in cells.WithCancellation(ct))
            {
                if (!codes.TryGetValue(cell.InstrumentVersionId, out var code) || !read[cell.UnitId].TryGetValue(code, out var statistics)) continue;
                var definition = definitions[cell.InstrumentVersionId];
                statistics.Merge(InstrumentStatistics.FromJson(cell.Data, definition));
            }
            foreach (var (id, statistics) in read)
            {
                result[id] = statistics;
                if (prints is not null) cache.Set(Key(id), prints[id], statistics);
            }
        }
        return result;
    }

    /// <summary>The fingerprint of each unit's cells among these (units without cells are absent): one grouped query, no data read.</summary>
    private static async Task<Dictionary<int, CellFingerprint>> FingerprintsAsync(IQueryable<StatisticsCell> cells, CancellationToken ct) =>
        (await cells.GroupBy(c => c.UnitId)
            .Select(g => new { UnitId = g.Key, Cells = g.LongCount(), Ids = g.Sum(c => c.Id), Revisions = g.Sum(c => (long)c.Revision), Responses = g.Sum(c => c.Responses) })
            .ToListAsync(ct))
        .ToDictionary(g => g.UnitId, g => new CellFingerprint(g.Cells, g.Ids, g.Revisions, g.Responses));

    /// <summary>
    /// The fingerprint of each unit's month cells (all time, every version) under the filter's channel and flag choice:
    /// what its suppression in time is computed from (<see cref="VisitMonthsAsync"/>). Units without month cells are absent.
    /// </summary>
    public async Task<Dictionary<int, CellFingerprint>> MonthFingerprintsAsync(IReadOnlyList<int> unitIds, IndexFilter filter, CancellationToken ct)
    {
        var result = new Dictionary<int, CellFingerprint>();
        foreach (var chunk in unitIds.Distinct().Chunk(1000))
            foreach (var (id, print) in await FingerprintsAsync(MonthCells(chunk, filter), ct)) result[id] = print;
        return result;
    }

    /// <summary>The process-wide cache of figures computed from cells (see <see cref="FigureCache"/>).</summary>
    public FigureCache Cache => cache;

    /// <summary>A key part naming the current version of every instrument: figures kept under it are redone after a publication.</summary>
    public async Task<string> CurrentVersionsKeyAsync(CancellationToken ct) => string.Join(",", (await CurrentAsync(ct)).Select(i => i.VersionId));

    private IQueryable<StatisticsCell> MonthCells(IReadOnlyCollection<int> unitIds, IndexFilter filter)
    {
        var query = db.StatisticsCells.AsNoTracking().Where(c => unitIds.Contains(c.UnitId) && c.Period == CellPeriod.Month);
        if (filter.Channel is { Length: > 0 } channel) query = query.Where(c => c.Channel == channel);
        if (!filter.IncludeFlagged) query = query.Where(c => !c.Flagged);
        return query;
    }

    /// <summary>
    /// Every month of every current instrument for each unit given (under the filter's channel and flag choice, all
    /// time), in one read ordered by unit: <paramref name="visit"/> gets one unit's months per instrument at a time, so
    /// memory holds one unit's months (the input of complementary suppression in time for many units at once).
    /// </summary>
    public async Task VisitMonthsAsync(IReadOnlyList<Unit> units, IndexFilter filter,
        Action<int, string, IReadOnlyDictionary<DateOnly, InstrumentStatistics>> visit, CancellationToken ct)
    {
        var current = (await CurrentAsync(ct)).ToDictionary(i => i.Code, StringComparer.Ordinal);
        var codes = await VersionCodesAsync(ct);
        var definitions = await registry.DefinitionsAsync(db, codes.Keys.ToList(), ct);
        foreach (var chunk in units.Select(u => u.Id).Distinct().Chunk(1000))
        {
            var query = MonthCells(chunk, filter);
            int? unitId = null;
            var months = new Dictionary<string, Dictionary<DateOnly, InstrumentStatistics>>(StringComparer.Ordinal);
            void Finish()
            {
                if (unitId is int id)
                    foreach (var (code, byMonth) in months) visit(id, code, byMonth);
                months = new(StringComparer.Ordinal);
            }
            await foreach (var cell in query.OrderBy(c => c.UnitId).Select(c => new { c.UnitId, c.PeriodStart, c.InstrumentVersionId, c.Data })
                               .AsAsyncEnumerable().WithCancellation(ct))
            {
                if (cell.UnitId != unitId) { Finish(); unitId = cell.UnitId; }
                if (!codes.TryGetValue(cell.InstrumentVersionId, out var code) || !current.TryGetValue(code, out var instrument)) continue;
                var definition = definitions[cell.InstrumentVersionId];
                if (!months.TryGetValue(code, out var byMonth)) months[code] = byMonth = [];
                if (!byMonth.TryGetValue(cell.PeriodStart, out var month)) byMonth[cell.PeriodStart] = month = InstrumentStatistics.For(instrument.Definition);
                month.Merge(InstrumentStatistics.FromJson(cell.Data, definition));
            }
            Finish();
        }
    }

    public async Task<InstrumentStatistics> PoolAsync(Unit unit, string instrument, IndexFilter filter, CancellationToken ct) =>
        (await PoolSubtreesAsync([unit], instrument, filter, ct))[unit.Id];

    /// <summary>
    /// Satisfied count and n of one rating item for each unit's subtree, for rankings. The instrument's
    /// overall item (InstrumentDefinition.OverallItem) is summed by the database from the cells' columns; any other item is
    /// read from the pooled statistics.
    /// </summary>
    public async Task<IReadOnlyDictionary<int, SatisfiedCount>> SatisfiedAsync(IReadOnlyList<Unit> units, string instrument, string item, IndexFilter filter, CancellationToken ct)
    {
        var current = await FindAsync(instrument, ct)
            ?? throw new ArgumentException($"No published instrument '{instrument}'.", nameof(instrument));
        if (current.Definition.OverallItem?.Code != item)
            return (await PoolSubtreesAsync(units, instrument, filter, ct)).ToDictionary(p => p.Key, p => IndexCalculator.Satisfied(p.Value, item));

        var result = units.ToDictionary(u => u.Id, _ => new SatisfiedCount());
        var versionIds = await VersionIdsAsync(instrument, ct);
        foreach (var chunk in units.Select(u => u.Id).Chunk(1000))
        {
            var sums = await Cells(chunk, filter).Where(c => versionIds.Contains(c.InstrumentVersionId))
                .GroupBy(c => c.UnitId)
                .Select(g => new { UnitId = g.Key, N = g.Sum(c => c.OverallN), Satisfied = g.Sum(c => c.OverallSatisfied) })
                .ToListAsync(ct);
            foreach (var sum in sums) result[sum.UnitId] = new SatisfiedCount { N = sum.N, Satisfied = sum.Satisfied };
        }
        return result;
    }

    /// <summary>
    /// The figures hidden in time in one period, for each of many units (an export): the month cells of all the units
    /// are read in one pass ordered by unit, and each unit's <see cref="TimeSuppression"/> is built and dropped in
    /// turn, so memory holds one unit's months at a time.
    /// </summary>
    public async Task<IReadOnlyDictionary<int, IReadOnlySet<(string Figure, string Key)>>> HiddenInTimeAsync(
        IReadOnlyList<Unit> units, string instrument, IndexFilter filter, CancellationToken ct)
    {
        var current = await FindAsync(instrument, ct)
            ?? throw new ArgumentException($"No published instrument '{instrument}'.", nameof(instrument));
        var period = PeriodOf(filter);
        var versionIds = await VersionIdsAsync(instrument, ct);
        var definitions = await registry.DefinitionsAsync(db, versionIds, ct);
        var result = new Dictionary<int, IReadOnlySet<(string, string)>>();
        foreach (var chunk in units.Select(u => u.Id).Chunk(1000))
        {
            var query = MonthCells(chunk, filter).Where(c => versionIds.Contains(c.InstrumentVersionId));
            int? unitId = null;
            var months = new Dictionary<DateOnly, InstrumentStatistics>();
            void Finish()
            {
                if (unitId is int id)
                    result[id] = new TimeSuppression(months, () => InstrumentStatistics.For(current.Definition), instrument, Options).HiddenIn(period);
                months = [];
            }
            await foreach (var cell in query.OrderBy(c => c.UnitId).Select(c => new { c.UnitId, c.PeriodStart, c.InstrumentVersionId, c.Data })
                               .AsAsyncEnumerable().WithCancellation(ct))
            {
                if (cell.UnitId != unitId) { Finish(); unitId = cell.UnitId; }
                var definition = definitions[cell.InstrumentVersionId];
                if (!months.TryGetValue(cell.PeriodStart, out var month)) months[cell.PeriodStart] = month = InstrumentStatistics.For(current.Definition);
                month.Merge(InstrumentStatistics.FromJson(cell.Data, definition));
            }
            Finish();
        }
        return result;
    }

    /// <summary>The calendar period of a filter's dates (all time when they are not one: callers validate first).</summary>
    public static CalendarPeriod PeriodOf(IndexFilter filter) =>
        CalendarPeriod.TryFromDates(filter.From, filter.To, out var period) ? period : CalendarPeriod.AllTime;

    /// <summary>Number of responses (all instruments) in each given unit's subtree.</summary>
    public async Task<IReadOnlyDictionary<int, long>> CountSubtreesAsync(IReadOnlyList<Unit> units, IndexFilter filter, CancellationToken ct)
    {
        var result = units.ToDictionary(u => u.Id, _ => 0L);
        foreach (var chunk in units.Select(u => u.Id).Chunk(1000))
        {
            var sums = await Cells(chunk, filter).GroupBy(c => c.UnitId)
                .Select(g => new { UnitId = g.Key, Count = g.Sum(c => c.Responses) }).ToListAsync(ct);
            foreach (var sum in sums) result[sum.UnitId] = sum.Count;
        }
        return result;
    }

    /// <summary>The children of a unit (active or merged), in display order.</summary>
    public Task<List<Unit>> ChildrenAsync(Unit unit, CancellationToken ct) =>
        db.Units.AsNoTracking().Where(u => u.ParentId == unit.Id).OrderBy(u => u.SortOrder).ThenBy(u => u.Name).ToListAsync(ct);

    private async Task<List<int>> VersionIdsAsync(string instrument, CancellationToken ct)
    {
        await LoadVersionsAsync(ct);
        return _versionIds![instrument].ToList();
    }

    /// <summary>The instrument code of every version id (read with the version ids, once per request).</summary>
    public async Task<IReadOnlyDictionary<int, string>> VersionCodesAsync(CancellationToken ct)
    {
        await VersionIdsAsync("", ct);
        return _versionIds!.SelectMany(g => g.Select(id => (id, g.Key))).ToDictionary(p => p.id, p => p.Key);
    }

    /// <summary>
    /// Responses in one unit's subtree per instrument version and channel, in one grouped query over the cells (the
    /// report's sample table): the filter's channel is ignored, its period and flag choice kept.
    /// </summary>
    public async Task<IReadOnlyList<(int VersionId, string Channel, long Responses)>> CountByVersionAndChannelAsync(Unit unit, IndexFilter filter, CancellationToken ct)
    {
        var sums = await Cells([unit.Id], filter with { Channel = null }).GroupBy(c => new { c.InstrumentVersionId, c.Channel })
            .Select(g => new { g.Key.InstrumentVersionId, g.Key.Channel, Count = g.Sum(c => c.Responses) }).ToListAsync(ct);
        return sums.Select(s => (s.InstrumentVersionId, s.Channel, s.Count)).ToList();
    }

    /// <summary>
    /// The cells that together cover the filter's period exactly once: month cells for the whole months
    /// inside it, day cells for the days of the partly covered months at its edges.
    /// </summary>
    private IQueryable<StatisticsCell> Cells(IReadOnlyCollection<int> unitIds, IndexFilter filter)
    {
        var period = PeriodCover.Of(filter.From, filter.To);
        var hasFirst = period.FirstMonth is not null;
        var hasLast = period.LastMonth is not null;
        var firstMonth = period.FirstMonth ?? DateOnly.MinValue;
        var lastMonth = period.LastMonth ?? DateOnly.MaxValue;
        var hasLeading = period.LeadingDays is not null;
        var leadingFrom = period.LeadingDays?.From ?? DateOnly.MinValue;
        var leadingTo = period.LeadingDays?.To ?? DateOnly.MinValue;
        var hasTrailing = period.TrailingDays is not null;
        var trailingFrom = period.TrailingDays?.From ?? DateOnly.MinValue;
        var trailingTo = period.TrailingDays?.To ?? DateOnly.MinValue;

        var query = db.StatisticsCells.AsNoTracking().Where(c => unitIds.Contains(c.UnitId));
        query = query.Where(c =>
            (c.Period == CellPeriod.Month && (!hasFirst || c.PeriodStart >= firstMonth) && (!hasLast || c.PeriodStart <= lastMonth))
            || (hasLeading && c.Period == CellPeriod.Day && c.PeriodStart >= leadingFrom && c.PeriodStart <= leadingTo)
            || (hasTrailing && c.Period == CellPeriod.Day && c.PeriodStart >= trailingFrom && c.PeriodStart <= trailingTo));
        if (filter.Channel is { Length: > 0 } channel) query = query.Where(c => c.Channel == channel);
        if (!filter.IncludeFlagged) query = query.Where(c => !c.Flagged);
        return query;
    }
}

/// <summary>
/// Splits a period of local dates (either end open) into whole months and at most two runs of edge days,
/// so that month cells and day cells cover it exactly once.
/// </summary>
public sealed record PeriodCover(DateOnly? FirstMonth, DateOnly? LastMonth, (DateOnly From, DateOnly To)? LeadingDays, (DateOnly From, DateOnly To)? TrailingDays)
{
    public static PeriodCover Of(DateOnly? from, DateOnly? to)
    {
        static DateOnly MonthOf(DateOnly d) => new(d.Year, d.Month, 1);
        static DateOnly EndOfMonth(DateOnly d) => MonthOf(d).AddMonths(1).AddDays(-1);

        DateOnly? firstMonth = from is DateOnly f ? (f.Day == 1 ? MonthOf(f) : MonthOf(f).AddMonths(1)) : null;
        DateOnly? lastMonth = to is DateOnly t ? (t == EndOfMonth(t) ? MonthOf(t) : MonthOf(t).AddMonths(-1)) : null;
        (DateOnly, DateOnly)? leading = null, trailing = null;
        if (from is DateOnly start && start.Day != 1)
        {
            var end = to is DateOnly t2 && t2 < EndOfMonth(start) ? t2 : EndOfMonth(start);
            leading = (start, end);
        }
        if (to is DateOnly last && last != EndOfMonth(last) && (from is not DateOnly s || MonthOf(s) != MonthOf(last) || s.Day == 1))
            trailing = (from is DateOnly s2 && MonthOf(s2) == MonthOf(last) ? s2 : MonthOf(last), last);
        return new PeriodCover(firstMonth, lastMonth, leading, trailing);
    }
}
