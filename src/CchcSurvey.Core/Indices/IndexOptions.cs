namespace CchcSurvey.Core.Indices;

/// <summary>
/// TT01 score bands on the 0–18 total [convention, docs/methodology.md §3.3]: total &gt; <see cref="XuatSacAbove"/> is
/// Xuất sắc, ≥ <see cref="TotFrom"/> Tốt, ≥ <see cref="KhaFrom"/> Khá, ≥ <see cref="TrungBinhFrom"/> Trung bình, else Yếu.
/// </summary>
public sealed record Tt01BandThresholds
{
    public double XuatSacAbove { get; init; } = 15;
    public double TotFrom { get; init; } = 12;
    public double KhaFrom { get; init; } = 9;
    public double TrungBinhFrom { get; init; } = 6;

    public static readonly IReadOnlyList<string> BandKeys = ["xuat_sac", "tot", "kha", "trung_binh", "yeu"];

    /// <summary>The band key of a total.</summary>
    public string BandOf(double total) =>
        total > XuatSacAbove ? "xuat_sac" : total >= TotFrom ? "tot" : total >= KhaFrom ? "kha" : total >= TrungBinhFrom ? "trung_binh" : "yeu";
}

/// <summary>Settings of the index engine.</summary>
public sealed record IndexOptions
{
    /// <summary>The normal quantile of a two-sided 95% interval, z = Φ⁻¹(0.975) (docs/methodology.md §4.1).</summary>
    public const double Z95 = 1.959963984540054;

    /// <summary>The smallest MinN allowed: below this a figure could identify a respondent (§4.9).</summary>
    public const int SmallestMinN = 5;

    private readonly int _minN = 10;

    /// <summary>
    /// Figures with n below this are suppressed ("chưa đủ dữ liệu"): values and counts null, n still shown.
    /// Default 10; setting it below <see cref="SmallestMinN"/> throws <see cref="ArgumentOutOfRangeException"/>.
    /// </summary>
    public int MinN
    {
        get => _minN;
        init => _minN = value >= SmallestMinN
            ? value
            : throw new ArgumentOutOfRangeException(nameof(MinN), value, $"MinN must be at least {SmallestMinN} (docs/methodology.md §4.9).");
    }

    /// <summary>TT01 band thresholds [convention].</summary>
    public Tt01BandThresholds Tt01Bands { get; init; } = new();

    /// <summary>Significance level of comparisons (§4.10).</summary>
    public double SignificanceLevel { get; init; } = 0.05;

    public static readonly IndexOptions Default = new();
}
