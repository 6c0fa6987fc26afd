namespace CchcSurvey.Core.Organisation;

/// <summary>A unit the crosswalk creates.</summary>
public sealed record PlannedUnit(string Code, string Name, string? Parent, string LevelName);

/// <summary>An old unit merged into a new one (it becomes an inactive child of <paramref name="Into"/>).</summary>
public sealed record PlannedMerge(int Line, string Old, string Into);

public sealed record PlannedRename(string Code, string From, string To);

public sealed record PlannedMove(string Code, string? From, string? To);

public sealed record PlannedCounter(string Counter, string From, string To);

/// <summary>
/// An official whose scope unit is dissolved or whose scope would gain units. <paramref name="To"/> is the proposed
/// scope; <paramref name="Flagged"/> means that scope would be wider than before, so an administrator must confirm it
/// (unconfirmed, an official of a dissolved unit keeps the inactive unit: its history only, never more).
/// </summary>
public sealed record PlannedScope(string OfficialId, string Email, string From, string To, bool Flagged, IReadOnlyList<string> Gained);

public sealed record PlannedLead(string Id, string Description, string From, string To);

/// <summary>
/// What a crosswalk does to the tree: the units created, merged, renamed, moved and made inactive, the counters
/// that follow their unit, the officials whose scope changes and the led things (plan tasks) whose lead changes.
/// With any error it holds only the errors, and nothing must be applied.
/// </summary>
public sealed class ReorganisationPlan
{
    public List<string> Errors { get; } = [];
    public List<string> Warnings { get; } = [];
    public List<PlannedUnit> Created { get; } = [];
    public List<PlannedMerge> Merged { get; } = [];
    public List<PlannedRename> Renamed { get; } = [];
    public List<PlannedMove> Moved { get; } = [];
    public List<PlannedCounter> Counters { get; } = [];
    public List<PlannedScope> Scopes { get; } = [];
    public List<PlannedLead> Leads { get; } = [];

    /// <summary>Rows found already applied (an old unit already merged into its new one).</summary>
    public int AlreadyDone { get; set; }

    public bool Ok => Errors.Count == 0;

    /// <summary>Nothing to change: the crosswalk is already applied (or asks for nothing).</summary>
    public bool IsNoOp => Ok && Created.Count == 0 && Merged.Count == 0 && Renamed.Count == 0 && Moved.Count == 0;

    /// <summary>Units made inactive (the merged ones).</summary>
    public IEnumerable<string> Inactivated => Merged.Select(m => m.Old);

    /// <summary>Every unit's parent after the change (units of the tree and the created ones).</summary>
    public Dictionary<string, string?> FinalParents { get; } = new(StringComparer.Ordinal);
}

/// <summary>
/// Checks a crosswalk against the current tree and works out everything it changes, without side effects, so that
/// the preview and the apply job see the same plan. Rules (CONTRACT "Reorganising units"):
/// <list type="bullet">
/// <item>a row <c>old ≠ new</c> merges <c>old</c> into <c>new</c>: <c>new</c> is an existing active unit, or is created
/// under <c>new_parent</c> with <c>new_name</c> (the rows of one new unit must not disagree on them);</item>
/// <item>a row <c>old = new</c> renames (<c>new_name</c>) or moves (<c>new_parent</c>) the unit;</item>
/// <item>a unit is merged at most once; an old unit already merged into the same new one is "already done" (so a
/// crosswalk applied twice changes nothing), into another one an error; a new code must not be an inactive unit or a
/// unit merged away by another row; the resulting tree must have no cycle and no parent that is merged away.</item>
/// </list>
/// A merged unit keeps its own children (as <c>UnitAdministration.MergeAsync</c> does): list them in the crosswalk to
/// move them elsewhere; active units left under a merged one are warned about.
/// </summary>
public static class ReorganisationPlanner
{
    public static ReorganisationPlan Plan(
        IReadOnlyList<UnitSnapshot> units, IReadOnlyList<CounterSnapshot> counters, IReadOnlyList<OfficialSnapshot> officials,
        IReadOnlyList<CrosswalkRow> rows, IReadOnlyList<LeadSnapshot>? leads = null)
    {
        var plan = new ReorganisationPlan();
        var byCode = units.ToDictionary(u => u.Code, StringComparer.Ordinal);
        var errors = plan.Errors;

        // ------------------------------------------------------------ rows one by one
        var mergedOn = new Dictionary<string, int>(StringComparer.Ordinal);      // old code → line that merges it
        var targets = new Dictionary<string, List<CrosswalkRow>>(StringComparer.Ordinal); // new code → its rows
        var merges = new List<CrosswalkRow>();
        var seenOld = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            if (!byCode.TryGetValue(row.Old, out var old))
            {
                errors.Add($"line {row.Line}: unknown unit '{row.Old}'");
                continue;
            }
            if (seenOld.TryGetValue(row.Old, out var earlier))
            {
                errors.Add($"line {row.Line}: unit '{row.Old}' appears twice (also line {earlier}): a unit is merged at most once");
                continue;
            }
            seenOld[row.Old] = row.Line;
            if (!targets.TryGetValue(row.New, out var group)) targets[row.New] = group = [];
            group.Add(row);
            if (row.Old == row.New)
            {
                if (!old.Active) errors.Add($"line {row.Line}: unit '{row.Old}' is inactive (merged into {old.Successor ?? "-"}) and cannot be renamed or moved");
                continue;
            }
            if (!old.Active)
            {
                if (old.Successor == row.New) { plan.AlreadyDone++; continue; }
                errors.Add($"line {row.Line}: unit '{row.Old}' is already merged into '{old.Successor ?? "-"}'");
                continue;
            }
            mergedOn[row.Old] = row.Line;
            merges.Add(row);
        }

