using CchcSurvey.Core.Instruments;

namespace CchcSurvey.Core.Indices;

/// <summary>
/// Computes the figures of docs/methodology.md §4 from an <see cref="InstrumentStatistics"/> accumulator. Pure
/// functions: same statistics and options, same figures. A figure with n &lt; <see cref="IndexOptions.MinN"/> is
/// suppressed (values and counts null, n kept); NaN and ∞ never come out. Because MinN is at least 5, every figure
/// with n = 0, 1 or 2 is suppressed; with n ≥ MinN every t interval has at least 4 degrees of freedom, and zero
/// variance (all answers equal) gives a zero-width interval.
/// </summary>
public static class IndexCalculator
{
    /// <summary>
    /// The report the instrument's items make possible (<see cref="InstrumentDefinition.Figures"/>), never chosen by its
    /// code: elements give the service report (§4.3–4.4), policy groups the policy report (§4.5), points indicators the
    /// total (§4.6), dimensions the PAPI-style scores (§4.7), and an overall item alone the quick rating.
    /// </summary>
    public static InstrumentReport Report(InstrumentStatistics statistics, IndexOptions? options = null)
    {
        var figures = statistics.Definition.Figures;
        if (figures.HasFlag(InstrumentFigures.Elements)) return SipasService(statistics, options);
        if (figures.HasFlag(InstrumentFigures.Policy)) return SipasPolicy(statistics, options);
        if (figures.HasFlag(InstrumentFigures.Indicators)) return Tt01(statistics, options);
        if (figures.HasFlag(InstrumentFigures.Dimensions)) return Papi(statistics, options);
        if (figures.HasFlag(InstrumentFigures.Overall)) return QuickRating(statistics, options);
        throw new ArgumentException($"instrument {statistics.Instrument} declares no figures", nameof(statistics));
    }

    /// <summary>
    /// Figures of a likert item with K levels from its counts c_1..c_K.
    /// Share (§4.1): p = satisfied / n (likert5: levels 4–5; likert3: 2–3), Wilson 95% interval, in percent.
    /// Score (§4.2): S = 100·(x̄ − 1)/(K − 1) with the t interval x̄ ± t(0.975, n−1)·s/√n rescaled the same way.
    /// n &lt; MinN (which includes n = 0, 1, 2): suppressed, all values and the counts null. All answers equal:
    /// s = 0, a zero-width score interval.
    /// </summary>
    public static ItemFigure Item(IReadOnlyList<long> counts, IndexOptions? options = null)
    {
        options ??= IndexOptions.Default;
        var k = counts.Count;
        if (k is not (3 or 5)) throw new ArgumentException("likert counts must have 3 or 5 levels", nameof(counts));
        var n = counts.Sum();
        if (n < options.MinN) return new ItemFigure(n, true, null, null, null, null, null, null, null);
        var satisfiedFrom = k == 5 ? 4 : 2;
        var satisfied = counts.Skip(satisfiedFrom - 1).Sum();
        var share = Estimators.Wilson(satisfied, n)!.Value;
        var mean = Estimators.MeanWithTInterval(Estimators.MomentsOfLevels(counts, 1))!.Value;
        double Rescale(double x) => 100 * (x - 1) / (k - 1);
        return new ItemFigure(n, false, 100 * share.Value, 100 * share.Lo, 100 * share.Hi,
            Rescale(mean.Value), Rescale(mean.Lo), Rescale(mean.Hi), counts.ToArray());
    }

    /// <summary>
    /// An index in percent from per-respondent values in [0, 1] (§4.4 service index, §4.5 policy group and policy
    /// index): value = 100·mean, t interval on the values (x̄ ± t(0.975, n−1)·s/√n) ×100.
    /// n &lt; MinN (including 0, 1, 2): suppressed, values null.
    /// </summary>
    public static IndexFigure Index(MomentSums values, IndexOptions? options = null)
    {
        options ??= IndexOptions.Default;
        if (values.N < options.MinN || Estimators.MeanWithTInterval(values) is not { } mean)
            return new IndexFigure(values.N, true, null, null, null);
        return new IndexFigure(values.N, false, 100 * mean.Value, 100 * mean.Lo, 100 * mean.Hi);
    }

