using System.Globalization;
using CchcSurvey.Web.Data;
using CchcSurvey.Web.Infrastructure;
using CchcSurvey.Web.Security;
using CchcSurvey.Web.Surveys;
using CchcSurvey.Web.Workspace;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace CchcSurvey.Web.Pages.Dashboard.Comments;

/// <summary>
/// The comments (GOP_Y) of the responses in the official's scope, newest day first, with the rating given; tags
/// and "đã xử lý" for managers and administrators. Comments are shown whatever the unit's number of responses:
/// they are free text already scrubbed of personal data and an official must be able to act on each one, but
/// nothing says who wrote them or when within the day (METHODOLOGY §6, Unlinkable): the local date only; a
/// comment appears from the day after it was given (a page that changed as answers arrived would be a clock);
/// each is named by an opaque identifier (<see cref="OpaqueIds"/>), not the sequential response id; and the
/// comments of one day are ordered by that identifier, which has nothing to do with their order of arrival.
/// </summary>
public sealed class IndexModel(OfficialScope scope, SurveyDbContext db, InstrumentRegistry registry, LocalClock clock, OpaqueIds opaque, Administration.AuditLog audit) : PageModel
{
    public const int PageSize = 25;

    /// <summary>The widest window of days a page reads back (fifty years: every response there is).</summary>
    private const int MaxWindowDays = 50 * 366;

    /// <param name="Ref">The comment's opaque identifier (its response's, <see cref="OpaqueKind.Response"/>).</param>
    public sealed record CommentRow(string Ref, string UnitCode, string UnitName, string? Counter, string Instrument,
        DateOnly Date, string Text, int? Rating, int Scale, bool Low, IReadOnlyList<string> Tags, bool Handled, string? HandledBy, int? CaseId);

    [BindProperty(SupportsGet = true)] public string? Unit { get; set; }
    [BindProperty(SupportsGet = true)] public string? From { get; set; }
    [BindProperty(SupportsGet = true)] public string? To { get; set; }
    [BindProperty(SupportsGet = true)] public string? Instrument { get; set; }
    [BindProperty(SupportsGet = true)] public string? State { get; set; }
    [BindProperty(SupportsGet = true)] public string? Tag { get; set; }
    [BindProperty(SupportsGet = true)] public bool Low { get; set; }

    /// <summary>Keyset cursor: the local day the page starts in (the newest day with comments when absent).</summary>
    [BindProperty(SupportsGet = true)] public string? Day { get; set; }

    /// <summary>Keyset cursor: within <see cref="Day"/>, the page starts after this opaque identifier.</summary>
    [BindProperty(SupportsGet = true)] public string? After { get; set; }

    public IReadOnlyList<CommentRow> Rows { get; private set; } = [];
    public IReadOnlyList<Unit> Units { get; private set; } = [];
    public IReadOnlyList<string> Instruments { get; private set; } = [];
    /// <summary>The cursor of the next (older) page, or null on the last page.</summary>
    public (DateOnly Day, string After)? Next { get; private set; }
    public bool IsFirstPage => string.IsNullOrEmpty(Day);
    public string? FilterError { get; private set; }
    public bool CanAct => WorkspaceRoles.CanAct(User);

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        Units = await (await scope.VisibleUnitsAsync(ct)).AsNoTracking().OrderBy(u => u.Path).ToListAsync(ct);
        var current = await registry.CurrentAsync(db, ct);
        Instruments = current.Select(i => i.Code).ToList();
        var definitions = current.ToDictionary(i => i.Code, i => i.Definition);
        var query = db.Responses.AsNoTracking().WithComment();
        IQueryable<int> unitIds;
        if (!string.IsNullOrEmpty(Unit))
        {
            var unit = await scope.FindVisibleUnitAsync(Unit, ct);
            if (unit is null) return NotFound();
            unitIds = db.Units.Where(Indices.UnitPath.Within<Unit>(u => u.Path, unit.Path)).Select(u => u.Id);
        }
        else
        {
            unitIds = await scope.VisibleUnitIdsAsync(ct);
        }
        query = query.Where(r => unitIds.Contains(r.UnitId));
        // Today's comments appear tomorrow: officials get no clock finer than the day.
        var today = clock.StartOfDayUtc(clock.Today());
        query = query.Where(r => r.SubmittedHourUtc < today);
        if (ParseDate(From, "from") is DateOnly from) { var start = clock.StartOfDayUtc(from); query = query.Where(r => r.SubmittedHourUtc >= start); }
        if (ParseDate(To, "to") is DateOnly to) { var end = clock.StartOfDayUtc(to.AddDays(1)); query = query.Where(r => r.SubmittedHourUtc < end); }
        if (!string.IsNullOrEmpty(Instrument)) query = query.Where(r => r.InstrumentVersion.Code == Instrument);
        if (Low) query = query.WithLowRating(definitions.Values);

