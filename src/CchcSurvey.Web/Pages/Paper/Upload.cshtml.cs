using CchcSurvey.Web.Administration;
using CchcSurvey.Web.Data;
using CchcSurvey.Web.Paper;
using CchcSurvey.Web.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace CchcSurvey.Web.Pages.Paper;

/// <summary>
/// <c>/paper/upload</c>: upload a scanner's PDF (or images) as a background batch and follow its progress. A plain
/// form that works without JavaScript (the progress page refreshes itself); with it, the upload shows a progress
/// bar and the batch's progress is polled from <c>/api/v1/paper/batches/{id}</c>. Managers and administrators; a
/// batch uploaded outside the caller's scope is 404.
/// </summary>
[RequestSizeLimit(PaperApi.MaxUploadBytes)]
[RequestFormLimits(MultipartBodyLengthLimit = PaperApi.MaxUploadBytes)]
public sealed class UploadModel(PaperBatchStore batches, OfficialScope scope, IStringLocalizer<SharedResource> t) : PageModel
{
    [BindProperty(SupportsGet = true)] public Guid? Batch { get; set; }

    public PaperBatchProgress? Progress { get; private set; }
    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (Batch is not Guid id) return Page();
        var batch = await batches.FindAsync(id, scope, ct);
        if (batch is null) return NotFound();
        Progress = PaperBatchProgress.Of(batch);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(IFormFile? file, CancellationToken ct)
    {
        var root = await scope.RootAsync(ct);
        var (batch, refusal) = await batches.EnqueueAsync(file, AuditLog.ActorOf(User), root?.Id, ct);
        if (batch is not null) return Redirect($"/paper/upload?batch={batch.Id}");
        Error = refusal == PaperBatchStore.Refusal.NotAScan ? t["Tệp không phải PDF, PNG, JPEG hoặc TIFF."] : t["Chọn một tệp PDF, PNG, JPEG hoặc TIFF."];
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }
}
