using CchcSurvey.Core.Instruments;
using CchcSurvey.Web.Administration;
using CchcSurvey.Web.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace CchcSurvey.Web.Pages.Admin.Instruments;

/// <summary>
/// Published instrument versions, and publishing a new one from a pasted JSON definition: check it with
/// <see cref="InstrumentCatalog.Parse"/>, preview its items, then publish. A published version never changes:
/// the new one gets Version = max + 1 for its code (whatever the pasted JSON says) and becomes current;
/// responses already stored keep the version they answered.
/// </summary>
public sealed class IndexModel(SurveyDbContext db, AuditLog audit, IStringLocalizer<AdminResource> text, CchcSurvey.Web.Surveys.InstrumentLanguages languages,
    CchcSurvey.Web.Surveys.InstrumentRegistry registry, InstrumentPublisher publisher) : PageModel
{
    public const int MaxJson = InstrumentPublisher.MaxJson;

    public IReadOnlyList<VersionRow> Versions { get; private set; } = [];
    public InstrumentDefinition? Preview { get; private set; }
    public int NextVersion { get; private set; }
    public string? Error { get; private set; }
    public string? Detail { get; private set; }
    public string? Message { get; private set; }

    [BindProperty] public string? Json { get; set; }

    public async Task OnGetAsync(string? from, string? published, CancellationToken ct)
    {
        if (!string.IsNullOrEmpty(published)) Message = text["Đã xuất bản {0}.", published];
        if (!string.IsNullOrEmpty(from))
            Json = await db.InstrumentVersions.AsNoTracking().Where(v => v.Code == from && v.IsCurrent).Select(v => v.DefinitionJson).FirstOrDefaultAsync(ct);
        await LoadAsync(ct);
    }

    public async Task<IActionResult> OnPostPreviewAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        if (await CheckAsync(ct) is null) Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }

    public async Task<IActionResult> OnPostPublishAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        var definition = await CheckAsync(ct);
        if (definition is null)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        var name = await publisher.PublishAsync(definition, AuditLog.ActorOf(User), ct);
        return RedirectToPage(new { published = name });
    }

    /// <summary>The pasted definition with its version set to the next free one, or null with <see cref="Error"/> set.</summary>
    private async Task<InstrumentDefinition?> CheckAsync(CancellationToken ct)
    {
        var result = await publisher.CheckAsync(Json, ct);
        if (result.Definition is not { } parsed)
        {
            Error = text[result.Error!];
            // The parser's own words (which field, which rule) under the page's sentence.
            if (result.Error == "Định nghĩa phiếu không hợp lệ; chưa có gì được lưu.") Detail = result.Reason;
            return null;
        }
        NextVersion = parsed.Version;
        Preview = parsed;
        return Preview;
    }

    // ---------------------------------------------------------------- translations and recordings of current versions

    [BindProperty] public string? TranslationFor { get; set; }
    [BindProperty] public string? TranslationJson { get; set; }
    [BindProperty] public string? RecordingFor { get; set; }
    [BindProperty] public string? RecordingItem { get; set; }
    [BindProperty] public string? RecordingLanguage { get; set; }
    [BindProperty] public IFormFile? RecordingFile { get; set; }

    public InstrumentTranslation? TranslationPreview { get; private set; }
    public InstrumentDefinition? TranslationOf { get; private set; }
    public IReadOnlyList<string> TranslationProblems { get; private set; } = [];
    public string? LanguageError { get; private set; }

    public sealed record LanguageRow(string Instrument, int Version, string Kind, string Language, string Detail);
    public IReadOnlyList<LanguageRow> LanguageRows { get; private set; } = [];

    public async Task<IActionResult> OnPostPreviewTranslationAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        if (await CheckTranslationAsync(ct) is null) Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }

    public async Task<IActionResult> OnPostSaveTranslationAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        var checkedTranslation = await CheckTranslationAsync(ct);
        if (checkedTranslation is not var (translation, version))
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        var row = await db.InstrumentTranslations.FirstOrDefaultAsync(t => t.InstrumentVersionId == version.VersionId && t.Language == translation.Language, ct);
        if (row is null) db.InstrumentTranslations.Add(row = new InstrumentTranslationRow { Language = translation.Language, Name = translation.Name, Json = "" , InstrumentVersionId = version.VersionId });
        row.Name = translation.Name;
        row.Json = TranslationJson!.Trim();
        row.SavedUtc = DateTime.UtcNow;
        var name = $"{version.Code} v{version.Version}";
        audit.Add(User, AuditActions.InstrumentTranslation, name, $"{translation.Language} ({translation.Name})");
        await db.SaveChangesAsync(ct);
        return RedirectToPage(new { published = $"{name} · {translation.Language}" });
    }

    public async Task<IActionResult> OnPostRecordingAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        IActionResult Bad(string message)
        {
            LanguageError = message;
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        var version = string.IsNullOrWhiteSpace(RecordingFor) ? null : await registry.FindAsync(db, RecordingFor.Trim(), null, ct);
        if (version is null) return Bad(text["Chọn một phiếu khảo sát hiện hành."]);
        var item = version.Definition.FindItem(RecordingItem?.Trim() ?? "");
        if (item is null) return Bad(text["Phiếu {0} không có câu hỏi {1}.", version.Code, RecordingItem ?? ""]);
        var language = (RecordingLanguage ?? "").Trim().ToLowerInvariant();
        if (language is not ("vi" or "en") && !await db.InstrumentTranslations.AnyAsync(t => t.InstrumentVersionId == version.VersionId && t.Language == language, ct))
            return Bad(text["Ngôn ngữ phải là vi, en hoặc một ngôn ngữ đã có bản dịch của phiên bản này."]);
        if (RecordingFile is null || RecordingFile.Length == 0) return Bad(text["Chọn một tệp ghi âm (Ogg/Opus hoặc MP3)."]);
        if (RecordingFile.Length > languages.MaxRecordingBytes) return Bad(text["Tệp ghi âm quá lớn (tối đa {0} KB).", languages.MaxRecordingBytes / 1024]);
        using var buffer = new MemoryStream();
        await RecordingFile.CopyToAsync(buffer, ct);
        var bytes = buffer.ToArray();
        var type = CchcSurvey.Web.Surveys.InstrumentLanguages.Sniff(bytes);
        if (type is null) return Bad(text["Tệp không phải là bản ghi Ogg/Opus hoặc MP3."]);
        var sha = await languages.SaveAsync(bytes, ct);
        // A new row (a new id, a new URL) so that cached copies of the old recording are never served for the new one.
        await db.InstrumentRecordings.Where(r => r.InstrumentVersionId == version.VersionId && r.ItemCode == item.Code && r.Language == language).ExecuteDeleteAsync(ct);
        db.InstrumentRecordings.Add(new InstrumentRecording
        {
            InstrumentVersionId = version.VersionId, ItemCode = item.Code, Language = language, ContentType = type, Sha256 = sha,
            Length = bytes.Length, UploadedUtc = DateTime.UtcNow,
        });
        var name = $"{version.Code} v{version.Version}";
        audit.Add(User, AuditActions.InstrumentRecording, name, $"{item.Code} {language} {type} {bytes.Length} B");
        await db.SaveChangesAsync(ct);
        return RedirectToPage(new { published = $"{name} · {item.Code} · {language}" });
    }

    private async Task<(InstrumentTranslation Translation, CchcSurvey.Web.Surveys.PublishedInstrument Version)?> CheckTranslationAsync(CancellationToken ct)
    {
        var version = string.IsNullOrWhiteSpace(TranslationFor) ? null : await registry.FindAsync(db, TranslationFor.Trim(), null, ct);
        if (version is null) { LanguageError = text["Chọn một phiếu khảo sát hiện hành."]; return null; }
        TranslationOf = version.Definition;
        var json = TranslationJson?.Trim() ?? "";
        if (json.Length == 0 || json.Length > MaxJson) { LanguageError = text["Hãy dán bản dịch (JSON, tối đa 200.000 ký tự)."]; return null; }
        TranslationPreview = InstrumentTranslation.Parse(json, version.Definition, out var problems);
        TranslationProblems = problems;
        if (TranslationPreview is null) { LanguageError = text["Bản dịch chưa đầy đủ hoặc không hợp lệ; chưa có gì được lưu."]; return null; }
        return (TranslationPreview, version);
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var current = db.InstrumentVersions.AsNoTracking().Where(v => v.IsCurrent);
        var translations = await db.InstrumentTranslations.AsNoTracking().Where(t => t.InstrumentVersion.IsCurrent)
            .Select(t => new LanguageRow(t.InstrumentVersion.Code, t.InstrumentVersion.Version, "translation", t.Language, t.Name)).ToListAsync(ct);
        var recordings = await (from r in db.InstrumentRecordings.AsNoTracking()
                                join v in current on r.InstrumentVersionId equals v.Id
                                select new LanguageRow(v.Code, v.Version, "recording", r.Language, r.ItemCode + " · " + r.ContentType + " · " + r.Length + " B")).ToListAsync(ct);
        LanguageRows = [.. translations.Concat(recordings).OrderBy(r => r.Instrument).ThenBy(r => r.Kind).ThenBy(r => r.Language).ThenBy(r => r.Detail)];

        var counts = await db.Responses.AsNoTracking().GroupBy(r => r.InstrumentVersionId)
            .Select(g => new { g.Key, Count = g.LongCount() }).ToDictionaryAsync(x => x.Key, x => x.Count, ct);
        Versions = (await db.InstrumentVersions.AsNoTracking().OrderBy(v => v.Code).ThenByDescending(v => v.Version).ToListAsync(ct))
            .Select(v => new VersionRow(v.Id, v.Code, v.Version, v.Title, v.PublishedUtc, v.IsCurrent, counts.GetValueOrDefault(v.Id)))
            .ToList();
    }

    public sealed record VersionRow(int Id, string Code, int Version, string Title, DateTime PublishedUtc, bool IsCurrent, long Responses);
}
