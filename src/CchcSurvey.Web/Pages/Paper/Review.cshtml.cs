using System.Text.Json;
using CchcSurvey.Core.Instruments;
using CchcSurvey.Core.Paper;
using CchcSurvey.Web.Administration;
using CchcSurvey.Web.Data;
using CchcSurvey.Web.Paper;
using CchcSurvey.Web.Security;
using CchcSurvey.Web.Surveys;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace CchcSurvey.Web.Pages.Paper;

/// <summary>
/// <c>/paper/review</c>: the sheets the reader was unsure of, one at a time. Each uncertain item shows the crop
/// of its boxes (cut from the page image with the reader's own homography) beside the whole page, with one digit
/// field: the position of the marked box, 0 for none; Enter stores the sheet and opens the next. Managers and
/// administrators, sheets of counters in their scope (404 otherwise).
/// </summary>
public sealed class ReviewModel(SurveyDbContext db, OfficialScope scope, InstrumentRegistry registry, PaperService paper, AuditLog audit) : PageModel
{
    public sealed record Waiting(string Serial, string Counter, int Pages, int Scanned);
    public sealed record Crop(double Left, double Top, double Width, double Height, double ImageWidth, double ImageHeight);
    public sealed record Question(ItemDefinition Item, string Reason, long PageId, Crop? Crop, IReadOnlyList<(string Value, string Label)> Options, string Typed);
    public sealed record UnreadablePage(long Id, string? Problem);

    public IReadOnlyList<Waiting> Sheets { get; private set; } = [];
    public IReadOnlyList<UnreadablePage> Unreadable { get; private set; } = [];
    public PaperSheet? Sheet { get; private set; }
    public IReadOnlyList<Question> Questions { get; private set; } = [];
    public IReadOnlyList<long> PageIds { get; private set; } = [];
    public bool MissingPages { get; private set; }
    public string? Message { get; private set; }
    public IReadOnlyList<string> Errors { get; private set; } = [];

