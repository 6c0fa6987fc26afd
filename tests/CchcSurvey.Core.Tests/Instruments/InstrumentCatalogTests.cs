using CchcSurvey.Core.Instruments;

namespace CchcSurvey.Core.Tests.Instruments;

public class InstrumentCatalogTests
{
    private static readonly string[] SipasDvCodes =
    [
        "TC1", "TC2", "TC3", "TC4", "HL_TC",
        "TT1", "TT2", "TT3", "TT4", "TT5", "HL_TT",
        "CC1", "CC2", "CC3", "CC4", "CC5", "CC6", "HL_CC",
        "KQ1", "KQ2", "KQ3", "HL_KQ",
        "PA1", "PA2", "PA3", "PA4", "HL_PA",
        "HL_CHUNG", "MONG_DOI", "GOP_Y", "GIOI_TINH", "NHOM_TUOI", "DAN_TOC",
    ];

    private static readonly string[] PapiCodes =
    [
        "D1_1", "D1_2", "D1_3", "D1_4", "D2_1", "D2_2", "D2_3", "D2_4", "D3_1", "D3_2", "D3_3",
        "D4_1", "D4_2", "D4_3", "D4_4", "D5_1", "D5_2", "D5_3", "D6_1", "D6_2", "D6_3", "D6_4",
        "D7_1", "D7_2", "D7_3", "D8_1", "D8_2", "D8_3",
    ];

    private static InstrumentDefinition V1(string code) => InstrumentCatalog.LoadBuiltIn().Single(d => d.Code == code && d.Version == 1);

    [Fact]
    public void Sipas_dv_version_2_asks_the_overall_question_first_and_lists_the_ethnic_groups_of_Lang_Son()
    {
        var v1 = V1("SIPAS-DV");
        var v2 = ReferenceData.Instrument("SIPAS-DV");
        Assert.Equal(2, v2.Version);
        Assert.Equal("HL_CHUNG", v2.Items.First().Code);
        Assert.Equal("overall", v2.Items.First().Role);
        Assert.Equal(["kinh", "tay", "nung", "dao", "hmong", "san_chay", "hoa", "khac"], v2.FindItem("DAN_TOC")!.Options.Select(o => o.Code).ToArray());
        Assert.Equal(["Kinh", "Tày", "Nùng", "Dao", "H'Mông", "Sán Chay", "Hoa", "Dân tộc khác"], v2.FindItem("DAN_TOC")!.Options.Select(o => o.Label.Vi).ToArray());
        // Old answers keep their version: v1 still offers only its own two groups.
        Assert.Equal(["kinh", "khac"], v1.FindItem("DAN_TOC")!.Options.Select(o => o.Code).ToArray());
        // Everything else an item says is unchanged between the versions.
        foreach (var item in v1.Items.Where(i => i.Code != "DAN_TOC"))
            Assert.Equal(InstrumentCatalog.Serialize(v1 with { Sections = [new SectionDefinition { Code = "X", Title = v1.Title, Items = [item] }] }),
                InstrumentCatalog.Serialize(v1 with { Sections = [new SectionDefinition { Code = "X", Title = v1.Title, Items = [v2.FindItem(item.Code)!] }] }));
    }

    [Fact]
    public void Citizens_get_a_plain_title_and_the_skip_choice_is_worded_per_item_type()
    {
        foreach (var code in new[] { "SIPAS-DV", "SIPAS-CS", "TT01", "PAPI-M" })
        {
            var def = ReferenceData.Instrument(code);
            Assert.NotNull(def.CitizenTitle);
            Assert.DoesNotContain("Thông tư", def.CitizenTitle!.Vi);
            Assert.DoesNotContain("SIPAS", def.CitizenTitle.Vi);
            Assert.DoesNotContain("PAPI", def.CitizenTitle.Vi);
        }
        Assert.All(ReferenceData.Instrument("PAPI-M").Items.Where(i => i.Type == AnswerType.YesNo), i => Assert.Equal("Không biết", i.NoOpinion?.Vi));
        Assert.All(ReferenceData.Instrument("SIPAS-DV").Items.Where(i => i.Role == "profile"), i => Assert.Equal("Không muốn trả lời", i.NoOpinion?.Vi));
        Assert.Null(ReferenceData.Instrument("SIPAS-DV").FindItem("TC1")!.NoOpinion);
    }

    private static string[] Codes(string instrument) => ReferenceData.Instrument(instrument).Items.Select(i => i.Code).ToArray();

    [Fact]
    public void LoadBuiltIn_returns_the_five_instruments_in_version_1_and_SIPAS_DV_also_in_version_2()
    {
        var all = InstrumentCatalog.LoadBuiltIn();
        Assert.Equal(["NHANH", "PAPI-M", "SIPAS-CS", "SIPAS-DV", "SIPAS-DV", "TT01"], all.Select(d => d.Code).ToArray());
        Assert.Equal([1, 1, 1, 1, 2, 1], all.Select(d => d.Version).ToArray());
        Assert.All(all, d => Assert.NotEmpty(d.Title.Vi));
        Assert.All(all, d => Assert.NotEmpty(d.Title.En));
    }

    [Fact]
    public void Item_codes_are_exactly_those_of_the_methodology()
    {
        Assert.Equal(SipasDvCodes, V1("SIPAS-DV").Items.Select(i => i.Code).ToArray());
        // Version 2 asks the same items in another order (figures find items by code and role, never by position).
        Assert.Equal(SipasDvCodes.Order(), Codes("SIPAS-DV").Order());
        var groups = new[] { "KT", "YT", "GD", "AN", "GT", "DI", "NU", "XH", "CC" };
        Assert.Equal(groups.SelectMany(g => new[] { "TT", "TG", "CL", "KQ" }.Select(c => $"{g}_{c}")).ToArray(), Codes("SIPAS-CS"));
        Assert.Equal(["C1", "C2", "C3", "C4", "C5", "C6", "C7", "C8", "C9", "HL", "GOP_Y"], Codes("TT01"));
        Assert.Equal(["HL", "LY_DO", "GOP_Y"], Codes("NHANH"));
        Assert.Equal(PapiCodes, Codes("PAPI-M"));
    }

