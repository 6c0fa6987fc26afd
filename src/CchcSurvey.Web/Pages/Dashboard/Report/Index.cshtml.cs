using CchcSurvey.Core.Indices;
using CchcSurvey.Core.Instruments;
using CchcSurvey.Web.Data;
using CchcSurvey.Web.Indices;
using CchcSurvey.Web.Security;
using CchcSurvey.Web.Surveys;
using CchcSurvey.Web.Workspace;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace CchcSurvey.Web.Pages.Dashboard.Report;

/// <summary>
/// "Báo cáo kết quả đo lường sự hài lòng" of one unit (its whole subtree) for one quarter, laid out to be printed to
/// PDF from the browser (A4, page breaks). All figures come from <see cref="FiguresService"/>, protected as on the
/// dashboard and in the API; below MinN they read "chưa đủ dữ liệu", reason counts included (§4.9).
/// </summary>
public sealed class IndexModel(OfficialScope scope, FiguresService figures, InstrumentRegistry registry, CchcSurvey.Web.Infrastructure.LocalClock clock,
    IConfiguration configuration) : PageModel
{
    public sealed record SampleRow(string Instrument, string Title, IReadOnlyDictionary<string, long> ByChannel, long Total);
    public sealed record RankingTable(string Instrument, string Item, RankingResult Result, IReadOnlyDictionary<string, string> Names);
    public sealed record ReasonRow(string Label, long Count, string? Code = null);
    /// <summary>An instrument with elements (§4.3–4.4), its report, and its "priorities" counts with labels.</summary>
    public sealed record ServiceTable(PublishedInstrument Instrument, SipasServiceReport Report, IReadOnlyList<ReasonRow>? Priorities, SipasServiceReport Previous);

    [BindProperty(SupportsGet = true)] public string? Unit { get; set; }
    [BindProperty(SupportsGet = true)] public string? Quarter { get; set; }

    /// <summary><c>docx</c> for the same report as a Word document (DocumentFormat.OpenXml) to edit before signing.</summary>
    [BindProperty(SupportsGet = true)] public string? Format { get; set; }

    /// <summary><c>units=now|then</c>: the units as they are now, or as they were in the quarter (<see cref="HistoricalUnits"/>).</summary>
    [BindProperty(SupportsGet = true, Name = "units")] public string? UnitsAs { get; set; }

    public Unit Subject { get; private set; } = null!;
    public QuarterPeriod Period { get; private set; }
    public int MinN => figures.Options.MinN;
    public IReadOnlyList<SampleRow> Sample { get; private set; } = [];
    /// <summary>Every published instrument that declares elements, the default instrument first.</summary>
    public IReadOnlyList<ServiceTable> Services { get; private set; } = [];
    public QuickRatingReport? Quick { get; private set; }
    public Tt01Report? Tt01 { get; private set; }
    public IReadOnlyList<RankingTable> Rankings { get; private set; } = [];
    public IReadOnlyList<ReasonRow>? Reasons { get; private set; }
    public IReadOnlyList<Unit> Units { get; private set; } = [];
    public DateOnly Today { get; private set; }

    /// <summary>The quarter before, for the change since then (same suppression rules as any quarter).</summary>
    public QuarterPeriod PreviousPeriod { get; private set; }
    public QuickRatingReport? PreviousQuick { get; private set; }

    /// <summary>The satisfaction target the figures are read against (the dashboard's default, <c>Dashboard:TargetPercent</c>).</summary>
    public double TargetPercent { get; private set; } = NeedsAttention.DefaultTargetPercent;

    /// <summary>
    /// Section 7's findings: pre-filled from the figures, edited on the page before printing or downloading. Never
    /// stored (a posted text only goes into the Word file it asked for), so there is nothing to audit.
    /// </summary>
    [BindProperty] public string? Findings { get; set; }
    public const int MaxFindingsLength = 20_000;

    public static readonly IReadOnlyDictionary<string, string> ChannelNames = new Dictionary<string, string>
    {
        ["qr"] = "Mã QR", ["kiosk"] = "Máy tại quầy", ["paper"] = "Phiếu giấy", ["web"] = "Trang web",
    };

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        Today = clock.Today();
        Period = QuarterPeriod.Of(Today);
        if (!string.IsNullOrEmpty(Quarter))
        {
            if (!QuarterPeriod.TryParse(Quarter, out var parsed)) return BadRequest("quarter must look like 2026-Q3");
            Period = parsed;
        }
        if (Format is not (null or "" or "docx")) return BadRequest("format must be docx");
        var unitsErrors = new List<FilterError>();
        UnitsAs = HistoricalUnits.Parse(UnitsAs, unitsErrors);
        if (unitsErrors.Count > 0) return BadRequest(unitsErrors[0].Message);
        Units = await (await scope.VisibleUnitsAsync(ct)).AsNoTracking().OrderBy(u => u.Path).ToListAsync(ct);
        var code = string.IsNullOrEmpty(Unit) ? Units.FirstOrDefault()?.Code : Unit;
        var unit = code is null ? null : await scope.FindVisibleUnitAsync(code, ct);
        if (unit is null) return NotFound();
        Subject = unit;
        Unit = unit.Code;

        var filter = new IndexFilter(Period.From, Period.To, null);
        var instruments = await figures.InstrumentsAsync(ct);
        // One grouped query for every instrument and channel (not one per pair).
        var counts = await figures.ResponsesByChannelAsync(unit, filter, ct);
        Sample = instruments.Select(instrument =>
        {
            var found = counts.GetValueOrDefault(instrument.Code);
            var byChannel = Channels.All.ToDictionary(c => c, c => found?.GetValueOrDefault(c) ?? 0L);
            return new SampleRow(instrument.Code, instrument.Definition.Title.Vi, byChannel, byChannel.Values.Sum());
        }).ToList();

        PublishedInstrument? Find(string c) => instruments.FirstOrDefault(i => i.Code == c);
        var withElements = instruments.Where(i => i.Definition.Figures.HasFlag(InstrumentFigures.Elements))
            .OrderBy(i => i == registry.Default(instruments) ? 0 : 1).ThenBy(i => i.Code, StringComparer.Ordinal).ToList();
        var previous = PreviousPeriod = Period.Quarter == 1 ? new QuarterPeriod(Period.Year - 1, 4) : new QuarterPeriod(Period.Year, Period.Quarter - 1);
        var previousFilter = new IndexFilter(previous.From, previous.To, null);
        // The units listed below the unit (its children, or in the `then` view the units as they were) first: the
        // unit's figures are then read with its children's in one pass per period, as the rankings below need them
        // anyway (FiguresService reads a family only when it can matter or is known).
        var view = await figures.UnitsAsync(unit, UnitsAs, CalendarPeriod.TryFromDates(Period.From, Period.To, out var calendar) ? calendar : CalendarPeriod.AllTime, ct);
        var services = new List<ServiceTable>();
        foreach (var instrument in withElements)
        {
            // The figures as the API gives them: §4.9 and complementary suppression in time and across units (docs/methodology.md §6).
            var report = (SipasServiceReport)await figures.ReportAsync(unit, instrument.Code, filter, ct);
            var before = (SipasServiceReport)await figures.ReportAsync(unit, instrument.Code, previousFilter, ct);
            services.Add(new ServiceTable(instrument, report, Labelled(report.Priorities, instrument.Definition.ItemWithRole("priorities")), before));
        }
        Services = services;
        if (Find("NHANH") is { } quick)
        {
            Quick = (QuickRatingReport)await figures.ReportAsync(unit, quick.Code, filter, ct);
            Reasons = Labelled(Quick.Reasons, quick.Definition.ItemWithRole("reasons"));
        }
        if (Find("TT01") is { } tt01)
            Tt01 = (Tt01Report)await figures.ReportAsync(unit, tt01.Code, filter, ct);

        // The report is a Vietnamese document (as its other fixed text): a merged unit says into which unit, in the Word file too.
        var names = view.Rows.ToDictionary(c => c.Code, c => view.SuccessorOf(c) is { } into ? $"{c.Name} (đã sáp nhập vào {into.Name})" : c.Name);
        var rankings = new List<RankingTable>();
        if (view.Rows.Count > 0)
            foreach (var instrument in withElements.Append(Find("NHANH")).OfType<PublishedInstrument>())
            {
                var item = FiguresService.DefaultRankingItem(instrument.Definition);
                rankings.Add(new RankingTable(instrument.Code, item, await figures.RankAsync(unit, view, instrument.Code, item, filter, ct), names));
            }
        Rankings = rankings;

        if (Find("NHANH") is { } previousQuick) PreviousQuick = (QuickRatingReport)await figures.ReportAsync(unit, previousQuick.Code, previousFilter, ct);
        if (configuration.GetValue<double?>("Dashboard:TargetPercent") is double target && double.IsFinite(target) && target is > 0 and <= 100) TargetPercent = target;
        Findings ??= ReportFindings.Draft(this);

        if (Format == "docx")
            return File(SatisfactionDocx.Write(this), "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                $"bao-cao-hai-long-{unit.Code}-{Period}.docx");
        return Page();
    }

    /// <summary>The Word file with the findings as edited on the page (a form post: the text may be long).</summary>
    public async Task<IActionResult> OnPostDocxAsync(CancellationToken ct)
    {
        if (Findings is { Length: > MaxFindingsLength }) return BadRequest($"findings: at most {MaxFindingsLength} characters");
        Findings = Findings?.Replace("\r\n", "\n", StringComparison.Ordinal);
        Format = "docx";
        return await OnGetAsync(ct);
    }

    /// <summary>Option counts with their labels, most frequent first and "khác" (other) last; null when suppressed below MinN.</summary>
    private static List<ReasonRow>? Labelled(IReadOnlyDictionary<string, long>? counts, ItemDefinition? item) =>
        counts?.OrderBy(c => c.Key == "khac" ? 1 : 0).ThenByDescending(c => c.Value)
            .Select(c => new ReasonRow(item?.FindOption(c.Key)?.Label.For(System.Globalization.CultureInfo.CurrentUICulture.Name) ?? c.Key, c.Value, c.Key))
            .ToList();

    /// <summary>Wilson interval (§4.1) of a raw ranking share, for the table.</summary>
    public static Interval? Wilson(long c, long n) => Estimators.Wilson(c, n);

    /// <summary>
    /// A horizontal bar chart of the ranked units' raw shares, as SVG with presentation attributes only (the CSP
    /// allows no inline style); colours come from workspace.css.
    /// </summary>
    public static Microsoft.AspNetCore.Html.HtmlString BarChart(RankingTable ranking)
    {
        const int rowHeight = 22, labelWidth = 190, barWidth = 280;
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        var encoder = System.Text.Encodings.Web.HtmlEncoder.Default;
        var units = ranking.Result.Units;
        var svg = new System.Text.StringBuilder();
        svg.Append(inv, $"<svg class=\"chart\" viewBox=\"0 0 540 {units.Count * rowHeight + 10}\" role=\"img\" aria-label=\"{encoder.Encode(ranking.Instrument)}\" xmlns=\"http://www.w3.org/2000/svg\">");
        for (var i = 0; i < units.Count; i++)
        {
            var u = units[i];
            var y = 5 + i * rowHeight;
            var name = ranking.Names.TryGetValue(u.Unit, out var n) ? n : u.Unit;
            if (name.Length > 30) name = name[..30] + "…";
            svg.Append(inv, $"<text x=\"0\" y=\"{y + 13}\">{encoder.Encode(name)}</text>");
            svg.Append(inv, $"<rect class=\"bar-back\" x=\"{labelWidth}\" y=\"{y}\" width=\"{barWidth}\" height=\"16\"/>");
            svg.Append(inv, $"<rect class=\"bar-rect\" x=\"{labelWidth}\" y=\"{y}\" width=\"{barWidth * u.P / 100:0.#}\" height=\"16\"/>");
            svg.Append(inv, $"<text x=\"{labelWidth + barWidth + 6}\" y=\"{y + 13}\">{u.P.ToString("0.0", System.Globalization.CultureInfo.CurrentCulture)}%</text>");
        }
        svg.Append("</svg>");
        return new Microsoft.AspNetCore.Html.HtmlString(svg.ToString());
    }
}
