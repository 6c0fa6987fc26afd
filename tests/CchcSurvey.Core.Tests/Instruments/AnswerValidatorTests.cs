using System.Text.Json;
using CchcSurvey.Core.Instruments;

namespace CchcSurvey.Core.Tests.Instruments;

public class AnswerValidatorTests
{
    private static readonly InstrumentDefinition Nhanh = ReferenceData.Instrument("NHANH");
    private static readonly InstrumentDefinition SipasDv = ReferenceData.Instrument("SIPAS-DV");
    private static readonly InstrumentDefinition Tt01 = ReferenceData.Instrument("TT01");
    private static readonly InstrumentDefinition Papi = ReferenceData.Instrument("PAPI-M");

    private static AnswerValidationResult Json(InstrumentDefinition def, string json)
    {
        using var document = JsonDocument.Parse(json);
        return AnswerValidator.Validate(def, document.RootElement.Clone());
    }

    private static AnswerValidationResult Form(InstrumentDefinition def, params (string Name, string Value)[] fields) =>
        AnswerValidator.ValidateForm(def, fields.GroupBy(f => f.Name)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<string>)g.Select(f => f.Value).ToList()));

    private static AnswerValidationResult Cells(InstrumentDefinition def, params (string Column, string Cell)[] cells) =>
        AnswerValidator.ValidateCells(def, cells.ToDictionary(c => c.Column, c => c.Cell));

    // ------------------------------------------------------------------ JSON

    [Fact]
    public void Json_accepts_every_answer_type()
    {
        var dv = Json(SipasDv, """{"TC1":5,"HL_CHUNG":4,"MONG_DOI":["PA","TC"],"GIOI_TINH":"nu","GOP_Y":"Tốt","TT2":null}""");
        Assert.True(dv.IsValid, string.Join("; ", dv.Errors));
        Assert.Equal(5, dv.Answers["TC1"].Number);
        Assert.Equal(["TC", "PA"], dv.Answers["MONG_DOI"].Codes); // canonical option order
        Assert.Equal("nu", dv.Answers["GIOI_TINH"].Code);
        Assert.Equal("Tốt", dv.Answers["GOP_Y"].Text);
        Assert.False(dv.Answers.ContainsKey("TT2"));

        var tt = Json(Tt01, """{"C1":"o2","C9":"o0","HL":3}""");
        Assert.True(tt.IsValid);
        Assert.Equal("o2", tt.Answers["C1"].Code);

        var papi = Json(Papi, """{"D1_1":1,"D7_1":0,"D4_1":5}""");
        Assert.True(papi.IsValid);
        Assert.Equal(0, papi.Answers["D7_1"].Number);
    }

    [Theory]
    [InlineData("""{"HL":7}""", "HL: value 7 is out of range 1..5")]
    [InlineData("""{"HL":0}""", "HL: value 0 is out of range 1..5")]
    [InlineData("""{"HL":"4"}""", "HL: expected an integer, got a string")]
    [InlineData("""{"HL":4.5}""", "HL: expected an integer, got number 4.5")]
    [InlineData("""{"HL":true}""", "HL: expected an integer, got a boolean")]
    [InlineData("""{"XX":1}""", "XX: unknown item")]
    [InlineData("""{"HL":5,"LY_DO":["cho_lau"]}""", "LY_DO: only asked when HL ≤ 3")]
    [InlineData("""{"HL":2,"LY_DO":[]}""", "LY_DO: choose at least one option or leave the item out")]
    [InlineData("""{"HL":2,"LY_DO":["cho_lau","cho_lau"]}""", "LY_DO: option 'cho_lau' is given twice")]
    [InlineData("""{"HL":2,"LY_DO":["ngu"]}""", "LY_DO: 'ngu' is not an option")]
    [InlineData("""{"HL":2,"LY_DO":"cho_lau"}""", "LY_DO: expected an array of option codes")]
    [InlineData("""{"HL":2,"GOP_Y":5}""", "GOP_Y: expected a string, got number 5")]
    public void Json_rejects_bad_answers_naming_the_item(string json, string message)
    {
        var result = Json(Nhanh, json);
        Assert.False(result.IsValid);
        Assert.Contains(result.Errors, e => e.Message.StartsWith(message, StringComparison.Ordinal));
    }

    [Fact]
    public void Json_rejects_non_objects_wrong_codes_and_long_text()
    {
        Assert.False(Json(Nhanh, "[1,2]").IsValid);
        Assert.Contains(Json(Tt01, """{"C1":"o3"}""").Errors, e => e.Item == "C1");
        Assert.Contains(Json(Tt01, """{"C1":2}""").Errors, e => e.Message.StartsWith("C1: expected an option code string"));
        Assert.Contains(Json(Tt01, """{"HL":4}""").Errors, e => e.Message == "HL: value 4 is out of range 1..3");
        Assert.Contains(Json(Papi, """{"D1_1":2}""").Errors, e => e.Message == "D1_1: value 2 is out of range 0..1");
        Assert.Contains(Json(SipasDv, """{"GIOI_TINH":"male"}""").Errors, e => e.Item == "GIOI_TINH");
        var longText = new string('a', 1001);
        Assert.Contains(Json(Nhanh, $$"""{"HL":1,"GOP_Y":"{{longText}}"}""").Errors, e => e.Item == "GOP_Y");
        Assert.True(Json(Nhanh, $$"""{"HL":1,"GOP_Y":"{{new string('a', 1000)}}"}""").IsValid);
    }

    [Fact]
    public void Json_text_is_scrubbed_and_blank_text_is_missing()
    {
        var result = Json(Nhanh, """{"HL":2,"GOP_Y":"Gọi tôi 0912345678"}""");
        Assert.Equal("Gọi tôi [số điện thoại]", result.Answers["GOP_Y"].Text);
        Assert.False(Json(Nhanh, """{"HL":2,"GOP_Y":"   "}""").Answers.ContainsKey("GOP_Y"));
    }

    // ------------------------------------------------------------------ form

    [Fact]
    public void Form_parses_strings_ignores_other_fields_and_treats_na_as_missing()
    {
        var result = Form(SipasDv, ("__RequestVerificationToken", "x"), ("TC1", "4"), ("TC2", "na"), ("TC3", ""),
            ("MONG_DOI", "CC"), ("MONG_DOI", "TC"), ("GIOI_TINH", "nam"), ("GOP_Y", "ok"));
        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        Assert.Equal(4, result.Answers["TC1"].Number);
        Assert.False(result.Answers.ContainsKey("TC2"));
        Assert.False(result.Answers.ContainsKey("TC3"));
        Assert.Equal(["TC", "CC"], result.Answers["MONG_DOI"].Codes);
    }

    [Fact]
    public void Form_drops_answers_to_hidden_items_without_error()
    {
        var result = Form(Nhanh, ("HL", "5"), ("LY_DO", "cho_lau"), ("GOP_Y", "hello"));
        Assert.True(result.IsValid);
        Assert.Equal(["HL"], result.Answers.Keys.ToArray());
        var shown = Form(Nhanh, ("HL", "3"), ("LY_DO", "cho_lau"), ("LY_DO", "phi"));
        Assert.Equal(["cho_lau", "phi"], shown.Answers["LY_DO"].Codes);
    }

    [Theory]
    [InlineData("HL", "6", "HL: value 6 is out of range 1..5")]
    [InlineData("HL", "4.0", "HL: '4.0' is not an integer")]
    [InlineData("HL", "abc", "HL: 'abc' is not an integer")]
    [InlineData("HL", "-1", "HL: '-1' is not an integer")]
    public void Form_rejects_bad_values(string name, string value, string message)
    {
        var result = Form(Nhanh, (name, value));
        Assert.Equal(message, Assert.Single(result.Errors).Message);
    }

    [Fact]
    public void Form_rejects_two_values_for_a_single_answer_item()
    {
        var result = Form(Nhanh, ("HL", "4"), ("HL", "5"));
        Assert.Equal("HL: expected one value, got 2", Assert.Single(result.Errors).Message);
        Assert.Contains(Form(Tt01, ("C1", "o7")).Errors, e => e.Item == "C1");
    }

    // ------------------------------------------------------------------ paper cells

    [Fact]
    public void Cells_read_the_reference_encoding()
    {
        var tt = Cells(Tt01, ("C1", "o2"), ("C2", ""), ("HL", "3"), ("TC1", ""), ("LY_DO", ""));
        Assert.True(tt.IsValid, string.Join("; ", tt.Errors));
        Assert.Equal(["C1", "HL"], tt.Answers.Keys.Order().ToArray());
        var dv = Cells(SipasDv, ("MONG_DOI", "PA TT"), ("NHOM_TUOI", "60+"));
        Assert.Equal(["TT", "PA"], dv.Answers["MONG_DOI"].Codes);
    }

    [Fact]
    public void Cells_reject_values_in_foreign_columns_and_bad_values()
    {
        Assert.Equal("C1: instrument NHANH has no item C1, the cell must be empty", Assert.Single(Cells(Nhanh, ("HL", "4"), ("C1", "o2")).Errors).Message);
        Assert.Equal("HL: value 9 is out of range 1..5", Assert.Single(Cells(Nhanh, ("HL", "9")).Errors).Message);
        Assert.Equal("LY_DO: only asked when HL ≤ 3", Assert.Single(Cells(Nhanh, ("HL", "4"), ("LY_DO", "phi")).Errors).Message);
        Assert.Contains(Cells(SipasDv, ("MONG_DOI", "TC XX")).Errors, e => e.Item == "MONG_DOI");
        Assert.Contains(Cells(Papi, ("D1_1", "yes")).Errors, e => e.Message == "D1_1: 'yes' is not an integer");
    }
}
