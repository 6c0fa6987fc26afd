using CchcSurvey.Web.Data;
using CchcSurvey.Web.Infrastructure;
using CchcSurvey.Web.Security;
using CchcSurvey.Web.Workspace;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace CchcSurvey.Web.Pages.Dashboard.Comments;

/// <summary>
/// Open alerts in the official's scope, newest day first; managers and administrators acknowledge them. An alert
/// shows the local date it was raised, never a time, and an opaque identifier; alerts of one day are ordered by
/// unit and kind, then by that identifier — never by their sequential id, which follows the responses' order
/// (METHODOLOGY §6, Unlinkable).
/// </summary>
public sealed class AlertsModel(OfficialScope scope, SurveyDbContext db, LocalClock clock, OpaqueIds opaque, Administration.AuditLog audit) : PageModel
{
    public const int MaxRows = 500;

    public sealed record AlertRow(string Ref, string Kind, string UnitCode, string UnitName, DateOnly WeekStart, string Message, DateOnly Raised, bool Emailed);

    public IReadOnlyList<AlertRow> Rows { get; private set; } = [];
    public bool CanAct => WorkspaceRoles.CanAct(User);

    public async Task OnGetAsync(CancellationToken ct)
    {
        var visible = await scope.VisibleUnitIdsAsync(ct);
        var rows = await db.Alerts.AsNoTracking().Where(a => a.AcknowledgedUtc == null && visible.Contains(a.UnitId))
            .Select(a => new { a.Id, a.Kind, a.Unit.Code, a.Unit.Name, a.WeekStart, a.Message, a.CreatedUtc, a.EmailedUtc })
            .ToListAsync(ct);
        var encode = await opaque.EncoderAsync(OpaqueKind.Alert, ct);
        Rows = rows.Select(a => new AlertRow(encode(a.Id), a.Kind, a.Code, a.Name, a.WeekStart, a.Message, DateOnly.FromDateTime(clock.ToLocal(a.CreatedUtc)), a.EmailedUtc is not null))
            .OrderByDescending(a => a.Raised).ThenBy(a => a.UnitCode, StringComparer.Ordinal).ThenBy(a => a.Kind, StringComparer.Ordinal)
            .ThenBy(a => a.Ref, StringComparer.Ordinal).Take(MaxRows).ToList();
    }

    /// <summary>Acknowledges an alert. Viewers: 403; outside the scope: 404.</summary>
    public async Task<IActionResult> OnPostAcknowledgeAsync(string? id, CancellationToken ct)
    {
        if (!CanAct) return StatusCode(StatusCodes.Status403Forbidden);
        if (await opaque.FromOpaqueAsync(OpaqueKind.Alert, id, ct) is not long alertId) return NotFound();
        var visible = await scope.VisibleUnitIdsAsync(ct);
        var alert = await db.Alerts.FirstOrDefaultAsync(a => a.Id == alertId && visible.Contains(a.UnitId), ct);
        if (alert is null) return NotFound();
        if (alert.AcknowledgedUtc is null)
        {
            alert.AcknowledgedUtc = DateTime.UtcNow;
            alert.AcknowledgedBy = User.Identity?.Name;
            await audit
                .AddForUnitAsync(User, Administration.AuditActions.AlertAcknowledge, alert.UnitId, $"alert {alert.Id} ({alert.Kind})", ct);
            await db.SaveChangesAsync(ct);
        }
        return LocalRedirect("/dashboard/alerts");
    }
}
