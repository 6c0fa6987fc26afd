using CchcSurvey.Core.Exports;
using CchcSurvey.Core.Indices;
using CchcSurvey.Core.Instruments;
using CchcSurvey.Web.Data;
using CchcSurvey.Web.Infrastructure;
using CchcSurvey.Web.Surveys;
using Microsoft.EntityFrameworkCore;

namespace CchcSurvey.Web.Indices;

/// <summary>
/// The figures officials see — the dashboard, the report, publishing and the indices/ranking API all ask here, so a
/// figure is computed and protected one way (README, "Figures"). On top of <see cref="IndexQueries"/> (pooled
/// statistics cells) it applies the three rules of docs/methodology.md §4.9 and METHODOLOGY §6 No differencing:
/// primary suppression (n &lt; MinN), complementary suppression in time (a hidden month cannot come back as its
/// quarter minus the other months) and complementary suppression across units (a hidden child cannot come back as
/// its parent minus its siblings) — the last with the exports' own rule, <see cref="IndexExport.ApplyComplementarySuppression"/>.
/// Scoped: the month cells read for a unit serve both its suppression in time and its trend.
/// </summary>
public sealed partial class FiguresService(IndexQueries queries, LaggingReads reads, LocalClock clock)
{
    private SurveyDbContext Db => reads.Context;

    // Per request (scoped), so that a page asking for several instruments, periods and rows reads each thing once:
    // the units of the families, the pooled cells per filter (all instruments at once), and the month cells behind
    // the suppression in time (kept whole for a page's own unit, which also draws the trend from them).
    private readonly Dictionary<int, Unit> _units = [];
    private readonly Dictionary<int, List<Unit>> _children = [];
    private readonly Dictionary<(DateOnly?, DateOnly?, string?, bool), Dictionary<int, IReadOnlyDictionary<string, InstrumentStatistics>>> _pools = [];
    private readonly Dictionary<(int Unit, string? Channel, bool Flagged), Dictionary<string, Months>> _kept = [];
    private readonly Dictionary<(int Unit, string? Channel, bool Flagged, CalendarPeriod Period), Dictionary<string, IReadOnlySet<(string, string)>>> _hidden = [];

    private sealed record Months(IReadOnlyDictionary<DateOnly, InstrumentStatistics> ByMonth, TimeSuppression Suppression);

    public IndexOptions Options => queries.Options;

    public IndexQueries Queries => queries;

    /// <summary>The current version of every published instrument.</summary>
    public Task<IReadOnlyList<PublishedInstrument>> InstrumentsAsync(CancellationToken ct) => queries.CurrentAsync(ct);

    /// <summary>The overall satisfaction item an instrument is ranked on by default (its item with role "overall").</summary>
    public static string DefaultRankingItem(InstrumentDefinition definition) =>
        definition.OverallItem?.Code ?? definition.Items.First(i => i.IsLikert).Code;

    private static (DateOnly?, DateOnly?, string?, bool) Key(IndexFilter filter) => (filter.From, filter.To, filter.Channel, filter.IncludeFlagged);

    /// <summary>Pooled statistics of every instrument for the units, read once per filter and unit.</summary>
    private async Task<Dictionary<int, IReadOnlyDictionary<string, InstrumentStatistics>>> PoolsAsync(IReadOnlyList<Unit> units, IndexFilter filter, CancellationToken ct)
    {
        if (!_pools.TryGetValue(Key(filter), out var pools)) _pools[Key(filter)] = pools = [];
        var missing = units.Where(u => !pools.ContainsKey(u.Id)).DistinctBy(u => u.Id).ToList();
        if (missing.Count > 0)
            foreach (var (id, statistics) in await queries.PoolAllAsync(missing, filter, ct)) pools[id] = statistics;
        return pools;
    }