        var joined = from r in query
                     join n in db.CommentNotes on r.Id equals n.ResponseId into notes
                     from n in notes.DefaultIfEmpty()
                     select new { r, n };
        if (State == "open") joined = joined.Where(x => x.n == null || !x.n.Handled);
        else if (State == "handled") joined = joined.Where(x => x.n != null && x.n.Handled);
        var tag = CommentNote.NormaliseTags(Tag);
        if (tag.Length > 0) joined = joined.Where(x => x.n != null && x.n.Tags.Contains(tag));

        // Newest day first; within a day by opaque identifier, never by arrival (the ids and hours are sorted here,
        // not in SQL, because the order within a day must not follow the hour or the sequential id). Keyset paging by
        // (day, identifier). A page reads the keys of whole local days back from the newest response before its cursor
        // (one index seek per unit), in windows that widen (by the comments found so far, at least eightfold when none)
        // until they hold more comments than the page shows: each window is a range on the (UnitId, SubmittedHourUtc)
        // index for every unit of the subtree, so its cost follows the comments of the days shown, never the number
        // stored. (An ORDER BY hour … LIMIT over the subtree made SQLite sort every comment of the subtree: 3 s for the
        // root at 1 M responses; docs/performance.md, "Comments page".)
        var encode = await opaque.EncoderAsync(OpaqueKind.Response, ct);
        var keys = new List<(long Id, DateOnly Day, string Ref)>();
        List<(long Id, DateOnly Day, string Ref)> Keyed(IEnumerable<(long Id, DateTime Hour)> found) =>
            found.Select(k => (k.Id, Day: DateOnly.FromDateTime(clock.ToLocal(k.Hour)), Ref: encode(k.Id)))
                .OrderByDescending(k => k.Day).ThenBy(k => k.Ref, StringComparer.Ordinal).ToList();
        var upperDay = clock.Today();
        if (ParseDate(Day, "day") is DateOnly day && day < upperDay)
        {
            if (!string.IsNullOrEmpty(After))
            {
                var dayStart = clock.StartOfDayUtc(day);
                var dayEnd = clock.StartOfDayUtc(day.AddDays(1));
                var ofDay = await joined.Where(x => x.r.SubmittedHourUtc >= dayStart && x.r.SubmittedHourUtc < dayEnd)
                    .Select(x => new { x.r.Id, x.r.SubmittedHourUtc }).ToListAsync(ct);
                keys.AddRange(Keyed(ofDay.Select(k => (k.Id, k.SubmittedHourUtc))).Where(k => string.CompareOrdinal(k.Ref, After) > 0));
                upperDay = day;
            }
            else upperDay = day.AddDays(1);
        }
        if (keys.Count <= PageSize)
        {
            var need = PageSize + 1 - keys.Count;
            var before = clock.StartOfDayUtc(upperDay);
            // The newest response of the subtree before the cursor (with a comment or not): the windows start from its
            // day, so that a quiet spell (a holiday, a unit that stopped collecting) costs nothing to cross.
            var newest = await db.Units.AsNoTracking().Where(u => unitIds.Contains(u.Id))
                .Select(u => db.Responses.Where(r => r.UnitId == u.Id && r.SubmittedHourUtc < before).Max(r => (DateTime?)r.SubmittedHourUtc))
                .MaxAsync(ct);
            if (newest is DateTime last && DateOnly.FromDateTime(clock.ToLocal(last)).AddDays(1) is var end && end < upperDay) upperDay = end;
            var upper = clock.StartOfDayUtc(upperDay);
            DateTime? floor = ParseDate(From, "from") is DateOnly first ? clock.StartOfDayUtc(first) : null;
            for (var days = 1; newest is not null; )
            {
                var start = clock.StartOfDayUtc(upperDay.AddDays(-days));
                var window = await joined.Where(x => x.r.SubmittedHourUtc >= start && x.r.SubmittedHourUtc < upper)
                    .Select(x => new { x.r.Id, x.r.SubmittedHourUtc }).ToListAsync(ct);
                // Fewer than a page: widen, unless the window already reaches back past every response that can match.
                if (window.Count < need) floor ??= await db.Responses.AsNoTracking().MinAsync(r => (DateTime?)r.SubmittedHourUtc, ct) ?? start;
                if (window.Count >= need || start <= floor || days >= MaxWindowDays)
                {
                    keys.AddRange(Keyed(window.Select(k => (k.Id, k.SubmittedHourUtc))));
                    break;
                }
                // Enough days for the page at the density found so far (with a margin), and never less than eightfold.
                days = (int)Math.Min(days * Math.Max(8.0, 2.0 * need / Math.Max(window.Count, 1)), MaxWindowDays);
            }
        }
        var pageIds = keys.Take(PageSize).ToList();
        Next = keys.Count > PageSize ? (pageIds[^1].Day, pageIds[^1].Ref) : null;
        var ids = pageIds.Select(p => p.Id).ToList();
        var found = await joined.Where(x => ids.Contains(x.r.Id))
            .Select(x => new
            {
                x.r.Id, x.r.AnswersJson, x.r.SubmittedHourUtc, UnitCode = x.r.Unit.Code, UnitName = x.r.Unit.Name,
                Counter = x.r.Counter == null ? null : x.r.Counter.Name, Instrument = x.r.InstrumentVersion.Code,
                Tags = x.n == null ? "" : x.n.Tags, Handled = x.n != null && x.n.Handled, HandledBy = x.n == null ? null : x.n.HandledBy,
            }).ToDictionaryAsync(p => p.Id, ct);
        var cases = await db.Cases.AsNoTracking().Where(c => ids.Contains(c.ResponseId))
            .GroupBy(c => c.ResponseId).Select(g => new { g.Key, Id = g.Min(c => c.Id) }).ToDictionaryAsync(c => c.Key, c => c.Id, ct);
        Rows = pageIds.Where(k => found.ContainsKey(k.Id)).Select(k =>
        {
            var p = found[k.Id];
            var (text, rating) = Workspace.Comments.Read(p.AnswersJson);
            return new CommentRow(k.Ref, p.UnitCode, p.UnitName, p.Counter, p.Instrument, k.Day,
                text ?? "", rating, Workspace.Comments.ScaleOf(definitions.GetValueOrDefault(p.Instrument)), Workspace.Comments.IsLow(rating, definitions.GetValueOrDefault(p.Instrument)),
                new CommentNote { Tags = p.Tags }.TagList, p.Handled, p.HandledBy, cases.TryGetValue(p.Id, out var c) ? c : null);
        }).ToList();
        return Page();
    }

    /// <summary>Marks a comment handled or not. Viewers: 403; outside the scope: 404.</summary>
    public async Task<IActionResult> OnPostHandledAsync(string? id, bool handled, string? back, CancellationToken ct)
    {
        if (!CanAct) return StatusCode(StatusCodes.Status403Forbidden);
        var note = await NoteInScopeAsync(id, ct);
        if (note is null) return NotFound();
        note.Handled = handled;
        note.HandledBy = handled ? User.Identity?.Name : null;
        note.HandledUtc = handled ? DateTime.UtcNow : null;
        await audit
            .AddForUnitAsync(User, Administration.AuditActions.CommentHandled, await UnitOfResponseAsync(note.ResponseId, ct), handled ? "comment handled" : "comment not handled", ct);
        await db.SaveChangesAsync(ct);
        return Back(back);
    }

    /// <summary>Replaces a comment's tags (comma separated). Viewers: 403; outside the scope: 404.</summary>
    public async Task<IActionResult> OnPostTagsAsync(string? id, string? tags, string? back, CancellationToken ct)
    {
        if (!CanAct) return StatusCode(StatusCodes.Status403Forbidden);
        var note = await NoteInScopeAsync(id, ct);
        if (note is null) return NotFound();
        var before = note.Tags;
        note.Tags = CommentNote.NormaliseTags(tags);
        await audit
            .AddForUnitAsync(User, Administration.AuditActions.CommentTags, await UnitOfResponseAsync(note.ResponseId, ct), $"comment tags '{before.Trim(',')}' → '{note.Tags.Trim(',')}'", ct);
        await db.SaveChangesAsync(ct);
        return Back(back);
    }

    /// <summary>The audit names the comment's unit; not the response, whose id would tell the order of submission.</summary>
    private Task<int> UnitOfResponseAsync(long id, CancellationToken ct) =>
        db.Responses.AsNoTracking().Where(r => r.Id == id).Select(r => r.UnitId).FirstAsync(ct);

    private async Task<CommentNote?> NoteInScopeAsync(string? reference, CancellationToken ct)
    {
        if (await opaque.FromOpaqueAsync(OpaqueKind.Response, reference, ct) is not long id) return null;
        var visible = await scope.VisibleUnitIdsAsync(ct);
        var exists = await db.Responses.AsNoTracking().WithComment().AnyAsync(r => r.Id == id && visible.Contains(r.UnitId), ct);
        if (!exists) return null;
        var note = await db.CommentNotes.FirstOrDefaultAsync(n => n.ResponseId == id, ct);
        if (note is null) db.CommentNotes.Add(note = new CommentNote { ResponseId = id });
        return note;
    }

    private LocalRedirectResult Back(string? back) =>
        LocalRedirect(back is { Length: > 0 } && back.StartsWith('?') && !back.Contains('\\') ? "/dashboard/comments" + back : "/dashboard/comments");

    private DateOnly? ParseDate(string? text, string name)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)) return date;
        FilterError = $"{name}: {text}";
        return null;
    }

    /// <summary>This page's query string with one or two values changed (null removes), for paging links.</summary>
    public string QueryWith(string key, string? value, string? key2 = null, string? value2 = null)
    {
        var query = Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        query.Remove("p");
        if (value is null) query.Remove(key); else query[key] = value;
        if (key2 is not null) { if (value2 is null) query.Remove(key2); else query[key2] = value2; }
        return Microsoft.AspNetCore.Http.QueryString.Create(query.Select(q => new KeyValuePair<string, string?>(q.Key, q.Value))).ToString();
    }
}
