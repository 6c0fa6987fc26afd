using CchcSurvey.Core.Indices;
using CchcSurvey.Web.Data;

namespace CchcSurvey.Web.Indices;

/// <summary>
/// "As the units are now" or "as the units were then" (README, "Figures"; issue 13). After a reorganisation the units
/// merged away stay as inactive children of their successor, with their own statistics cells, and a new unit's figures
/// pool its predecessors' past responses: that is the <c>now</c> view, the default. In the <c>then</c> view a period is
/// listed with the units that existed in it: a listed unit that did not exist at all in the period (a reorganisation
/// created it, <see cref="Unit.StartedOn"/>, after the period's last day) is replaced by the units merged into it, each
/// under its own code and name, marked as merged. A period that ends on or after the reorganisation's effective date
/// looks the same in both views (the new unit existed in it, and its figures hold its predecessors' part of the period),
/// so that the rows never leave out a response the unit's own figure counts.
/// </summary>
/// <remarks>
/// Only which units are listed changes: every figure is still a unit's whole subtree, protected by the same rules
/// (<see cref="FiguresService.ProtectedAsync"/>). A unit merged into one that already existed (not created by the
/// reorganisation) stays inside its successor's figures in both views: the cells cannot tell the successor's own part
/// apart without differencing. Renames keep no old name: a unit kept under its code shows today's name.
/// </remarks>
public static class HistoricalUnits
{
    public const string Now = "now";
    public const string Then = "then";
    public static readonly string[] Views = [Now, Then];

    /// <summary>Reads the <c>units</c> filter (empty: now); a bad value is added to <paramref name="errors"/> and gives now.</summary>
    public static string Parse(string? text, List<FilterError> errors)
    {
        if (string.IsNullOrEmpty(text)) return Now;
        if (Views.Contains(text, StringComparer.Ordinal)) return text;
        errors.Add(new("units", "units must be now or then."));
        return Now;
    }

    /// <summary>True when the unit did not exist on any day of the period (created by a reorganisation effective after it).</summary>
    public static bool StartedAfter(Unit unit, CalendarPeriod period) =>
        unit.StartedOn is DateOnly started && period.To is DateOnly last && started > last;

    /// <summary>
    /// The rows of the <c>then</c> view: <paramref name="units"/> in order, each one that did not exist in the period
    /// replaced by its predecessors (again, for a predecessor that itself did not exist yet). A new unit without
    /// predecessors is left out: it had nothing in the period.
    /// </summary>
    public static List<Unit> ThenRows(IReadOnlyList<Unit> units, CalendarPeriod period, Func<Unit, IReadOnlyList<Unit>> predecessors)
    {
        var rows = new List<Unit>();
        var seen = new HashSet<int>();
        void Add(Unit unit, int depth)
        {
            if (!seen.Add(unit.Id)) return;
            // Depth bounds a corrupt successor chain; a real one is a few reorganisations long.
            if (!StartedAfter(unit, period) || depth > 32) { rows.Add(unit); return; }
            foreach (var predecessor in predecessors(unit)) Add(predecessor, depth + 1);
        }
        foreach (var unit in units) Add(unit, 0);
        return rows;
    }
}
