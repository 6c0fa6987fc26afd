using CchcSurvey.Web.Administration;
using CchcSurvey.Web.Data;
using CchcSurvey.Web.Infrastructure;
using CchcSurvey.Web.Workspace;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace CchcSurvey.Web.Pages.Admin.Publishing;

/// <summary>
/// Administrators publish a unit's results for a quarter on <c>/public</c>. Publishing freezes the figures
/// (n ≥ MinN only) as they are at that moment: a published report must not change under its readers when late
/// paper questionnaires arrive; publishing again replaces it deliberately, withdrawing removes it.
/// </summary>
public sealed class IndexModel(SurveyDbContext db, PublicationBuilder builder, LocalClock clock, AuditLog audit, global::CchcSurvey.Web.Webhooks.WebhookOutbox webhooks) : PageModel
{
    public sealed record Row(int Id, string UnitCode, string UnitName, string Quarter, DateTime PublishedLocal, string PublishedBy);

    public IReadOnlyList<Unit> Units { get; private set; } = [];
    public IReadOnlyList<Row> Publications { get; private set; } = [];
    public string DefaultQuarter { get; private set; } = "";
    public string? Message { get; private set; }
    public string? Error { get; private set; }

    public Task OnGetAsync(CancellationToken ct) => LoadAsync(ct);

    public async Task<IActionResult> OnPostPublishAsync(string? unit, string? quarter, CancellationToken ct)
    {
        var target = await db.Units.AsNoTracking().FirstOrDefaultAsync(u => u.Code == unit, ct);
        if (target is null || !QuarterPeriod.TryParse(quarter, out var period) || period.From > clock.Today())
        {
            Error = target is null ? "unit" : "quarter";
            Response.StatusCode = StatusCodes.Status400BadRequest;
            await LoadAsync(ct);
            return Page();
        }
        var figures = await builder.BuildAsync(target, period, ct);
        var existing = await db.Publications.FirstOrDefaultAsync(p => p.UnitId == target.Id && p.Year == period.Year && p.Quarter == period.Quarter, ct);
        if (existing is null)
            db.Publications.Add(existing = new Publication { UnitId = target.Id, Year = period.Year, Quarter = period.Quarter, PublishedBy = "", FiguresJson = "" });
        existing.FiguresJson = figures.ToJson();
        existing.PublishedUtc = DateTime.UtcNow;
        existing.PublishedBy = User.Identity?.Name ?? "";
        audit.Add(User, AuditActions.Publish, target.Code, period.ToString());
        await webhooks.StageAsync(global::CchcSurvey.Web.Webhooks.WebhookEvents.PublicationPublished, new global::CchcSurvey.Web.Webhooks.PublicationPublishedData(target.Code, target.Name, period.ToString(),
            $"/public/{Uri.EscapeDataString(target.Code)}/{period}"), ct);
        await db.SaveChangesAsync(ct);
        return LocalRedirect("/admin/publishing");
    }

    public async Task<IActionResult> OnPostWithdrawAsync(int id, CancellationToken ct)
    {
        var publication = await db.Publications.FirstOrDefaultAsync(p => p.Id == id, ct);
        if (publication is null) return NotFound();
        db.Publications.Remove(publication);
        audit.Add(User, AuditActions.Publish, publication.UnitId.ToString(System.Globalization.CultureInfo.InvariantCulture), $"withdrawn {new QuarterPeriod(publication.Year, publication.Quarter)}");
        await db.SaveChangesAsync(ct);
        return LocalRedirect("/admin/publishing");
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Units = await db.Units.AsNoTracking().OrderBy(u => u.Path).ToListAsync(ct);
        var rows = await db.Publications.AsNoTracking().OrderByDescending(p => p.Year).ThenByDescending(p => p.Quarter).ThenBy(p => p.Unit.Path)
            .Select(p => new { p.Id, p.Unit.Code, p.Unit.Name, p.Year, p.Quarter, p.PublishedUtc, p.PublishedBy }).ToListAsync(ct);
        Publications = rows.Select(p => new Row(p.Id, p.Code, p.Name, new QuarterPeriod(p.Year, p.Quarter).ToString(), clock.ToLocal(p.PublishedUtc), p.PublishedBy)).ToList();
        var current = QuarterPeriod.Of(clock.Today());
        DefaultQuarter = (current.Quarter == 1 ? new QuarterPeriod(current.Year - 1, 4) : current with { Quarter = current.Quarter - 1 }).ToString();
    }
}
