using CchcSurvey.Web.Data;
using CchcSurvey.Web.Infrastructure;
using CchcSurvey.Web.Security;
using CchcSurvey.Web.Workspace;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CchcSurvey.Web.Pages.Dashboard.Cases;

/// <summary>
/// Follow-up cases (phản ánh, kiến nghị) in the official's scope: open → in progress → answered, due 15 working
/// days after opening; overdue ones are highlighted. Managers and administrators open cases from a comment.
/// </summary>
public sealed class IndexModel(OfficialScope scope, SurveyDbContext db, LocalClock clock, IOptions<CaseOptions> options, OpaqueIds opaque, Webhooks.WebhookOutbox webhooks, Administration.AuditLog audit) : PageModel
{
    public sealed record CaseRow(int Id, string Title, string UnitCode, string UnitName, CaseStatus Status, DateOnly Opened, DateOnly Due, string? Assignee, bool Overdue);

    [BindProperty(SupportsGet = true)] public string? Status { get; set; }

    public IReadOnlyList<CaseRow> Rows { get; private set; } = [];
    public bool CanAct => WorkspaceRoles.CanAct(User);

    public async Task OnGetAsync(CancellationToken ct)
    {
        var visible = await scope.VisibleUnitIdsAsync(ct);
        var query = db.Cases.AsNoTracking().Where(c => visible.Contains(c.UnitId));
        if (Enum.TryParse<CaseStatus>(Status, ignoreCase: true, out var status)) query = query.Where(c => c.Status == status);
        else if (Status == "pending") query = query.Where(c => c.Status != CaseStatus.Answered);
        var today = clock.Today();
        // The dashboard's "Cần chú ý" strip links here with the overdue count (CaseRules.IsOverdue, in SQL).
        if (Status == "overdue") query = query.Where(c => c.Status != CaseStatus.Answered && c.DueDate < today);
        var rows = await query.OrderBy(c => c.Status == CaseStatus.Answered).ThenBy(c => c.DueDate).ThenBy(c => c.Id).Take(500)
            .Select(c => new { c.Id, c.Title, c.Unit.Code, c.Unit.Name, c.Status, c.OpenedUtc, c.DueDate, Assignee = c.Assignee == null ? null : c.Assignee.Email })
            .ToListAsync(ct);
        Rows = rows.Select(c => new CaseRow(c.Id, c.Title, c.Code, c.Name, c.Status, DateOnly.FromDateTime(clock.ToLocal(c.OpenedUtc)), c.DueDate, c.Assignee,
            CaseRules.IsOverdue(c.Status, c.DueDate, today))).ToList();
    }

    /// <summary>Opens a case from a comment (or shows the existing one). Viewers: 403; outside the scope: 404.</summary>
    /// <param name="responseId">The comment's opaque identifier (<see cref="OpaqueIds"/>), never the sequential id.</param>
    public async Task<IActionResult> OnPostOpenAsync(string? responseId, CancellationToken ct)
    {
        if (!CanAct) return StatusCode(StatusCodes.Status403Forbidden);
        if (await opaque.FromOpaqueAsync(OpaqueKind.Response, responseId, ct) is not long id) return NotFound();
        var visible = await scope.VisibleUnitIdsAsync(ct);
        var response = await db.Responses.AsNoTracking().WithComment().Where(r => r.Id == id && visible.Contains(r.UnitId))
            .Select(r => new { r.Id, r.UnitId, r.AnswersJson }).FirstOrDefaultAsync(ct);
        if (response is null) return NotFound();
        var existing = await db.Cases.AsNoTracking().Where(c => c.ResponseId == id).Select(c => (int?)c.Id).FirstOrDefaultAsync(ct);
        if (existing is int caseId) return LocalRedirect($"/dashboard/cases/{caseId}");

        var text = Workspace.Comments.Read(response.AnswersJson).Text ?? "";
        var now = DateTime.UtcNow;
        var followUp = new FollowUpCase
        {
            ResponseId = response.Id,
            UnitId = response.UnitId,
            Title = text.Length > 120 ? text[..120] + "…" : text,
            Status = CaseStatus.Open,
            OpenedUtc = now,
            OpenedBy = User.Identity?.Name ?? "",
            DueDate = CaseRules.DueDate(DateOnly.FromDateTime(clock.ToLocal(now)), options.Value),
        };
        // The case and its case.opened deliveries (which carry the new id) commit together.
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            db.Cases.Add(followUp);
            await db.SaveChangesAsync(ct);
            var unit = await db.Units.AsNoTracking().Where(u => u.Id == followUp.UnitId).Select(u => new { u.Code, u.Name }).FirstAsync(ct);
            var (instrument, rating, _) = await webhooks.ResponseFactsAsync(followUp.ResponseId, ct);
            await webhooks.StageAsync(Webhooks.WebhookEvents.CaseOpened, new Webhooks.CaseOpenedData(followUp.Id, unit.Code, unit.Name,
                Webhooks.WebhookJson.Date(DateOnly.FromDateTime(clock.ToLocal(now))), Webhooks.WebhookJson.Date(followUp.DueDate), instrument, rating,
                $"/dashboard/cases/{followUp.Id}"), ct);
            await audit
                .AddForUnitAsync(User, Administration.AuditActions.CaseOpen, followUp.UnitId, $"case {followUp.Id} opened from a comment, due {followUp.DueDate:yyyy-MM-dd}", ct);
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }
        return LocalRedirect($"/dashboard/cases/{followUp.Id}");
    }
}

public static class CaseRules
{
    public static DateOnly DueDate(DateOnly opened, CaseOptions options) =>
        WorkingDays.Add(opened, options.WorkingDays, options.HolidayDates());

    /// <summary>Not answered and past its due date (the due date itself is still in time).</summary>
    public static bool IsOverdue(CaseStatus status, DateOnly due, DateOnly today) => status != CaseStatus.Answered && today > due;
}
