using CchcSurvey.Core.Indices;
using CchcSurvey.Core.Instruments;

namespace CchcSurvey.Core.Tests.Instruments;

/// <summary>
/// What the instrument model derives from a definition's roles (docs/instruments.md): elements, the overall item,
/// satisfied and low levels, the families of figures, and that the index engine computes element and index figures
/// for any instrument that declares elements.
/// </summary>
public class InstrumentModelTests
{
    [Fact]
    public void SIPAS_DV_has_five_elements_titled_by_their_sections_and_an_overall_item()
    {
        var def = InstrumentCatalog.FindBuiltIn("SIPAS-DV")!;
        Assert.Equal(["TC", "TT", "CC", "KQ", "PA"], def.Elements.Select(e => e.Code).ToArray());
        Assert.Equal(["HL_TC", "HL_TT", "HL_CC", "HL_KQ", "HL_PA"], def.Elements.Select(e => e.Satisfaction.Code).ToArray());
        Assert.Equal([4, 5, 6, 3, 4], def.Elements.Select(e => e.Statements.Count).ToArray());
        Assert.Equal("Tiếp cận dịch vụ", def.Elements[0].Title.For("vi"));
        Assert.Equal("Access to the service", def.Elements[0].Title.For("en"));
        Assert.Equal("HL_CHUNG", def.OverallItem!.Code);
        Assert.Equal(InstrumentFigures.Elements | InstrumentFigures.Overall, def.Figures);
        Assert.Equal("MONG_DOI", def.ItemWithRole("priorities")!.Code);
    }

    [Theory]
    [InlineData("NHANH", InstrumentFigures.Overall, "HL")]
    [InlineData("TT01", InstrumentFigures.Indicators | InstrumentFigures.Overall, "HL")]
    [InlineData("SIPAS-CS", InstrumentFigures.Policy, null)]
    [InlineData("PAPI-M", InstrumentFigures.Dimensions, null)]
    public void Built_in_instruments_declare_their_figures_by_roles(string code, InstrumentFigures figures, string? overall)
    {
        var def = InstrumentCatalog.FindBuiltIn(code)!;
        Assert.Equal(figures, def.Figures);
        Assert.Equal(overall, def.OverallItem?.Code);
        Assert.Empty(def.Elements);
    }

    [Fact]
    public void Satisfied_and_low_follow_the_item_s_scale()
    {
        var five = InstrumentCatalog.FindBuiltIn("NHANH")!.OverallItem!;
        var three = InstrumentCatalog.FindBuiltIn("TT01")!.OverallItem!;
        Assert.Equal([false, false, false, true, true], Enumerable.Range(1, 5).Select(five.IsSatisfied).ToArray());
        Assert.Equal([true, true, false, false, false], Enumerable.Range(1, 5).Select(five.IsLow).ToArray());
        // On TT01's three levels 2 is "bình thường": satisfied, and not low.
        Assert.Equal([false, true, true], Enumerable.Range(1, 3).Select(three.IsSatisfied).ToArray());
        Assert.Equal([true, false, false], Enumerable.Range(1, 3).Select(three.IsLow).ToArray());
    }

    private const string ThreeElements = """
        {"code":"MOI","version":1,"title":{"vi":"Phiếu mới","en":"New survey"},"sections":[
          {"code":"A","title":{"vi":"Yếu tố A","en":"Element A"},"items":[
            {"code":"A1","type":"likert5","text":{"vi":"a1","en":"a1"},"group":"A","role":"statement"},
            {"code":"A_HL","type":"likert5","text":{"vi":"a","en":"a"},"group":"A","role":"element-satisfaction"}]},
          {"code":"B","title":{"vi":"Yếu tố B","en":"Element B"},"items":[
            {"code":"B_HL","type":"likert3","text":{"vi":"b","en":"b"},"group":"B","role":"element-satisfaction"}]},
          {"code":"C","title":{"vi":"Yếu tố C","en":"Element C"},"items":[
            {"code":"C_HL","type":"likert5","text":{"vi":"c","en":"c"},"group":"C","role":"element-satisfaction"}]}]}
        """;

