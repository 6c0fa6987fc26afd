using System.Text.Json.Serialization;

namespace CchcSurvey.Core.Indices;

/// <summary>One unit to rank: its satisfied count c and n on the ranking item.</summary>
public sealed record RankingInput(string Unit, long Satisfied, long N);

/// <summary>A unit left out of the ranking because n &lt; MinN.</summary>
public sealed record RankingInsufficient(
    [property: JsonPropertyName("unit")] string Unit,
    [property: JsonPropertyName("n")] long N);

/// <summary>A ranked unit: raw share p and shrunk share p̃ in percent, rank 1 = best.</summary>
public sealed record RankedUnit(
    [property: JsonPropertyName("unit")] string Unit,
    [property: JsonPropertyName("c")] long C,
    [property: JsonPropertyName("n")] long N,
    [property: JsonPropertyName("p")] double P,
    [property: JsonPropertyName("shrunk")] double Shrunk,
    [property: JsonPropertyName("rank")] int Rank);

public sealed record RankingResult(
    [property: JsonPropertyName("item")] string Item,
    [property: JsonPropertyName("alpha0")] double Alpha0,
    [property: JsonPropertyName("beta0")] double Beta0,
    [property: JsonPropertyName("insufficient")] IReadOnlyList<RankingInsufficient> Insufficient,
    [property: JsonPropertyName("units")] IReadOnlyList<RankedUnit> Units);

public static class Ranking
{
    /// <summary>
    /// Fair ranking by empirical Bayes (§4.11). Units with n &lt; MinN (so any with n = 0, 1, 2) are listed as
    /// insufficient, not ranked. For the rest, p_j = c_j/n_j, m = mean p_j, v = their sample variance (n−1),
    /// b = mean of m(1−m)/n_j. With at least two units, v &gt; b and 0 &lt; m &lt; 1: κ = m(1−m)/(v−b) − 1,
    /// α₀ = mκ, β₀ = (1−m)κ; otherwise (or if κ ≤ 0) α₀ = β₀ = 0, i.e. no shrinkage.
    /// p̃_j = (c_j + α₀)/(n_j + α₀ + β₀). Ranks by p̃ descending; ties keep input order.
    /// Units in <paramref name="hidden"/> (complementary suppression across siblings, METHODOLOGY §6) are listed as
    /// insufficient too, whatever their n: ranking them would show c and n of a share hidden elsewhere.
    /// </summary>
    public static RankingResult EmpiricalBayes(string item, IReadOnlyList<RankingInput> units, IndexOptions? options = null, IReadOnlySet<string>? hidden = null)
    {
        options ??= IndexOptions.Default;
        bool Left(RankingInput u) => u.N < options.MinN || hidden?.Contains(u.Unit) == true;
        var insufficient = units.Where(Left).Select(u => new RankingInsufficient(u.Unit, u.N)).ToList();
        var ranked = units.Where(u => !Left(u)).ToList();
        double alpha0 = 0, beta0 = 0;
        if (ranked.Count >= 2)
        {
            var shares = ranked.Select(u => (double)u.Satisfied / u.N).ToList();
            var m = shares.Average();
            var v = shares.Sum(p => (p - m) * (p - m)) / (shares.Count - 1);
            var b = ranked.Average(u => m * (1 - m) / u.N);
            if (v > b && m > 0 && m < 1)
            {
                var kappa = m * (1 - m) / (v - b) - 1;
                if (kappa > 0) { alpha0 = m * kappa; beta0 = (1 - m) * kappa; }
            }
        }
        var results = ranked
            .Select((u, index) => (u, index, shrunk: (u.Satisfied + alpha0) / (u.N + alpha0 + beta0)))
            .OrderByDescending(x => x.shrunk).ThenBy(x => x.index)
            .Select((x, position) => new RankedUnit(x.u.Unit, x.u.Satisfied, x.u.N, 100.0 * x.u.Satisfied / x.u.N, 100 * x.shrunk, position + 1))
            .ToList();
        return new RankingResult(item, alpha0, beta0, insufficient, results);
    }
}
