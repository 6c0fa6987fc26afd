using System.Globalization;
using CchcSurvey.Core.Indices;
using CchcSurvey.Web.Data;
using CchcSurvey.Web.Indices;
using CchcSurvey.Web.Infrastructure;
using CchcSurvey.Web.Workspace;
using Microsoft.EntityFrameworkCore;

namespace CchcSurvey.Web.Pages.Dashboard;

/// <summary>
/// The "Cần chú ý" strip at the top of the dashboard: what an official should act on first, for the unit and
/// period on screen. It reuses the figures the dashboard has already computed (so it can never disagree with
/// them, and time suppression applies as it does below) and adds three counts of work waiting in the unit's
/// subtree: low-rating comments not yet handled, open alerts, overdue cases.
/// </summary>
public sealed class NeedsAttention
{
    /// <summary>A satisfied share with its Wilson interval (percent); Value null when below MinN or hidden.</summary>
    public sealed record Share(double? Value, double? Lo, double? Hi, long N);

    public sealed record WeakUnit(string Code, string Name, Share Share);

    public sealed record WeakItem(string Code, string Text, Share Share);

    /// <summary>The target the headline is read against and where it comes from (a plan's criterion, or the default).</summary>
    public sealed record Goal(double Percent, string? Plan, string? Criterion);

    public required string UnitCode { get; init; }
    public required string Instrument { get; init; }
    public required string HeadlineItem { get; init; }
    public required string HeadlineText { get; init; }
    public required Share Headline { get; init; }
    public required Goal Target { get; init; }

    /// <summary>Change against the previous period in percentage points (null when not comparable or hidden).</summary>
    public double? ChangePoints { get; init; }
    public bool ChangeSignificant { get; init; }
    public bool ChangeSuppressed { get; init; }
    public bool HasChange { get; init; }

    public IReadOnlyList<WeakUnit> WeakestUnits { get; init; } = [];
    public IReadOnlyList<WeakItem> WeakestItems { get; init; } = [];
    public int LowCommentsOpen { get; init; }
    public int OpenAlerts { get; init; }
    public int OverdueCases { get; init; }

    /// <summary>
    /// The national goal for satisfaction (Nghị quyết 76/NQ-CP: above 90% by 2025), used when no visible plan sets a
    /// numeric target for the headline figure; configurable as <c>Dashboard:TargetPercent</c>.
    /// </summary>
    public const double DefaultTargetPercent = 90;

