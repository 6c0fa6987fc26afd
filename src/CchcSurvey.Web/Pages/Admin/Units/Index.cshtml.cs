using CchcSurvey.Web.Administration;
using CchcSurvey.Web.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace CchcSurvey.Web.Pages.Admin.Units;

/// <summary>The unit tree as a table, and the form that creates a unit under a parent (or as a new root).</summary>
public sealed class IndexModel(SurveyDbContext db, UnitAdministration units, IStringLocalizer<AdminResource> text) : PageModel
{
    public IReadOnlyList<Unit> Rows { get; private set; } = [];
    public IReadOnlyDictionary<int, Unit> ById { get; private set; } = new Dictionary<int, Unit>();
    public IReadOnlyDictionary<int, int> CounterCounts { get; private set; } = new Dictionary<int, int>();
    public IReadOnlyList<UnitChoice> Parents { get; private set; } = [];
    public string? Error { get; private set; }
    public string? Message { get; private set; }

    [BindProperty] public UnitForm Form { get; set; } = new();

    public async Task OnGetAsync(string? created, CancellationToken ct)
    {
        if (!string.IsNullOrEmpty(created)) Message = text["Đã tạo đơn vị {0}.", created];
        await LoadAsync(ct);
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var result = await units.CreateAsync(AuditLog.ActorOf(User), Form.Parent, Form.Code, Form.Name, Form.Level, ct);
        if (result.Ok) return RedirectToPage(new { created = Form.Code?.Trim() });
        Error = text[result.Error!];
        Response.StatusCode = StatusCodes.Status400BadRequest;
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var all = await db.Units.AsNoTracking().ToListAsync(ct);
        Rows = UnitAdministration.TreeOrder(all);
        ById = all.ToDictionary(u => u.Id);
        CounterCounts = await db.Counters.AsNoTracking().GroupBy(c => c.UnitId).Select(g => new { g.Key, Count = g.Count() })
            .ToDictionaryAsync(x => x.Key, x => x.Count, ct);
        Parents = await units.ChoicesAsync(activeOnly: true, ct);
    }

    public sealed class UnitForm
    {
        public string? Parent { get; set; }
        public string? Code { get; set; }
        public string? Name { get; set; }
        public string? Level { get; set; }
    }
}
