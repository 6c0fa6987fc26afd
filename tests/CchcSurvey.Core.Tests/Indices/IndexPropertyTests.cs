using System.Text.Json;
using System.Text.Json.Nodes;
using CchcSurvey.Core.Indices;
using CchcSurvey.Core.Instruments;

namespace CchcSurvey.Core.Tests.Indices;

/// <summary>Properties that must hold for any data: plain loops over random responses with fixed seeds.</summary>
public class IndexPropertyTests
{
    private static readonly IndexOptions SmallMinN = new() { MinN = 5 };

    public static TheoryData<string> Instruments() => new(InstrumentCatalog.LoadBuiltIn().Select(d => d.Code).Distinct());

    private static InstrumentStatistics Accumulate(InstrumentDefinition def, IEnumerable<IReadOnlyDictionary<string, AnswerValue>> responses)
    {
        var statistics = InstrumentStatistics.For(def);
        foreach (var response in responses) statistics.Add(response);
        return statistics;
    }

    private static JsonNode ReportNode(InstrumentStatistics statistics, IndexOptions options) =>
        IndexCalculator.Report(statistics, options) is var report ? JsonSerializer.SerializeToNode(report, report.GetType())! : throw new InvalidOperationException();

    /// <summary>All numbers of a report, with their paths.</summary>
    private static IEnumerable<(string Path, double Value)> Numbers(JsonNode? node, string path = "$")
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, value) in o)
                    foreach (var n in Numbers(value, $"{path}.{key}")) yield return n;
                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                    foreach (var n in Numbers(a[i], $"{path}[{i}]")) yield return n;
                break;
            case JsonValue v when v.GetValueKind() == JsonValueKind.Number:
                yield return (path, v.GetValue<double>());
                break;
        }
    }

    /// <summary>Checks finiteness, ranges and lo ≤ value ≤ hi on every figure object of a report.</summary>
    private static void AssertWellFormed(JsonNode report)
    {
        foreach (var (path, value) in Numbers(report))
            Assert.True(double.IsFinite(value), $"{path} = {value}");
        foreach (var figure in Objects(report))
        {
            Check(figure, "p", "p_lo", "p_hi", 0, 100);
            Check(figure, "score", "score_lo", "score_hi", null, null);
            Check(figure, "value", "lo", "hi", null, null);
            Check(figure, "mean", "lo", "hi", null, null);
            if (figure["suppressed"] is JsonValue s && s.GetValue<bool>())
                foreach (var (key, value) in figure)
                    if (key is not ("n" or "suppressed")) Assert.Null(value);
        }
    }

    private static void Check(JsonObject figure, string value, string lo, string hi, double? min, double? max)
    {
        if (figure[value] is not JsonValue v || figure[lo] is not JsonValue l || figure[hi] is not JsonValue h) return;
        double x = v.GetValue<double>(), a = l.GetValue<double>(), b = h.GetValue<double>();
        Assert.True(a <= x + 1e-12 && x <= b + 1e-12, $"{lo} {a} ≤ {value} {x} ≤ {hi} {b}");
        if (min is double mn) Assert.True(a >= mn && x >= mn, $"{value} below {mn}");
        if (max is double mx) Assert.True(b <= mx && x <= mx, $"{value} above {mx}");
    }

    private static IEnumerable<JsonObject> Objects(JsonNode? node)
    {
        if (node is JsonObject o)
        {
            yield return o;
            foreach (var (_, value) in o) foreach (var inner in Objects(value)) yield return inner;
        }
        else if (node is JsonArray a)
            foreach (var element in a) foreach (var inner in Objects(element)) yield return inner;
    }

    [Theory]
    [MemberData(nameof(Instruments))]
    public void Figures_are_finite_in_range_and_ordered_for_any_n(string instrument)
    {
        var def = ReferenceData.Instrument(instrument);
        var random = new Random(20260701);
        foreach (var n in new[] { 0, 1, 2, 3, 4, 5, 6, 9, 10, 11, 30, 200 })
            for (var repeat = 0; repeat < 5; repeat++)
            {
                var statistics = Accumulate(def, RandomResponses.Many(def, n, random, answerProbability: 0.3 + 0.7 * random.NextDouble()));
                AssertWellFormed(ReportNode(statistics, SmallMinN));
                AssertWellFormed(ReportNode(statistics, IndexOptions.Default));
            }
    }

    [Theory]
    [MemberData(nameof(Instruments))]
    public void All_equal_answers_give_zero_width_intervals_not_nan(string instrument)
    {
        var def = ReferenceData.Instrument(instrument);
        foreach (var level in new[] { 1, 3, 5 })
        {
            var random = new Random(level);
            var statistics = Accumulate(def, Enumerable.Range(0, 12).Select(_ => RandomResponses.One(def, random, 1.0, level)));
            var report = ReportNode(statistics, SmallMinN);
            AssertWellFormed(report);
        }
        var likert = def.Items.FirstOrDefault(i => i.Type == AnswerType.Likert5);
        if (likert is null) return;
        var same = InstrumentStatistics.For(def);
        for (var i = 0; i < 10; i++) same.Add(new Dictionary<string, AnswerValue> { [likert.Code] = AnswerValue.FromNumber(4) });
        var figure = IndexCalculator.Item(same.LevelCounts[likert.Code], SmallMinN);
        Assert.Equal(75, figure.Score);
        Assert.Equal(figure.Score, figure.ScoreLo);
        Assert.Equal(figure.Score, figure.ScoreHi);
        Assert.Equal(100, figure.P);
        Assert.Equal(100, figure.PHi);
    }

    [Theory]
    [MemberData(nameof(Instruments))]
    public void Merging_two_accumulators_equals_accumulating_everything_in_any_order(string instrument)
    {
        var def = ReferenceData.Instrument(instrument);
        for (var seed = 1; seed <= 10; seed++)
        {
            var responses = RandomResponses.Many(def, 40 + seed * 7, seed);
            var split = responses.Count / 3;
            var first = Accumulate(def, responses.Take(split));
            var second = Accumulate(def, responses.Skip(split));
            first.Merge(second);
            var all = Accumulate(def, responses);
            var shuffled = Accumulate(def, responses.OrderBy(_ => Guid.NewGuid()));

            var expected = ReportNode(all, SmallMinN);
            Assert.Empty(JsonComparer.Differences(expected, ReportNode(first, SmallMinN), _ => 1e-9));
            Assert.Empty(JsonComparer.Differences(expected, ReportNode(shuffled, SmallMinN), _ => 1e-9));
        }
    }

    [Theory]
    [MemberData(nameof(Instruments))]
    public void Accumulator_survives_a_json_round_trip(string instrument)
    {
        var def = ReferenceData.Instrument(instrument);
        var statistics = Accumulate(def, RandomResponses.Many(def, 60, 7));
        var json = statistics.ToJson();
        var back = InstrumentStatistics.FromJson(json, def);
        Assert.Equal(json, back.ToJson());
        Assert.Empty(JsonComparer.Differences(ReportNode(statistics, SmallMinN), ReportNode(back, SmallMinN), _ => 0));
        // and it keeps accumulating after being read back
        back.Add(RandomResponses.One(def, new Random(1)));
        Assert.Equal(statistics.Responses + 1, back.Responses);
        Assert.Throws<FormatException>(() => InstrumentStatistics.FromJson(json, ReferenceData.Instrument(instrument == "TT01" ? "NHANH" : "TT01")));
    }

    [Fact]
    public void Wilson_and_t_intervals_handle_tiny_and_extreme_samples()
    {
        Assert.Null(Estimators.Wilson(0, 0));
        foreach (var (c, n) in new[] { (0, 1), (1, 1), (0, 2), (1, 2), (2, 2), (0, 10), (10, 10), (3, 7) })
        {
            var w = Estimators.Wilson(c, n)!.Value;
            Assert.InRange(w.Lo, 0, w.Value);
            Assert.InRange(w.Hi, w.Value, 1);
        }
        Assert.Null(Estimators.MeanWithTInterval(new MomentSums()));
        var one = new MomentSums();
        one.Add(0.5);
        Assert.Null(Estimators.MeanWithTInterval(one));
        one.Add(0.5);
        var two = Estimators.MeanWithTInterval(one)!.Value;
        Assert.Equal((0.5, 0.5, 0.5), (two.Value, two.Lo, two.Hi));
    }

    [Fact]
    public void MinN_below_5_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new IndexOptions { MinN = 4 });
        Assert.Equal(5, new IndexOptions { MinN = 5 }.MinN);
    }

    [Fact]
    public void Figures_below_MinN_are_suppressed_but_keep_n()
    {
        var figure = IndexCalculator.Item([1, 2, 3, 2, 1]);
        Assert.True(figure.Suppressed);
        Assert.Equal(9, figure.N);
        Assert.Null(figure.Counts);
        Assert.False(IndexCalculator.Item([1, 2, 3, 2, 2]).Suppressed);
    }

    [Fact]
    public void Tt01_bands_follow_configurable_thresholds()
    {
        var def = ReferenceData.Instrument("TT01");
        var statistics = InstrumentStatistics.For(def);
        var random = new Random(3);
        for (var i = 0; i < 50; i++)
            statistics.Add(def.Items.Where(x => x.Role == "indicator").ToDictionary(x => x.Code, x => AnswerValue.FromCode(x.Options[random.Next(3)].Code)));
        var standard = IndexCalculator.Tt01(statistics);
        Assert.Equal(50, standard.Bands!.Values.Sum());
        var strict = IndexCalculator.Tt01(statistics, new IndexOptions { Tt01Bands = new Tt01BandThresholds { XuatSacAbove = 17, TotFrom = 16, KhaFrom = 14, TrungBinhFrom = 12 } });
        Assert.Equal(50, strict.Bands!.Values.Sum());
        Assert.True(strict.Bands["yeu"] >= standard.Bands["yeu"]);
        Assert.Equal("tot", new Tt01BandThresholds().BandOf(15));
        Assert.Equal("xuat_sac", new Tt01BandThresholds().BandOf(16));
        Assert.Equal("kha", new Tt01BandThresholds().BandOf(9));
        Assert.Equal("trung_binh", new Tt01BandThresholds().BandOf(8));
        Assert.Equal("yeu", new Tt01BandThresholds().BandOf(5));
    }

    [Fact]
    public void Comparison_edge_cases_never_give_nan()
    {
        SatisfiedCount Count(long c, long n) => new() { Satisfied = c, N = n };
        var allSatisfied = Comparison.TwoProportion("A", "B", "HL", Count(20, 20), Count(30, 30));
        Assert.Equal((0.0, 1.0, false), (allSatisfied.Z!.Value, allSatisfied.PValue!.Value, allSatisfied.Significant));
        var small = Comparison.TwoProportion("A", "B", "HL", Count(2, 2), Count(30, 30));
        Assert.True(small.Suppressed);
        Assert.Null(small.Z);
        var clear = Comparison.TwoProportion("A", "B", "HL", Count(90, 100), Count(50, 100));
        Assert.True(clear.Significant);
        Assert.True(clear.Z > 0);
    }

    [Fact]
    public void Ranking_without_spread_does_not_shrink_and_keeps_input_order_on_ties()
    {
        var result = Ranking.EmpiricalBayes("HL", [new("A", 8, 10), new("B", 8, 10), new("C", 1, 2)]);
        Assert.Equal((0.0, 0.0), (result.Alpha0, result.Beta0));
        Assert.Equal(["A", "B"], result.Units.Select(u => u.Unit).ToArray());
        Assert.Equal([1, 2], result.Units.Select(u => u.Rank).ToArray());
        Assert.Equal("C", Assert.Single(result.Insufficient).Unit);
        var empty = Ranking.EmpiricalBayes("HL", []);
        Assert.Empty(empty.Units);
    }

    [Fact]
    public void Sample_size_and_766_points()
    {
        Assert.Equal(80, SampleSize.Required(100), 9);
        Assert.Equal(0, SampleSize.Required(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => SampleSize.Required(100, 0));
        Assert.Equal(6, Points766.For(90, 6));
        Assert.Equal(4.8, Points766.For(72, 6), 12);
        Assert.Throws<ArgumentOutOfRangeException>(() => Points766.For(double.NaN, 6));
        Assert.Null(Points766.ResponseRate(5, 0));
    }

    [Fact]
    public void Unit_tree_enumerates_subtrees_in_input_order()
    {
        var tree = new UnitTree([("P", null), ("A", "P"), ("B", "P"), ("A1", "A")]);
        Assert.Equal(["A", "A1"], tree.Subtree("A"));
        Assert.Equal(["P", "A", "B", "A1"], tree.Subtree("P"));
        Assert.Equal(["A", "B"], tree.ChildrenOf("P"));
        Assert.True(tree.IsLeaf("B"));
        Assert.Throws<ArgumentException>(() => new UnitTree([("X", "Y")]));
        Assert.Throws<ArgumentException>(() => new UnitTree([("X", "Y"), ("Y", "X")]));
    }
}