    [BindProperty(SupportsGet = true)] public string? Serial { get; set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct)) return NotFound();
        Message = TempData["paper-message"] as string;
        return Page();
    }

    public async Task<IActionResult> OnGetImageAsync(long id, CancellationToken ct)
    {
        var page = await db.PaperPages.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, ct);
        if (page is null || !await VisibleAsync(page.UnitId, ct)) return NotFound();
        return File(page.ImagePng, "image/png");
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct) || Sheet is null) return NotFound();
        var definition = registry.Get(Sheet.InstrumentVersion).Definition;
        var reading = PaperService.Read(Sheet, definition);
        if (reading is null) return NotFound();
        var cells = reading.Cells.ToDictionary(c => c.Key, c => c.Value, StringComparer.Ordinal);
        var errors = new List<string>();
        foreach (var question in Questions)
        {
            var (cell, error) = PaperKeys.Parse(question.Item, Request.Form["i." + question.Item.Code], Sheet.Language);
            if (error is not null) errors.Add(error);
            else if (cell.Length == 0) cells.Remove(question.Item.Code);
            else cells[question.Item.Code] = cell;
        }
        errors.AddRange(AnswerValidator.ValidateCells(definition, cells).Errors.Select(e => e.Message));
        if (errors.Count > 0)
        {
            Errors = errors;
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        var instrument = registry.Get(Sheet.InstrumentVersion);
        var tracked = await db.PaperSheets.Include(s => s.Counter).Include(s => s.ScannedPages).FirstAsync(s => s.Id == Sheet.Id, ct);
        await paper.StoreAsync(tracked, instrument, cells, AuditLog.ActorOf(User), "review", ct);
        TempData["paper-message"] = $"Đã lưu phiếu {Sheet.Serial}.";
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostDiscardAsync(long id, CancellationToken ct)
    {
        var page = await db.PaperPages.FirstOrDefaultAsync(p => p.Id == id && p.SheetId == null, ct);
        if (page is null || !await VisibleAsync(page.UnitId, ct)) return NotFound();
        db.PaperPages.Remove(page);
        audit.Add(AuditLog.ActorOf(User), "paper.discard", $"page {id}", page.Problem);
        await db.SaveChangesAsync(ct);
        return RedirectToPage();
    }

    private async Task<bool> VisibleAsync(int? unitId, CancellationToken ct)
    {
        var root = await scope.RootAsync(ct);
        if (scope.IsAdmin) return true;
        if (unitId is null || root is null) return false;
        var unit = await db.Units.AsNoTracking().FirstOrDefaultAsync(u => u.Id == unitId, ct);
        return unit is not null && scope.CanSee(unit);
    }

    /// <summary>Loads the queue in scope and the chosen sheet; false when the named serial is not visible (404).</summary>
    private async Task<bool> LoadAsync(CancellationToken ct)
    {
        var visible = await scope.VisibleUnitsAsync(ct);
        var unitIds = await visible.Select(u => u.Id).ToListAsync(ct);
        Sheets = await db.PaperSheets.AsNoTracking().Where(s => s.Status == PaperSheetStatus.Review && s.FirstEntryJson == null && unitIds.Contains(s.Counter.UnitId))
            .OrderBy(s => s.Id).Take(200)
            .Select(s => new Waiting(s.Serial, s.Counter.Code, s.Pages, s.ScannedPages.Count)).ToListAsync(ct);
        Unreadable = await db.PaperPages.AsNoTracking().Where(p => p.SheetId == null && (scope.IsAdmin || p.UnitId != null && unitIds.Contains(p.UnitId.Value)))
            .OrderBy(p => p.Id).Take(50).Select(p => new UnreadablePage(p.Id, p.Problem)).ToListAsync(ct);

        var serial = string.IsNullOrWhiteSpace(Serial) ? Sheets.FirstOrDefault()?.Serial : Serial.Trim();
        if (serial is null) return true;
        Sheet = await db.PaperSheets.AsNoTracking().Include(s => s.Counter).ThenInclude(c => c.Unit).Include(s => s.InstrumentVersion)
            .Include(s => s.ScannedPages).FirstOrDefaultAsync(s => s.Serial == serial && s.Status == PaperSheetStatus.Review && s.FirstEntryJson == null, ct);
        if (Sheet is null || !scope.CanSee(Sheet.Counter.Unit)) { Sheet = null; return string.IsNullOrWhiteSpace(Serial); }
        Serial = Sheet.Serial;
        PageIds = Sheet.ScannedPages.OrderBy(p => p.PageNumber).Select(p => p.Id).ToList();
        var definition = registry.Get(Sheet.InstrumentVersion).Definition;
        var reading = PaperService.Read(Sheet, definition);
        MissingPages = reading is null;
        if (reading is null) return true;
        var layout = PaperService.LayoutFor(registry.Get(Sheet.InstrumentVersion), Sheet.Language);
        var words = PaperLayout.Words.For(Sheet.Language);
        var invalid = reading.Errors.Select(e => e.Split(':')[0]).ToHashSet(StringComparer.Ordinal);
        var items = reading.Uncertain.Select(u => (u.Item, u.Reason)).Concat(invalid.Where(i => definition.FindItem(i) is not null).Select(i => (Item: i, Reason: "invalid"))).DistinctBy(i => i.Item);
        Questions = items.Select(u =>
        {
            var item = definition.FindItem(u.Item)!;
            var boxes = layout.AllBoxes().Where(b => b.Box.Item == item.Code).ToList();
            var page = Sheet.ScannedPages.FirstOrDefault(p => p.PageNumber == boxes[0].Page);
            return new Question(item, u.Reason, page?.Id ?? 0, page is null ? null : CropOf(page, boxes.Select(b => b.Box).ToList()),
                PaperLayout.Options(item, Sheet.Language, words), PaperKeys.Digits(item, reading.Cells.GetValueOrDefault(item.Code), Sheet.Language));
        }).ToList();
        return true;
    }

    /// <summary>The rectangle (in the stored image's pixels) around an item's boxes, with 4 mm of margin.</summary>
    private static Crop? CropOf(PaperPage page, IReadOnlyList<PaperBox> boxes)
    {
        if (page.CornersJson is null) return null;
        var corners = JsonSerializer.Deserialize<double[][]>(page.CornersJson)!;
        var h = Homography.Solve(PaperLayout.MarkCentres, corners.Select(c => (c[0], c[1])).ToArray());
        if (h is null) return null;
        var points = boxes.SelectMany(b => new[] { h.Map(b.X - 4, b.Y - 4), h.Map(b.X + b.W + 40, b.Y + b.H + 4), h.Map(b.X - 4, b.Y + b.H + 4), h.Map(b.X + b.W + 40, b.Y - 4) }).ToList();
        var image = GrayImage.DecodePng(page.ImagePng);
        if (image is null) return null;
        double left = Math.Max(0, points.Min(p => p.X)), top = Math.Max(0, points.Min(p => p.Y));
        double right = Math.Min(image.Width, points.Max(p => p.X)), bottom = Math.Min(image.Height, points.Max(p => p.Y));
        return new Crop(left, top, right - left, bottom - top, image.Width, image.Height);
    }
}
