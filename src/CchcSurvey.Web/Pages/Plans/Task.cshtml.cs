using CchcSurvey.Web.Infrastructure;
using CchcSurvey.Web.Plans;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CchcSurvey.Web.Pages.Plans;

/// <summary>/plans/{code}/tasks/{task}: a task's history and, for its lead units' managers, the progress report form with evidence files.</summary>
[RequestFormLimits(MultipartBodyLengthLimit = 64 * 1024 * 1024)]
[RequestSizeLimit(64 * 1024 * 1024)]
public sealed class TaskModel(PlanService plans, EvidenceStore evidence, LocalClock clock) : PageModel
{
    public PlanView View { get; private set; } = null!;
    public TaskView Item { get; private set; } = null!;
    public string? Error { get; private set; }
    public long MaxMegabytes => evidence.MaxBytes / 1024 / 1024;

    [BindProperty] public string? Status { get; set; }
    [BindProperty] public string? Note { get; set; }
    [BindProperty] public string? Date { get; set; }
    [BindProperty] public List<IFormFile> Files { get; set; } = [];

    public async Task<IActionResult> OnGetAsync(string code, string task, CancellationToken ct) =>
        await LoadAsync(code, task, ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostAsync(string code, string task, CancellationToken ct)
    {
        var uploads = new List<EvidenceUpload>();
        foreach (var file in Files.Where(f => f.Length > 0))
        {
            if (file.Length > evidence.MaxBytes)
            {
                // Refused before reading it all; the service would refuse it too.
                uploads.Add(new EvidenceUpload(file.FileName, new byte[evidence.MaxBytes + 1]));
                continue;
            }
            using var memory = new MemoryStream();
            await file.CopyToAsync(memory, ct);
            uploads.Add(new EvidenceUpload(file.FileName, memory.ToArray()));
        }
        var result = await plans.ReportProgressAsync(User, code, task, Status, Note, Date, uploads, ct);
        if (result.Status == StatusCodes.Status404NotFound) return NotFound();
        if (result.Status == StatusCodes.Status403Forbidden) return StatusCode(StatusCodes.Status403Forbidden);
        if (result.Ok) return LocalRedirect($"/plans/{code}#task-{task}");
        Error = result.Error;
        if (!await LoadAsync(code, task, ct)) return NotFound();
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }

    private async Task<bool> LoadAsync(string code, string task, CancellationToken ct)
    {
        var view = await plans.ViewAsync(code, clock.Today(), withFigures: false, ct);
        var item = view?.Tasks.FirstOrDefault(t => t.Task.Code == task);
        if (view is null || item is null) return false;
        View = view;
        Item = item;
        return true;
    }
}
