using System.Collections.Concurrent;
using System.Text.Json;
using CchcSurvey.Core.Instruments;
using CchcSurvey.Core.Paper;
using CchcSurvey.Web.Administration;
using CchcSurvey.Web.Data;
using CchcSurvey.Web.Infrastructure;
using CchcSurvey.Web.Surveys;
using Microsoft.EntityFrameworkCore;

namespace CchcSurvey.Web.Paper;

/// <summary>The outcome of one uploaded page, as the contract's <c>pages</c> array has it.</summary>
public sealed record ScannedPageResult(int Page, string? Serial, string Status, Guid? SubmissionId, string? Reason = null);

/// <summary>
/// Paper as a channel: prints sheets (serials stored, bound to a counter), reads scanned pages with the Core
/// <see cref="MarkReader"/>, stores certain sheets through <see cref="SubmissionService"/> (channel <c>paper</c>,
/// no time or device flags) and keeps the rest for a person (<c>/paper/review</c>, <c>/paper/entry</c>).
/// A sheet is stored at most once: its serial's status says so, and a crash while storing is finished with the
/// same submission id on the next attempt.
/// </summary>
public sealed class PaperService(SurveyDbContext db, InstrumentRegistry registry, LocalClock clock, SubmissionService submissions, AuditLog audit)
{
    public const int MaxSheets = 500;
    public const string Channel = "paper";
    private const int ReviewImageSide = 1400;

    private static readonly ConcurrentDictionary<(int VersionId, string Language), PaperLayout> Layouts = new();

    public static string NormaliseLanguage(string? language) => language is not null && language.StartsWith("en", StringComparison.OrdinalIgnoreCase) ? "en" : "vi";

    public static PaperLayout LayoutFor(PublishedInstrument instrument, string language) =>
        Layouts.GetOrAdd((instrument.VersionId, NormaliseLanguage(language)), key => PaperLayout.Build(instrument.Definition, key.Language));

    /// <summary>Prints <paramref name="sheets"/> new sheets for a counter: stores their serials, returns the PDF.</summary>
    public async Task<byte[]> PrintAsync(Counter counter, PublishedInstrument instrument, int sheets, string language, string actor, CancellationToken ct)
    {
        language = NormaliseLanguage(language);
        var layout = LayoutFor(instrument, language);
        var today = clock.Today();
        var serials = new List<string>(sheets);
        var taken = new HashSet<string>(StringComparer.Ordinal);
        while (serials.Count < sheets)
        {
            var candidates = Enumerable.Range(0, sheets - serials.Count).Select(_ => PaperQr.NewSerial()).Where(taken.Add).ToList();
            var clash = await db.PaperSheets.Where(s => candidates.Contains(s.Serial)).Select(s => s.Serial).ToListAsync(ct);
            serials.AddRange(candidates.Except(clash));
        }
        foreach (var serial in serials)
            db.PaperSheets.Add(new PaperSheet
            {
                Serial = serial, CounterId = counter.Id, InstrumentVersionId = instrument.VersionId, Language = language,
                Pages = layout.PageCount, PrintedOn = today, Status = PaperSheetStatus.Printed,
            });
        audit.Add(actor, "paper.print", counter.Code, $"{sheets} sheets of {instrument.Code} v{instrument.Version} ({language})");
        await db.SaveChangesAsync(ct);
        using var output = new MemoryStream();
        PaperFormPdf.Write(output, instrument.Definition, layout, language, $"{counter.Name} ({counter.Code})",
            serials.Select(s => new PaperSheetToPrint(s)).ToList());
        return output.ToArray();
    }

    private sealed record SheetInfo(PaperSheet Sheet, PublishedInstrument Instrument, PaperLayout Layout, Counter Counter);

