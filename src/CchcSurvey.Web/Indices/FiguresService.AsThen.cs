using CchcSurvey.Core.Indices;
using CchcSurvey.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace CchcSurvey.Web.Indices;

/// <summary>The <c>units=now|then</c> view of a unit's children (<see cref="HistoricalUnits"/>).</summary>
public sealed partial class FiguresService
{
    /// <summary>
    /// The units listed under a unit — heatmap rows, ranking — in one view, and the successor of each one merged away.
    /// <see cref="Shown"/> is what to protect: the listed units and, in the <c>then</c> view, also today's children, so
    /// that complementary suppression across units sees the same families in both views and a figure hidden in one view
    /// (a small predecessor) cannot be worked out in the other (its successor minus the other predecessors).
    /// </summary>
    public sealed record UnitsView(string Units, IReadOnlyList<Unit> Rows, IReadOnlyList<Unit> Children, IReadOnlyDictionary<int, Unit> MergedInto)
    {
        /// <summary>The unit itself first (its trend and suppression in time are kept whole), then every unit to protect.</summary>
        public List<Unit> Shown(Unit unit) => Units == HistoricalUnits.Now
            ? Rows.Prepend(unit).ToList()
            : Rows.Concat(Children).Prepend(unit).DistinctBy(u => u.Id).ToList();

        /// <summary>The successor of a unit merged away, when it is known.</summary>
        public Unit? SuccessorOf(Unit unit) => MergedInto.GetValueOrDefault(unit.Id);
    }

    /// <summary>
    /// The children of <paramref name="unit"/> as they are now, or as they were in <paramref name="period"/>
    /// (<paramref name="units"/> = then). The <c>now</c> view reads what <see cref="ChildrenAsync"/> reads; the
    /// <c>then</c> view one statement more per generation of new units it replaces.
    /// </summary>
    public async Task<UnitsView> UnitsAsync(Unit unit, string units, CalendarPeriod period, CancellationToken ct)
    {
        var children = await ChildrenAsync(unit, ct);
        var rows = children;
        if (units == HistoricalUnits.Then && children.Any(c => HistoricalUnits.StartedAfter(c, period)))
        {
            var predecessors = new Dictionary<int, List<Unit>>();
            var wanted = children.Where(c => HistoricalUnits.StartedAfter(c, period)).Select(c => c.Id).ToList();
            for (var generation = 0; wanted.Count > 0 && generation < 32; generation++)
            {
                var found = await Db.Units.AsNoTracking().Where(u => u.SuccessorId != null && wanted.Contains(u.SuccessorId.Value))
                    .OrderBy(u => u.SortOrder).ThenBy(u => u.Code).ToListAsync(ct);
                foreach (var id in wanted) predecessors[id] = [];
                foreach (var predecessor in found)
                {
                    _units.TryAdd(predecessor.Id, predecessor);
                    predecessors[predecessor.SuccessorId!.Value].Add(_units[predecessor.Id]);
                }
                wanted = found.Where(p => HistoricalUnits.StartedAfter(p, period) && !predecessors.ContainsKey(p.Id)).Select(p => p.Id).ToList();
            }
            rows = HistoricalUnits.ThenRows(children, period, u => predecessors.GetValueOrDefault(u.Id) ?? []);
        }

        var known = rows.Concat(children).Append(unit).DistinctBy(u => u.Id).ToDictionary(u => u.Id);
        foreach (var (id, cached) in _units) known.TryAdd(id, cached);
        var missing = rows.Where(r => r.SuccessorId is int s && !known.ContainsKey(s)).Select(r => r.SuccessorId!.Value).Distinct().ToList();
        if (missing.Count > 0)
            foreach (var successor in await Db.Units.AsNoTracking().Where(u => missing.Contains(u.Id)).ToListAsync(ct))
                known[successor.Id] = successor;
        var mergedInto = rows.Where(r => r.SuccessorId is int s && known.ContainsKey(s)).ToDictionary(r => r.Id, r => known[r.SuccessorId!.Value]);
        return new UnitsView(units, rows, children, mergedInto);
    }

    /// <summary>The fair ranking (§4.11) of the units listed in a view, protected as <see cref="RankAsync(Unit, IReadOnlyList{Unit}, string, string, IndexFilter, CancellationToken)"/> is.</summary>
    public async Task<RankingResult> RankAsync(Unit parent, UnitsView view, string instrument, string item, IndexFilter filter, CancellationToken ct)
    {
        if (view.Rows.Count == 0) return Ranking.EmpiricalBayes(item, [], Options);
        return Rank(await ProtectedAsync(view.Shown(parent), instrument, filter, ct), view.Rows, item);
    }
}
