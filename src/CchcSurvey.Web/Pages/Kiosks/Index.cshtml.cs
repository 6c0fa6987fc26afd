using CchcSurvey.Web.Administration;
using CchcSurvey.Web.Data;
using CchcSurvey.Web.Data.Configurations;
using CchcSurvey.Web.Integrity;
using CchcSurvey.Web.Pages.Admin;
using CchcSurvey.Web.Security;
using CchcSurvey.Web.Surveys;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace CchcSurvey.Web.Pages.Kiosks;

/// <summary>
/// <c>/admin/kiosks</c>: the counter tablets of the official's scope (managers) or of every counter (administrators):
/// create one with an enrolment link and its QR code (single use, short-lived), list them with when they were last
/// seen, rename, give a new link, revoke. A tablet or counter outside the scope answers 404; every change is audited.
/// Under <c>/admin</c> in the URL but not in the Admin folder, because managers use it too (<c>Policies.Staff</c>).
/// </summary>
public sealed class IndexModel(SurveyDbContext db, OfficialScope scope, KioskCredentials kiosks, AuditLog audit,
    IStringLocalizer<AdminResource> a) : PageModel
{
    public sealed record CounterOption(string Code, string Name, string UnitName);

    public sealed record TabletRow(int Id, string Name, string Counter, string CounterName, DateTime CreatedUtc, DateTime? EnrolledUtc,
        DateTime? LastSeenUtc, DateTime? RevokedUtc, bool LinkPending);

    public IReadOnlyList<CounterOption> Counters { get; private set; } = [];
    public IReadOnlyList<TabletRow> Tablets { get; private set; } = [];

    [BindProperty] public string? Counter { get; set; }
    [BindProperty] public string? Name { get; set; }

    public IssuedEnrolment? Issued { get; private set; }
    public string? IssuedSvg { get; private set; }
    public string? Message { get; private set; }
    public string? Error { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostCreateAsync(CancellationToken ct)
    {
        var counter = string.IsNullOrWhiteSpace(Counter) ? null : await IntegrityApi.VisibleCounterAsync(db, scope, Counter.Trim(), ct);
        if (counter is null) return NotFound();
        var name = (Name ?? "").Trim();
        if (name.Length == 0 || name.Length > KioskTabletConfiguration.NameLength || name.Any(char.IsControl))
            return await InvalidAsync(a["Tên máy tính bảng phải có từ 1 đến {0} ký tự, trên một dòng.", KioskTabletConfiguration.NameLength], ct);
        Issued = await kiosks.IssueAsync(counter, name, BaseUrl, ct);
        await audit.WriteAsync(User, AuditActions.KioskCreate, $"kiosk:{Issued.Tablet.Id}", $"{counter.Code}: {name}", ct);
        Issued.Tablet.Counter = counter;
        IssuedSvg = QrPoster.ScalableSvg(QrCodes.Svg(Issued.Url, 4));
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostLinkAsync(int id, CancellationToken ct)
    {
        var tablet = await VisibleTabletAsync(id, ct);
        if (tablet is null) return NotFound();
        if (tablet.RevokedUtc is not null) return await InvalidAsync(a["Máy tính bảng này đã bị thu hồi; hãy tạo máy mới."], ct);
        Issued = await kiosks.ReissueAsync(tablet, BaseUrl, ct);
        await audit.WriteAsync(User, AuditActions.KioskLink, $"kiosk:{tablet.Id}", $"{tablet.Counter.Code}: {tablet.Name}", ct);
        IssuedSvg = QrPoster.ScalableSvg(QrCodes.Svg(Issued.Url, 4));
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostRenameAsync(int id, CancellationToken ct)
    {
        var tablet = await VisibleTabletAsync(id, ct);
        if (tablet is null) return NotFound();
        var name = (Name ?? "").Trim();
        if (name.Length == 0 || name.Length > KioskTabletConfiguration.NameLength || name.Any(char.IsControl))
            return await InvalidAsync(a["Tên máy tính bảng phải có từ 1 đến {0} ký tự, trên một dòng.", KioskTabletConfiguration.NameLength], ct);
        var old = tablet.Name;
        tablet.Name = name;
        audit.Add(AuditLog.ActorOf(User), AuditActions.KioskRename, $"kiosk:{tablet.Id}", $"{tablet.Counter.Code}: {old} → {name}");
        await db.SaveChangesAsync(ct);
        return RedirectToPage(new { done = "rename" });
    }

    public async Task<IActionResult> OnPostRevokeAsync(int id, CancellationToken ct)
    {
        var tablet = await VisibleTabletAsync(id, ct);
        if (tablet is null) return NotFound();
        if (tablet.RevokedUtc is null)
        {
            tablet.RevokedUtc = DateTime.UtcNow;
            tablet.EnrolmentCodeHash = null;
            audit.Add(AuditLog.ActorOf(User), AuditActions.KioskRevoke, $"kiosk:{tablet.Id}", $"{tablet.Counter.Code}: {tablet.Name}");
            await db.SaveChangesAsync(ct);
        }
        return RedirectToPage(new { done = "revoke" });
    }

    private string BaseUrl => $"{Request.Scheme}://{Request.Host}{Request.PathBase}";

    private async Task<KioskTablet?> VisibleTabletAsync(int id, CancellationToken ct)
    {
        var tablet = await db.KioskTablets.Include(t => t.Counter).ThenInclude(c => c.Unit).FirstOrDefaultAsync(t => t.Id == id, ct);
        if (tablet is null) return null;
        await scope.RootAsync(ct);
        return scope.CanSee(tablet.Counter.Unit) ? tablet : null;
    }

    private async Task<IActionResult> InvalidAsync(string error, CancellationToken ct)
    {
        Error = error;
        Response.StatusCode = StatusCodes.Status400BadRequest;
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Message = Request.Query["done"].ToString() switch
        {
            "rename" => a["Đã đổi tên máy tính bảng."].Value,
            "revoke" => a["Đã thu hồi máy tính bảng: câu trả lời nó gửi từ nay bị từ chối."].Value,
            _ => null,
        };
        var visible = await scope.VisibleUnitsAsync(ct);
        var unitIds = await visible.Select(u => u.Id).ToListAsync(ct);
        Counters = await db.Counters.AsNoTracking().Where(c => c.IsActive && c.Unit.IsActive && unitIds.Contains(c.UnitId)).OrderBy(c => c.Code)
            .Select(c => new CounterOption(c.Code, c.Name, c.Unit.Name)).ToListAsync(ct);
        var now = DateTime.UtcNow;
        Tablets = await db.KioskTablets.AsNoTracking().Where(t => unitIds.Contains(t.Counter.UnitId))
            .OrderBy(t => t.Counter.Code).ThenBy(t => t.Id)
            .Select(t => new TabletRow(t.Id, t.Name, t.Counter.Code, t.Counter.Name, t.CreatedUtc, t.EnrolledUtc, t.LastSeenUtc, t.RevokedUtc,
                t.EnrolmentCodeHash != null && t.EnrolmentExpiresUtc > now))
            .ToListAsync(ct);
    }
}