    [Fact]
    public void Any_instrument_with_elements_gets_element_and_index_figures()
    {
        var def = InstrumentCatalog.Parse(ThreeElements);
        Assert.Equal(["A", "B", "C"], def.Elements.Select(e => e.Code).ToArray());
        var statistics = InstrumentStatistics.For(def);
        // Ten respondents: A 5/4/…; B on three levels (2 and 3 satisfied); C skipped by two.
        int[] a = [5, 4, 4, 2, 1, 5, 4, 3, 4, 5], b = [3, 2, 1, 3, 2, 1, 3, 3, 2, 1];
        int?[] c = [4, null, 2, 5, 5, 1, null, 4, 4, 3];
        for (var i = 0; i < 10; i++)
        {
            var answers = new Dictionary<string, AnswerValue> { ["A_HL"] = AnswerValue.FromNumber(a[i]), ["B_HL"] = AnswerValue.FromNumber(b[i]) };
            if (c[i] is int level) answers["C_HL"] = AnswerValue.FromNumber(level);
            statistics.Add(answers);
        }
        var report = Assert.IsType<SipasServiceReport>(IndexCalculator.Report(statistics, new IndexOptions { MinN = 5 }));
        Assert.Equal(["A", "B", "C"], report.Elements.Keys.ToArray());
        Assert.Equal(70, report.Elements["A"].P!.Value, 9);
        Assert.Equal(70, report.Elements["B"].P!.Value, 9);
        Assert.Equal(8, report.Elements["C"].N);
        Assert.Equal(62.5, report.Elements["C"].P!.Value, 9);
        // §4.4 by hand: r_i over each respondent's answered element items, then the mean.
        var r = Enumerable.Range(0, 10).Select(i =>
        {
            var levels = new List<bool> { a[i] >= 4, b[i] >= 2 };
            if (c[i] is int level) levels.Add(level >= 4);
            return (double)levels.Count(x => x) / levels.Count;
        }).ToList();
        Assert.Equal(100 * r.Average(), report.Index.Value!.Value, 9);
        Assert.Equal(10, report.Index.N);
        Assert.Null(report.Priorities);
    }

    [Theory]
    [InlineData("""{"code":"X","version":1,"title":{"vi":"x","en":"x"},"sections":[{"code":"S","title":{"vi":"s","en":"s"},"items":[{"code":"A","type":"text","text":{"vi":"a","en":"a"}}]}]}""", "no figures")]
    [InlineData("""{"code":"X","version":1,"title":{"vi":"x","en":"x"},"sections":[{"code":"S","title":{"vi":"s","en":"s"},"items":[{"code":"A","type":"likert5","text":{"vi":"a","en":"a"},"group":"G","role":"element-satisfaction"},{"code":"B","type":"likert5","text":{"vi":"b","en":"b"},"group":"G","role":"element-satisfaction"}]}]}""", "expected one")]
    [InlineData("""{"code":"X","version":1,"title":{"vi":"x","en":"x"},"sections":[{"code":"S","title":{"vi":"s","en":"s"},"items":[{"code":"A","type":"yesno","text":{"vi":"a","en":"a"},"role":"overall"}]}]}""", "role overall needs a likert5 or likert3 item")]
    [InlineData("""{"code":"X","version":1,"title":{"vi":"x","en":"x"},"sections":[{"code":"S","title":{"vi":"s","en":"s"},"items":[{"code":"A","type":"points","text":{"vi":"a","en":"a"},"role":"indicator","options":[{"code":"o","label":{"vi":"o","en":"o"},"points":1}]}]}]}""", "need an overall item")]
    public void Definitions_whose_roles_cannot_give_figures_are_refused(string json, string expected)
    {
        var e = Assert.Throws<InstrumentDefinitionException>(() => InstrumentCatalog.Parse(json));
        Assert.Contains(expected, e.Message);
    }
}
