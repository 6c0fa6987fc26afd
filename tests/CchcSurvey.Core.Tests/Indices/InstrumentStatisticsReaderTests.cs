using System.Text.Json;
using System.Text.Json.Nodes;
using CchcSurvey.Core.Indices;
using CchcSurvey.Core.Instruments;

namespace CchcSurvey.Core.Tests.Indices;

/// <summary>
/// <see cref="InstrumentStatistics.FromJson"/> reads cells by hand (a forward-only reader, for speed): it must read
/// exactly what the reflection-based deserialiser reads from the same JSON, on every bundled instrument.
/// </summary>
public class InstrumentStatisticsReaderTests
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    public static TheoryData<string> Instruments() => new(InstrumentCatalog.LoadBuiltIn().Select(d => d.Code).Distinct());

    private static InstrumentStatistics Accumulate(InstrumentDefinition def, int responses, int seed)
    {
        var statistics = InstrumentStatistics.For(def);
        foreach (var answers in RandomResponses.Many(def, responses, seed)) statistics.Add(answers);
        return statistics;
    }

    [Theory]
    [MemberData(nameof(Instruments))]
    public void Reads_what_the_deserialiser_reads(string instrument)
    {
        var def = ReferenceData.Instrument(instrument);
        foreach (var (responses, seed) in new[] { (0, 1), (1, 2), (75, 3), (400, 4) })
        {
            var json = Accumulate(def, responses, seed).ToJson();
            var fast = InstrumentStatistics.FromJson(json, def);
            var slow = JsonSerializer.Deserialize<InstrumentStatistics>(json, Web)!;
            // Every property, compared as JSON: the same counts, the same doubles to the last bit.
            Assert.Equal(JsonSerializer.Serialize(slow, Web), JsonSerializer.Serialize(fast, Web));
        }
    }

    [Fact]
    public void Skips_properties_it_does_not_know_and_reads_escaped_keys()
    {
        var def = ReferenceData.Instrument("SIPAS-DV");
        var statistics = Accumulate(def, 50, 5);
        var node = JsonNode.Parse(statistics.ToJson())!.AsObject();
        node["addedLater"] = new JsonObject { ["nested"] = new JsonArray(1, 2, new JsonObject { ["x"] = "y" }) };
        node["serviceIndex"]!.AsObject()["extra"] = 3.5;
        var json = node.ToJsonString();
        Assert.Contains("\\u002B", json); // the "60+" age band is written escaped
        var back = InstrumentStatistics.FromJson(json, def);
        Assert.Equal(statistics.ToJson(), back.ToJson());
        Assert.Contains("60+", back.OptionCounts["NHOM_TUOI"].Keys);
    }

    [Theory]
    [InlineData("null")]
    [InlineData("[]")]
    [InlineData("{\"instrument\":\"SIPAS-DV\",\"responses\":\"many\"}")]
    [InlineData("{\"instrument\":\"SIPAS-DV\",\"levelCounts\":{\"TC1\":[1,2,")]
    [InlineData("not json")]
    public void Malformed_json_is_a_format_error(string json) =>
        Assert.Throws<FormatException>(() => InstrumentStatistics.FromJson(json, ReferenceData.Instrument("SIPAS-DV")));
}
