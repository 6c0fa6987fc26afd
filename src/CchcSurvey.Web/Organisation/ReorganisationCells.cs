using CchcSurvey.Core.Indices;
using CchcSurvey.Core.Instruments;
using CchcSurvey.Web.Data;
using CchcSurvey.Web.Indices;
using CchcSurvey.Web.Surveys;
using Microsoft.EntityFrameworkCore;

namespace CchcSurvey.Web.Organisation;

/// <summary>
/// Moves statistics cells with a change of the tree, without rebuilding them from the responses. A cell aggregates a
/// unit's whole subtree, so when a unit U gets other ancestors its own responses leave the cells of the ancestors it
/// lost and join those of the ancestors it gained; nothing else changes. U's own responses are its cell minus its
/// (old) children's cells — for a commune simply its cell. So each affected ancestor A becomes
/// A + Σ own(U gained) − Σ own(U lost), per (version, period, channel, flag), and the work grows with the cells of
/// what moves, not with the database: each moving unit's cells are read and parsed once. Cells emptied this way are deleted (a rebuild would not have them); a count
/// that would turn negative means the cells were already wrong, and the whole change is refused.
/// <para>The caller holds the <see cref="CellWriteGate"/> from <see cref="PlanAsync"/> to the commit of <see cref="WriteAsync"/>.</para>
/// </summary>
public static class ReorganisationCells
{
    private sealed class Sum(InstrumentStatistics statistics)
    {
        public InstrumentStatistics Statistics { get; } = statistics;
        public long Responses;
    }

    private readonly record struct Key(int VersionId, CellPeriod Period, DateOnly Start, string Channel, bool Flagged);

    public sealed record Outcome(int Ancestors, long Inserted, long Updated, long Deleted)
    {
        public long Written => Inserted + Updated + Deleted;
    }

    /// <summary>What one ancestor's cells become: updates (with their revision checks), new cells and cells emptied.</summary>
    internal sealed record AncestorChange(int Ancestor, List<CellUpdate> Updates, List<StatisticsCell> Fresh, List<long> Gone);

    /// <summary>The cell changes of a reorganisation, computed by <see cref="PlanAsync"/> and written by <see cref="WriteAsync"/>.</summary>
    public sealed class Changes
    {
        internal List<AncestorChange> Ancestors { get; } = [];
    }

    /// <summary>Computes and writes the cell changes in one go, in the caller's transaction.</summary>
    public static async Task<Outcome> MoveAsync(SurveyDbContext db, InstrumentRegistry registry,
        IReadOnlyDictionary<int, int?> before, IReadOnlyDictionary<int, int?> after, IProgress<(int Done, int Total)>? progress, CancellationToken ct) =>
        await WriteAsync(db, await PlanAsync(db, registry, before, after, progress, ct), id => id, ct);

