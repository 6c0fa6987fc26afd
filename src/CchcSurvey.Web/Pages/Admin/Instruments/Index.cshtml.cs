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
public sealed class IndexModel(SurveyDbContext db, AuditLog audit, IStringLocalizer<AdminResource> text) : PageModel
{
    public const int MaxJson = 200_000;

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
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        foreach (var old in await db.InstrumentVersions.Where(v => v.Code == definition.Code && v.IsCurrent).ToListAsync(ct))
            old.IsCurrent = false;
        db.InstrumentVersions.Add(new InstrumentVersion
        {
            Code = definition.Code, Version = definition.Version, Title = definition.Title.Vi,
            DefinitionJson = InstrumentCatalog.Serialize(definition), PublishedUtc = DateTime.UtcNow, IsCurrent = true,
        });
        var name = $"{definition.Code} v{definition.Version}";
        audit.Add(User, AuditActions.InstrumentPublish, name, $"'{definition.Title.Vi}', {definition.Items.Count()} items");
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return RedirectToPage(new { published = name });
    }

    /// <summary>The pasted definition with its version set to the next free one, or null with <see cref="Error"/> set.</summary>
    private async Task<InstrumentDefinition?> CheckAsync(CancellationToken ct)
    {
        var json = Json?.Trim() ?? "";
        if (json.Length == 0) { Error = text["Hãy dán định nghĩa phiếu (JSON)."]; return null; }
        if (json.Length > MaxJson) { Error = text["Định nghĩa phiếu quá dài (tối đa 200.000 ký tự)."]; return null; }
        InstrumentDefinition parsed;
        try
        {
            parsed = InstrumentCatalog.Parse(json);
        }
        catch (InstrumentDefinitionException e)
        {
            Error = text["Định nghĩa phiếu không hợp lệ; chưa có gì được lưu."];
            Detail = e.Message;
            return null;
        }
        if (!CchcSurvey.Web.Pages.Admin.Counters.CounterForm.IsValidCode(parsed.Code) || parsed.Code.Length > 32)
        {
            Error = text["Mã phiếu phải gồm 1–32 chữ cái, chữ số, '-' hoặc '_'."];
            return null;
        }
        var max = await db.InstrumentVersions.Where(v => v.Code == parsed.Code).MaxAsync(v => (int?)v.Version, ct) ?? 0;
        NextVersion = max + 1;
        Preview = parsed with { Version = NextVersion };
        return Preview;
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var counts = await db.Responses.AsNoTracking().GroupBy(r => r.InstrumentVersionId)
            .Select(g => new { g.Key, Count = g.LongCount() }).ToDictionaryAsync(x => x.Key, x => x.Count, ct);
        Versions = (await db.InstrumentVersions.AsNoTracking().OrderBy(v => v.Code).ThenByDescending(v => v.Version).ToListAsync(ct))
            .Select(v => new VersionRow(v.Id, v.Code, v.Version, v.Title, v.PublishedUtc, v.IsCurrent, counts.GetValueOrDefault(v.Id)))
            .ToList();
    }

    public sealed record VersionRow(int Id, string Code, int Version, string Title, DateTime PublishedUtc, bool IsCurrent, long Responses);
}
