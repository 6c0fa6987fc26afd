using CchcSurvey.Web.Administration;
using CchcSurvey.Web.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace CchcSurvey.Web.Pages.Admin.Counters;

/// <summary>Every counter with its unit and instruments, and the form that creates one.</summary>
public sealed class IndexModel(SurveyDbContext db, UnitAdministration units, AuditLog audit, IStringLocalizer<AdminResource> text) : PageModel
{
    public IReadOnlyList<Counter> Counters { get; private set; } = [];
    public IReadOnlyList<UnitChoice> Units { get; private set; } = [];
    public IReadOnlyList<string> Published { get; private set; } = [];
    public string? Error { get; private set; }
    public string? Message { get; private set; }

    [BindProperty] public CounterForm Form { get; set; } = new() { Instruments = ["NHANH"], DefaultInstrument = "NHANH" };

    public async Task OnGetAsync(string? created, CancellationToken ct)
    {
        if (!string.IsNullOrEmpty(created)) Message = text["Đã tạo quầy {0}.", created];
        await LoadAsync(ct);
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        var code = Form.Code?.Trim() ?? "";
        var unit = await db.Units.FirstOrDefaultAsync(u => u.Code == Form.Unit, ct);
        var error =
            !CounterForm.IsValidCode(code) ? new CounterFormError("Mã quầy phải gồm 1–40 chữ cái, chữ số, '-' hoặc '_'.")
            : await db.Counters.AnyAsync(c => c.Code == code, ct) ? new CounterFormError("Mã quầy này đã có.")
            : unit is null ? new CounterFormError("Không tìm thấy đơn vị.")
            : !unit.IsActive ? new CounterFormError("Đơn vị đã ngừng hoạt động.")
            : Form.Check(Published);
        if (error is not null)
        {
            Error = text[error.Key, error.Arguments];
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        var counter = new Counter { Code = code, Name = "", UnitId = unit!.Id };
        Form.ApplyTo(counter);
        db.Counters.Add(counter);
        audit.Add(User, AuditActions.CounterCreate, code, $"unit {unit.Code}; {Form.Describe()}");
        await db.SaveChangesAsync(ct);
        return RedirectToPage(new { created = code });
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Counters = await db.Counters.AsNoTracking().Include(c => c.Unit).OrderBy(c => c.Unit.Path).ThenBy(c => c.Code).ToListAsync(ct);
        Units = await units.ChoicesAsync(activeOnly: true, ct);
        Published = await db.InstrumentVersions.AsNoTracking().Where(v => v.IsCurrent).OrderBy(v => v.Code).Select(v => v.Code).ToListAsync(ct);
    }
}