    /// <summary>
    /// Reads every page of a file. Pages of one sheet may come in any order and in several files: a sheet is
    /// judged once all its pages are in. Serials never printed, or printed for a counter the uploader may not see,
    /// are refused (their pages are not kept). Never throws for a bad page.
    /// </summary>
    /// <param name="canSee">Whether the uploader may handle sheets of a counter's unit (OfficialScope).</param>
    /// <param name="scopeUnitId">Where unreadable pages are filed for review (the uploader's scope root; null: administrators).</param>
    public async Task<IReadOnlyList<ScannedPageResult>> ScanAsync(string path, Func<Unit, bool> canSee, int? scopeUnitId, string actor,
        IProgress<(int Done, int Total)>? progress, CancellationToken ct)
    {
        var total = PageImages.CountPages(path) ?? 1;
        var results = new List<(ScannedPageResult Result, string? Serial)>();
        var sheets = new Dictionary<string, SheetInfo?>(StringComparer.Ordinal);
        var touched = new HashSet<string>(StringComparer.Ordinal);
        var done = 0;
        foreach (var page in PageImages.ReadAhead(path))
        {
            ct.ThrowIfCancellationRequested();
            results.Add(await ScanPageAsync(page, canSee, scopeUnitId, sheets, touched, ct));
            db.ChangeTracker.Clear();
            progress?.Report((++done, Math.Max(total, done)));
        }

        // Judge each sheet that got pages, now that the whole file is in.
        var outcome = new Dictionary<string, (string Status, Guid? Id)>(StringComparer.Ordinal);
        foreach (var serial in touched)
        {
            outcome[serial] = await JudgeAsync(serial, actor, ct);
            db.ChangeTracker.Clear();
        }
        var stored = outcome.Count(o => o.Value.Status == "stored");
        await audit.WriteAsync(actor, "paper.scan", Path.GetFileName(path),
            $"{results.Count} pages: {stored} sheets stored, {outcome.Count(o => o.Value.Status == "review")} to review, " +
            $"{results.Count(r => r.Result.Status == "duplicate")} duplicate, {results.Count(r => r.Result.Status == "unreadable")} unreadable", ct);
        return results.Select(r => r.Serial is { } s && r.Result.Status == "pending" && outcome.TryGetValue(s, out var o)
            ? r.Result with { Status = o.Status, SubmissionId = o.Id }
            : r.Result).ToList();
    }

