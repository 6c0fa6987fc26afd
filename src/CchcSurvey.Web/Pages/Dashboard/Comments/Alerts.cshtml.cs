using CchcSurvey.Web.Data;
using CchcSurvey.Web.Infrastructure;
using CchcSurvey.Web.Security;
using CchcSurvey.Web.Workspace;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace CchcSurvey.Web.Pages.Dashboard.Comments;

/// <summary>Open alerts in the official's scope, newest first; managers and administrators acknowledge them.</summary>
public sealed class AlertsModel(OfficialScope scope, SurveyDbContext db, LocalClock clock) : PageModel
{
    public sealed record AlertRow(long Id, string Kind, string UnitCode, string UnitName, DateOnly WeekStart, string Message, DateTime CreatedLocal, long? ResponseId, bool Emailed);

    public IReadOnlyList<AlertRow> Rows { get; private set; } = [];
    public bool CanAct => WorkspaceRoles.CanAct(User);

    public async Task OnGetAsync(CancellationToken ct)
    {
        var visible = await scope.VisibleUnitIdsAsync(ct);
        var rows = await db.Alerts.AsNoTracking().Where(a => a.AcknowledgedUtc == null && visible.Contains(a.UnitId))
            .OrderByDescending(a => a.CreatedUtc).ThenByDescending(a => a.Id).Take(500)
            .Select(a => new { a.Id, a.Kind, a.Unit.Code, a.Unit.Name, a.WeekStart, a.Message, a.CreatedUtc, a.ResponseId, a.EmailedUtc })
            .ToListAsync(ct);
        Rows = rows.Select(a => new AlertRow(a.Id, a.Kind, a.Code, a.Name, a.WeekStart, a.Message, clock.ToLocal(a.CreatedUtc), a.ResponseId, a.EmailedUtc is not null)).ToList();
    }

    /// <summary>Acknowledges an alert. Viewers: 403; outside the scope: 404.</summary>
    public async Task<IActionResult> OnPostAcknowledgeAsync(long id, CancellationToken ct)
    {
        if (!CanAct) return StatusCode(StatusCodes.Status403Forbidden);
        var visible = await scope.VisibleUnitIdsAsync(ct);
        var alert = await db.Alerts.FirstOrDefaultAsync(a => a.Id == id && visible.Contains(a.UnitId), ct);
        if (alert is null) return NotFound();
        if (alert.AcknowledgedUtc is null)
        {
            alert.AcknowledgedUtc = DateTime.UtcNow;
            alert.AcknowledgedBy = User.Identity?.Name;
            await HttpContext.RequestServices.GetRequiredService<Administration.AuditLog>()
                .AddForUnitAsync(User, Administration.AuditActions.AlertAcknowledge, alert.UnitId, $"alert {alert.Id} ({alert.Kind})", ct);
            await db.SaveChangesAsync(ct);
        }
        return LocalRedirect("/dashboard/alerts");
    }
}
