using System.Text.Json.Serialization;
using CchcSurvey.Core.Indices;
using CchcSurvey.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace CchcSurvey.Web.Indices;

/// <summary>
/// <c>Planning:*</c> — the settings behind the planning figures (README, "Sample size, response rate, 766 points and
/// weighting"). Read from configuration on use (no restart of other services needed to test them).
/// </summary>
public sealed class PlanningOptions
{
    public const string Section = "Planning";

    /// <summary>Margin of error e of the sample size (§4.14), as a share: 0.05 = ±5 points.</summary>
    public double MarginOfError { get; set; } = 0.05;

    /// <summary>
    /// The maximum M of the satisfaction component in the province's 766-style scoring (Quyết định 766/QĐ-TTg, §4.15).
    /// The scoring guide of each year sets it; 6 is only a starting value.
    /// </summary>
    public double Points766Max { get; set; } = 6;

    /// <summary>
    /// Population shares for post-stratification (§4.13), per instrument code: the profile items that make a stratum
    /// and each stratum's share of the population (keys are the items' option codes joined with '|', as "nam|18-29").
    /// </summary>
    public Dictionary<string, WeightingTable> Weighting { get; set; } = new(StringComparer.Ordinal);

    public sealed class WeightingTable
    {
        public List<string> Items { get; set; } = [];
        public Dictionary<string, double> Shares { get; set; } = new(StringComparer.Ordinal);
    }

    /// <summary>The options as configured, the defaults where nothing is given; values outside their range fall back to the default.</summary>
    public static PlanningOptions From(IConfiguration configuration)
    {
        var options = configuration.GetSection(Section).Get<PlanningOptions>() ?? new PlanningOptions();
        if (!(options.MarginOfError > 0 && options.MarginOfError < 1)) options.MarginOfError = 0.05;
        if (!(options.Points766Max >= 0) || double.IsInfinity(options.Points766Max)) options.Points766Max = 6;
        return options;
    }
}

public sealed partial class FiguresService
{
    /// <summary>Why no weighted share is given although it was asked for.</summary>
    public static class WeightNotes
    {
        /// <summary>The instrument has no profile items (no strata to weight on).</summary>
        public const string NoProfile = "no-profile-items";
        /// <summary>No population shares are configured for the instrument (<c>Planning:Weighting:{code}</c>).</summary>
        public const string NoShares = "no-population-shares";
        /// <summary>The configured shares do not fit the instrument (unknown item or option, not positive, not summing to 1).</summary>
        public const string BadShares = "invalid-population-shares";
        /// <summary>The unweighted share is hidden (§4.9, in time or across units), so the weighted one is too.</summary>
        public const string Hidden = "hidden";
    }

    /// <summary>
    /// The planning figures of one unit's subtree, one instrument and one period (README, "Sample size, response rate,
    /// 766 points and weighting"). <see cref="Dossiers"/> is null when no dossier count is imported for the subtree
    /// and period; then the sample size is the infinite-population one (N → ∞: n = 1/e²) and there is no response rate.
    /// </summary>
    public sealed record Planning(
        [property: JsonPropertyName("unit")] string Unit,
        [property: JsonPropertyName("instrument")] string Instrument,
        [property: JsonPropertyName("responses")] long Responses,
        [property: JsonPropertyName("dossiers")] long? Dossiers,
        [property: JsonPropertyName("response_rate")] double? ResponseRate,
        [property: JsonPropertyName("more_than_dossiers")] bool MoreThanDossiers,
        [property: JsonPropertyName("margin_of_error")] double MarginOfError,
        [property: JsonPropertyName("sample_size")] double SampleSize,
        [property: JsonPropertyName("needed")] long Needed,
        [property: JsonPropertyName("missing")] long Missing,
        [property: JsonPropertyName("item")] string? Item,
        [property: JsonPropertyName("satisfied")] ItemFigure? Satisfied,
        [property: JsonPropertyName("points_766")] Points766Result? Points,
        [property: JsonPropertyName("strata")] IReadOnlyList<string>? Strata,
        [property: JsonPropertyName("weighted")] WeightedShare? Weighted,
        [property: JsonPropertyName("weighted_note")] string? WeightedNote);