    [Fact]
    public void Sipas_dv_has_one_section_per_element_plus_overall_and_profile()
    {
        var def = V1("SIPAS-DV");
        Assert.Equal(["TC", "TT", "CC", "KQ", "PA", "CHUNG", "PROFILE"], def.Sections.Select(s => s.Code).ToArray());
        Assert.All(def.Items.Where(i => i.Role == "statement"), i => Assert.Equal("Rất đồng ý", i.Scale![4].Vi));
        Assert.All(def.Items.Where(i => i.Role == "element-satisfaction"), i => Assert.Equal("HL_" + i.Group, i.Code));
        Assert.Equal(["TC", "TT", "CC", "KQ", "PA"], def.FindItem("MONG_DOI")!.Options.Select(o => o.Code).ToArray());
        Assert.Equal(["nam", "nu", "khac"], def.FindItem("GIOI_TINH")!.Options.Select(o => o.Code).ToArray());
        Assert.Equal(["18-29", "30-44", "45-59", "60+"], def.FindItem("NHOM_TUOI")!.Options.Select(o => o.Code).ToArray());
        Assert.Equal(["kinh", "khac"], def.FindItem("DAN_TOC")!.Options.Select(o => o.Code).ToArray());
    }

    [Fact]
    public void Nhanh_asks_reasons_and_comment_only_when_rating_is_at_most_3()
    {
        var def = ReferenceData.Instrument("NHANH");
        Assert.Equal(AnswerType.Likert5, def.FindItem("HL")!.Type);
        foreach (var code in new[] { "LY_DO", "GOP_Y" })
            Assert.Equal(new ItemCondition("HL", null, 3), def.FindItem(code)!.ShowWhen);
        Assert.Equal(["cho_lau", "huong_dan", "thai_do", "ho_so", "phi", "khac"], def.FindItem("LY_DO")!.Options.Select(o => o.Code).ToArray());
    }

    [Fact]
    public void Tt01_indicators_have_options_worth_2_1_0_and_hl_is_likert3()
    {
        var def = ReferenceData.Instrument("TT01");
        Assert.Equal(AnswerType.Likert3, def.FindItem("HL")!.Type);
        foreach (var item in def.Items.Where(i => i.Role == "indicator"))
        {
            Assert.Equal(AnswerType.Points, item.Type);
            Assert.Equal(["o2", "o1", "o0"], item.Options.Select(o => o.Code).ToArray());
            Assert.Equal([2, 1, 0], item.Options.Select(o => o.Points ?? -1).ToArray());
        }
        Assert.Equal("Quá hạn", def.FindItem("C1")!.FindOption("o0")!.Label.Vi);
    }

    [Fact]
    public void Papi_marks_reversed_items_and_sub_dimensions_and_says_it_is_not_full_papi()
    {
        var def = ReferenceData.Instrument("PAPI-M");
        Assert.Equal(["D4_1", "D4_2", "D4_3", "D7_1"], def.Items.Where(i => i.Reverse).Select(i => i.Code).ToArray());
        Assert.All(def.Items, i => Assert.Equal(i.Code, i.SubGroup));
        Assert.All(def.Items, i => Assert.Equal(i.Code[..2], i.Group));
        Assert.Equal(8, def.Sections.Count);
        Assert.Contains("không phải toàn bộ", def.Intro!.Vi);
        Assert.Equal(AnswerType.YesNo, def.FindItem("D7_1")!.Type);
        Assert.Equal(AnswerType.Likert5, def.FindItem("D4_1")!.Type);
    }

    [Fact]
    public void Serialize_then_parse_gives_an_equal_definition()
    {
        foreach (var def in InstrumentCatalog.LoadBuiltIn())
        {
            var again = InstrumentCatalog.Parse(InstrumentCatalog.Serialize(def));
            Assert.Equal(InstrumentCatalog.Serialize(def), InstrumentCatalog.Serialize(again));
            Assert.Equal(def.Items.Select(i => i.Code), again.Items.Select(i => i.Code));
        }
    }

    private const string Minimal = """
        {"code":"X","version":1,"title":{"vi":"x","en":"x"},"sections":[{"code":"S","title":{"vi":"s","en":"s"},"items":[ITEMS]}]}
        """;

    [Theory]
    [InlineData("""{"code":"A","type":"likert5","text":{"vi":"a","en":"a"}},{"code":"A","type":"likert5","text":{"vi":"a","en":"a"}}""", "used twice")]
    [InlineData("""{"code":"A","type":"choice","text":{"vi":"a","en":"a"}}""", "needs options")]
    [InlineData("""{"code":"A","type":"points","text":{"vi":"a","en":"a"},"options":[{"code":"o3","label":{"vi":"a","en":"a"},"points":3}]}""", "points 0..2")]
    [InlineData("""{"code":"A","type":"text","text":{"vi":"a","en":"a"},"showWhen":{"item":"B","max":3}}""", "unknown item B")]
    [InlineData("""{"code":"A","type":"wrong","text":{"vi":"a","en":"a"}}""", "not valid JSON")]
    public void Parse_rejects_broken_definitions_with_a_clear_message(string items, string expected)
    {
        var e = Assert.Throws<InstrumentDefinitionException>(() => InstrumentCatalog.Parse(Minimal.Replace("ITEMS", items)));
        Assert.Contains(expected, e.Message);
    }
}
