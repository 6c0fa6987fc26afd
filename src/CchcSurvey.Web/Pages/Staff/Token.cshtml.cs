using CchcSurvey.Web.Data;
using CchcSurvey.Web.Infrastructure;
using CchcSurvey.Web.Integrity;
using CchcSurvey.Web.Pages.Admin;
using CchcSurvey.Web.Security;
using CchcSurvey.Web.Surveys;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace CchcSurvey.Web.Pages.Staff;

/// <summary>
/// <c>/staff/token</c>: counter staff (managers and administrators, within their scope) pick a counter and
/// print a small receipt slip with the QR code of a new single-use token for one dossier. Issuing is a POST
/// (antiforgery-checked), so a reload or a prefetch never creates tokens.
/// </summary>
public sealed class TokenModel(SurveyDbContext db, OfficialScope scope, DossierTokenService tokens, LocalClock clock, Administration.AuditLog audit) : PageModel
{
    public sealed record CounterOption(string Code, string Name, string UnitName);

    public IReadOnlyList<CounterOption> Counters { get; private set; } = [];

    [BindProperty(SupportsGet = true)] public string? Counter { get; set; }

    public IssuedToken? Issued { get; private set; }
    public string? Svg { get; private set; }
    public DateTime ExpiresLocal { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        // A preselected counter names a counter like the POST does: outside the scope it answers 404 too.
        if (!string.IsNullOrWhiteSpace(Counter) && await IntegrityApi.VisibleCounterAsync(db, scope, Counter.Trim(), ct) is null)
            return NotFound();
        await LoadCountersAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var counter = string.IsNullOrWhiteSpace(Counter) ? null : await IntegrityApi.VisibleCounterAsync(db, scope, Counter.Trim(), ct);
        if (counter is null) return NotFound();
        Issued = await tokens.IssueAsync(counter, Request, ct);
        await audit.AddForUnitAsync(User, Administration.AuditActions.DossierTokenIssue,
            counter.UnitId, $"counter {counter.Code}, printed slip", ct);
        await db.SaveChangesAsync(ct);
        Svg = QrPoster.ScalableSvg(QrCodes.Svg(Issued.Url, 4));
        ExpiresLocal = clock.ToLocal(Issued.ExpiresUtc);
        await LoadCountersAsync(ct);
        return Page();
    }

    private async Task LoadCountersAsync(CancellationToken ct)
    {
        var visible = await scope.VisibleUnitsAsync(ct);
        var unitIds = await visible.Where(u => u.IsActive).Select(u => u.Id).ToListAsync(ct);
        Counters = await db.Counters.AsNoTracking().Where(c => c.IsActive && unitIds.Contains(c.UnitId)).OrderBy(c => c.Code)
            .Select(c => new CounterOption(c.Code, c.Name, c.Unit.Name)).ToListAsync(ct);
    }
}
