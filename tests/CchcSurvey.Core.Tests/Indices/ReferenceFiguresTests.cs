using System.Text.Json;
using System.Text.Json.Nodes;
using CchcSurvey.Core.Indices;
using CchcSurvey.Core.Instruments;
using CchcSurvey.Core.Paper;

namespace CchcSurvey.Core.Tests.Indices;

/// <summary>
/// Computes every figure of tests/data/reference/expected.json from units.csv and responses.csv and compares
/// each number (1e-9), count, null and suppression flag. Each unit's figures come from merging the accumulators
/// of the leaves of its subtree, so the roll-up path of the web app is what is tested.
/// </summary>
public class ReferenceFiguresTests
{
    private static readonly Lazy<Reference> Data = new(Reference.Load);

    private sealed class Reference
    {
        public required JsonObject Expected { get; init; }
        public required UnitTree Tree { get; init; }
        public required IndexOptions Options { get; init; }
        /// <summary>Accumulators of the responses recorded directly on each unit, per instrument.</summary>
        public required Dictionary<(string Unit, string Instrument), InstrumentStatistics> Own { get; init; }

        public InstrumentStatistics Pooled(string unit, string instrument) =>
            InstrumentStatistics.Pool(ReferenceData.Instrument(instrument),
                Tree.Subtree(unit).Select(u => Own.GetValueOrDefault((u, instrument))).OfType<InstrumentStatistics>());

        public static Reference Load()
        {
            var expected = JsonNode.Parse(File.ReadAllText(ReferenceData.ExpectedJson))!.AsObject();
            var units = File.ReadAllLines(ReferenceData.UnitsCsv).Skip(1).Where(l => l.Length > 0)
                .Select(l => l.Split(',')).Select(p => (p[0], (string?)p[1])).ToList();
            var read = PaperResponseCsv.Read(ReferenceData.ResponsesCsv, InstrumentCatalog.FindBuiltIn);
            Assert.True(read.IsValid, string.Join("\n", read.Errors));
            var own = new Dictionary<(string, string), InstrumentStatistics>();
            foreach (var row in read.Rows)
            {
                var key = (row.Unit, row.Instrument);
                if (!own.TryGetValue(key, out var statistics))
                    own[key] = statistics = InstrumentStatistics.For(ReferenceData.Instrument(row.Instrument));
                statistics.Add(row.Answers);
            }
            return new Reference
            {
                Expected = expected,
                Tree = new UnitTree(units),
                Options = new IndexOptions { MinN = expected["minN"]!.GetValue<int>() },
                Own = own,
            };
        }
    }

    public static TheoryData<string, string> UnitInstruments()
    {
        var data = new TheoryData<string, string>();
        var expected = JsonNode.Parse(File.ReadAllText(ReferenceData.ExpectedJson))!["units"]!.AsObject();
        foreach (var (unit, instruments) in expected)
            foreach (var (instrument, _) in instruments!.AsObject())
                data.Add(unit, instrument);
        return data;
    }

    /// <summary>
    /// Every number must agree to 1e-9, the bounds of Student-t intervals included: their t quantiles follow SciPy's
    /// stdtrit (CDFLIB cdft), as the reference generator's do (see <see cref="StudentTQuantile"/>).
    /// </summary>
    public const double Tolerance = 1e-9;

    private static void AssertSame(JsonNode? expected, object actual)
    {
        var node = JsonSerializer.SerializeToNode(actual, actual.GetType());
        var differences = JsonComparer.Differences(expected, node, _ => Tolerance);
        Assert.True(differences.Count == 0, $"{differences.Count} differences:\n" + string.Join("\n", differences.Take(40)));
    }

    [Theory]
    [MemberData(nameof(UnitInstruments))]
    public void Unit_figures_match_the_reference(string unit, string instrument)
    {
        var data = Data.Value;
        var report = IndexCalculator.Report(data.Pooled(unit, instrument), data.Options);
        AssertSame(data.Expected["units"]![unit]![instrument], report);
        // The web app may serialise the base type; it must give the same shape.
        var viaBase = JsonSerializer.SerializeToNode<InstrumentReport>(report);
        Assert.Empty(JsonComparer.Differences(JsonSerializer.SerializeToNode(report, report.GetType()), viaBase, _ => 0));
    }

    [Fact]
    public void Comparisons_of_each_leaf_against_the_rest_of_its_parent_match()
    {
        var data = Data.Value;
        var results = new List<ComparisonResult>();
        foreach (var unit in data.Tree.Units.Where(u => data.Tree.IsLeaf(u) && data.Tree.ParentOf(u) is not null))
        {
            var parent = data.Tree.ParentOf(unit)!;
            var own = IndexCalculator.Satisfied(data.Pooled(unit, "SIPAS-DV"), "HL_CHUNG");
            var rest = IndexCalculator.Satisfied(InstrumentStatistics.Pool(ReferenceData.Instrument("SIPAS-DV"),
                data.Tree.Subtree(parent).Where(u => !data.Tree.IsInSubtree(u, unit))
                    .Select(u => data.Own.GetValueOrDefault((u, "SIPAS-DV"))).OfType<InstrumentStatistics>()), "HL_CHUNG");
            results.Add(Comparison.TwoProportion(unit, $"rest of {parent}", "HL_CHUNG", own, rest, data.Options));
        }
        AssertSame(data.Expected["comparisons"], results);
    }

    [Fact]
    public void Rankings_of_every_parent_match()
    {
        var data = Data.Value;
        var rankings = new Dictionary<string, RankingResult>();
        foreach (var parent in data.Tree.Units.Where(u => !data.Tree.IsLeaf(u)))
        {
            var inputs = data.Tree.ChildrenOf(parent).Select(child =>
            {
                var count = IndexCalculator.Satisfied(data.Pooled(child, "SIPAS-DV"), "HL_CHUNG");
                return new RankingInput(child, count.Satisfied, count.N);
            }).ToList();
            rankings[parent] = Ranking.EmpiricalBayes("HL_CHUNG", inputs, data.Options);
        }
        AssertSame(data.Expected["rankings"], rankings);
    }

    [Fact]
    public void Weighted_root_share_matches()
    {
        var data = Data.Value;
        var expected = data.Expected["weighted"]!;
        var shares = expected["population_shares"]!.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<double>());
        var unit = expected["unit"]!.GetValue<string>();
        var result = Weighting.PostStratify(unit, data.Pooled(unit, "SIPAS-DV"), ["GIOI_TINH", "NHOM_TUOI"], shares, data.Options);
        AssertSame(expected, result);
    }

    [Fact]
    public void Sample_sizes_and_766_points_match()
    {
        var data = Data.Value;
        var sizes = data.Expected["sample_size"]!.AsArray()
            .Select(x => SampleSize.For(x!["N"]!.GetValue<long>(), x["e"]!.GetValue<double>())).ToList();
        AssertSame(data.Expected["sample_size"], sizes);
        var points = data.Expected["points_766"]!.AsArray()
            .Select(x => Points766.Result(x!["rate"]!.GetValue<double>(), x["max"]!.GetValue<double>())).ToList();
        AssertSame(data.Expected["points_766"], points);
    }
}
