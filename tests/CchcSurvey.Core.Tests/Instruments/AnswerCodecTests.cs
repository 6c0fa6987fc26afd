using CchcSurvey.Core.Instruments;

namespace CchcSurvey.Core.Tests.Instruments;

public class AnswerCodecTests
{
    [Fact]
    public void Serialize_is_compact_and_ordered_and_round_trips()
    {
        var def = ReferenceData.Instrument("SIPAS-DV");
        var answers = new Dictionary<string, AnswerValue>
        {
            ["TC1"] = AnswerValue.FromNumber(4),
            ["GOP_Y"] = AnswerValue.FromText("Rất tốt, \"nhanh\""),
            ["MONG_DOI"] = AnswerValue.FromCodes(["TC", "PA"]),
            ["GIOI_TINH"] = AnswerValue.FromCode("nu"),
        };
        var json = AnswerCodec.Serialize(answers);
        Assert.Equal("""{"GIOI_TINH":"nu","GOP_Y":"Rất tốt, \"nhanh\"","MONG_DOI":["TC","PA"],"TC1":4}""", json);
        var back = AnswerCodec.Deserialize(json, def);
        Assert.Equal(answers.Count, back.Count);
        foreach (var (code, value) in answers) Assert.Equal(value, back[code]);
    }

    [Fact]
    public void Same_answers_in_any_insertion_order_give_the_same_string()
    {
        var a = new Dictionary<string, AnswerValue> { ["HL"] = AnswerValue.FromNumber(2), ["LY_DO"] = AnswerValue.FromCodes(["phi"]) };
        var b = new Dictionary<string, AnswerValue> { ["LY_DO"] = AnswerValue.FromCodes(["phi"]), ["HL"] = AnswerValue.FromNumber(2) };
        Assert.Equal(AnswerCodec.Serialize(a), AnswerCodec.Serialize(b));
        Assert.Equal("{}", AnswerCodec.Serialize(new Dictionary<string, AnswerValue>()));
    }

    [Fact]
    public void Deserialize_rejects_unknown_items_and_wrong_kinds()
    {
        var def = ReferenceData.Instrument("TT01");
        Assert.Throws<FormatException>(() => AnswerCodec.Deserialize("""{"ZZ":1}""", def));
        Assert.Throws<FormatException>(() => AnswerCodec.Deserialize("""{"C1":2}""", def));
        Assert.Equal("o1", AnswerCodec.Deserialize("""{"C1":"o1"}""", def)["C1"].Code);
    }

    [Fact]
    public void Validated_reference_answers_round_trip()
    {
        var result = Core.Paper.PaperResponseCsv.Read(ReferenceData.ResponsesCsv, InstrumentCatalog.FindBuiltIn);
        foreach (var row in result.Rows)
        {
            var def = ReferenceData.Instrument(row.Instrument);
            var json = AnswerCodec.Serialize(row.Answers);
            var back = AnswerCodec.Deserialize(json, def);
            Assert.Equal(json, AnswerCodec.Serialize(back));
        }
    }
}