        // ------------------------------------------------------------ new units: clashes and agreement
        var created = new Dictionary<string, PlannedUnit>(StringComparer.Ordinal);
        foreach (var (code, group) in targets)
        {
            var parents = group.Where(r => r.NewParent is not null).Select(r => (r.NewParent!, r.Line)).ToList();
            var names = group.Where(r => r.NewName is not null).Select(r => (r.NewName!, r.Line)).ToList();
            if (parents.Select(p => p.Item1).Distinct(StringComparer.Ordinal).Count() > 1)
                errors.Add($"line {parents[^1].Line}: new parent of '{code}' differs from line {parents[0].Line}");
            if (names.Select(n => n.Item1).Distinct(StringComparer.Ordinal).Count() > 1)
                errors.Add($"line {names[^1].Line}: new name of '{code}' differs from line {names[0].Line}");
            var line = group[0].Line;
            if (byCode.TryGetValue(code, out var existing))
            {
                if (!existing.Active && group.Any(r => r.Old != r.New && !(byCode.TryGetValue(r.Old, out var o) && !o.Active && o.Successor == code)))
                    errors.Add($"line {line}: new code '{code}' clashes with an inactive unit (merged into {existing.Successor ?? "-"})");
                else if (mergedOn.TryGetValue(code, out var away))
                    errors.Add($"line {line}: new code '{code}' clashes with a unit merged away on line {away}");
            }
            else
            {
                if (names.Count == 0) errors.Add($"line {line}: new unit '{code}' needs a new_name");
                var firstOld = group.Select(r => byCode.GetValueOrDefault(r.Old)).FirstOrDefault(u => u is not null);
                created[code] = new PlannedUnit(code, names.Count > 0 ? names[0].Item1 : code, parents.Count > 0 ? parents[0].Item1 : null, firstOld?.LevelName ?? "");
            }
        }

