using System.Text.Json.Serialization;

namespace CchcSurvey.Core.Indices;

public sealed record SampleSizeResult(
    [property: JsonPropertyName("N")] long Population,
    [property: JsonPropertyName("e")] double MarginOfError,
    [property: JsonPropertyName("n")] double N);

public static class SampleSize
{
    /// <summary>
    /// Sample size for a population of <paramref name="population"/> dossiers (§4.14, Yamane): n = N/(1 + N·e²),
    /// not rounded (round up to plan). N = 0 gives 0. Throws for N &lt; 0 or e outside (0, 1).
    /// </summary>
    public static double Required(long population, double marginOfError = 0.05)
    {
        if (population < 0) throw new ArgumentOutOfRangeException(nameof(population), population, "must be ≥ 0");
        if (!(marginOfError > 0 && marginOfError < 1)) throw new ArgumentOutOfRangeException(nameof(marginOfError), marginOfError, "must be in (0, 1)");
        return population / (1 + population * marginOfError * marginOfError);
    }

    public static SampleSizeResult For(long population, double marginOfError = 0.05) =>
        new(population, marginOfError, Required(population, marginOfError));
}

public sealed record Points766Result(
    [property: JsonPropertyName("rate")] double Rate,
    [property: JsonPropertyName("max")] double Max,
    [property: JsonPropertyName("points")] double Points);

public static class Points766
{
    /// <summary>The threshold of Quyết định 766/QĐ-TTg: full points from a 90% satisfaction rate.</summary>
    public const double FullPointsRate = 90;

    /// <summary>
    /// 766-style points (§4.15) for a satisfaction rate in percent (0–100) and a maximum M: M when rate ≥ 90,
    /// else rate·M/90. Throws for a rate outside 0–100, a negative M, or non-finite input.
    /// </summary>
    public static double For(double ratePercent, double max)
    {
        if (!(ratePercent >= 0 && ratePercent <= 100)) throw new ArgumentOutOfRangeException(nameof(ratePercent), ratePercent, "must be 0–100");
        if (!(max >= 0) || double.IsInfinity(max)) throw new ArgumentOutOfRangeException(nameof(max), max, "must be finite and ≥ 0");
        return ratePercent >= FullPointsRate ? max : ratePercent * max / FullPointsRate;
    }

    public static Points766Result Result(double ratePercent, double max) => new(ratePercent, max, For(ratePercent, max));

    /// <summary>Response rate = responses ÷ dossiers handled (§4.15); null when no dossiers. Above 1 is an integrity flag.</summary>
    public static double? ResponseRate(long responses, long dossiers) => dossiers > 0 ? (double)responses / dossiers : null;
}