    /// <summary>
    /// Makes sure the suppression in time is known for the units in the filter's period: <paramref name="whole"/> is kept
    /// whole (any period, and its months for the trend), the others only for this period. One read for all of them.
    /// </summary>
    private async Task EnsureTimeAsync(IReadOnlyList<Unit> units, Unit? whole, IndexFilter filter, CancellationToken ct)
    {
        var period = IndexQueries.PeriodOf(filter);
        bool Known(Unit u) => _kept.ContainsKey((u.Id, filter.Channel, filter.IncludeFlagged))
            || (u.Id != whole?.Id && _hidden.ContainsKey((u.Id, filter.Channel, filter.IncludeFlagged, period)));
        var missing = units.Where(u => !Known(u)).DistinctBy(u => u.Id).ToList();
        if (missing.Count == 0) return;
        var current = (await InstrumentsAsync(ct)).ToDictionary(i => i.Code, StringComparer.Ordinal);
        // What the units hide in this period (and, for the page's own unit, its months and whole suppression in time)
        // is kept between requests while their month cells are unchanged (FigureCache): one grouped query for their
        // fingerprints, then the months of only the units whose cells changed.
        var cache = queries.Cache;
        var prints = cache.Enabled ? await queries.MonthFingerprintsAsync(missing.Select(u => u.Id).ToList(), filter, ct) : null;
        var versions = prints is null ? "" : await queries.CurrentVersionsKeyAsync(ct);
        object HiddenKey(int unitId) => ("hidden-in-time", unitId, filter.Channel, filter.IncludeFlagged, period, versions);
        object KeptKey(int unitId) => ("months", unitId, filter.Channel, filter.IncludeFlagged, versions);
        var read = new List<Unit>();
        foreach (var unit in missing)
        {
            CellFingerprint? print = prints is not null && prints.TryGetValue(unit.Id, out var found) ? found : null;
            if (unit.Id == whole?.Id)
            {
                var keptKey = (unit.Id, filter.Channel, filter.IncludeFlagged);
                if (prints is not null && print is null) _kept[keptKey] = new(StringComparer.Ordinal); // no month with responses
                else if (print is CellFingerprint p && cache.TryGet<Dictionary<string, Months>>(KeptKey(unit.Id), p, out var months)) _kept[keptKey] = months;
                else { _kept[keptKey] = new(StringComparer.Ordinal); read.Add(unit); }
                continue;
            }
            var key = (unit.Id, filter.Channel, filter.IncludeFlagged, period);
            if (prints is not null && print is null) _hidden[key] = new(StringComparer.Ordinal);
            else if (print is CellFingerprint p && cache.TryGet<Dictionary<string, IReadOnlySet<(string, string)>>>(HiddenKey(unit.Id), p, out var kept)) _hidden[key] = kept;
            else { _hidden[key] = new(StringComparer.Ordinal); read.Add(unit); }
        }
        if (read.Count == 0) return;
        await queries.VisitMonthsAsync(read, filter, (unitId, code, months) =>
        {
            var definition = current[code].Definition;
            var suppression = new TimeSuppression(months, () => InstrumentStatistics.For(definition), code, Options);
            if (unitId == whole?.Id) _kept[(unitId, filter.Channel, filter.IncludeFlagged)][code] = new Months(months, suppression);
            else _hidden[(unitId, filter.Channel, filter.IncludeFlagged, period)][code] = suppression.HiddenIn(period);
        }, ct);
        if (prints is null) return;
        foreach (var unit in read.Where(u => prints.ContainsKey(u.Id)))
        {
            // A unit's months with their suppression in time weigh about ten entries' worth (every month, quarter and year's rows).
            if (unit.Id == whole?.Id) cache.Set(KeptKey(unit.Id), prints[unit.Id], _kept[(unit.Id, filter.Channel, filter.IncludeFlagged)], size: 10);
            else cache.Set(HiddenKey(unit.Id), prints[unit.Id], _hidden[(unit.Id, filter.Channel, filter.IncludeFlagged, period)]);
        }
    }

    private static readonly IReadOnlySet<(string, string)> Nothing = new HashSet<(string, string)>();

    private IReadOnlySet<(string Figure, string Key)> HiddenInTime(int unit, string instrument, IndexFilter filter, CalendarPeriod period)
    {
        if (_kept.TryGetValue((unit, filter.Channel, filter.IncludeFlagged), out var kept))
            return kept.TryGetValue(instrument, out var months) ? months.Suppression.HiddenIn(period) : Nothing;
        return _hidden.TryGetValue((unit, filter.Channel, filter.IncludeFlagged, period), out var hidden) ? hidden.GetValueOrDefault(instrument) ?? Nothing : Nothing;
    }

    /// <summary>The figures of one unit's subtree hidden in time in a calendar period (same for every request).</summary>
    public async Task<IReadOnlySet<(string Figure, string Key)>> HiddenInTimeAsync(Unit unit, string instrument, IndexFilter filter, CalendarPeriod period, CancellationToken ct)
    {
        await EnsureTimeAsync([unit], unit, filter, ct);
        return HiddenInTime(unit.Id, instrument, filter, period);
    }