        // ------------------------------------------------------------ the resulting tree
        var parent = units.ToDictionary(u => u.Code, u => u.Parent, StringComparer.Ordinal);
        var active = units.ToDictionary(u => u.Code, u => u.Active, StringComparer.Ordinal);
        var name = units.ToDictionary(u => u.Code, u => u.Name, StringComparer.Ordinal);
        foreach (var unit in created.Values)
        {
            parent[unit.Code] = unit.Parent;
            active[unit.Code] = true;
            name[unit.Code] = unit.Name;
        }
        foreach (var (code, group) in targets)
        {
            if (created.ContainsKey(code) || !byCode.TryGetValue(code, out var existing) || !existing.Active) continue;
            if (group.FirstOrDefault(r => r.NewParent is not null) is { } moved) parent[code] = moved.NewParent;
            if (group.FirstOrDefault(r => r.NewName is not null) is { } renamed) name[code] = renamed.NewName!;
        }
        foreach (var row in merges)
        {
            parent[row.Old] = row.New;
            active[row.Old] = false;
        }
        foreach (var (code, group) in targets)
        {
            foreach (var row in group.Where(r => r.NewParent is not null))
            {
                if (!parent.ContainsKey(row.NewParent!)) errors.Add($"line {row.Line}: unknown new parent '{row.NewParent}'");
                else if (!active[row.NewParent!]) errors.Add($"line {row.Line}: new parent '{row.NewParent}' is inactive or merged away");
                break;
            }
        }
        // Cycles: follow the parents from every unit the crosswalk touches.
        var touched = targets.Keys.Concat(merges.Select(m => m.Old)).Where(parent.ContainsKey).Distinct().ToList();
        var reported = new HashSet<string>(StringComparer.Ordinal);
        foreach (var start in touched)
        {
            var chain = new List<string>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var c = (string?)start; c is not null && parent.ContainsKey(c); c = parent[c])
            {
                if (!seen.Add(c))
                {
                    var cycle = chain.SkipWhile(x => x != c).Append(c).ToList();
                    if (reported.Add(cycle.Min(StringComparer.Ordinal)!))
                    {
                        var line = targets.TryGetValue(start, out var g) ? g[0].Line : mergedOn.GetValueOrDefault(start);
                        errors.Add($"line {line}: cycle {string.Join(" → ", cycle)}");
                    }
                    break;
                }
                chain.Add(c);
            }
        }
        if (errors.Count > 0) return plan;

        // ------------------------------------------------------------ what changes
        foreach (var (code, parentCode) in parent) plan.FinalParents[code] = parentCode;
        plan.Created.AddRange(created.Values);
        plan.Merged.AddRange(merges.Select(r => new PlannedMerge(r.Line, r.Old, r.New)));
        foreach (var unit in units.Where(u => u.Active && active[u.Code]))
        {
            if (name[unit.Code] != unit.Name) plan.Renamed.Add(new PlannedRename(unit.Code, unit.Name, name[unit.Code]));
            if (parent[unit.Code] != unit.Parent) plan.Moved.Add(new PlannedMove(unit.Code, unit.Parent, parent[unit.Code]));
        }
        var successor = merges.ToDictionary(r => r.Old, r => r.New, StringComparer.Ordinal);
        foreach (var counter in counters)
            if (successor.TryGetValue(counter.Unit, out var to)) plan.Counters.Add(new PlannedCounter(counter.Code, counter.Unit, to));
        foreach (var lead in leads ?? [])
            if (successor.TryGetValue(lead.LeadUnit, out var to)) plan.Leads.Add(new PlannedLead(lead.Id, lead.Description, lead.LeadUnit, to));
        foreach (var unit in units.Where(u => u.Active && active[u.Code] && u.Parent is { } p && successor.ContainsKey(p) && parent[u.Code] == p))
            plan.Warnings.Add($"active unit '{unit.Code}' stays under '{unit.Parent}', which is merged into '{successor[unit.Parent!]}'");

        // ------------------------------------------------------------ officials' scopes
        if (officials.Count > 0)
        {
            var oldChildren = units.Where(u => u.Parent is not null).ToLookup(u => u.Parent!, u => u.Code, StringComparer.Ordinal);
            var newChildren = parent.Where(p => p.Value is not null).ToLookup(p => p.Value!, p => p.Key, StringComparer.Ordinal);
            foreach (var official in officials)
            {
                if (!byCode.ContainsKey(official.ScopeUnit)) continue;
                var before = Subtree(official.ScopeUnit, oldChildren);
                var target = successor.GetValueOrDefault(official.ScopeUnit) ?? official.ScopeUnit;
                var after = Subtree(target, newChildren);
                // Units created by the crosswalk hold no history of their own; what matters is old units newly visible.
                var gained = after.Where(c => byCode.ContainsKey(c) && !before.Contains(c)).OrderBy(c => c, StringComparer.Ordinal).ToList();
                var dissolved = target != official.ScopeUnit;
                if (!dissolved && gained.Count == 0) continue;
                plan.Scopes.Add(new PlannedScope(official.Id, official.Email, official.ScopeUnit, target, gained.Count > 0, gained));
            }
        }
        return plan;
    }

    private static HashSet<string> Subtree(string root, ILookup<string, string> children)
    {
        var found = new HashSet<string>(StringComparer.Ordinal) { root };
        var stack = new Stack<string>([root]);
        while (stack.Count > 0)
            foreach (var child in children[stack.Pop()])
                if (found.Add(child)) stack.Push(child);
        return found;
    }
}