    /// <summary>
    /// Computes every cell change by reading only, so that a job can do the long part before it opens its write
    /// transaction (on SQLite a write transaction holds the one write lock of the database, and submissions wait for
    /// it). The cells must not change until <see cref="WriteAsync"/>: the caller holds the <see cref="CellWriteGate"/>,
    /// and every update is checked against the revision read here.
    /// </summary>
    /// <param name="before">Every unit's parent before the change.</param>
    /// <param name="after">Every unit's parent after the change; units to be created have negative ids (resolved by <see cref="WriteAsync"/>).</param>
    /// <param name="progress">Ancestors done and their total.</param>
    public static async Task<Changes> PlanAsync(SurveyDbContext db, InstrumentRegistry registry,
        IReadOnlyDictionary<int, int?> before, IReadOnlyDictionary<int, int?> after, IProgress<(int Done, int Total)>? progress, CancellationToken ct)
    {
        // Which units' own responses move, and between which ancestors.
        var moving = new Dictionary<int, List<(int Ancestor, int Sign)>>();
        var remaining = new Dictionary<int, int>();
        foreach (var (unit, _) in after)
        {
            if (!before.ContainsKey(unit)) continue; // created now: no responses yet
            var old = Ancestors(before, unit);
            var now = Ancestors(after, unit);
            if (old.SetEquals(now)) continue;
            var list = moving[unit] = [];
            foreach (var gained in now.Except(old)) list.Add((gained, +1));
            foreach (var lost in old.Except(now)) list.Add((lost, -1));
            foreach (var (ancestor, _) in list) remaining[ancestor] = remaining.GetValueOrDefault(ancestor) + 1;
        }
        var oldChildren = before.Where(p => p.Value is not null).ToLookup(p => p.Value!.Value, p => p.Key);
        var definitions = new Dictionary<int, InstrumentDefinition>();

        // Each moving unit's own cells are read once and folded into every ancestor it leaves or joins; an ancestor's
        // changes are computed as soon as its last unit is folded in. Units are taken by old parent, then new parent, so
        // that a district's communes and a new commune's predecessors come together: only a few ancestors are open at once.
        var open = new Dictionary<int, (Dictionary<Key, Sum> Gain, Dictionary<Key, Sum> Loss)>();
        var changes = new Changes();
        var done = 0;
        progress?.Report((0, remaining.Count));
        foreach (var unit in moving.Keys.OrderBy(u => before.GetValueOrDefault(u) ?? 0).ThenBy(u => after.GetValueOrDefault(u) ?? 0).ThenBy(u => u))
        {
            var own = await OwnAsync(db, registry, definitions, unit, oldChildren[unit].ToList(), ct);
            foreach (var (ancestor, sign) in moving[unit])
            {
                if (!open.TryGetValue(ancestor, out var sums)) open[ancestor] = sums = (new(), new());
                foreach (var (key, part) in own) Fold(sign > 0 ? sums.Gain : sums.Loss, key, part);
                if (--remaining[ancestor] > 0) continue;
                open.Remove(ancestor);
                changes.Ancestors.Add(await ChangeAsync(db, registry, definitions, ancestor, sums.Gain, sums.Loss, ct));
                progress?.Report((++done, remaining.Count));
            }
        }
        return changes;
    }

    /// <summary>Writes the changes in the caller's transaction; <paramref name="resolve"/> turns the planned ids of created units into their real ones.</summary>
    public static async Task<Outcome> WriteAsync(SurveyDbContext db, Changes changes, Func<int, int> resolve, CancellationToken ct)
    {
        var totals = new Outcome(0, 0, 0, 0);
        foreach (var change in changes.Ancestors)
        {
            // A new revision on every touched cell: the response writer's cache then re-reads them (StaleCellException).
            if (await CellUpdates.ApplyAsync(db, change.Updates, ct) != change.Updates.Count)
                throw new InvalidOperationException($"Statistics cells of unit {change.Ancestor} changed during the reorganisation.");
            foreach (var cell in change.Fresh) cell.UnitId = resolve(cell.UnitId);
            foreach (var chunk in change.Fresh.Chunk(4096)) await CellRows.InsertAsync(db, chunk, ct);
            foreach (var chunk in change.Gone.Chunk(500)) await db.StatisticsCells.Where(c => chunk.Contains(c.Id)).ExecuteDeleteAsync(ct);
            totals = new Outcome(totals.Ancestors + 1, totals.Inserted + change.Fresh.Count, totals.Updated + change.Updates.Count, totals.Deleted + change.Gone.Count);
        }
        return totals;
    }