    /// <summary>
    /// The units of every family the shown units belong to: their parents with all the parents' children (siblings),
    /// and a shown unit with its own children when those matter (below), read at most three times per request.
    /// </summary>
    /// <remarks>
    /// A shown unit X none of whose children is shown needs its children only if responses were filed on X itself in
    /// the period. Otherwise every figure's n is the sum of its children's (cells pool subtrees), and the children's
    /// family can never hide X: it hides the parent only when exactly one child has n &gt; 0 for the figure and that
    /// child is hidden, and then X pools exactly that child's answers to the figure's items — X's n is the child's,
    /// below MinN, so X is already hidden (primary suppression is n &lt; MinN for every figure; PAPI's aggregate,
    /// hidden with any dimension, has n = responses, so X's statistics are that one child's). Hiding among the
    /// children themselves shows nowhere on X's page. So the root's dashboard reads its 34 children's cells, not the
    /// 3,321 communes' under them (docs/performance.md, "Pages at scale: work follows what the page shows").
    /// The check for direct responses errs on the side of reading: any channel, flagged or not, a day's margin.
    /// </remarks>
    private async Task<List<Unit>> FamiliesAsync(IReadOnlyList<Unit> shown, IndexFilter filter, CancellationToken ct)
    {
        foreach (var unit in shown) _units.TryAdd(unit.Id, unit);
        var parentIds = shown.Where(u => u.ParentId is int p && !_units.ContainsKey(p)).Select(u => u.ParentId!.Value).Distinct().ToList();
        if (parentIds.Count > 0)
            foreach (var parent in await Db.Units.AsNoTracking().Where(u => parentIds.Contains(u.Id)).ToListAsync(ct))
                _units.TryAdd(parent.Id, parent);
        var parents = shown.Where(u => u.ParentId is int p && _units.ContainsKey(p)).Select(u => u.ParentId!.Value).ToHashSet();
        var heads = shown.Select(u => u.Id).Concat(parents).Distinct().ToList();
        var direct = await DirectResponsesAsync(heads.Where(h => !parents.Contains(h) && !_children.ContainsKey(h)).ToList(), filter, ct);
        bool Needed(int head) => parents.Contains(head) || direct.Contains(head) || _children.ContainsKey(head);
        var unknown = heads.Where(h => Needed(h) && !_children.ContainsKey(h)).ToList();
        if (unknown.Count > 0)
        {
            var found = await Db.Units.AsNoTracking().Where(u => u.ParentId != null && unknown.Contains(u.ParentId.Value)).ToListAsync(ct);
            foreach (var head in unknown) _children[head] = [];
            foreach (var child in found.OrderBy(u => u.SortOrder).ThenBy(u => u.Name, StringComparer.Ordinal))
            {
                _units.TryAdd(child.Id, child);
                _children[child.ParentId!.Value].Add(_units[child.Id]);
            }
        }
        // Same order as when every family was read (the rule across units is order-sensitive among ties): each head
        // followed by its children, those of an unneeded head left out.
        return heads.SelectMany(h => (Needed(h) ? _children[h] : []).Prepend(_units[h]))
            .Concat(shown.Where(u => u.ParentId is int p && _units.ContainsKey(p)).Select(u => _units[u.ParentId!.Value]))
            .DistinctBy(u => u.Id).ToList();
    }

    // Per request and period asked: whether each unit checked had responses filed on itself.
    private readonly Dictionary<(DateOnly?, DateOnly?), Dictionary<int, bool>> _direct = [];

    /// <summary>Which of the units had responses filed on themselves (not below them) around the filter's period: one indexed query.</summary>
    private async Task<HashSet<int>> DirectResponsesAsync(IReadOnlyList<int> unitIds, IndexFilter filter, CancellationToken ct)
    {
        var key = (filter.From, filter.To);
        if (!_direct.TryGetValue(key, out var known)) _direct[key] = known = [];
        var missing = unitIds.Where(id => !known.ContainsKey(id)).Distinct().ToList();
        if (missing.Count > 0)
        {
            // EXISTS per unit on the (UnitId, SubmittedHourUtc) index: stops at the first response, however many there are.
            var responses = Db.Responses.AsNoTracking();
            if (filter.From is DateOnly from)
            {
                var start = clock.StartOfDayUtc(from.AddDays(-1));
                responses = responses.Where(r => r.SubmittedHourUtc >= start);
            }
            if (filter.To is DateOnly to)
            {
                var end = clock.StartOfDayUtc(to.AddDays(2));
                responses = responses.Where(r => r.SubmittedHourUtc < end);
            }
            var query = Db.Units.AsNoTracking().Where(u => missing.Contains(u.Id) && responses.Any(r => r.UnitId == u.Id));
            foreach (var id in missing) known[id] = false;
            foreach (var id in await query.Select(u => u.Id).ToListAsync(ct)) known[id] = true;
        }
        return unitIds.Where(id => known[id]).ToHashSet();
    }

