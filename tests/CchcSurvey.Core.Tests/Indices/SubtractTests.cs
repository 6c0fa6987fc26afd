using CchcSurvey.Core.Indices;
using CchcSurvey.Core.Instruments;
using System.Text.Json.Nodes;

namespace CchcSurvey.Core.Tests.Indices;

public class SubtractTests
{
    public static TheoryData<string> Instruments() => new(InstrumentCatalog.LoadBuiltIn().Select(d => d.Code).Distinct());

    private static InstrumentStatistics Accumulate(InstrumentDefinition def, IEnumerable<IReadOnlyDictionary<string, AnswerValue>> responses)
    {
        var statistics = InstrumentStatistics.For(def);
        foreach (var answers in responses) statistics.Add(answers);
        return statistics;
    }

    private static JsonNode? Report(InstrumentStatistics statistics) =>
        IndexCalculator.Report(statistics, new IndexOptions { MinN = 5 }) is var report ? System.Text.Json.JsonSerializer.SerializeToNode(report, report.GetType()) : null;

    [Theory]
    [MemberData(nameof(Instruments))]
    public void Subtracting_a_merged_part_gives_the_rest_and_an_emptied_accumulator_is_exactly_empty(string instrument)
    {
        var def = ReferenceData.Instrument(instrument);
        for (var seed = 1; seed <= 5; seed++)
        {
            var responses = RandomResponses.Many(def, 50 + seed * 11, seed);
            var split = responses.Count / 3;
            var all = Accumulate(def, responses);
            var part = Accumulate(def, responses.Take(split));
            var rest = Accumulate(def, responses.Skip(split));

            var left = all.Clone();
            left.Subtract(part);
            Assert.True(left.IsNonNegative());
            Assert.Empty(JsonComparer.Differences(Report(rest), Report(left), _ => 1e-9));

            left.Subtract(rest);
            Assert.Equal(Accumulate(def, []).ToJson(), left.ToJson());
            Assert.True(left.IsNonNegative());
            left.Subtract(part);
            Assert.False(left.IsNonNegative());
        }
    }
}
