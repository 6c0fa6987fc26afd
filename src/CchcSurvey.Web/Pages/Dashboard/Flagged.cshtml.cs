using System.Globalization;
using CchcSurvey.Core.Integrity;
using CchcSurvey.Web.Data;
using CchcSurvey.Web.Infrastructure;
using CchcSurvey.Web.Security;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace CchcSurvey.Web.Pages.Dashboard;

/// <summary>
/// <c>/dashboard/flagged</c>: the suspect responses of the official's scope with their reasons, read-only.
/// Flagged responses are kept; the indices API leaves them out with <c>includeFlagged=false</c>.
/// </summary>
public sealed class FlaggedModel(SurveyDbContext db, OfficialScope scope, LocalClock clock) : PageModel
{
    public const int MaxRows = 200;

    public sealed record UnitCount(string Code, string Name, int Total, IReadOnlyDictionary<ResponseFlags, int> ByReason);

    public sealed record Row(string UnitCode, string UnitName, string? Counter, string Instrument, string Channel, DateOnly Date, IReadOnlyList<FlagReason> Reasons);

    public IReadOnlyList<UnitCount> Units { get; private set; } = [];
    public IReadOnlyList<Row> Rows { get; private set; } = [];
    public int Total { get; private set; }

    public string Culture => CultureInfo.CurrentUICulture.Name;

    public async Task OnGetAsync(CancellationToken ct)
    {
        var visible = await scope.VisibleUnitsAsync(ct);
        var unitIds = visible.Select(u => u.Id);
        var flagged = db.Responses.AsNoTracking().Where(r => r.Flags != 0 && unitIds.Contains(r.UnitId));

        var perUnit = await flagged.GroupBy(r => new { r.UnitId, r.Flags }).Select(g => new { g.Key.UnitId, g.Key.Flags, N = g.Count() }).ToListAsync(ct);
        var names = await db.Units.AsNoTracking().Where(u => perUnit.Select(p => p.UnitId).Contains(u.Id))
            .ToDictionaryAsync(u => u.Id, u => (u.Code, u.Name), ct);
        Units = perUnit.GroupBy(p => p.UnitId).Select(g => new UnitCount(names[g.Key].Code, names[g.Key].Name, g.Sum(x => x.N),
                ResponseFlagReasons.All.ToDictionary(r => r.Flag, r => g.Where(x => (x.Flags & (int)r.Flag) != 0).Sum(x => x.N))))
            .OrderBy(u => u.Code, StringComparer.Ordinal).ToList();
        Total = Units.Sum(u => u.Total);

        var rows = await flagged.OrderByDescending(r => r.SubmittedHourUtc).ThenByDescending(r => r.Id).Take(MaxRows)
            .Select(r => new { r.Unit.Code, r.Unit.Name, Counter = r.Counter == null ? null : r.Counter.Code, r.InstrumentVersion.Title, r.Channel, r.SubmittedHourUtc, r.Flags })
            .ToListAsync(ct);
        // The local date only, and within a day an order by place and content, never by hour or id: officials get no
        // clock finer than the day (METHODOLOGY §6, Unlinkable).
        Rows = rows.Select(r => new Row(r.Code, r.Name, r.Counter, r.Title, r.Channel, DateOnly.FromDateTime(clock.ToLocal(r.SubmittedHourUtc)), ResponseFlagReasons.Of(r.Flags)))
            .OrderByDescending(r => r.Date).ThenBy(r => r.UnitCode, StringComparer.Ordinal).ThenBy(r => r.Counter, StringComparer.Ordinal)
            .ThenBy(r => r.Instrument, StringComparer.Ordinal).ThenBy(r => r.Channel, StringComparer.Ordinal).ThenBy(r => r.Reasons.Aggregate(0, (a, x) => a | (int)x.Flag))
            .ToList();
    }
}