    /// <summary>
    /// One unit's report with every suppression applied: what the API, the report page and publishing give.
    /// Across units it takes the unit's parent with its children and the unit with its own children into account.
    /// </summary>
    public async Task<InstrumentReport> ReportAsync(Unit unit, string instrument, IndexFilter filter, CancellationToken ct) =>
        (await ProtectedAsync([unit], instrument, filter, ct)).Reports[unit.Id];

    /// <summary>Pooled statistics and fully protected reports of the units shown (each over its own subtree).</summary>
    public sealed record Protected(IReadOnlyDictionary<int, InstrumentStatistics> Statistics, IReadOnlyDictionary<int, InstrumentReport> Reports)
    {
        /// <summary>True when the satisfied share of the item is hidden for that unit.</summary>
        public bool ShareHidden(int unit, string item) =>
            IndexExport.RowsOf(new ExportUnit("", "", "", null), Statistics[unit].Definition, Reports[unit])
                .Any(r => r.Figure == "share" && r.Key == item && r.Suppressed);
    }

    /// <summary>
    /// The figures of the units shown, each with primary suppression, suppression in time (for the filter's calendar
    /// period) and complementary suppression across units. The rule across units sees every family a shown unit
    /// belongs to — its parent with all the parent's children, and the unit with all its own children — so the same
    /// figure is hidden wherever it appears (a parent's dashboard, the child's own dashboard, the API), and an official
    /// who can read a parent and its other children cannot work out a hidden child (or a hidden group) by subtraction.
    /// Units with no response in the period take no part (there is nothing to recover). Three or four statements per
    /// instrument, whatever the number of units.
    /// </summary>
    public async Task<Protected> ProtectedAsync(IReadOnlyList<Unit> shown, string instrument, IndexFilter filter, CancellationToken ct)
    {
        if ((await InstrumentsAsync(ct)).All(i => i.Code != instrument))
            throw new ArgumentException($"No published instrument '{instrument}'.", nameof(instrument));
        var all = await FamiliesAsync(shown, filter, ct);
        var pools = await PoolsAsync(all, filter, ct);
        var statistics = all.ToDictionary(u => u.Id, u => pools[u.Id][instrument]);
        var period = IndexQueries.PeriodOf(filter);
        await EnsureTimeAsync(shown, shown.Count > 0 ? shown[0] : null, filter, ct);
        var shownIds = shown.Select(u => u.Id).ToHashSet();
        var reports = all.ToDictionary(u => u.Id, u =>
        {
            var report = IndexCalculator.Report(statistics[u.Id], Options);
            return shownIds.Contains(u.Id) ? TimeSuppression.Hide(report, HiddenInTime(u.Id, instrument, filter, period)) : report;
        });

        var exportUnits = all.ToDictionary(u => u.Id, u => new ExportUnit(u.Code, u.Name, u.LevelName,
            u.ParentId is int p && statistics.ContainsKey(p) ? _units[p].Code : null));
        var rows = all.SelectMany(u => IndexExport.RowsOf(exportUnits[u.Id], statistics[u.Id].Definition, reports[u.Id]).Select(r => (Unit: u.Id, Row: r)))
            .Where(r => r.Row.N > 0).ToList();
        IndexExport.ApplyComplementarySuppression(rows.Select(r => r.Row).ToList());
        var across = rows.Where(r => r.Row.Suppression == Suppression.Complementary)
            .ToLookup(r => r.Unit, r => (r.Row.Figure, r.Row.Key));

        var shownReports = shownIds.ToDictionary(id => id, id =>
            across[id].Any() ? TimeSuppression.Hide(reports[id], across[id].ToHashSet()) : reports[id]);
        return new Protected(statistics, shownReports);
    }

    /// <summary>
    /// The fair ranking (§4.11) of a unit's children on a rating item's satisfied share. A child whose share is hidden
    /// across units (or in time) is listed as insufficient like one below MinN: its c and n would otherwise give back
    /// what the heatmap and the API hide.
    /// </summary>
    public async Task<RankingResult> RankAsync(Unit parent, IReadOnlyList<Unit> children, string instrument, string item, IndexFilter filter, CancellationToken ct)
    {
        if (children.Count == 0) return Ranking.EmpiricalBayes(item, [], Options);
        return Rank(await ProtectedAsync([parent, .. children], instrument, filter, ct), children, item);
    }