    /// <summary>
    /// Reads a queued batch from where it stopped: each page's reading and the batch's progress are saved in one
    /// transaction, so after a restart no page is read twice and none is lost; then each sheet the batch touched is
    /// judged (stored once: a sheet stored before a restart is found stored). <paramref name="stillHeld"/> renews the
    /// lease before each step; when another instance has taken the batch over, this one stops.
    /// </summary>
    public async Task ProcessBatchAsync(Guid id, string folder, Func<Task<bool>> stillHeld, CancellationToken ct)
    {
        var batch = await db.PaperBatches.AsNoTracking().FirstAsync(b => b.Id == id, ct);
        var path = Path.Combine(folder, batch.StoredFile);
        var results = JsonSerializer.Deserialize<List<ScannedPageResult>>(batch.ResultsJson) ?? [];
        var pending = new HashSet<string>(JsonSerializer.Deserialize<List<string>>(batch.PendingSerialsJson) ?? [], StringComparer.Ordinal);
        if (batch.Status is PaperBatchStatus.Queued or PaperBatchStatus.Reading)
        {
            if (!File.Exists(path))
            {
                await db.PaperBatches.Where(b => b.Id == id).ExecuteUpdateAsync(s => s.SetProperty(b => b.Status, PaperBatchStatus.Failed)
                    .SetProperty(b => b.Problem, "the uploaded file is missing").SetProperty(b => b.FinishedUtc, clock.CurrentHourUtc()), ct);
                return;
            }
            // The uploader's scope, as OfficialScope decided it at upload: a serial of another unit is refused.
            var root = batch.ScopeUnitId is int unitId ? await db.Units.AsNoTracking().Where(u => u.Id == unitId).Select(u => u.Path).FirstOrDefaultAsync(ct) : null;
            Func<Unit, bool> canSee = batch.ScopeUnitId is null ? _ => true : unit => root is not null && Indices.UnitPath.IsWithin(unit.Path, root);
            var sheets = new Dictionary<string, SheetInfo?>(StringComparer.Ordinal);
            var done = batch.PagesDone;
            int duplicate = batch.PagesDuplicate, unreadable = batch.PagesUnreadable;
            foreach (var page in PageImages.ReadAhead(path, skip: done))
            {
                ct.ThrowIfCancellationRequested();
                if (!await stillHeld()) return;
                // The page's rows and the batch's progress commit together; the transaction opens only once the marks
                // are read (on SQLite it takes the write lock at once).
                Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction? transaction = null;
                var (result, _) = await ScanPageAsync(page, canSee, batch.ScopeUnitId, sheets, pending, ct,
                    async () => transaction = await db.Database.BeginTransactionAsync(ct));
                transaction ??= await db.Database.BeginTransactionAsync(ct);
                await using var _transaction = transaction;
                results.Add(result);
                done++;
                if (result.Status == "duplicate") duplicate++;
                if (result.Status == "unreadable") unreadable++;
                var resultsJson = JsonSerializer.Serialize(results);
                var pendingJson = JsonSerializer.Serialize(pending.Order(StringComparer.Ordinal));
                var total = Math.Max(batch.PagesTotal, done);
                await db.PaperBatches.Where(b => b.Id == id).ExecuteUpdateAsync(s => s
                    .SetProperty(b => b.Status, PaperBatchStatus.Reading).SetProperty(b => b.PagesDone, done).SetProperty(b => b.PagesTotal, total)
                    .SetProperty(b => b.PagesDuplicate, duplicate).SetProperty(b => b.PagesUnreadable, unreadable)
                    .SetProperty(b => b.ResultsJson, resultsJson).SetProperty(b => b.PendingSerialsJson, pendingJson), ct);
                await transaction.CommitAsync(ct);
                db.ChangeTracker.Clear();
            }
            var pagesRead = done;
            await db.PaperBatches.Where(b => b.Id == id).ExecuteUpdateAsync(s => s.SetProperty(b => b.Status, PaperBatchStatus.Judging)
                .SetProperty(b => b.PagesTotal, pagesRead), ct);
        }

        // Judge each sheet that got pages, now that the whole file is in.
        var current = await db.PaperBatches.AsNoTracking().FirstAsync(b => b.Id == id, ct);
        int stored = current.SheetsStored, review = current.SheetsReview;
        foreach (var serial in pending.Order(StringComparer.Ordinal).ToList())
        {
            ct.ThrowIfCancellationRequested();
            if (!await stillHeld()) return;
            var (status, _) = await JudgeAsync(serial, batch.UploadedBy, ct);
            db.ChangeTracker.Clear();
            // Stored already: by this batch before a restart (a sheet stored earlier made its pages "duplicate").
            if (status == "duplicate") status = "stored";
            if (status == "stored") stored++; else review++;
            for (var i = 0; i < results.Count; i++)
                if (results[i].Serial == serial && results[i].Status == "pending") results[i] = results[i] with { Status = status };
            pending.Remove(serial);
            var resultsJson = JsonSerializer.Serialize(results);
            var pendingJson = JsonSerializer.Serialize(pending.Order(StringComparer.Ordinal));
            await db.PaperBatches.Where(b => b.Id == id).ExecuteUpdateAsync(s => s.SetProperty(b => b.SheetsStored, stored).SetProperty(b => b.SheetsReview, review)
                .SetProperty(b => b.ResultsJson, resultsJson).SetProperty(b => b.PendingSerialsJson, pendingJson), ct);
        }
        await db.PaperBatches.Where(b => b.Id == id).ExecuteUpdateAsync(s => s.SetProperty(b => b.Status, PaperBatchStatus.Done)
            .SetProperty(b => b.FinishedUtc, clock.CurrentHourUtc()), ct);
        await audit.WriteAsync(batch.UploadedBy, "paper.scan", batch.FileName,
            $"{results.Count} pages: {stored} sheets stored, {review} to review, {results.Count(r => r.Status == "duplicate")} duplicate, " +
            $"{results.Count(r => r.Status == "unreadable")} unreadable (batch {id})", ct);
        File.Delete(path);
    }