    /// <summary>One ancestor's cells: stored + gained − lost, per key; to be inserted, updated or deleted (when emptied).</summary>
    private static async Task<AncestorChange> ChangeAsync(SurveyDbContext db, InstrumentRegistry registry, Dictionary<int, InstrumentDefinition> definitions,
        int ancestor, Dictionary<Key, Sum> gain, Dictionary<Key, Sum> loss, CancellationToken ct)
    {
        List<StatisticsCell> stored = ancestor < 0 ? [] : await db.StatisticsCells.AsNoTracking().Where(c => c.UnitId == ancestor).ToListAsync(ct);
        var byKey = stored.ToDictionary(KeyOf);
        var updates = new List<CellUpdate>();
        var fresh = new List<StatisticsCell>();
        var gone = new List<long>();
        foreach (var key in gain.Keys.Union(loss.Keys))
        {
            var definition = await DefinitionAsync(db, registry, definitions, key.VersionId, ct);
            byKey.TryGetValue(key, out var cell);
            var statistics = cell is null ? InstrumentStatistics.For(definition) : InstrumentStatistics.FromJson(cell.Data, definition);
            var responses = cell?.Responses ?? 0;
            if (gain.TryGetValue(key, out var plus)) { statistics.Merge(plus.Statistics); responses += plus.Responses; }
            if (loss.TryGetValue(key, out var minus)) { statistics.Subtract(minus.Statistics); responses -= minus.Responses; }
            if (responses < 0 || statistics.Responses != responses || !statistics.IsNonNegative())
                throw new InvalidOperationException(
                    $"Statistics cells of unit {ancestor} do not add up ({key.Period} {key.Start:yyyy-MM-dd}); run 'stats rebuild' before reorganising.");
            var (overallN, overallSatisfied) = StatisticsLedger.Overall(statistics);
            if (cell is null)
            {
                if (responses == 0) continue;
                fresh.Add(new StatisticsCell
                {
                    UnitId = ancestor, InstrumentVersionId = key.VersionId, Period = key.Period, PeriodStart = key.Start,
                    Channel = key.Channel, Flagged = key.Flagged, Responses = responses, OverallN = overallN,
                    OverallSatisfied = overallSatisfied, Data = statistics.ToJson(), Revision = CellCache.NewRevision(),
                });
            }
            else if (responses == 0) gone.Add(cell.Id);
            else updates.Add(new CellUpdate(cell.Id, cell.Revision, CellCache.NewRevision(), statistics.ToJson(), responses, overallN, overallSatisfied));
        }
        return new AncestorChange(ancestor, updates, fresh, gone);
    }

    /// <summary>A unit's own responses per cell key: its cells minus its children's (in the old tree).</summary>
    private static async Task<Dictionary<Key, Sum>> OwnAsync(SurveyDbContext db, InstrumentRegistry registry,
        Dictionary<int, InstrumentDefinition> definitions, int unit, IReadOnlyList<int> children, CancellationToken ct)
    {
        var own = new Dictionary<Key, Sum>();
        foreach (var cell in await db.StatisticsCells.AsNoTracking().Where(c => c.UnitId == unit).ToListAsync(ct))
        {
            var statistics = InstrumentStatistics.FromJson(cell.Data, await DefinitionAsync(db, registry, definitions, cell.InstrumentVersionId, ct));
            own[KeyOf(cell)] = new Sum(statistics) { Responses = cell.Responses };
        }
        foreach (var chunk in children.Chunk(500))
        {
            foreach (var cell in await db.StatisticsCells.AsNoTracking().Where(c => chunk.Contains(c.UnitId)).ToListAsync(ct))
            {
                var key = KeyOf(cell);
                if (!own.TryGetValue(key, out var sum))
                    throw new InvalidOperationException($"Statistics cells of unit {unit} do not cover its sub-units; run 'stats rebuild' before reorganising.");
                sum.Statistics.Subtract(InstrumentStatistics.FromJson(cell.Data, sum.Statistics.Definition));
                sum.Responses -= cell.Responses;
            }
        }
        foreach (var (key, sum) in own.ToList())
            if (sum.Responses == 0) own.Remove(key);
        return own;
    }

    private static void Fold(Dictionary<Key, Sum> into, Key key, Sum part)
    {
        if (!into.TryGetValue(key, out var sum)) into[key] = sum = new Sum(InstrumentStatistics.For(part.Statistics.Definition));
        sum.Statistics.Merge(part.Statistics);
        sum.Responses += part.Responses;
    }

    private static Key KeyOf(StatisticsCell cell) => new(cell.InstrumentVersionId, cell.Period, cell.PeriodStart, cell.Channel, cell.Flagged);

    private static HashSet<int> Ancestors(IReadOnlyDictionary<int, int?> parents, int unit)
    {
        var found = new HashSet<int>();
        for (var p = parents.GetValueOrDefault(unit); p is int id && found.Add(id); p = parents.GetValueOrDefault(id)) { }
        return found;
    }

    private static async Task<InstrumentDefinition> DefinitionAsync(SurveyDbContext db, InstrumentRegistry registry,
        Dictionary<int, InstrumentDefinition> definitions, int versionId, CancellationToken ct)
    {
        if (definitions.TryGetValue(versionId, out var known)) return known;
        var found = (await registry.FindByIdAsync(db, versionId, ct) ?? throw new InvalidOperationException($"Unknown instrument version {versionId}.")).Definition;
        definitions[versionId] = found;
        return found;
    }
}