    /// <summary>The ranking of <paramref name="children"/> from figures already read with <see cref="ProtectedAsync"/> (they must be among the units shown).</summary>
    public RankingResult Rank(Protected figures, IReadOnlyList<Unit> children, string item)
    {
        // In code order: the same list (and the same order among ties and insufficient units) whatever the units'
        // display order, which differs between databases built in different ways (a reorganised tree, a fresh one).
        var inputs = children.OrderBy(c => c.Code, StringComparer.Ordinal).Select(c =>
        {
            var satisfied = IndexCalculator.Satisfied(figures.Statistics[c.Id], item);
            return new RankingInput(c.Code, satisfied.Satisfied, satisfied.N);
        }).ToList();
        var hidden = children.Where(c => figures.ShareHidden(c.Id, item)).Select(c => c.Code).ToHashSet(StringComparer.Ordinal);
        return Ranking.EmpiricalBayes(item, inputs, Options, hidden);
    }

    /// <summary>One bucket of a trend: a whole calendar month or quarter.</summary>
    public sealed record TrendPoint(string Label, DateOnly From, DateOnly To, long N, double? Value, double? Lo, double? Hi);

    /// <summary>
    /// The trend of an instrument's headline figure over calendar buckets: the SIPAS service or policy index (t
    /// interval), otherwise the satisfied share of <paramref name="item"/> (Wilson). Built from the unit's month cells
    /// read once (the same read as its suppression in time), not one query per bucket; each bucket hides what the same
    /// calendar period hides anywhere else.
    /// </summary>
    public async Task<IReadOnlyList<TrendPoint>> TrendAsync(Unit unit, PublishedInstrument instrument, string item,
        IReadOnlyList<(string Label, DateOnly From, DateOnly To)> buckets, IndexFilter filter, CancellationToken ct)
    {
        await EnsureTimeAsync([unit], unit, filter, ct);
        var kept = _kept[(unit.Id, filter.Channel, filter.IncludeFlagged)].GetValueOrDefault(instrument.Code);
        var months = kept?.ByMonth ?? new Dictionary<DateOnly, InstrumentStatistics>();
        var points = new List<TrendPoint>();
        foreach (var (label, from, to) in buckets)
        {
            var statistics = InstrumentStatistics.For(instrument.Definition);
            foreach (var (month, s) in months)
                if (month >= from && month <= to) statistics.Merge(s);
            var hidden = kept is not null && CalendarPeriod.TryFromDates(from, to, out var bucket) ? kept.Suppression.HiddenIn(bucket) : Nothing;
            var figures = instrument.Definition.Figures;
            IndexFigure? index = figures.HasFlag(InstrumentFigures.Elements) ? IndexCalculator.SipasService(statistics, Options).Index
                : figures.HasFlag(InstrumentFigures.Policy) ? IndexCalculator.SipasPolicy(statistics, Options).Index
                : null;
            if (index is not null)
                points.Add(hidden.Contains(("index", "")) ? new TrendPoint(label, from, to, index.N, null, null, null)
                    : new TrendPoint(label, from, to, index.N, index.Value, index.Lo, index.Hi));
            else
            {
                var figure = IndexCalculator.Item(statistics.LevelCounts[item], Options);
                points.Add(hidden.Contains(("share", item)) ? new TrendPoint(label, from, to, figure.N, null, null, null)
                    : new TrendPoint(label, from, to, figure.N, figure.P, figure.PLo, figure.PHi));
            }
        }
        return points;
    }

    /// <summary>Responses per instrument and channel in one unit's subtree (one grouped query).</summary>
    public async Task<IReadOnlyDictionary<string, IReadOnlyDictionary<string, long>>> ResponsesByChannelAsync(Unit unit, IndexFilter filter, CancellationToken ct)
    {
        var codes = await queries.VersionCodesAsync(ct);
        var sums = await queries.CountByVersionAndChannelAsync(unit, filter, ct);
        return sums.GroupBy(s => codes[s.VersionId]).ToDictionary(g => g.Key,
            g => (IReadOnlyDictionary<string, long>)g.GroupBy(s => s.Channel).ToDictionary(c => c.Key, c => c.Sum(s => s.Responses)));
    }

    /// <summary>The children of a unit (active or merged), in display order.</summary>
    public async Task<List<Unit>> ChildrenAsync(Unit unit, CancellationToken ct)
    {
        if (_children.TryGetValue(unit.Id, out var known)) return known;
        var children = await queries.ChildrenAsync(unit, ct);
        _units.TryAdd(unit.Id, unit);
        foreach (var child in children) _units.TryAdd(child.Id, child);
        return _children[unit.Id] = children;
    }
}