    /// <param name="beforeWrite">Called once before the page's first write (a batch opens its transaction there, so that
    /// reading the marks never holds the database's write lock).</param>
    private async Task<(ScannedPageResult, string?)> ScanPageAsync(UploadedPage page, Func<Unit, bool> canSee, int? scopeUnitId,
        Dictionary<string, SheetInfo?> sheets, HashSet<string> touched, CancellationToken ct, Func<Task>? beforeWrite = null)
    {
        if (page.Image is null)
            return (new ScannedPageResult(page.Number, null, "unreadable", null, page.Problem), null);

        // The layout is known only once the QR code is read; the serial must be ours and within the uploader's scope.
        SheetInfo? info = null;
        var reading = MarkReader.Read(page.Image, qr =>
        {
            info = FindSheet(qr.Serial, canSee, sheets, ct);
            if (info is null || info.Instrument.Code != qr.Instrument || info.Instrument.Version != qr.Version || qr.Page > info.Layout.PageCount) return null;
            return info.Layout.Pages[qr.Page - 1];
        });
        if (reading.Qr is { } found && info is null) info = FindSheet(found.Serial, canSee, sheets, ct);
        var serial = reading.Qr?.Serial;
        if (reading.Qr is not null && info is null)
            return (new ScannedPageResult(page.Number, serial, "unreadable", null, "serial not printed for a counter in your scope: refused"), null);
        if (reading.Status == PageStatus.UnknownForm)
            return (new ScannedPageResult(page.Number, serial, "unreadable", null, "the QR code does not match the printed sheet: refused"), null);
        if (info is not null && info.Sheet.Status == PaperSheetStatus.Stored)
            return (new ScannedPageResult(page.Number, serial, "duplicate", null), null);

        var png = page.Image.ToPng(ReviewImageSide);
        var factor = Math.Min(1.0, ReviewImageSide / (double)Math.Max(page.Image.Width, page.Image.Height));
        if (reading.Status != PageStatus.Read || info is null)
        {
            if (beforeWrite is not null) await beforeWrite();
            db.PaperPages.Add(new PaperPage
            {
                SheetId = info?.Sheet.Id, UnitId = info?.Counter.UnitId ?? scopeUnitId, PageNumber = reading.Qr?.Page ?? 0,
                Status = PaperPageStatus.Unreadable, Problem = reading.Status == PageStatus.NoQr ? "no QR code found" : "corner marks not found",
                ImagePng = png, ScannedUtc = clock.CurrentHourUtc(),
            });
            await db.SaveChangesAsync(ct);
            if (info is not null) touched.Add(info.Sheet.Serial);
            return (new ScannedPageResult(page.Number, serial, info is null ? "unreadable" : "pending", null,
                reading.Status == PageStatus.NoQr ? "no QR code found" : "corner marks not found"), info?.Sheet.Serial);
        }

        // A page scanned again before its sheet is stored replaces the earlier scan.
        var number = reading.Qr!.Page;
        if (beforeWrite is not null) await beforeWrite();
        await db.PaperPages.Where(p => p.SheetId == info.Sheet.Id && p.PageNumber == number).ExecuteDeleteAsync(ct);
        var corners = PaperLayout.MarkCentres.Select(c => reading.Transform!.Map(c.X, c.Y)).Select(p => new[] { p.X * factor, p.Y * factor }).ToArray();
        db.PaperPages.Add(new PaperPage
        {
            SheetId = info.Sheet.Id, UnitId = info.Counter.UnitId, PageNumber = number, Status = PaperPageStatus.Read,
            MarksJson = JsonSerializer.Serialize(reading.Marks), CornersJson = JsonSerializer.Serialize(corners),
            ImagePng = png, ScannedUtc = clock.CurrentHourUtc(),
        });
        await db.SaveChangesAsync(ct);
        touched.Add(info.Sheet.Serial);
        return (new ScannedPageResult(page.Number, serial, "pending", null), info.Sheet.Serial);
    }

    private SheetInfo? FindSheet(string serial, Func<Unit, bool> canSee, Dictionary<string, SheetInfo?> cache, CancellationToken ct)
    {
        if (cache.TryGetValue(serial, out var known)) return known;
        // Synchronous on purpose: called from inside the reader's callback, once per serial.
        var sheet = db.PaperSheets.AsNoTracking().Include(s => s.Counter).ThenInclude(c => c.Unit).Include(s => s.InstrumentVersion)
            .FirstOrDefault(s => s.Serial == serial);
        SheetInfo? info = null;
        if (sheet is not null && canSee(sheet.Counter.Unit))
        {
            var instrument = registry.Get(sheet.InstrumentVersion);
            info = new SheetInfo(sheet, instrument, LayoutFor(instrument, sheet.Language), sheet.Counter);
        }
        _ = ct;
        return cache[serial] = info;
    }

