using MathNet.Numerics.Distributions;

namespace CchcSurvey.Core.Indices;

/// <summary>A point estimate with a two-sided 95% interval, all finite.</summary>
public readonly record struct Interval(double Value, double Lo, double Hi);

/// <summary>
/// The elementary estimators of docs/methodology.md §4. They work on sufficient statistics (counts, sums) and never
/// return NaN or ∞: where an estimate is undefined they return null. Suppression below MinN is the caller's job
/// (the figure builders in <see cref="IndexCalculator"/>), because n itself must still be reported.
/// </summary>
public static class Estimators
{
    /// <summary>
    /// Share of <paramref name="successes"/> among <paramref name="n"/> with the Wilson score interval (§4.1), as
    /// proportions in [0, 1]. Estimator p = c/n. Interval: centre (p + z²/2n)/(1 + z²/n), half-width
    /// z·√(p(1−p)/n + z²/4n²)/(1 + z²/n), bounds clamped to [0, 1] against rounding.
    /// <paramref name="n"/> may be fractional (Kish effective n, §4.13).
    /// n = 0: null. n = 1 or 2: defined (wide interval). p = 0 or 1: lo = 0 or hi = 1, never NaN.
    /// </summary>
    public static Interval? Wilson(double successes, double n, double z = IndexOptions.Z95)
    {
        if (!(n > 0) || successes < 0 || successes > n) return null;
        var p = successes / n;
        return WilsonFromShare(p, n, z);
    }

    /// <summary>Wilson interval for a share p given directly (e.g. a weighted share) and an (effective) n &gt; 0; null otherwise.</summary>
    public static Interval? WilsonFromShare(double p, double n, double z = IndexOptions.Z95)
    {
        if (!(n > 0) || !(p >= 0 && p <= 1)) return null;
        var z2 = z * z;
        var denominator = 1 + z2 / n;
        var centre = (p + z2 / (2 * n)) / denominator;
        var half = z * Math.Sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denominator;
        return new Interval(p, Math.Clamp(centre - half, 0, p), Math.Clamp(centre + half, p, 1));
    }

    /// <summary>
    /// Mean with the Student-t interval x̄ ± t(0.975, n−1)·s/√n, s with the n−1 normaliser (§4.2, §4.4).
    /// n = 0 or 1: null (no variance). n = 2: defined (t with 1 degree of freedom, wide). All values equal: s = 0,
    /// a zero-width interval.
    /// </summary>
    public static Interval? MeanWithTInterval(MomentSums sums)
    {
        if (sums.N < 2 || sums.Mean is not double mean || sums.SampleVariance is not double variance) return null;
        var half = TQuantile975(sums.N - 1) * Math.Sqrt(variance / sums.N);
        return new Interval(mean, mean - half, mean + half);
    }

    /// <summary>
    /// t(0.975, df) for df ≥ 1 as SciPy's <c>stdtrit</c> (CDFLIB <c>cdft</c>) computes it, see
    /// <see cref="StudentTQuantile.Cdflib975"/>: within 1e-8 relative of the exact quantile
    /// (<see cref="StudentTQuantile.Exact975"/>, MathNet <c>StudentT.InvCDF</c>), and equal, to about 1e-14, to the
    /// quantile the analysts' software and the reference generator use, so that t intervals agree with theirs to 1e-9.
    /// </summary>
    public static double TQuantile975(long degreesOfFreedom) => StudentTQuantile.Cdflib975(degreesOfFreedom);

    /// <summary>Moments of a level distribution: counts[k] answers of level k + 1 (likert) or k (points, with offset 0).</summary>
    public static MomentSums MomentsOfLevels(IReadOnlyList<long> counts, int firstLevel)
    {
        var sums = new MomentSums();
        for (var k = 0; k < counts.Count; k++)
        {
            double level = k + firstLevel;
            sums.N += counts[k];
            sums.Sum += counts[k] * level;
            sums.SumOfSquares += counts[k] * level * level;
        }
        return sums;
    }

    /// <summary>
    /// Two-sided p-value of a standard-normal statistic, 2·Φ(−|z|) (computed on the lower tail to keep precision
    /// for large |z|).
    /// </summary>
    public static double TwoSidedPValue(double z) => Math.Min(1, 2 * Normal.CDF(0, 1, -Math.Abs(z)));
}
