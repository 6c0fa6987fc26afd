using CchcSurvey.Web.Administration;
using CchcSurvey.Web.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace CchcSurvey.Web.Pages.Admin.Counters;

/// <summary>Edits one counter: name, offered instruments, default instrument, active, opening hours. Code and unit stay (responses point at them).</summary>
public sealed class EditModel(SurveyDbContext db, AuditLog audit, IStringLocalizer<AdminResource> text) : PageModel
{
    public Counter Counter { get; private set; } = null!;
    public IReadOnlyList<string> Published { get; private set; } = [];
    public string? Error { get; private set; }
    public string? Message { get; private set; }

    [BindProperty] public CounterForm Form { get; set; } = new();

    public async Task<IActionResult> OnGetAsync(string code, bool saved, CancellationToken ct)
    {
        if (!await LoadAsync(code, ct)) return NotFound();
        Form = CounterForm.From(Counter, Counter.Unit.Code);
        if (saved) Message = text["Đã lưu quầy."];
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string code, CancellationToken ct)
    {
        if (!await LoadAsync(code, ct)) return NotFound();
        if (Form.Check(Published) is { } error)
        {
            Error = text[error.Key, error.Arguments];
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        var counter = await db.Counters.FirstAsync(c => c.Id == Counter.Id, ct);
        var before = CounterForm.From(counter, Counter.Unit.Code).Describe();
        Form.ApplyTo(counter);
        audit.Add(User, AuditActions.CounterUpdate, counter.Code, $"{before} → {Form.Describe()}");
        await db.SaveChangesAsync(ct);
        return RedirectToPage(new { code, saved = true });
    }

    private async Task<bool> LoadAsync(string code, CancellationToken ct)
    {
        var counter = await db.Counters.AsNoTracking().Include(c => c.Unit).FirstOrDefaultAsync(c => c.Code == code, ct);
        if (counter is null) return false;
        Counter = counter;
        Published = await db.InstrumentVersions.AsNoTracking().Where(v => v.IsCurrent).OrderBy(v => v.Code).Select(v => v.Code).ToListAsync(ct);
        return true;
    }
}