    /// <summary>Stores the sheet when all its pages are in and every mark is certain; otherwise leaves it for review.</summary>
    public async Task<(string Status, Guid? SubmissionId)> JudgeAsync(string serial, string actor, CancellationToken ct)
    {
        var sheet = await db.PaperSheets.Include(s => s.ScannedPages).Include(s => s.InstrumentVersion).Include(s => s.Counter).ThenInclude(c => c.Unit)
            .FirstAsync(s => s.Serial == serial, ct);
        if (sheet.Status == PaperSheetStatus.Stored) return ("duplicate", null);
        var instrument = registry.Get(sheet.InstrumentVersion);
        var reading = Read(sheet, instrument.Definition);
        if (reading is null || !reading.IsCertain)
        {
            sheet.Status = PaperSheetStatus.Review;
            sheet.CellsJson = reading is null ? null : JsonSerializer.Serialize(reading.Cells);
            await db.SaveChangesAsync(ct);
            return ("review", null);
        }
        var id = await StoreAsync(sheet, instrument, reading.Cells, actor, "scan", ct);
        return id is null ? ("review", null) : ("stored", id);
    }

    /// <summary>The combined reading of a sheet's pages, or null when a page is missing or unreadable.</summary>
    public static SheetReading? Read(PaperSheet sheet, InstrumentDefinition definition)
    {
        var pages = sheet.ScannedPages.Where(p => p.Status == PaperPageStatus.Read && p.MarksJson is not null).ToList();
        if (sheet.ScannedPages.Any(p => p.Status == PaperPageStatus.Unreadable) || pages.Select(p => p.PageNumber).Distinct().Count() < sheet.Pages) return null;
        return SheetReading.Combine(definition, pages.ToDictionary(p => p.PageNumber, p => (IReadOnlyList<BoxMark>)JsonSerializer.Deserialize<List<BoxMark>>(p.MarksJson!)!));
    }

    /// <summary>
    /// Stores a sheet's answers (validated like the API's) through the single write path, exactly once, then forgets
    /// its pages and reading. Null (nothing stored, sheet in review) when the cells are invalid.
    /// </summary>
    public async Task<Guid?> StoreAsync(PaperSheet sheet, PublishedInstrument instrument, IReadOnlyDictionary<string, string> cells, string actor, string how, CancellationToken ct)
    {
        var validation = AnswerValidator.ValidateCells(instrument.Definition, cells);
        if (!validation.IsValid)
        {
            sheet.Status = PaperSheetStatus.Review;
            sheet.CellsJson = JsonSerializer.Serialize(cells);
            await db.SaveChangesAsync(ct);
            return null;
        }
        var counter = sheet.Counter;
        // The id is saved before the write: if the process dies in between, the next attempt sends the same id and
        // the writer answers "already stored" instead of storing it twice.
        sheet.PendingSubmissionId ??= Guid.NewGuid();
        sheet.Status = PaperSheetStatus.Storing;
        await db.SaveChangesAsync(ct);
        var id = sheet.PendingSubmissionId.Value;
        var result = await submissions.SubmitAsync(new SubmissionCommand(id, counter, instrument, Channel, validation.Answers, EnteredByOfficial: true), ct);
        if (result.Status is not (SubmissionStatus.Created or SubmissionStatus.Replayed))
            throw new InvalidOperationException($"Paper sheet {sheet.Serial} could not be stored: {result.Status}.");
        sheet.Status = PaperSheetStatus.Stored;
        sheet.PendingSubmissionId = null;
        sheet.CellsJson = null;
        sheet.FirstEntryJson = null;
        sheet.FirstEntryBy = null;
        await db.PaperPages.Where(p => p.SheetId == sheet.Id).ExecuteDeleteAsync(ct);
        audit.Add(actor, "paper.store", sheet.Serial, $"stored by {how}");
        await db.SaveChangesAsync(ct);
        return id;
    }

    /// <summary>Finishes sheets left half-stored by a crash (same submission id: stored once).</summary>
    public async Task<int> ResumeAsync(CancellationToken ct)
    {
        var pending = await db.PaperSheets.Where(s => s.Status == PaperSheetStatus.Storing).Select(s => s.Serial).ToListAsync(ct);
        foreach (var serial in pending) await JudgeAsync(serial, AuditLog.System, ct);
        return pending.Count;
    }
}
