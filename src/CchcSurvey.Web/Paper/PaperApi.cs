using System.Globalization;
using CchcSurvey.Web.Administration;
using CchcSurvey.Web.Api;
using CchcSurvey.Web.Data;
using CchcSurvey.Web.Integrity;
using CchcSurvey.Web.Security;
using CchcSurvey.Web.Surveys;

namespace CchcSurvey.Web.Paper;

/// <summary>
/// <c>GET /api/v1/paper/forms/{counter}/{instrument}.pdf?sheets=N[&amp;lang=en]</c>, <c>…/{instrument}/layout.json</c>
/// and <c>POST /api/v1/paper/scans</c>: managers and administrators (cookie or bearer token), counters within
/// their scope (404 otherwise).
/// </summary>
public static class PaperApi
{
    /// <summary>A 500-page scan at 300 dpi in JPEG is a few hundred megabytes at most.</summary>
    public const long MaxUploadBytes = 512L * 1024 * 1024;

    public static void MapPaperApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/paper").RequireAuthorization(Policies.Staff);

        api.MapGet("/forms/{counter}/{file}", async (string counter, string file, int? sheets, string? lang, HttpContext http,
            OfficialScope scope, SurveyDbContext db, InstrumentRegistry registry, PaperService paper, CancellationToken ct) =>
        {
            if (!file.EndsWith(".pdf", StringComparison.Ordinal)) return Problems.NotFound("Unknown form file.");
            var found = await FindAsync(counter, file[..^4], db, scope, registry, ct);
            if (found.Problem is not null) return found.Problem;
            if (sheets is not int n || n < 1 || n > PaperService.MaxSheets)
                return Problems.Invalid($"sheets must be a whole number from 1 to {PaperService.MaxSheets}.", "sheets");
            var pdf = await paper.PrintAsync(found.Counter!, found.Instrument!, n, lang ?? "vi", AuditLog.ActorOf(http.User), ct);
            return Results.File(pdf, "application/pdf", $"{found.Counter!.Code}-{found.Instrument!.Code}-{n}.pdf");
        })
            .Produces(StatusCodes.Status200OK, typeof(Stream), "application/pdf")
            .Describe(Tag, "getPaperForms", "Printable questionnaires",
                "`{file}` is `{instrument}.pdf`: an A4 PDF of `sheets` (1–500) questionnaires of the counter, each with its own serial in a " +
                "QR code on every page (stored for the counter when printed). `lang=en` prints the English texts. Managers and " +
                "administrators within scope; outside it, or unknown: 404.", 400, 404)
            .WithExamples(
                new ApiExample("bad-count", "A number of sheets outside 1–500", 400,
                    new Dictionary<string, string> { ["counter"] = "VQ-AS-Q1", ["file"] = "NHANH.pdf", ["sheets"] = "0" },
                    Response: ApiDocumentation.Problem(400, "Invalid request", $"sheets must be a whole number from 1 to {PaperService.MaxSheets}.",
                        new Dictionary<string, string[]> { ["sheets"] = [$"sheets must be a whole number from 1 to {PaperService.MaxSheets}."] })),
                new ApiExample("unknown", "A counter that does not exist or is outside the caller's scope", 404,
                    new Dictionary<string, string> { ["counter"] = "XX-NONE", ["file"] = "NHANH.pdf", ["sheets"] = "1" },
                    Response: ApiDocumentation.Problem(404, "Not found", "No active counter 'XX-NONE'.")));

        api.MapGet("/forms/{counter}/{instrument}/layout.json", async (string counter, string instrument, string? lang,
            OfficialScope scope, SurveyDbContext db, InstrumentRegistry registry, CancellationToken ct) =>
        {
            var found = await FindAsync(counter, instrument, db, scope, registry, ct);
            if (found.Problem is not null) return found.Problem;
            return Results.Json(PaperService.LayoutFor(found.Instrument!, lang ?? "vi"));
        })
            .Produces<CchcSurvey.Core.Paper.PaperLayout>()
            .Describe(Tag, "getPaperLayout", "Where each answer box is printed",
                "{pageWidthMm, pageHeightMm, pages: [{page, boxes: [{item, value, x, y, w, h}]}]}: millimetres from the page's top-left " +
                "corner, the same on every sheet, and the answer value each box stands for. Outside the caller's scope, or unknown: 404.", 404)
            .WithExamples(
                new ApiExample("quick", "The quick rating's layout", 200, new Dictionary<string, string> { ["counter"] = "VQ-AS-Q1", ["instrument"] = "NHANH" }),
                new ApiExample("unknown", "A counter that does not exist or is outside the caller's scope", 404,
                    new Dictionary<string, string> { ["counter"] = "XX-NONE", ["instrument"] = "NHANH" },
                    Response: ApiDocumentation.Problem(404, "Not found", "No active counter 'XX-NONE'.")));

