using CchcSurvey.Core.Instruments;

namespace CchcSurvey.Core.Tests.Instruments;

public sealed class InstrumentTranslationTests
{
    private static InstrumentDefinition Nhanh => InstrumentCatalog.FindBuiltIn("NHANH")!;

    private const string Complete = """
    {"language":"tyz","name":"Tày","title":"t","intro":"i","sections":{"DANH_GIA":"s"},
     "items":{"HL":{"text":"h","scale":["1","2","3","4","5"]},
              "LY_DO":{"text":"l","options":{"cho_lau":"a","huong_dan":"b","thai_do":"c","ho_so":"d","phi":"e","khac":"f"}},
              "GOP_Y":{"text":"g"}}}
    """;

    [Fact]
    public void A_complete_translation_gives_every_text()
    {
        var t = InstrumentTranslation.Parse(Complete, Nhanh, out var problems);
        Assert.Empty(problems);
        Assert.NotNull(t);
        Assert.Equal("tyz", t.Language);
        var hl = Nhanh.FindItem("HL")!;
        Assert.Equal("h", t.ItemText(hl));
        Assert.Equal("5", t.ScaleLabel(hl, 5));
        var reasons = Nhanh.FindItem("LY_DO")!;
        Assert.Equal("e", t.OptionLabel(reasons, reasons.FindOption("phi")!));
    }

    [Theory]
    [InlineData("\"phi\":\"e\",", "items.LY_DO.options.phi: missing text")]
    [InlineData("\"GOP_Y\":{\"text\":\"g\"}", "items.GOP_Y.text: missing text")]
    [InlineData("\"scale\":[\"1\",\"2\",\"3\",\"4\",\"5\"]", "items.HL.scale")]
    [InlineData("\"intro\":\"i\",", "intro: missing text")]
    [InlineData("\"language\":\"tyz\"", "language must be")]
    public void An_incomplete_or_wrong_translation_is_refused_with_the_place_named(string remove, string problem)
    {
        var json = Complete.Replace(remove, remove switch
        {
            "\"GOP_Y\":{\"text\":\"g\"}" => "\"GOP_Y\":{}",
            "\"scale\":[\"1\",\"2\",\"3\",\"4\",\"5\"]" => "\"scale\":[\"1\",\"2\"]",
            "\"language\":\"tyz\"" => "\"language\":\"vi\"",
            _ => "",
        }, StringComparison.Ordinal);
        Assert.Null(InstrumentTranslation.Parse(json, Nhanh, out var problems));
        Assert.Contains(problems, p => p.Contains(problem, StringComparison.Ordinal));
    }

    [Fact]
    public void Unknown_items_options_and_fields_are_refused()
    {
        var json = Complete.Replace("\"GOP_Y\":{\"text\":\"g\"}", "\"GOP_Y\":{\"text\":\"g\"},\"XYZ\":{\"text\":\"x\"}", StringComparison.Ordinal)
            .Replace("\"khac\":\"f\"", "\"khac\":\"f\",\"nope\":\"n\"", StringComparison.Ordinal)
            .Replace("\"name\":\"Tày\"", "\"name\":\"Tày\",\"colour\":\"red\"", StringComparison.Ordinal);
        Assert.Null(InstrumentTranslation.Parse(json, Nhanh, out var problems));
        Assert.Contains("items.XYZ: no such item", problems);
        Assert.Contains("items.LY_DO.options.nope: no such option", problems);
        Assert.Contains("unknown field 'colour'", problems);
        Assert.Null(InstrumentTranslation.Parse("[1]", Nhanh, out _));
        Assert.Null(InstrumentTranslation.Parse("{", Nhanh, out _));
    }
}
