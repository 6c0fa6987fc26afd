using CchcSurvey.Web.Data;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace CchcSurvey.Web.Pages.Admin;

/// <summary>
/// The administration overview: the whole unit tree with its counters, QR downloads and response
/// counts, and the officials. Read-only; the folder requires the admin policy (Program.cs).
/// </summary>
public sealed class IndexModel(SurveyDbContext db) : PageModel
{
    public IReadOnlyList<UnitNode> Roots { get; private set; } = [];
    public IReadOnlyList<OfficialRow> Officials { get; private set; } = [];
    public int UnitCount { get; private set; }
    public int CounterCount { get; private set; }
    public long ResponseCount { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        var units = await db.Units.AsNoTracking().OrderBy(u => u.SortOrder).ThenBy(u => u.Code).ToListAsync(ct);
        var counters = await db.Counters.AsNoTracking().OrderBy(c => c.Code).ToListAsync(ct);
        var counts = (await db.Responses.AsNoTracking().GroupBy(r => r.UnitId)
                .Select(g => new { UnitId = g.Key, Count = g.LongCount() }).ToListAsync(ct))
            .ToDictionary(x => x.UnitId, x => x.Count);

        Roots = UnitNode.Build(units, counters, counts);
        UnitCount = units.Count;
        CounterCount = counters.Count;
        ResponseCount = counts.Values.Sum();

        var roles = await (from ur in db.UserRoles
                           join r in db.Roles on ur.RoleId equals r.Id
                           select new { ur.UserId, r.Name }).ToListAsync(ct);
        var byId = units.ToDictionary(u => u.Id);
        Officials = (await db.Users.AsNoTracking().OrderBy(o => o.Email).ToListAsync(ct))
            .Select(o => new OfficialRow(
                o.Email ?? o.UserName ?? o.Id,
                string.Join(", ", roles.Where(r => r.UserId == o.Id).Select(r => r.Name).OrderBy(n => n)),
                o.ScopeUnitId is int s && byId.TryGetValue(s, out var scope) ? scope : null,
                o.LockoutEnd is { } end && end > DateTimeOffset.UtcNow))
            .ToList();
    }

    public sealed record OfficialRow(string Email, string Roles, Unit? Scope, bool LockedOut);
}

/// <summary>A unit with its children, counters and response counts (own and whole subtree).</summary>
public sealed class UnitNode(Unit unit)
{
    public Unit Unit { get; } = unit;
    public List<UnitNode> Children { get; } = [];
    public List<Counter> Counters { get; } = [];
    public Unit? Successor { get; set; }
    public long OwnResponses { get; set; }
    public long SubtreeResponses { get; set; }
    public int SubtreeCounters { get; set; }

    public static IReadOnlyList<UnitNode> Build(IReadOnlyList<Unit> units, IReadOnlyList<Counter> counters, IReadOnlyDictionary<int, long> responses)
    {
        var nodes = units.ToDictionary(u => u.Id, u => new UnitNode(u));
        foreach (var counter in counters)
            if (nodes.TryGetValue(counter.UnitId, out var node)) node.Counters.Add(counter);
        var roots = new List<UnitNode>();
        foreach (var unit in units)
        {
            var node = nodes[unit.Id];
            node.OwnResponses = responses.GetValueOrDefault(unit.Id);
            if (unit.SuccessorId is int s && nodes.TryGetValue(s, out var successor)) node.Successor = successor.Unit;
            if (unit.ParentId is int p && nodes.TryGetValue(p, out var parent) && p != unit.Id) parent.Children.Add(node);
            else roots.Add(node);
        }
        var visited = new HashSet<int>();
        foreach (var root in roots) Sum(root, visited);
        return roots;
    }

    private static void Sum(UnitNode node, HashSet<int> visited)
    {
        if (!visited.Add(node.Unit.Id)) return;
        node.SubtreeResponses = node.OwnResponses;
        node.SubtreeCounters = node.Counters.Count;
        foreach (var child in node.Children)
        {
            Sum(child, visited);
            node.SubtreeResponses += child.SubtreeResponses;
            node.SubtreeCounters += child.SubtreeCounters;
        }
    }
}