    /// <summary>
    /// Cronbach's α (§4.12) from complete-case sums: α = k/(k−1)·(1 − Σ var_j / var_total), sample variances (n−1).
    /// Null when n &lt; MinN (so also n = 0, 1, 2), when k &lt; 2, or when the total has zero variance (α undefined).
    /// α can be negative (items that do not hang together); it is reported as is.
    /// </summary>
    public static AlphaFigure? CronbachAlpha(AlphaSums sums, IndexOptions? options = null)
    {
        options ??= IndexOptions.Default;
        var k = sums.Sums.Length;
        if (sums.N < options.MinN || k < 2) return null;
        double Variance(double sum, double squares) => Math.Max(0, (squares - sum * sum / sums.N) / (sums.N - 1));
        var totalVariance = Variance(sums.TotalSum, sums.TotalSumOfSquares);
        if (totalVariance <= 0) return null;
        var itemVariances = Enumerable.Range(0, k).Sum(j => Variance(sums.Sums[j], sums.SumsOfSquares[j]));
        return new AlphaFigure((double)k / (k - 1) * (1 - itemVariances / totalVariance), sums.N);
    }

    /// <summary>
    /// An instrument with elements, e.g. SIPAS-DV (§4.1–4.4, §4.12): every likert item, each element's satisfaction item,
    /// the service index (mean of r_i, t interval), α per element, and the counts of the item with role "priorities"
    /// (null when there is none or the instrument's responses &lt; MinN).
    /// </summary>
    public static SipasServiceReport SipasService(InstrumentStatistics statistics, IndexOptions? options = null)
    {
        options ??= IndexOptions.Default;
        var shape = InstrumentShape.Of(statistics.Definition);
        var items = shape.LikertItems.ToDictionary(i => i.Code, i => Item(statistics.LevelCounts[i.Code], options));
        var elements = statistics.Definition.Elements.ToDictionary(e => e.Code, e => items[e.Satisfaction.Code]);
        var alpha = shape.StatementGroups.ToDictionary(g => g.Group, g => CronbachAlpha(statistics.Alpha[g.Group], options));
        return new SipasServiceReport(statistics.Responses, items, elements, Index(statistics.ServiceIndex, options), alpha,
            OptionCountsOrNull(statistics, statistics.Definition.ItemWithRole("priorities"), statistics.Responses, options));
    }

    /// <summary>SIPAS-CS (§4.5): every item (§4.1/4.2), each policy group index, and the policy index.</summary>
    public static SipasPolicyReport SipasPolicy(InstrumentStatistics statistics, IndexOptions? options = null)
    {
        options ??= IndexOptions.Default;
        var shape = InstrumentShape.Of(statistics.Definition);
        var items = shape.LikertItems.ToDictionary(i => i.Code, i => Item(statistics.LevelCounts[i.Code], options));
        var groups = shape.PolicyGroups.Keys.ToDictionary(g => g, g => Index(statistics.PolicyGroups[g], options));
        return new SipasPolicyReport(statistics.Responses, items, groups, Index(statistics.PolicyIndex, options));
    }

    /// <summary>
    /// TT01 (§4.6): mean total over complete responses with a t interval (n &lt; MinN: suppressed); band counts by
    /// <see cref="IndexOptions.Tt01Bands"/> (null when complete responses &lt; MinN); mean points per indicator
    /// (suppressed below MinN); overall HL as a likert3 item.
    /// </summary>
    public static Tt01Report Tt01(InstrumentStatistics statistics, IndexOptions? options = null)
    {
        options ??= IndexOptions.Default;
        var shape = InstrumentShape.Of(statistics.Definition);
        var totals = statistics.Tt01Totals;
        var moments = Estimators.MomentsOfLevels(totals, 0);
        TotalFigure total;
        Dictionary<string, long>? bands = null;
        if (moments.N < options.MinN || Estimators.MeanWithTInterval(moments) is not { } mean)
            total = new TotalFigure(moments.N, true, null, null, null);
        else
        {
            total = new TotalFigure(moments.N, false, mean.Value, mean.Lo, mean.Hi);
            bands = Tt01BandThresholds.BandKeys.ToDictionary(b => b, _ => 0L);
            for (var t = 0; t < totals.Length; t++) bands[options.Tt01Bands.BandOf(t)] += totals[t];
        }
        var indicators = shape.IndicatorItems.ToDictionary(i => i.Code, i =>
        {
            var points = Estimators.MomentsOfLevels(statistics.PointCounts[i.Code], 0);
            return points.N < options.MinN
                ? new IndicatorFigure(points.N, true, null)
                : new IndicatorFigure(points.N, false, points.Mean);
        });
        var overall = statistics.Definition.OverallItem ?? throw new InvalidOperationException($"{statistics.Instrument} has no overall item");
        return new Tt01Report(statistics.Responses, total, bands, indicators, Item(statistics.LevelCounts[overall.Code], options));
    }

