using System.Text.Json;
using CchcSurvey.Core.Instruments;
using CchcSurvey.Core.Paper;
using CchcSurvey.Web.Administration;
using CchcSurvey.Web.Data;
using CchcSurvey.Web.Infrastructure;
using CchcSurvey.Web.Integrity;
using CchcSurvey.Web.Paper;
using CchcSurvey.Web.Security;
using CchcSurvey.Web.Surveys;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace CchcSurvey.Web.Pages.Paper;

/// <summary>
/// <c>/paper/entry</c>: keyboard entry of questionnaires that cannot be scanned (the Ministry's own forms, a torn
/// sheet). One field per item: the position of the marked box, digits only, Enter moves on; validated like the
/// API (nothing stored on an error). With double entry the first person's answers wait on the sheet; a second
/// person types the same questionnaire again and the page lists every mismatch to settle before anything is
/// stored (the CSPro habit). Managers and administrators, counters in their scope (404 otherwise).
/// </summary>
public sealed class EntryModel(SurveyDbContext db, OfficialScope scope, InstrumentRegistry registry, PaperService paper, LocalClock clock) : PageModel
{
    public sealed record Mismatch(string Item, string First, string Second);

    [BindProperty(SupportsGet = true)] public string? Serial { get; set; }
    [BindProperty(SupportsGet = true)] public string? Counter { get; set; }
    [BindProperty(SupportsGet = true)] public string? Instrument { get; set; }
    [BindProperty] public bool Double { get; set; }
    [BindProperty] public bool Settle { get; set; }

    public PublishedInstrument? Form { get; private set; }
    public Counter? CounterEntity { get; private set; }
    public string Language { get; private set; } = "vi";
    public Dictionary<string, string> Typed { get; } = new(StringComparer.Ordinal);
    public IReadOnlyList<string> Errors { get; private set; } = [];
    public IReadOnlyList<Mismatch> Mismatches { get; private set; } = [];
    public string? Message { get; private set; }
    public bool WaitsForSecond { get; private set; }

    /// <summary>The instrument the search form suggests (InstrumentRegistry.DefaultAsync).</summary>
    public string? DefaultInstrument { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        Message = TempData["paper-message"] as string;
        DefaultInstrument = (await registry.DefaultAsync(db, ct))?.Code;
        return await LoadAsync(ct) ? Page() : NotFound();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct) || Form is null || CounterEntity is null) return NotFound();
        var definition = Form.Definition;
        var cells = new Dictionary<string, string>(StringComparer.Ordinal);
        var errors = new List<string>();
        foreach (var item in definition.Items)
        {
            string typed = Request.Form["i." + item.Code].ToString();
            Typed[item.Code] = typed;
            var (cell, error) = PaperKeys.Parse(item, typed, Language);
            if (error is not null) errors.Add(error);
            else if (cell.Length > 0) cells[item.Code] = cell;
        }
        errors.AddRange(AnswerValidator.ValidateCells(definition, cells).Errors.Select(e => e.Message));
        if (errors.Count > 0) return Refuse(errors);

        var actor = AuditLog.ActorOf(User);
        var sheet = Serial is { Length: > 0 } serial
            ? await db.PaperSheets.Include(s => s.Counter).Include(s => s.ScannedPages).FirstOrDefaultAsync(s => s.Serial == serial, ct)
            : null;
        if (sheet?.Status == PaperSheetStatus.Stored) return Refuse(["this sheet is already stored"]);
        if (sheet is null)
        {
            // A questionnaire without a serial (not printed here) gets one, so that a second entry can find it.
            sheet = new PaperSheet
            {
                Serial = PaperQr.NewSerial(), CounterId = CounterEntity.Id, Counter = CounterEntity, InstrumentVersionId = Form.VersionId,
                Language = Language, Pages = 0, PrintedOn = clock.Today(), Status = PaperSheetStatus.Printed,
            };
            db.Attach(CounterEntity);
            db.PaperSheets.Add(sheet);
        }

        if (Double || sheet.FirstEntryJson is not null)
        {
            if (sheet.FirstEntryJson is null)
            {
                sheet.FirstEntryJson = JsonSerializer.Serialize(cells);
                sheet.FirstEntryBy = actor;
                sheet.Status = PaperSheetStatus.Review;
                await db.SaveChangesAsync(ct);
                TempData["paper-message"] = $"Đã lưu lần nhập thứ nhất của phiếu {sheet.Serial}; cần một người khác nhập lại phiếu này.";
                return RedirectToPage(new { serial = sheet.Serial });
            }
            if (sheet.FirstEntryBy == actor) return Refuse(["the second entry must be typed by another person"]);
            var first = JsonSerializer.Deserialize<Dictionary<string, string>>(sheet.FirstEntryJson)!;
            var mismatches = definition.Items.Select(i => i.Code)
                .Where(code => first.GetValueOrDefault(code, "") != cells.GetValueOrDefault(code, ""))
                .Select(code => new Mismatch(code, PaperKeys.Digits(definition.FindItem(code)!, first.GetValueOrDefault(code), Language),
                    PaperKeys.Digits(definition.FindItem(code)!, cells.GetValueOrDefault(code), Language))).ToList();
            if (mismatches.Count > 0 && !Settle)
            {
                Mismatches = mismatches;
                Response.StatusCode = StatusCodes.Status409Conflict;
                return Page();
            }
        }
        var id = await paper.StoreAsync(sheet, Form, cells, actor, "entry", ct);
        TempData["paper-message"] = id is null ? $"Phiếu {sheet.Serial} chưa lưu được." : $"Đã lưu phiếu {sheet.Serial}.";
        return RedirectToPage(new { counter = CounterEntity.Code, instrument = Form.Code });
    }

    private PageResult Refuse(IReadOnlyList<string> errors)
    {
        Errors = errors;
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }

    /// <summary>Finds the sheet (by serial) or the counter and instrument; false when something named is not visible (404).</summary>
    private async Task<bool> LoadAsync(CancellationToken ct)
    {
        if (Serial is { Length: > 0 })
        {
            Serial = Serial.Trim().ToUpperInvariant();
            var sheet = await db.PaperSheets.AsNoTracking().Include(s => s.Counter).ThenInclude(c => c.Unit).Include(s => s.InstrumentVersion)
                .FirstOrDefaultAsync(s => s.Serial == Serial, ct);
            await scope.RootAsync(ct);
            if (sheet is null || !scope.CanSee(sheet.Counter.Unit)) return false;
            CounterEntity = sheet.Counter;
            Form = registry.Get(sheet.InstrumentVersion);
            Language = sheet.Language;
            WaitsForSecond = sheet.FirstEntryJson is not null && sheet.Status != PaperSheetStatus.Stored;
            return true;
        }
        if (string.IsNullOrWhiteSpace(Counter) || string.IsNullOrWhiteSpace(Instrument)) return true;
        CounterEntity = await IntegrityApi.VisibleCounterAsync(db, scope, Counter.Trim(), ct);
        if (CounterEntity is null) return false;
        Form = await registry.FindAsync(db, Instrument.Trim(), null, ct);
        return Form is not null && CounterEntity.Offers(Form.Code);
    }
}