    public static async Task<NeedsAttention?> BuildAsync(IndexModel model, SurveyDbContext db, IndexQueries queries, LocalClock clock, IConfiguration configuration, CancellationToken ct)
    {
        if (model.Unit is not { } unit || model.Chosen is not { } chosen || model.Errors.Count > 0) return null;
        var culture = CultureInfo.CurrentUICulture.Name;

        // The headline: the satisfied share of the chosen instrument's overall question (the figure the ranking uses).
        var overall = model.Items.FirstOrDefault(i => i.Item.Code == model.RankingItem);
        var headline = overall is null ? new Share(null, null, null, 0) : Of(overall.Figure);

        // The comparison the dashboard made (SIPAS-DV's overall question) is the one shown, and only for that item.
        var change = model.Change is { } c && chosen == model.ServiceInstrument && c.Item == model.RankingItem ? c : null;
        double? points = null;
        if (change is { Suppressed: false } && model.CurrentOverall.N > 0 && model.PreviousOverall.N > 0)
            points = 100.0 * model.CurrentOverall.Satisfied / model.CurrentOverall.N - 100.0 * model.PreviousOverall.Satisfied / model.PreviousOverall.N;

        // Weakest children by the shrunk share (a unit with few answers is not last by chance), shown by their share.
        var weakUnits = model.RankingRows.Where(r => r.Ranked is not null).OrderBy(r => r.Ranked!.Shrunk).ThenBy(r => r.Unit.Code, StringComparer.Ordinal)
            .Take(3).Select(r => new WeakUnit(r.Unit.Code, r.Unit.Name, new Share(r.Ranked!.P, r.Lo, r.Hi, r.N))).ToList();
        var weakItems = model.Items.Where(i => i.Item.Code != model.RankingItem && !i.Figure.Suppressed && i.Figure.P is double p && double.IsFinite(p))
            .OrderBy(i => i.Figure.P).ThenBy(i => i.Item.Code, StringComparer.Ordinal).Take(3)
            .Select(i => new WeakItem(i.Item.Code, i.Item.Text.For(culture), Of(i.Figure))).ToList();

        var subtree = db.Units.Where(Indices.UnitPath.Within<Unit>(u => u.Path, unit.Path)).Select(u => u.Id);
        // As the comments page counts them: today's comments appear tomorrow (no clock finer than the day).
        var todayUtc = clock.StartOfDayUtc(clock.Today());
        var lowComments = db.Responses.AsNoTracking().WithComment().WithLowRating(model.Instruments.Select(i => i.Definition))
            .Where(r => subtree.Contains(r.UnitId) && r.SubmittedHourUtc < todayUtc);
        var today = clock.Today();
        var lowOpen = from r in lowComments
                      join n in db.CommentNotes on r.Id equals n.ResponseId into notes
                      from n in notes.DefaultIfEmpty()
                      where n == null || !n.Handled
                      select r.Id;
        // Low comments waiting = the low comments given before today, counted in the unit's statistics cells
        // (InstrumentStatistics.LowComments, every channel, flagged or not, as the comments page lists them), minus those
        // marked handled (few: read from the notes). Counting them in the responses read every answer of the subtree
        // (2.5 s for the root at 1 M responses); that count remains for cells stored before LowComments existed.
        var pooled = (await queries.PoolAllAsync([unit], new IndexFilter(null, today.AddDays(-1), null, IncludeFlagged: true), ct))[unit.Id];
        long? lowGiven = 0;
        foreach (var instrument in model.Instruments)
            lowGiven = lowGiven is long sum && pooled.TryGetValue(instrument.Code, out var statistics) && statistics.LowComments is long low ? sum + low : null;
        var fromCells = lowGiven is not null;
        // "Id IN (handled notes)": SQLite then seeks the few handled responses by key (a join made it read the subtree).
        var handledIds = db.CommentNotes.Where(n => n.Handled).Select(n => n.ResponseId);
        var handledLow = lowComments.Where(r => handledIds.Contains(r.Id));
        // The counts in one statement (scalar subqueries): the strip costs one round trip, not three.
        var counts = await db.Units.AsNoTracking().Where(u => u.Id == unit.Id).Select(u => new
        {
            LowOpen = fromCells ? 0 : lowOpen.Count(),
            LowHandled = fromCells ? handledLow.Count() : 0,
            Alerts = db.Alerts.Count(a => a.AcknowledgedUtc == null && subtree.Contains(a.UnitId)),
            Overdue = db.Cases.Count(k => subtree.Contains(k.UnitId) && k.Status != CaseStatus.Answered && k.DueDate < today),
        }).FirstAsync(ct);

        return new NeedsAttention
        {
            UnitCode = unit.Code,
            Instrument = chosen.Code,
            HeadlineItem = model.RankingItem,
            HeadlineText = overall?.Item.Text.For(culture) ?? model.RankingItem,
            Headline = headline,
            Target = GoalOf(model, configuration, chosen.Code),
            HasChange = change is not null,
            ChangeSuppressed = change?.Suppressed ?? false,
            ChangeSignificant = change?.Significant ?? false,
            ChangePoints = points is double d && double.IsFinite(d) ? d : null,
            WeakestUnits = weakUnits,
            WeakestItems = weakItems,
            LowCommentsOpen = fromCells ? (int)Math.Max(0, lowGiven!.Value - counts.LowHandled) : counts.LowOpen,
            OpenAlerts = counts.Alerts,
            OverdueCases = counts.Overdue,
        };
    }

    private static Share Of(ItemFigure f) =>
        f.Suppressed || f.P is not double p || !double.IsFinite(p) ? new Share(null, null, null, f.N) : new Share(p, Finite(f.PLo), Finite(f.PHi), f.N);

    private static double? Finite(double? v) => v is double x && double.IsFinite(x) ? x : null;

    /// <summary>
    /// A visible plan's numeric target in percent for this instrument's headline (the overall question, its share,
    /// or its index), else the configured default.
    /// </summary>
    private static Goal GoalOf(IndexModel model, IConfiguration configuration, string instrument)
    {
        string[] measures = [$"{instrument}:{model.RankingItem}", $"{instrument}:share", $"{instrument}:index"];
        // The aims carry their criterion's target (read with the plans): no statement per aim.
        foreach (var measure in measures)
            foreach (var aim in model.AimsAt(measure))
                if (aim.TargetUnit == "%" && aim.TargetValue is double t && double.IsFinite(t) && t is > 0 and <= 100) return new Goal(t, aim.Plan, aim.Criterion);
        var configured = configuration.GetValue<double?>("Dashboard:TargetPercent");
        return new Goal(configured is double v && double.IsFinite(v) && v is > 0 and <= 100 ? v : DefaultTargetPercent, null, null);
    }
}
