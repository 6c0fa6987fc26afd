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
            if (!file.EndsWith(".pdf", StringComparison.Ordinal)) return SurveyApi.NotFound("Unknown form file.");
            var found = await FindAsync(counter, file[..^4], db, scope, registry, ct);
            if (found.Problem is not null) return found.Problem;
            if (sheets is not int n || n < 1 || n > PaperService.MaxSheets)
                return SurveyApi.Invalid($"sheets must be a whole number from 1 to {PaperService.MaxSheets}.", "sheets");
            var pdf = await paper.PrintAsync(found.Counter!, found.Instrument!, n, lang ?? "vi", AuditLog.ActorOf(http.User), ct);
            return Results.File(pdf, "application/pdf", $"{found.Counter!.Code}-{found.Instrument!.Code}-{n}.pdf");
        });

        api.MapGet("/forms/{counter}/{instrument}/layout.json", async (string counter, string instrument, string? lang,
            OfficialScope scope, SurveyDbContext db, InstrumentRegistry registry, CancellationToken ct) =>
        {
            var found = await FindAsync(counter, instrument, db, scope, registry, ct);
            if (found.Problem is not null) return found.Problem;
            return Results.Json(PaperService.LayoutFor(found.Instrument!, lang ?? "vi"));
        });

        api.MapPost("/scans", async (HttpContext http, OfficialScope scope, PaperService paper, CancellationToken ct) =>
        {
            if (!http.Request.HasFormContentType) return SurveyApi.Invalid("Send multipart/form-data with the scan in the field 'file'.", "file");
            var form = await http.Request.ReadFormAsync(ct);
            var file = form.Files.GetFile("file");
            if (file is null || file.Length == 0) return SurveyApi.Invalid("The field 'file' must hold a PDF, PNG, JPEG or TIFF file.", "file");
            var path = Path.Combine(Path.GetTempPath(), "cchc-scan-" + Guid.NewGuid().ToString("N"));
            try
            {
                await using (var target = File.Create(path)) await file.CopyToAsync(target, ct);
                var head = new byte[8];
                await using (var check = File.OpenRead(path)) _ = await check.ReadAsync(head, ct);
                if (CchcSurvey.Core.Paper.PageImages.Detect(head) == CchcSurvey.Core.Paper.PageImages.Kind.Unknown)
                    return SurveyApi.Invalid("The file is not a PDF, PNG, JPEG or TIFF file.", "file");
                var root = await scope.RootAsync(ct);
                var pages = await paper.ScanAsync(path, scope.CanSee, root?.Id, AuditLog.ActorOf(http.User), null, ct);
                return Results.Json(new { pages = pages.Select(p => new { page = p.Page, serial = p.Serial, status = p.Status, submissionId = p.SubmissionId, reason = p.Reason }) });
            }
            finally
            {
                File.Delete(path);
            }
        }).DisableAntiforgery().WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(MaxUploadBytes))
          .WithFormOptions(multipartBodyLengthLimit: MaxUploadBytes);
    }

    private static async Task<(Counter? Counter, PublishedInstrument? Instrument, IResult? Problem)> FindAsync(string counterCode, string instrumentCode,
        SurveyDbContext db, OfficialScope scope, InstrumentRegistry registry, CancellationToken ct)
    {
        var counter = await IntegrityApi.VisibleCounterAsync(db, scope, counterCode, ct);
        if (counter is null) return (null, null, SurveyApi.NotFound($"No active counter '{counterCode}'."));
        var instrument = await registry.FindAsync(db, instrumentCode, null, ct);
        if (instrument is null) return (null, null, SurveyApi.NotFound($"No instrument '{instrumentCode}'."));
        if (!counter.Offers(instrument.Code)) return (null, null, SurveyApi.NotFound($"Counter '{counterCode}' does not offer '{instrumentCode}'."));
        _ = CultureInfo.InvariantCulture;
        return (counter, instrument, null);
    }
}
