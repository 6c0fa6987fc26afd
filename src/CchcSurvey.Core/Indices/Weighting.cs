using System.Text.Json.Serialization;

namespace CchcSurvey.Core.Indices;

/// <summary>A post-stratified share (§4.13) in percent with the Wilson interval on Kish's effective n.</summary>
public sealed record WeightedShare(
    [property: JsonPropertyName("unit")] string Unit,
    [property: JsonPropertyName("item")] string Item,
    [property: JsonPropertyName("population_shares")] IReadOnlyDictionary<string, double> PopulationShares,
    [property: JsonPropertyName("p")] double? P,
    [property: JsonPropertyName("n_eff")] double? NEff,
    [property: JsonPropertyName("p_lo")] double? PLo,
    [property: JsonPropertyName("p_hi")] double? PHi);

public static class Weighting
{
    /// <summary>
    /// Post-stratified satisfied share of the overall item (§4.13) from the accumulator's profile cells.
    /// Strata are the answers to <paramref name="strataItems"/> joined with '|' (e.g. "nam|18-29" for
    /// GIOI_TINH, NHOM_TUOI). A respondent "has a profile" when every strata item is answered and the stratum has
    /// a population share; sample shares are taken among those respondents, w_h = population share_h / sample
    /// share_h; everyone else gets weight 1. Weighted p = Σw·y/Σw, Kish n_eff = (Σw)²/Σw², and the Wilson interval
    /// uses n_eff in place of n. Suppressed (p, n_eff and bounds null) when n_eff &lt; MinN, which covers n = 0, 1, 2.
    /// </summary>
    public static WeightedShare PostStratify(string unit, InstrumentStatistics statistics, IReadOnlyList<string> strataItems,
        IReadOnlyDictionary<string, double> populationShares, IndexOptions? options = null)
    {
        options ??= IndexOptions.Default;
        var item = statistics.OverallItem ?? throw new InvalidOperationException($"{statistics.Instrument} has no overall item to weight");
        var positions = strataItems.Select(code => Array.IndexOf(statistics.ProfileItems, code)).ToArray();
        if (positions.Any(p => p < 0)) throw new ArgumentException("every strata item must be a profile item of the instrument", nameof(strataItems));

        var strata = new Dictionary<string, SatisfiedCount>(StringComparer.Ordinal);
        var unprofiled = new SatisfiedCount();
        foreach (var (cell, count) in statistics.OverallByProfile)
        {
            var parts = cell.Split('|');
            var stratum = string.Join('|', positions.Select(p => parts[p]));
            var profiled = positions.All(p => parts[p].Length > 0) && populationShares.ContainsKey(stratum);
            if (!profiled) { unprofiled.Merge(count); continue; }
            if (!strata.TryGetValue(stratum, out var s)) strata[stratum] = s = new SatisfiedCount();
            s.Merge(count);
        }

        double profiledN = strata.Values.Sum(s => s.N);
        double sumW = unprofiled.N, sumWY = unprofiled.Satisfied, sumW2 = unprofiled.N;
        foreach (var (stratum, count) in strata)
        {
            if (count.N == 0) continue;
            var weight = populationShares[stratum] / (count.N / profiledN);
            sumW += weight * count.N;
            sumWY += weight * count.Satisfied;
            sumW2 += weight * weight * count.N;
        }
        var shares = new Dictionary<string, double>(populationShares, StringComparer.Ordinal);
        if (!(sumW > 0) || !(sumW2 > 0)) return new WeightedShare(unit, item, shares, null, null, null, null);
        var nEff = sumW * sumW / sumW2;
        var p = Math.Clamp(sumWY / sumW, 0, 1);
        if (nEff < options.MinN || Estimators.WilsonFromShare(p, nEff) is not { } interval)
            return new WeightedShare(unit, item, shares, null, null, null, null);
        return new WeightedShare(unit, item, shares, 100 * p, nEff, 100 * interval.Lo, 100 * interval.Hi);
    }
}