    /// <summary>
    /// Responses against imported dossier counts (§4.15), the sample size for ±e at this unit (§4.14), the 766-style
    /// points of the overall item's satisfied share (§4.15) and, when <paramref name="weighted"/>, the post-stratified
    /// share (§4.13). Figures come from the protected report of the unit (read once per request and shared with the
    /// page), so a hidden share stays hidden here too; the only statement of its own is one grouped sum of dossiers.
    /// </summary>
    public async Task<Planning> PlanningAsync(Unit unit, string instrument, IndexFilter filter, bool weighted, PlanningOptions options, CancellationToken ct)
    {
        var figures = await ProtectedAsync([unit], instrument, filter, ct);
        var statistics = figures.Statistics[unit.Id];
        var responses = figures.Reports[unit.Id].Responses;

        var dossiers = await DossiersAsync(unit, filter, ct);
        var rate = dossiers is long d ? Points766.ResponseRate(responses, d) : null;
        var e = options.MarginOfError;
        // Without dossier counts the population is taken as unbounded: Yamane's n tends to 1/e².
        var sampleSize = dossiers is long population ? SampleSize.Required(population, e) : 1 / (e * e);
        // Round up to plan, forgiving the last bits of floating point (1/0.05² is 399.99999999999994).
        var needed = (long)Math.Ceiling(sampleSize - 1e-9);
        var missing = Math.Max(0, needed - responses);

        var item = statistics.OverallItem;
        ItemFigure? satisfied = null;
        Points766Result? points = null;
        var hidden = item is not null && figures.ShareHidden(unit.Id, item);
        if (item is not null)
        {
            var figure = IndexCalculator.Item(statistics.LevelCounts[item], Options);
            satisfied = hidden ? TimeSuppression.HideItem(figure) : figure;
            if (!satisfied.Suppressed && satisfied.P is double p && double.IsFinite(p))
                points = Points766.Result(Math.Clamp(p, 0, 100), options.Points766Max);
        }

        WeightedShare? share = null;
        string? note = null;
        IReadOnlyList<string>? strata = null;
        if (weighted)
        {
            (share, note) = Weigh(unit, statistics, options, hidden);
            strata = options.Weighting.GetValueOrDefault(instrument)?.Items;
        }
        return new Planning(unit.Code, instrument, responses, dossiers, rate, rate > 1, e, sampleSize, needed, missing, item, satisfied, points,
            strata, share, note);
    }

    /// <summary>The post-stratified share, or why there is none.</summary>
    private (WeightedShare?, string?) Weigh(Unit unit, InstrumentStatistics statistics, PlanningOptions options, bool hidden)
    {
        var definition = statistics.Definition;
        var profile = definition.Items.Where(i => i.Role == "profile").ToDictionary(i => i.Code, StringComparer.Ordinal);
        if (profile.Count == 0 || statistics.OverallItem is null) return (null, WeightNotes.NoProfile);
        if (!options.Weighting.TryGetValue(definition.Code, out var table) || table.Items.Count == 0 || table.Shares.Count == 0)
            return (null, WeightNotes.NoShares);
        if (!ValidShares(table, profile)) return (null, WeightNotes.BadShares);
        if (hidden) return (null, WeightNotes.Hidden);
        return (Weighting.PostStratify(unit.Code, statistics, table.Items, table.Shares, Options), null);
    }

    /// <summary>
    /// Shares fit when every item is a profile item, every stratum names one option of each item in order, every share
    /// is positive and finite, and they sum to 1 (within 1e-6): anything else would weigh with made-up numbers.
    /// </summary>
    private static bool ValidShares(PlanningOptions.WeightingTable table, IReadOnlyDictionary<string, Core.Instruments.ItemDefinition> profile)
    {
        if (table.Items.Distinct(StringComparer.Ordinal).Count() != table.Items.Count) return false;
        if (table.Items.Any(i => !profile.ContainsKey(i))) return false;
        foreach (var (stratum, share) in table.Shares)
        {
            if (!(share > 0) || double.IsInfinity(share)) return false;
            var parts = stratum.Split('|');
            if (parts.Length != table.Items.Count) return false;
            for (var k = 0; k < parts.Length; k++)
                if (profile[table.Items[k]].FindOption(parts[k]) is null) return false;
        }
        return Math.Abs(table.Shares.Values.Sum() - 1) <= 1e-6;
    }

    /// <summary>
    /// Dossiers handled in the unit's subtree in the filter's months (all months for all time); null when none is
    /// imported. One grouped statement.
    /// </summary>
    private async Task<long?> DossiersAsync(Unit unit, IndexFilter filter, CancellationToken ct)
    {
        var rows = Db.DossierCounts.AsNoTracking().Where(UnitPath.Within<DossierCount>(d => d.Unit.Path, unit.Path));
        if (filter.From is DateOnly from) rows = rows.Where(d => d.Month >= from);
        if (filter.To is DateOnly to) rows = rows.Where(d => d.Month <= to);
        var sum = await rows.GroupBy(d => 1).Select(g => new { Count = g.Count(), Dossiers = g.Sum(d => (long)d.Count) }).FirstOrDefaultAsync(ct);
        return sum is { Count: > 0 } ? sum.Dossiers : null;
    }
}
