using CchcSurvey.Web.Data;
using CchcSurvey.Web.Workspace;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace CchcSurvey.Web.Pages.Public;

/// <summary>The published unit-quarters, newest quarter first. Anonymous; read from the standby when there is one.</summary>
public sealed class IndexModel(LaggingReads reads) : PageModel
{
    private readonly SurveyDbContext db = reads.Context;

    public sealed record Entry(string UnitCode, string UnitName, string Quarter);

    public IReadOnlyList<Entry> Entries { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        var rows = await db.Publications.AsNoTracking().OrderByDescending(p => p.Year).ThenByDescending(p => p.Quarter).ThenBy(p => p.Unit.Path)
            .Select(p => new { p.Unit.Code, p.Unit.Name, p.Year, p.Quarter }).ToListAsync(ct);
        Entries = rows.Select(r => new Entry(r.Code, r.Name, new QuarterPeriod(r.Year, r.Quarter).ToString())).ToList();
    }
}
