using CchcSurvey.Web.Data;
using CchcSurvey.Web.Surveys;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace CchcSurvey.Web.Pages.Admin;

/// <summary>
/// An A4 sheet with the QR codes of a unit's counters, several per page; a unit without counters of its
/// own (a district, a province) gets those of its whole subtree.
/// </summary>
public sealed class QrUnitModel(SurveyDbContext db, QrCodes qr) : PageModel
{
    public Unit Unit { get; private set; } = null!;
    public IReadOnlyList<QrPoster> Posters { get; private set; } = [];
    public bool FromSubtree { get; private set; }

    public async Task<IActionResult> OnGetAsync(string unitCode, CancellationToken ct)
    {
        var unit = await db.Units.AsNoTracking().FirstOrDefaultAsync(u => u.Code == unitCode, ct);
        if (unit is null) return NotFound();
        Unit = unit;

        var own = await db.Counters.AsNoTracking().Where(c => c.UnitId == unit.Id && c.IsActive).OrderBy(c => c.Code).ToListAsync(ct);
        var counters = own.Select(c => (Counter: c, Unit: unit)).ToList();
        if (counters.Count == 0)
        {
            FromSubtree = true;
            var prefix = unit.Path;
            var rows = await db.Counters.AsNoTracking().Include(c => c.Unit)
                .Where(c => c.IsActive && c.Unit.IsActive).Where(Indices.UnitPath.Within<Counter>(c => c.Unit.Path, prefix))
                .ToListAsync(ct);
            counters = rows.OrderBy(c => c.Unit.SortOrder).ThenBy(c => c.Unit.Code, StringComparer.Ordinal).ThenBy(c => c.Code, StringComparer.Ordinal)
                .Select(c => (Counter: c, c.Unit)).ToList();
        }
        Posters = counters.Select(x => QrPoster.For(x.Counter, x.Unit, qr, Request)).ToList();
        return Page();
    }
}
