using CchcSurvey.Core.Indices;
using CchcSurvey.Core.Instruments;
using CchcSurvey.Web.Data;
using CchcSurvey.Web.Indices;
using CchcSurvey.Web.Infrastructure;
using CchcSurvey.Web.Security;
using CchcSurvey.Web.Surveys;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace CchcSurvey.Web.Pages.Dashboard;

/// <summary>
/// The officials' dashboard for one unit (its whole subtree, §4.8) and one period: the SIPAS service index
/// with its change against the previous period (§4.10), the children ranked fairly (§4.11), the units ×
/// elements heatmap with each element's lead department, the trend, the answer distribution per item, TT01
/// and the quick-rating reasons. Every figure comes from <see cref="FiguresService"/> (one pooled query for the unit
/// and all its children at once, protected in time and across units); only the per-counter counts read responses.
/// Which units may be read is decided by <see cref="OfficialScope"/> alone: outside it, 404.
/// </summary>
public sealed class IndexModel(OfficialScope scope, FiguresService figures, InstrumentRegistry registry, SurveyDbContext db,
    LocalClock clock, IConfiguration configuration, CchcSurvey.Web.Plans.PlanService plans) : PageModel
{
    public const string Quick = "NHANH";
    public const string Tt01Code = "TT01";

    /// <summary>One unit of the heatmap: the unit itself (first) or a child.</summary>
    public sealed record UnitRow(Unit Unit, bool IsSelf, long Responses, SipasServiceReport? Service, QuickRatingReport? Quick);

    /// <summary>A ranking row in display order: ranked units first (by p̃), then the insufficient ones.</summary>
    public sealed record RankingRow(Unit Unit, RankedUnit? Ranked, long N, double? Lo, double? Hi);

    public sealed record ItemRow(ItemDefinition Item, ItemFigure Figure);

    public sealed record CounterRow(Counter Counter, long Responses, long InstrumentResponses);

    public List<string> Errors { get; } = [];
    public DashboardQuery Query { get; private set; } = null!;
    public int MinN => figures.Options.MinN;
    public Unit? Unit { get; private set; }
    public IReadOnlyList<Unit> Breadcrumbs { get; private set; } = [];
    public IReadOnlyList<PublishedInstrument> Instruments { get; private set; } = [];
    public PublishedInstrument? Chosen { get; private set; }

    /// <summary>
    /// The instrument whose index, elements and heatmap the page shows: the chosen one when it declares elements,
    /// else the default instrument (configuration) when that does; null when neither does.
    /// </summary>
    public PublishedInstrument? ServiceInstrument { get; private set; }

    /// <summary>The elements of <see cref="ServiceInstrument"/>, in questionnaire order.</summary>
    public IReadOnlyList<ElementDefinition> Elements => ServiceInstrument?.Definition.Elements ?? [];

    public long Responses { get; private set; }
    public SipasServiceReport? ServiceReport { get; private set; }
    public SipasServiceReport? PreviousServiceReport { get; private set; }
    public ComparisonResult? Change { get; private set; }
    public SatisfiedCount CurrentOverall { get; private set; } = new();
    public SatisfiedCount PreviousOverall { get; private set; } = new();
    public QuickRatingReport? QuickReport { get; private set; }
    public Tt01Report? Tt01Report { get; private set; }

    public IReadOnlyList<UnitRow> Rows { get; private set; } = [];

    /// <summary>The units listed now or as they were in the period (<c>units=now|then</c>), with the successor of each merged one.</summary>
    public FiguresService.UnitsView? UnitsView { get; private set; }
    public IReadOnlyDictionary<string, string?> Leads { get; private set; } = new Dictionary<string, string?>();
    public string RankingItem { get; private set; } = "";
    public RankingResult? Ranking { get; private set; }
    public IReadOnlyList<RankingRow> RankingRows { get; private set; } = [];
    public sealed record RankingGroup(string Kind, RankingResult Ranking, IReadOnlyList<RankingRow> Rows);
    public IReadOnlyList<RankingGroup> RankingGroups { get; private set; } = [];
    public string TrendMetric { get; private set; } = "";
    public IReadOnlyList<FiguresService.TrendPoint> Trend { get; private set; } = [];
    public IReadOnlyList<ItemRow> Items { get; private set; } = [];
    public IReadOnlyList<CounterRow> Counters { get; private set; } = [];

    /// <summary>Plan criteria of the visible plans aiming at a figure of the platform (see <see cref="CchcSurvey.Web.Plans.PlanService.AimsAsync"/>).</summary>
    public IReadOnlyList<CchcSurvey.Web.Plans.PlanService.Aim> Aims { get; private set; } = [];

    public IEnumerable<CchcSurvey.Web.Plans.PlanService.Aim> AimsAt(string measure) => Aims.Where(a => a.Measure == measure);

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        Instruments = await figures.InstrumentsAsync(ct);
        var fallback = registry.Default(Instruments);
        Query = DashboardQuery.Parse(Request.Query, clock.Today(), Errors, fallback?.Code ?? "");
        Chosen = Instruments.FirstOrDefault(i => i.Code == Query.Instrument);
        ServiceInstrument = new[] { Chosen, fallback }.FirstOrDefault(i => i is not null && i.Definition.Figures.HasFlag(InstrumentFigures.Elements));
        if (Chosen is null) Errors.Add("instrument");

        var unit = Query.Unit is { } code ? await scope.FindVisibleUnitAsync(code, ct) : await DefaultUnitAsync(ct);
        if (unit is null) return Query.Unit is null ? Page() : NotFound();
        if (Errors.Count > 0)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        Unit = unit;
        Query = Query with { Unit = unit.Code };
        await LoadAsync(unit, Chosen!, ct);
        return Page();
    }

    /// <summary>The official's scope root, or for an administrator the first top-level unit.</summary>
    private async Task<Unit?> DefaultUnitAsync(CancellationToken ct)
    {
        if (await scope.RootAsync(ct) is { } root) return root;
        if (!scope.IsAdmin) return null;
        return await db.Units.AsNoTracking().Where(u => u.ParentId == null)
            .OrderBy(u => u.SortOrder).ThenBy(u => u.Name).FirstOrDefaultAsync(ct);
    }

    private bool Published(string code) => Instruments.Any(i => i.Code == code);

    private async Task LoadAsync(Unit unit, PublishedInstrument chosen, CancellationToken ct)
    {
        var filter = Query.Filter;

        // Ancestors (for the breadcrumbs and the lead departments' inheritance), only those in scope shown.
        var ancestorIds = UnitPath.Ids(unit.Path).ToList();
        var ancestors = await db.Units.AsNoTracking().Where(u => ancestorIds.Contains(u.Id)).ToListAsync(ct);
        var chain = ancestorIds.Select(id => ancestors.FirstOrDefault(a => a.Id == id)).OfType<Unit>().ToList();
        if (chain.Count == 0 || chain[^1].Id != unit.Id) chain.Add(unit);
        Breadcrumbs = chain.Where(scope.CanSee).ToList();
        var leads = await new ElementLeads(db, configuration).ResolveAsync(Enumerable.Reverse(chain).ToList(), Elements.Select(e => e.Code).ToList(), inheritedOnly: false, ct);
        Leads = Elements.ToDictionary(e => e.Code, e => leads[e.Code].Department);
        Aims = await plans.AimsAsync(ct);

        var view = UnitsView = await figures.UnitsAsync(unit, Query.Units, Query.CalendarPeriod, ct);
        var children = view.Rows;
        var rows = children.Prepend(unit).ToList();
        var shown = view.Shown(unit);
        var counts = await figures.Queries.CountSubtreesAsync(rows, filter, ct);
        Responses = counts[unit.Id];

        // Every figure is protected by the figures service: below MinN, in time (the same cells hidden in every
        // calendar period an official can pick here or in the API) and across units (no child recovered as the unit
        // minus its other children): METHODOLOGY §6, No differencing.
        FiguresService.Protected? service = null, quick = null;
        if (ServiceInstrument?.Code is { } serviceCode)
        {
            service = await figures.ProtectedAsync(shown, serviceCode, filter, ct);
            ServiceReport = (SipasServiceReport)service.Reports[unit.Id];
            var previous = await figures.ProtectedAsync([unit], serviceCode, Query.PreviousFilter, ct);
            PreviousServiceReport = (SipasServiceReport)previous.Reports[unit.Id];
            var overall = FiguresService.DefaultRankingItem(service.Statistics[unit.Id].Definition);
            CurrentOverall = IndexCalculator.Satisfied(service.Statistics[unit.Id], overall);
            PreviousOverall = IndexCalculator.Satisfied(previous.Statistics[unit.Id], overall);
            // A comparison would show the counts behind a hidden share.
            Change = service.ShareHidden(unit.Id, overall) || previous.ShareHidden(unit.Id, overall)
                ? new ComparisonResult(unit.Code, "previous", overall, CurrentOverall.N, PreviousOverall.N, null, null, false, true)
                : Comparison.TwoProportion(unit.Code, "previous", overall, CurrentOverall, PreviousOverall, figures.Options);
        }
        if (Published(Quick))
        {
            quick = await figures.ProtectedAsync(shown, Quick, filter, ct);
            QuickReport = (QuickRatingReport)quick.Reports[unit.Id];
        }
        if (Published(Tt01Code))
            Tt01Report = (Tt01Report)await figures.ReportAsync(unit, Tt01Code, filter, ct);

        Rows = rows.Select(u => new UnitRow(u, u.Id == unit.Id, counts[u.Id],
            (SipasServiceReport?)service?.Reports[u.Id], (QuickRatingReport?)quick?.Reports[u.Id])).ToList();

        // The chosen instrument: ranking of the children, distribution per item, trend.
        var chosenFigures = chosen == ServiceInstrument && service is not null ? service
            : chosen.Code == Quick && quick is not null ? quick
            : await figures.ProtectedAsync(shown, chosen.Code, filter, ct);
        var statistics = chosenFigures.Statistics[unit.Id];
        Items = chosen.Definition.Items.Where(i => i.Type is AnswerType.Likert5 or AnswerType.Likert3)
            .Select(i => new ItemRow(i, IndexCalculator.Item(statistics.LevelCounts[i.Code], figures.Options) is var f && chosenFigures.ShareHidden(unit.Id, i.Code) ? TimeSuppression.HideItem(f) : f))
            .ToList();

        RankingItem = FiguresService.DefaultRankingItem(chosen.Definition);
        if (children.Count > 0)
        {
            // Departments and communes are ranked separately (FiguresService.RankByKind); RankingRows keeps them all.
            var byCode = children.ToDictionary(c => c.Code, StringComparer.Ordinal);
            RankingGroups = figures.RankByKind(chosenFigures, children, RankingItem).Select(g => new RankingGroup(g.Kind, g.Ranking,
                g.Ranking.Units.Select(r =>
                    {
                        var wilson = Estimators.Wilson(r.C, r.N);
                        return new RankingRow(byCode[r.Unit], r, r.N, wilson is { } w ? 100 * w.Lo : null, wilson is { } w2 ? 100 * w2.Hi : null);
                    })
                    .Concat(g.Ranking.Insufficient.Select(i => new RankingRow(byCode[i.Unit], null, i.N, null, null)))
                    .ToList())).ToList();
            Ranking = RankingGroups[0].Ranking;
            RankingRows = RankingGroups.SelectMany(g => g.Rows).ToList();
        }

        var chosenKinds = chosen.Definition.Figures;
        TrendMetric = chosenKinds.HasFlag(InstrumentFigures.Elements) ? "service" : chosenKinds.HasFlag(InstrumentFigures.Policy) ? "policy" : RankingItem;
        Trend = await figures.TrendAsync(unit, chosen, RankingItem, Query.TrendBuckets(), filter, ct);
        await LoadCountersAsync(unit, chosen, ct);
    }

    /// <summary>
    /// Responses per counter of the unit itself in the period. Counters have no statistics cells, so this is
    /// the one grouped count over responses (by counter and hour, indexed); it counts, it never reads answers.
    /// </summary>
    private async Task LoadCountersAsync(Unit unit, PublishedInstrument chosen, CancellationToken ct)
    {
        var counters = await db.Counters.AsNoTracking().Where(c => c.UnitId == unit.Id)
            .OrderBy(c => c.Code).ToListAsync(ct);
        if (counters.Count == 0) return;
        var startUtc = clock.StartOfDayUtc(Query.From);
        var endUtc = clock.StartOfDayUtc(Query.To.AddDays(1));
        var ids = counters.Select(c => c.Id).ToList();
        var responses = db.Responses.AsNoTracking()
            .Where(r => r.CounterId != null && ids.Contains(r.CounterId.Value) && r.SubmittedHourUtc >= startUtc && r.SubmittedHourUtc < endUtc);
        if (Query.Channel is { } channel) responses = responses.Where(r => r.Channel == channel);
        if (!Query.IncludeFlagged) responses = responses.Where(r => r.Flags == 0);
        var sums = await responses.GroupBy(r => new { r.CounterId, r.InstrumentVersionId })
            .Select(g => new { g.Key.CounterId, g.Key.InstrumentVersionId, Count = g.LongCount() }).ToListAsync(ct);
        var codes = await figures.Queries.VersionCodesAsync(ct);
        Counters = counters.Select(c => new CounterRow(c,
            sums.Where(s => s.CounterId == c.Id).Sum(s => s.Count),
            sums.Where(s => s.CounterId == c.Id && codes.GetValueOrDefault(s.InstrumentVersionId) == chosen.Code).Sum(s => s.Count))).ToList();
    }

    /// <summary>Colour band of a satisfied share for the heatmap (classes heat-0 … heat-4; heat-na when suppressed).</summary>
    public static string HeatClass(ItemFigure? figure) => figure is null || figure.Suppressed || figure.P is not double p ? "heat-na"
        : p >= 90 ? "heat-4" : p >= 80 ? "heat-3" : p >= 65 ? "heat-2" : p >= 50 ? "heat-1" : "heat-0";
}
