using System.Globalization;
using CchcSurvey.Web.Administration;
using CchcSurvey.Web.Data;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace CchcSurvey.Web.Pages.Admin.Audit;

/// <summary>The audit log, newest first, filtered by action, actor, target and local (Vietnam) date range, 50 entries a page (<c>?p=</c>).</summary>
public sealed class IndexModel(SurveyDbContext db, CchcSurvey.Web.Infrastructure.LocalClock clock) : PageModel
{
    public const int PageSize = 50;

    public IReadOnlyList<AuditEntry> Entries { get; private set; } = [];
    public IReadOnlyList<string> Actions { get; private set; } = [];
    public int Total { get; private set; }
    public int PageNumber { get; private set; } = 1;
    public int Pages => Math.Max(1, (Total + PageSize - 1) / PageSize);

    public string? Action { get; private set; }
    public string? Actor { get; private set; }
    public string? Target { get; private set; }
    public string? From { get; private set; }
    public string? To { get; private set; }

    public async Task OnGetAsync(string? action, string? actor, string? target, string? from, string? to, int? p, CancellationToken ct)
    {
        (Action, Actor, Target) = (Clean(action), Clean(actor), Clean(target));
        var query = db.AuditEntries.AsNoTracking();
        if (Action is not null) query = query.Where(e => e.Action == Action);
        if (Actor is not null) query = query.Where(e => e.Actor.Contains(Actor));
        if (Target is not null) query = query.Where(e => e.Target.Contains(Target));
        if (ParseDay(from) is { } first)
        {
            From = from;
            // The days an official types are local days, as the page shows them.
            var start = clock.StartOfDayUtc(first);
            query = query.Where(e => e.UtcTime >= start);
        }
        if (ParseDay(to) is { } last)
        {
            To = to;
            var end = clock.StartOfDayUtc(last.AddDays(1));
            query = query.Where(e => e.UtcTime < end);
        }
        Total = await query.CountAsync(ct);
        PageNumber = Math.Clamp(p ?? 1, 1, Pages);
        Entries = await query.OrderByDescending(e => e.Id).Skip((PageNumber - 1) * PageSize).Take(PageSize).ToListAsync(ct);
        Actions = AuditActions.Known.Union(await db.AuditEntries.AsNoTracking().Select(e => e.Action).Distinct().ToListAsync(ct)).Order().ToList();
    }

    /// <summary>The query string of this filter on another page.</summary>
    public string PageUrl(int page)
    {
        var parts = new List<string>();
        void Add(string name, string? value) { if (!string.IsNullOrEmpty(value)) parts.Add($"{name}={Uri.EscapeDataString(value)}"); }
        Add("action", Action); Add("actor", Actor); Add("target", Target); Add("from", From); Add("to", To);
        // "p", not "page": Razor Pages reserves the "page" route value.
        parts.Add($"p={page.ToString(CultureInfo.InvariantCulture)}");
        return "/admin/audit?" + string.Join('&', parts);
    }

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim()[..Math.Min(value.Trim().Length, 200)];

    private static DateOnly? ParseDay(string? value) =>
        DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day : null;
}
