using System.Text.Json.Serialization;

namespace CchcSurvey.Core.Indices;

/// <summary>
/// Mergeable moments of a per-respondent value: n, Σx, Σx². Enough for a mean and a t-interval without the raw
/// values, so the web app can store one per (unit, day, channel, …) and add them up.
/// </summary>
public sealed class MomentSums
{
    public long N { get; set; }
    public double Sum { get; set; }
    public double SumOfSquares { get; set; }

    public void Add(double value)
    {
        if (!double.IsFinite(value)) throw new ArgumentOutOfRangeException(nameof(value), value, "must be finite");
        N++;
        Sum += value;
        SumOfSquares += value * value;
    }

    public void Merge(MomentSums other) => Merge(other, 1);

    /// <summary>Adds (sign 1) or takes away (sign −1) another accumulator.</summary>
    public void Merge(MomentSums other, long sign)
    {
        N += sign * other.N;
        Sum += sign * other.Sum;
        SumOfSquares += sign * other.SumOfSquares;
    }

    public MomentSums Clone() => new() { N = N, Sum = Sum, SumOfSquares = SumOfSquares };

    /// <summary>Mean; null when n = 0.</summary>
    [JsonIgnore] public double? Mean => N == 0 ? null : Sum / N;

    /// <summary>
    /// Sample variance with the n−1 normaliser; null when n &lt; 2. Rounding in Σx² − (Σx)²/n can give a tiny negative
    /// number when all values are equal, so it is clamped at 0 (a zero-width interval, never NaN).
    /// </summary>
    [JsonIgnore] public double? SampleVariance => N < 2 ? null : Math.Max(0, (SumOfSquares - Sum * Sum / N) / (N - 1));
}

/// <summary>Mergeable count of "satisfied" answers among n answers (a binomial sufficient statistic).</summary>
public sealed class SatisfiedCount
{
    public long Satisfied { get; set; }
    public long N { get; set; }

    public void Add(bool satisfied)
    {
        N++;
        if (satisfied) Satisfied++;
    }

    public void Merge(SatisfiedCount other) => Merge(other, 1);

    /// <summary>Adds (sign 1) or takes away (sign −1) another count.</summary>
    public void Merge(SatisfiedCount other, long sign)
    {
        Satisfied += sign * other.Satisfied;
        N += sign * other.N;
    }

    public SatisfiedCount Clone() => new() { Satisfied = Satisfied, N = N };
}

/// <summary>
/// Mergeable sums for Cronbach's α over complete cases (docs/methodology.md §4.12): n, per statement Σx_j and Σx_j²,
/// and Σtotal, Σtotal² of the per-respondent total.
/// </summary>
public sealed class AlphaSums
{
    public long N { get; set; }
    public double[] Sums { get; set; } = [];
    public double[] SumsOfSquares { get; set; } = [];
    public double TotalSum { get; set; }
    public double TotalSumOfSquares { get; set; }

    public static AlphaSums ForItems(int k) => new() { Sums = new double[k], SumsOfSquares = new double[k] };

    public void Add(IReadOnlyList<double> values)
    {
        if (values.Count != Sums.Length) throw new ArgumentException($"expected {Sums.Length} values, got {values.Count}", nameof(values));
        N++;
        var total = 0.0;
        for (var j = 0; j < values.Count; j++)
        {
            Sums[j] += values[j];
            SumsOfSquares[j] += values[j] * values[j];
            total += values[j];
        }
        TotalSum += total;
        TotalSumOfSquares += total * total;
    }

    public void Merge(AlphaSums other) => Merge(other, 1);

    /// <summary>Adds (sign 1) or takes away (sign −1) another accumulator over the same statements.</summary>
    public void Merge(AlphaSums other, long sign)
    {
        if (other.Sums.Length != Sums.Length) throw new InvalidOperationException("cannot merge α sums over different item counts");
        N += sign * other.N;
        for (var j = 0; j < Sums.Length; j++)
        {
            Sums[j] += sign * other.Sums[j];
            SumsOfSquares[j] += sign * other.SumsOfSquares[j];
        }
        TotalSum += sign * other.TotalSum;
        TotalSumOfSquares += sign * other.TotalSumOfSquares;
    }

    /// <summary>Back to exactly zero (after subtraction left n = 0).</summary>
    public void Clear()
    {
        N = 0;
        Array.Clear(Sums);
        Array.Clear(SumsOfSquares);
        TotalSum = 0;
        TotalSumOfSquares = 0;
    }

    public AlphaSums Clone() => new()
    {
        N = N, Sums = (double[])Sums.Clone(), SumsOfSquares = (double[])SumsOfSquares.Clone(),
        TotalSum = TotalSum, TotalSumOfSquares = TotalSumOfSquares,
    };
}
