using CchcSurvey.Core.Plans;
using CchcSurvey.Web.Administration;
using CchcSurvey.Web.Data;
using CchcSurvey.Web.Infrastructure;
using CchcSurvey.Web.Plans;
using CchcSurvey.Web.Security;
using CchcSurvey.Web.Workspace;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace CchcSurvey.Web.Pages.Plans;

/// <summary>
/// /plans: the plans the official sees (their unit issued them, or they assign work to it) with today's four
/// buckets; managers and administrators create a plan from the two CSV files or copy a previous year's plan.
/// </summary>
public sealed class IndexModel(PlanService plans, OfficialScope scope, LocalClock clock) : PageModel
{
    public sealed record Row(Plan Plan, IReadOnlyDictionary<TaskBucket, int> Summary, bool Full);

    public IReadOnlyList<Row> Rows { get; private set; } = [];
    public IReadOnlyList<Unit> Units { get; private set; } = [];
    public bool CanAct => WorkspaceRoles.CanAct(User);
    public IReadOnlyList<string> Errors { get; private set; } = [];
    public string? Done { get; private set; }

    [BindProperty] public string? Code { get; set; }
    [BindProperty] public string? Title { get; set; }
    [BindProperty] public string? Unit { get; set; }
    [BindProperty] public string? Year { get; set; }
    [BindProperty] public string? Start { get; set; }
    [BindProperty] public string? Deadline { get; set; }
    [BindProperty] public string? Source { get; set; }
    [BindProperty] public IFormFile? CriteriaFile { get; set; }
    [BindProperty] public IFormFile? TasksFile { get; set; }

    public async Task OnGetAsync(string? created, CancellationToken ct)
    {
        Done = created;
        await LoadAsync(ct);
    }

    public async Task<IActionResult> OnPostImportAsync(CancellationToken ct)
    {
        if (!CanAct) return StatusCode(StatusCodes.Status403Forbidden);
        if (!string.IsNullOrWhiteSpace(Unit) && await scope.FindVisibleUnitAsync(Unit.Trim(), ct) is null) return NotFound();
        var errors = new List<string>();
        var header = Header(errors);
        if (CriteriaFile is null || CriteriaFile.Length == 0) errors.Add("Hãy chọn tệp tiêu chí (CSV).");
        else if (CriteriaFile.Length > 1024 * 1024 || (TasksFile?.Length ?? 0) > 1024 * 1024) errors.Add("Tệp CSV tối đa 1 MB.");
        if (errors.Count > 0 || header is null) return await FailAsync(errors, ct);
        using var criteria = new StreamReader(CriteriaFile!.OpenReadStream());
        using var tasks = TasksFile is { Length: > 0 } ? new StreamReader(TasksFile.OpenReadStream()) : null;
        var (result, importErrors) = await plans.ImportAsync(User, AuditLog.ActorOf(User), header, criteria, tasks, ct);
        if (result.Status == StatusCodes.Status404NotFound) return NotFound();
        if (!result.Ok) return await FailAsync(importErrors, ct);
        return LocalRedirect($"/plans/{header.Code}");
    }

    public async Task<IActionResult> OnPostCopyAsync(CancellationToken ct)
    {
        if (!CanAct) return StatusCode(StatusCodes.Status403Forbidden);
        if (!string.IsNullOrWhiteSpace(Unit) && await scope.FindVisibleUnitAsync(Unit.Trim(), ct) is null) return NotFound();
        if (!string.IsNullOrWhiteSpace(Source) && (await plans.ViewAsync(Source.Trim(), clock.Today(), withFigures: false, ct)) is not { Full: true }) return NotFound();
        var errors = new List<string>();
        var header = Header(errors);
        if (string.IsNullOrWhiteSpace(Source)) errors.Add("Hãy chọn kế hoạch để sao chép.");
        if (errors.Count > 0 || header is null) return await FailAsync(errors, ct);
        var (result, copyErrors) = await plans.CopyAsync(User, Source!, header, ct);
        if (result.Status == StatusCodes.Status404NotFound) return NotFound();
        if (!result.Ok) return await FailAsync(copyErrors, ct);
        return LocalRedirect($"/plans/{header.Code}");
    }

    private PlanHeader? Header(List<string> errors)
    {
        int year = 0;
        if (!int.TryParse(Year, out year)) errors.Add($"Năm '{Year}' không phải là số.");
        DateOnly start = default, deadline = default;
        if (!PlanImport.TryParseDate(Start, out start)) errors.Add($"Ngày bắt đầu '{Start}' không phải là ngày (yyyy-MM-dd).");
        if (!PlanImport.TryParseDate(Deadline, out deadline)) errors.Add($"Hạn hoàn thành '{Deadline}' không phải là ngày (yyyy-MM-dd).");
        if (string.IsNullOrWhiteSpace(Unit)) errors.Add("Hãy chọn đơn vị ban hành.");
        return errors.Count > 0 ? null : new PlanHeader(Code?.Trim() ?? "", Title?.Trim() ?? "", Unit!.Trim(), year, start, deadline);
    }

    private async Task<IActionResult> FailAsync(IReadOnlyList<string> errors, CancellationToken ct)
    {
        Errors = errors;
        await LoadAsync(ct);
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var today = clock.Today();
        var rows = new List<Row>();
        foreach (var plan in await plans.VisiblePlansAsync(ct))
            if (await plans.ViewAsync(plan.Code, today, withFigures: false, ct) is { } view)
                rows.Add(new Row(view.Plan, view.Summary, view.Full));
        Rows = rows;
        if (CanAct) Units = await (await scope.VisibleUnitsAsync(ct)).AsNoTracking().Where(u => u.IsActive).OrderBy(u => u.Path).ToListAsync(ct);
    }
}