    /// <summary>A quick rating, e.g. NHANH: the overall item (§4.1/4.2) and the counts of the item with role "reasons" (null when the overall n &lt; MinN).</summary>
    public static QuickRatingReport QuickRating(InstrumentStatistics statistics, IndexOptions? options = null)
    {
        options ??= IndexOptions.Default;
        var overall = statistics.Definition.OverallItem ?? throw new InvalidOperationException($"{statistics.Instrument} has no overall item");
        var figure = Item(statistics.LevelCounts[overall.Code], options);
        return new QuickRatingReport(statistics.Responses, figure, OptionCountsOrNull(statistics, statistics.Definition.ItemWithRole("reasons"), figure.N, options));
    }

    /// <summary>
    /// PAPI-M (§4.7): dimension score = 1 + 9·mean of the respondents' dimension values in [0, 1], t interval
    /// rescaled the same way (n &lt; MinN: suppressed); aggregate = sum of the dimension scores, suppressed when any
    /// dimension is.
    /// </summary>
    public static PapiReport Papi(InstrumentStatistics statistics, IndexOptions? options = null)
    {
        options ??= IndexOptions.Default;
        var shape = InstrumentShape.Of(statistics.Definition);
        var dimensions = shape.DimensionItems.Keys.ToDictionary(d => d, d =>
        {
            var values = statistics.Dimensions[d];
            if (values.N < options.MinN || Estimators.MeanWithTInterval(values) is not { } mean)
                return new DimensionFigure(values.N, true, null, null, null);
            return new DimensionFigure(values.N, false, 1 + 9 * mean.Value, 1 + 9 * mean.Lo, 1 + 9 * mean.Hi);
        });
        var aggregate = dimensions.Count == 0 || dimensions.Values.Any(d => d.Suppressed)
            ? new AggregateFigure(true, null)
            : new AggregateFigure(false, dimensions.Values.Sum(d => d.Score!.Value));
        return new PapiReport(statistics.Responses, dimensions, aggregate);
    }

    /// <summary>Satisfied count and n of a likert item (for comparisons, rankings), as the item defines satisfied.</summary>
    public static SatisfiedCount Satisfied(InstrumentStatistics statistics, string itemCode)
    {
        var item = statistics.Definition.FindItem(itemCode) ?? throw new ArgumentException($"{itemCode} is not an item of {statistics.Instrument}", nameof(itemCode));
        var counts = statistics.LevelCounts[itemCode];
        var satisfiedFrom = item.SatisfiedFrom ?? throw new ArgumentException($"{itemCode} is not a likert item", nameof(itemCode));
        return new SatisfiedCount { N = counts.Sum(), Satisfied = counts.Skip(satisfiedFrom - 1).Sum() };
    }

    private static Dictionary<string, long>? OptionCountsOrNull(InstrumentStatistics statistics, ItemDefinition? item, long n, IndexOptions options)
    {
        if (item is null || item.Type is not (AnswerType.Multi or AnswerType.Choice) || n < options.MinN) return null;
        var counts = statistics.OptionCounts[item.Code];
        return item.Options.ToDictionary(o => o.Code, o => counts.GetValueOrDefault(o.Code));
    }
}
