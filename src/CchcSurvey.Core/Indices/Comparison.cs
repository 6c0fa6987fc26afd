using System.Text.Json.Serialization;

namespace CchcSurvey.Core.Indices;

/// <summary>A two-proportion comparison (§4.10), e.g. a unit against the rest of its parent, or two periods.</summary>
public sealed record ComparisonResult(
    [property: JsonPropertyName("unit")] string Unit,
    [property: JsonPropertyName("against")] string Against,
    [property: JsonPropertyName("item")] string Item,
    [property: JsonPropertyName("n_unit")] long NUnit,
    [property: JsonPropertyName("n_rest")] long NRest,
    [property: JsonPropertyName("z")] double? Z,
    [property: JsonPropertyName("p_value")] double? PValue,
    [property: JsonPropertyName("significant")] bool Significant,
    [property: JsonPropertyName("suppressed")] bool Suppressed);

public static class Comparison
{
    /// <summary>
    /// Pooled two-proportion z-test (§4.10): z = (p₁ − p₂)/√(P(1−P)(1/n₁ + 1/n₂)) with P = (c₁ + c₂)/(n₁ + n₂),
    /// two-sided p-value 2·Φ(−|z|) (MathNet <c>Normal</c>). Positive z means the first group is more satisfied.
    /// Computed only when both n ≥ MinN, otherwise suppressed (z and p null, not significant); so n = 0, 1, 2 are
    /// always suppressed. When P is 0 or 1 (everyone, or no one, satisfied in both groups) there is no difference to
    /// test: z = 0, p = 1. Significant when p &lt; <see cref="IndexOptions.SignificanceLevel"/>.
    /// </summary>
    public static ComparisonResult TwoProportion(string unit, string against, string item, SatisfiedCount first, SatisfiedCount second, IndexOptions? options = null)
    {
        options ??= IndexOptions.Default;
        if (first.N < options.MinN || second.N < options.MinN)
            return new ComparisonResult(unit, against, item, first.N, second.N, null, null, false, true);
        double p1 = (double)first.Satisfied / first.N, p2 = (double)second.Satisfied / second.N;
        var pooled = (double)(first.Satisfied + second.Satisfied) / (first.N + second.N);
        var variance = pooled * (1 - pooled) * (1.0 / first.N + 1.0 / second.N);
        var z = variance > 0 ? (p1 - p2) / Math.Sqrt(variance) : 0;
        var p = Estimators.TwoSidedPValue(z);
        return new ComparisonResult(unit, against, item, first.N, second.N, z, p, p < options.SignificanceLevel, false);
    }
}
