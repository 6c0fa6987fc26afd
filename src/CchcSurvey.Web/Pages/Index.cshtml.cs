using CchcSurvey.Web.Data;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace CchcSurvey.Web.Pages;

/// <summary>The home page: what CchcSurvey is, where to go, and the active counters' survey links.</summary>
public sealed class IndexModel(SurveyDbContext db) : PageModel
{
    /// <summary>At most this many counters are listed; a real province has thousands.</summary>
    public const int MaxCounters = 60;

    public IReadOnlyList<CounterLink> Counters { get; private set; } = [];
    public int TotalCounters { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        var active = db.Counters.AsNoTracking().Where(c => c.IsActive && c.Unit.IsActive);
        TotalCounters = await active.CountAsync(ct);
        Counters = await active
            .OrderBy(c => c.Unit.SortOrder).ThenBy(c => c.Code)
            .Take(MaxCounters)
            .Select(c => new CounterLink(c.Code, c.Name, c.Unit.Name))
            .ToListAsync(ct);
    }

    public sealed record CounterLink(string Code, string Name, string UnitName);
}
