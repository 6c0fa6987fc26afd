using System.Text;
using CchcSurvey.Core.Organisation;
using CchcSurvey.Web.Administration;
using CchcSurvey.Web.Data;
using CchcSurvey.Web.Organisation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace CchcSurvey.Web.Pages.Admin.Units;

/// <summary>
/// Reorganising units with a crosswalk: upload (or paste) the file, see the preview with every change and every error
/// by line, confirm the officials whose scope would widen, apply as a background job, follow its progress.
/// </summary>
[RequestFormLimits(MultipartBodyLengthLimit = Reorganisation.MaxFileBytes * 2L)]
public sealed class ReorganiseModel(SurveyDbContext db, Reorganisation reorganisation, ReorganisationWorker worker,
    ReorganisationProgress progress, IStringLocalizer<AdminResource> text) : PageModel
{
    public ReorganisationPlan? Plan { get; private set; }
    public IReadOnlyList<string> Errors { get; private set; } = [];
    public string Csv { get; private set; } = "";
    public string FileName { get; private set; } = "";
    public ReorganisationJob? Job { get; private set; }
    public string? JobProgress { get; private set; }
    public IReadOnlyList<ReorganisationJob> Recent { get; private set; } = [];

    public bool JobRunning => Job is { Status: ReorganisationStatus.Queued or ReorganisationStatus.Running };

    public async Task OnGetAsync(int? job, CancellationToken ct) => await LoadAsync(job, ct);

    public async Task<IActionResult> OnPostPreviewAsync(IFormFile? file, string? csv, CancellationToken ct)
    {
        var (content, name, error) = await ReadAsync(file, csv, ct);
        Csv = content;
        FileName = name;
        if (error is not null) return await RefuseAsync([error], ct);
        var preview = await reorganisation.PreviewAsync(content, ct);
        if (!preview.Ok) return await RefuseAsync(preview.AllErrors, ct);
        Plan = preview.Plan;
        await LoadAsync(null, ct);
        return Page();
    }

    public async Task<IActionResult> OnPostApplyAsync(string? csv, string? fileName, string[]? confirm, string? effective, CancellationToken ct)
    {
        Csv = csv ?? "";
        FileName = fileName ?? "crosswalk.csv";
        if (Csv.Length == 0 || Encoding.UTF8.GetByteCount(Csv) > Reorganisation.MaxFileBytes)
            return await RefuseAsync([text["Hãy chọn tệp bảng chuyển đổi (tối đa 1 MB)."]], ct);
        DateOnly? effectiveDate = null;
        if (!string.IsNullOrEmpty(effective))
        {
            if (!DateOnly.TryParseExact(effective, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var date))
                return await RefuseAsync([text["Ngày có hiệu lực cần dạng yyyy-MM-dd."]], ct);
            effectiveDate = date;
        }
        var (job, errors) = await reorganisation.QueueAsync(AuditLog.ActorOf(User), FileName, Csv, confirm ?? [], ct, effectiveDate);
        if (job is null)
        {
            var preview = await reorganisation.PreviewAsync(Csv, ct);
            Plan = preview.Plan is { Ok: true } ? preview.Plan : null;
            return await RefuseAsync(errors, ct);
        }
        worker.Wake();
        return RedirectToPage(new { job = job.Id });
    }

    private async Task<IActionResult> RefuseAsync(IReadOnlyList<string> errors, CancellationToken ct)
    {
        Errors = errors;
        Response.StatusCode = StatusCodes.Status400BadRequest;
        await LoadAsync(null, ct);
        return Page();
    }

    private async Task<(string Content, string Name, string? Error)> ReadAsync(IFormFile? file, string? csv, CancellationToken ct)
    {
        if (file is { Length: > 0 })
        {
            if (file.Length > Reorganisation.MaxFileBytes) return ("", file.FileName, text["Hãy chọn tệp bảng chuyển đổi (tối đa 1 MB)."]);
            using var reader = new StreamReader(file.OpenReadStream(), Encoding.UTF8);
            return (await reader.ReadToEndAsync(ct), file.FileName, null);
        }
        if (!string.IsNullOrWhiteSpace(csv) && Encoding.UTF8.GetByteCount(csv) <= Reorganisation.MaxFileBytes) return (csv, "crosswalk.csv", null);
        return ("", "", text["Hãy chọn tệp bảng chuyển đổi (tối đa 1 MB)."]);
    }

    private async Task LoadAsync(int? job, CancellationToken ct)
    {
        if (job is int id)
        {
            Job = await db.ReorganisationJobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == id, ct);
            if (Job is not null) JobProgress = progress.Of(Job.Id);
        }
        Recent = await db.ReorganisationJobs.AsNoTracking().OrderByDescending(j => j.Id).Take(10).ToListAsync(ct);
    }
}