        api.MapPost("/scans", async (HttpContext http, OfficialScope scope, PaperService paper, CancellationToken ct) =>
        {
            if (!http.Request.HasFormContentType) return Problems.Invalid("Send multipart/form-data with the scan in the field 'file'.", "file");
            var form = await http.Request.ReadFormAsync(ct);
            var file = form.Files.GetFile("file");
            if (file is null || file.Length == 0) return Problems.Invalid("The field 'file' must hold a PDF, PNG, JPEG or TIFF file.", "file");
            var path = Path.Combine(Path.GetTempPath(), "cchc-scan-" + Guid.NewGuid().ToString("N"));
            try
            {
                await using (var target = File.Create(path)) await file.CopyToAsync(target, ct);
                var head = new byte[8];
                await using (var check = File.OpenRead(path)) _ = await check.ReadAsync(head, ct);
                if (CchcSurvey.Core.Paper.PageImages.Detect(head) == CchcSurvey.Core.Paper.PageImages.Kind.Unknown)
                    return Problems.Invalid("The file is not a PDF, PNG, JPEG or TIFF file.", "file");
                var root = await scope.RootAsync(ct);
                var pages = await paper.ScanAsync(path, scope.CanSee, root?.Id, AuditLog.ActorOf(http.User), null, ct);
                return Results.Json(new ScanResult(pages.ToList()));
            }
            finally
            {
                File.Delete(path);
            }
        }).DisableAntiforgery().WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(MaxUploadBytes))
          .WithFormOptions(multipartBodyLengthLimit: MaxUploadBytes)
          .Produces<ScanResult>()
          .Describe(Tag, "postPaperScans", "Read scanned questionnaires",
              "multipart/form-data with the field `file`: a PDF of any number of pages (the page images a scanner makes), or a PNG, " +
              "JPEG or TIFF image. Each page answers stored, review (a mark the reader is unsure of waits in /paper/review), duplicate " +
              "(a sheet scanned before: stored once) or unreadable (kept for review).", 400, 413);
        // Large batches: stored, then read in the background (resumable after a restart); the progress is polled.
        api.MapPost("/batches", async (HttpContext http, OfficialScope scope, PaperBatchStore batches, CancellationToken ct) =>
        {
            if (!http.Request.HasFormContentType) return Problems.Invalid("Send multipart/form-data with the scan in the field 'file'.", "file");
            var form = await http.Request.ReadFormAsync(ct);
            var root = await scope.RootAsync(ct);
            var (batch, refusal) = await batches.EnqueueAsync(form.Files.GetFile("file"), AuditLog.ActorOf(http.User), root?.Id, ct);
            if (batch is null) return Problems.Invalid(refusal == PaperBatchStore.Refusal.NotAScan
                ? "The file is not a PDF, PNG, JPEG or TIFF file." : "The field 'file' must hold a PDF, PNG, JPEG or TIFF file.", "file");
            return Results.Accepted($"/api/v1/paper/batches/{batch.Id}", PaperBatchProgress.Of(batch));
        }).DisableAntiforgery().WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(MaxUploadBytes))
          .WithFormOptions(multipartBodyLengthLimit: MaxUploadBytes)
          .Produces<PaperBatchProgress>(StatusCodes.Status202Accepted)
          .Describe(Tag, "postPaperBatches", "Queue a large scan for background reading",
              "multipart/form-data with the field `file` (as `POST /api/v1/paper/scans`). The file is kept outside the web root and read " +
              "in the background: 202 with the batch's progress and `Location: /api/v1/paper/batches/{id}`. A restart resumes the batch " +
              "after the last page saved; nothing is stored twice.", 400, 413);

        api.MapGet("/batches/{id}", async (string id, OfficialScope scope, PaperBatchStore batches, CancellationToken ct) =>
        {
            var batch = Guid.TryParse(id, out var key) ? await batches.FindAsync(key, scope, ct) : null;
            return batch is null ? Problems.NotFound($"No batch '{id}'.") : Results.Json(PaperBatchProgress.Of(batch));
        })
            .Produces<PaperBatchProgress>()
            .Describe(Tag, "getPaperBatch", "Progress of a background scan",
                "`{status: queued | reading | storing | done | failed, pagesTotal, pagesDone, sheetsStored, sheetsReview, pagesDuplicate, " +
                "pagesUnreadable, problem, pages}`; `pages` (as `POST /api/v1/paper/scans` answers, without submission ids) once done. " +
                "Batches uploaded within the caller's scope (administrators: all); others, or unknown: 404.", 404)
            .WithExamples(
                new ApiExample("unknown", "A batch that does not exist or was uploaded outside the caller's scope", 404,
                    new Dictionary<string, string> { ["id"] = "00000000-0000-0000-0000-000000000000" },
                    Response: ApiDocumentation.Problem(404, "Not found", "No batch '00000000-0000-0000-0000-000000000000'.")));
    }

    private const string Tag = "Paper";

    /// <summary>The answer of <c>POST /api/v1/paper/scans</c>: per page, stored, review, duplicate or unreadable.</summary>
    public sealed record ScanResult(IReadOnlyList<ScannedPageResult> Pages);

    private static async Task<(Counter? Counter, PublishedInstrument? Instrument, IResult? Problem)> FindAsync(string counterCode, string instrumentCode,
        SurveyDbContext db, OfficialScope scope, InstrumentRegistry registry, CancellationToken ct)
    {
        var counter = await IntegrityApi.VisibleCounterAsync(db, scope, counterCode, ct);
        if (counter is null) return (null, null, Problems.NotFound($"No active counter '{counterCode}'."));
        var instrument = await registry.FindAsync(db, instrumentCode, null, ct);
        if (instrument is null) return (null, null, Problems.NotFound($"No instrument '{instrumentCode}'."));
        if (!counter.Offers(instrument.Code)) return (null, null, Problems.NotFound($"Counter '{counterCode}' does not offer '{instrumentCode}'."));
        _ = CultureInfo.InvariantCulture;
        return (counter, instrument, null);
    }
}
