using CchcSurvey.Web.Data;
using CchcSurvey.Web.Infrastructure;
using CchcSurvey.Web.Security;
using CchcSurvey.Web.Workspace;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace CchcSurvey.Web.Pages.Dashboard.Cases;

/// <summary>One case: the comment it came from, status, assignee (an official whose scope contains the unit),
/// internal notes (appended, with author and date) and the optional public answer. Viewers read only.</summary>
public sealed class DetailModel(OfficialScope scope, SurveyDbContext db, LocalClock clock, Webhooks.WebhookOutbox webhooks,
    Surveys.InstrumentRegistry registry, Administration.AuditLog audit) : PageModel
{
    public sealed record Assignable(string Id, string Email);

    public FollowUpCase Case { get; private set; } = null!;
    public string CommentText { get; private set; } = "";
    public int? Rating { get; private set; }
    public string Instrument { get; private set; } = "";
    /// <summary>Highest level of the answered version's overall rating.</summary>
    public int RatingScale { get; private set; } = 5;
    public DateOnly CommentDate { get; private set; }
    public DateOnly Opened { get; private set; }
    public bool Overdue { get; private set; }
    public IReadOnlyList<Assignable> Assignees { get; private set; } = [];
    public bool CanAct => WorkspaceRoles.CanAct(User);
    public string? Error { get; private set; }

    [BindProperty] public CaseStatus Status { get; set; }
    [BindProperty] public string? AssigneeId { get; set; }
    [BindProperty] public string? Note { get; set; }
    [BindProperty] public string? PublicAnswer { get; set; }

    public async Task<IActionResult> OnGetAsync(int id, CancellationToken ct) =>
        await LoadAsync(id, tracking: false, ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostAsync(int id, CancellationToken ct)
    {
        if (!CanAct) return StatusCode(StatusCodes.Status403Forbidden);
        if (!await LoadAsync(id, tracking: true, ct)) return NotFound();
        if (!Enum.IsDefined(Status)) Error = "status";
        var assignee = string.IsNullOrEmpty(AssigneeId) ? null : Assignees.FirstOrDefault(a => a.Id == AssigneeId);
        if (!string.IsNullOrEmpty(AssigneeId) && assignee is null) Error = "assignee";
        if ((Note?.Length ?? 0) > 4000 || (PublicAnswer?.Length ?? 0) > 4000) Error = "length";
        if (Error is not null)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        var now = DateTime.UtcNow;
        if (Case.Status != CaseStatus.Answered && Status == CaseStatus.Answered)
        {
            Case.AnsweredUtc = now;
            // Staged on this context: saved (and so sent) only together with the answer.
            await webhooks.StageAsync(Webhooks.WebhookEvents.CaseAnswered, new Webhooks.CaseAnsweredData(Case.Id, Case.Unit.Code, Case.Unit.Name,
                Webhooks.WebhookJson.Date(DateOnly.FromDateTime(clock.ToLocal(now))), Webhooks.WebhookJson.Date(Case.DueDate), $"/dashboard/cases/{Case.Id}"), ct);
        }
        if (Status != CaseStatus.Answered) Case.AnsweredUtc = null;
        Case.Status = Status;
        Case.AssigneeId = assignee?.Id;
        Case.PublicAnswer = string.IsNullOrWhiteSpace(PublicAnswer) ? null : PublicAnswer.Trim();
        if (!string.IsNullOrWhiteSpace(Note))
            Case.InternalNotes += $"[{clock.ToLocal(now):dd/MM/yyyy HH:mm} {User.Identity?.Name}] {Note.Trim()}\n";
        await audit.AddForUnitAsync(User, Administration.AuditActions.CaseUpdate, Case.UnitId,
            $"case {id}: status {Status}; assignee {assignee?.Email ?? "-"}{(string.IsNullOrWhiteSpace(Note) ? "" : "; note added")}{(Case.PublicAnswer is null ? "" : "; public answer set")}", ct);
        await db.SaveChangesAsync(ct);
        return LocalRedirect($"/dashboard/cases/{id}");
    }

    private async Task<bool> LoadAsync(int id, bool tracking, CancellationToken ct)
    {
        var visible = await scope.VisibleUnitIdsAsync(ct);
        var query = db.Cases.Include(c => c.Unit).Include(c => c.Assignee).Where(c => c.Id == id && visible.Contains(c.UnitId));
        var found = await (tracking ? query : query.AsNoTracking()).FirstOrDefaultAsync(ct);
        if (found is null) return false;
        Case = found;
        var response = await db.Responses.AsNoTracking().Where(r => r.Id == found.ResponseId)
            .Select(r => new { r.AnswersJson, r.SubmittedHourUtc, Code = r.InstrumentVersion.Code, r.InstrumentVersionId }).FirstAsync(ct);
        RatingScale = Workspace.Comments.ScaleOf((await registry.FindByIdAsync(db, response.InstrumentVersionId, ct))?.Definition);
        (var text, Rating) = Workspace.Comments.Read(response.AnswersJson);
        CommentText = text ?? "";
        Instrument = response.Code;
        CommentDate = DateOnly.FromDateTime(clock.ToLocal(response.SubmittedHourUtc));
        Opened = DateOnly.FromDateTime(clock.ToLocal(found.OpenedUtc));
        Overdue = CaseRules.IsOverdue(found.Status, found.DueDate, clock.Today());
        if (!tracking)
        {
            Status = found.Status;
            AssigneeId = found.AssigneeId;
            PublicAnswer = found.PublicAnswer;
        }
        // Officials who can see the case: those whose scope root is the unit or one of its ancestors.
        var unitPath = found.Unit.Path;
        var officials = await db.Users.AsNoTracking().Where(o => o.ScopeUnitId != null)
            .Select(o => new { o.Id, o.Email, Path = o.ScopeUnit!.Path }).ToListAsync(ct);
        Assignees = officials.Where(o => Indices.UnitPath.IsWithin(unitPath, o.Path) && o.Email is not null)
            .OrderBy(o => o.Email, StringComparer.Ordinal).Select(o => new Assignable(o.Id, o.Email!)).ToList();
        return true;
    }
}
