using CchcSurvey.Web.Data;
using CchcSurvey.Web.Infrastructure;
using CchcSurvey.Web.Workspace;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace CchcSurvey.Web.Pages.Public;

/// <summary>
/// One published unit-quarter: the frozen figures with n ≥ MinN only (SIPAS index and elements, NHANH share,
/// TT01 mean, each with its interval), and the public answers of the unit's answered cases in that quarter.
/// No comment text, no count below MinN. Anonymous; no JavaScript. Read from the standby when there is one.
/// </summary>
public sealed class PublicationModel(LaggingReads reads, LocalClock clock, CchcSurvey.Web.Surveys.InstrumentRegistry registry) : PageModel
{
    private readonly SurveyDbContext db = reads.Context;

    public sealed record PublicAnswer(DateOnly Date, string Text);

    public PublishedFigures Figures { get; private set; } = null!;

    /// <summary>The published indices; for a publication older than <see cref="PublishedFigures.Indices"/>, its one index titled by the default instrument.</summary>
    public IReadOnlyList<PublishedIndex> Indices { get; private set; } = [];
    public DateOnly PublishedDate { get; private set; }
    public IReadOnlyList<PublicAnswer> Answers { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(string unit, string quarter, CancellationToken ct)
    {
        if (!QuarterPeriod.TryParse(quarter, out var period)) return NotFound();
        var publication = await db.Publications.AsNoTracking().Include(p => p.Unit)
            .FirstOrDefaultAsync(p => p.Unit.Code == unit && p.Year == period.Year && p.Quarter == period.Quarter, ct);
        if (publication is null) return NotFound();
        Figures = PublishedFigures.FromJson(publication.FiguresJson);
        PublishedDate = DateOnly.FromDateTime(clock.ToLocal(publication.PublishedUtc));
        ViewData["MinN"] = Figures.MinN;
        Indices = Figures.Indices ?? await LegacyIndicesAsync(ct);

        var start = clock.StartOfDayUtc(period.From);
        var end = clock.StartOfDayUtc(period.To.AddDays(1));
        var path = publication.Unit.Path;
        var answers = await db.Cases.AsNoTracking()
            .Where(c => c.Status == CaseStatus.Answered && c.PublicAnswer != null && c.AnsweredUtc >= start && c.AnsweredUtc < end).Where(CchcSurvey.Web.Indices.UnitPath.Within<FollowUpCase>(c => c.Unit.Path, path))
            .OrderByDescending(c => c.AnsweredUtc).Take(50).Select(c => new { c.AnsweredUtc, c.PublicAnswer }).ToListAsync(ct);
        Answers = answers.Select(a => new PublicAnswer(DateOnly.FromDateTime(clock.ToLocal(a.AnsweredUtc!.Value)), a.PublicAnswer!)).ToList();
        return Page();
    }

    private async Task<IReadOnlyList<PublishedIndex>> LegacyIndicesAsync(CancellationToken ct)
    {
        if (Figures.SipasIndex is null && Figures.Elements.Count == 0) return [];
        var definition = (await registry.DefaultAsync(db, ct))?.Definition;
        var title = definition?.Title ?? new Core.Instruments.LocalizedText("", "");
        return [new PublishedIndex(definition?.Code ?? "", title, Figures.SipasIndex, Figures.Elements
            .Select(e => new PublishedElement(e.Key, definition?.FindElement(e.Key)?.Title ?? new Core.Instruments.LocalizedText(e.Key, e.Key), e.Value)).ToList())];
    }
}
