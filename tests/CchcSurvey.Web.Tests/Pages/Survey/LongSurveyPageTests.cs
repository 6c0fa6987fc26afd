using System.Net;
using CchcSurvey.Core.Instruments;
using CchcSurvey.Web.Tests.Infrastructure;

namespace CchcSurvey.Web.Tests.Pages.Survey;

/// <summary>The long instruments at <c>/s/{counter}/{instrument}</c>: every item rendered, a full submit stored.</summary>
public sealed class LongSurveyPageTests(SurveyAppFactory factory) : IClassFixture<SurveyAppFactory>
{
    public static TheoryData<string> LongInstruments() =>
        new(InstrumentCatalog.LoadBuiltIn().Where(d => d.Code != "NHANH").Select(d => d.Code).Distinct());

    [Theory]
    [MemberData(nameof(LongInstruments))]
    public async Task Every_item_of_the_instrument_is_rendered(string code)
    {
        var definition = InstrumentCatalog.FindBuiltIn(code)!;
        var form = await SurveyForm.OpenAsync(factory.CreateBrowserClient(), $"/s/VQ-TT-Q2/{code}");

        Assert.Contains((definition.CitizenTitle ?? definition.Title).Vi, form.Html);
        foreach (var item in definition.Items)
        {
            Assert.Contains($"name=\"{item.Code}\"", form.Html);
            Assert.Contains(item.Text.Vi, form.Html);
            foreach (var option in item.Options)
                Assert.Contains($"name=\"{item.Code}\" value=\"{option.Code}\"", form.Html);
            if (item.Type is AnswerType.Likert5 or AnswerType.Likert3 or AnswerType.YesNo or AnswerType.Points or AnswerType.Choice)
                Assert.Contains($"name=\"{item.Code}\" value=\"na\"", form.Html);
            if (item.Scale is { } scale)
                foreach (var label in scale) Assert.Contains(label.Vi, form.Html);
        }
        var sections = definition.Sections.Count;
        // Every section is in the form (one shown per screen), the first one first.
        Assert.Contains($"Phần 1/{sections} · còn khoảng", form.Html);
        for (var i = 0; i < sections; i++)
            Assert.Contains($"data-step=\"{i}\"", form.Html);
        foreach (var section in definition.Sections)
            Assert.Contains(section.Title.Vi, form.Html);
    }

    [Fact]
    public async Task PAPI_module_says_it_is_not_the_full_PAPI_survey()
    {
        var form = await SurveyForm.OpenAsync(factory.CreateBrowserClient(), "/s/VQ-TT-Q2/PAPI-M");

        Assert.Contains("không phải toàn bộ", form.Html);
    }

    [Fact]
    public async Task A_full_SIPAS_DV_submit_stores_every_answer()
    {
        var definition = InstrumentCatalog.FindBuiltIn("SIPAS-DV")!;
        var client = factory.CreateBrowserClient();
        var form = await SurveyForm.OpenAsync(client, "/s/VQ-TNMT-Q1/SIPAS-DV");

        var fields = new List<(string, string)>();
        var n = 0;
        foreach (var item in definition.Items)
        {
            n++;
            switch (item.Type)
            {
                case AnswerType.Likert5: fields.Add((item.Code, (1 + n % 5).ToString())); break;
                case AnswerType.Multi:
                    fields.Add((item.Code, item.Options[0].Code));
                    fields.Add((item.Code, item.Options[^1].Code));
                    break;
                case AnswerType.Text: fields.Add((item.Code, "Nhân viên nhiệt tình")); break;
                default: fields.Add((item.Code, item.Options[^1].Code)); break;
            }
        }

        var post = await SurveyForm.PostAsync(client, form, [.. fields]);
        Assert.Equal(HttpStatusCode.Redirect, post.StatusCode);

        var stored = Assert.Single(SurveyForm.Responses(factory, form.SubmissionId));
        Assert.Equal("SIPAS-DV", stored.InstrumentVersion.Code);
        Assert.Equal("VQ-TNMT-Q1", stored.Counter!.Code);
        var answers = SurveyForm.Answers(stored);
        Assert.Equal(definition.Items.Select(i => i.Code).Order(), answers.Keys.Order());
        var tc1 = definition.Items.Select(i => i.Code).ToList().IndexOf("TC1") + 1;
        Assert.Equal(1 + tc1 % 5, answers["TC1"].Number);
        Assert.Equal("Nhân viên nhiệt tình", answers["GOP_Y"].Text);
    }

    [Fact]
    public async Task No_opinion_and_skipped_items_are_left_out()
    {
        var client = factory.CreateBrowserClient();
        var form = await SurveyForm.OpenAsync(client, "/s/VQ-TT-Q2/TT01");

        var post = await SurveyForm.PostAsync(client, form, ("C1", "na"), ("C2", AnswerOption("TT01", "C2")), ("HL", "3"), ("GOP_Y", ""));
        Assert.Equal(HttpStatusCode.Redirect, post.StatusCode);

        var answers = SurveyForm.Answers(Assert.Single(SurveyForm.Responses(factory, form.SubmissionId)));
        Assert.Equal(new[] { "C2", "HL" }, answers.Keys.Order());
    }

    [Fact]
    public async Task An_invalid_answer_in_a_long_form_is_marked_and_the_other_answers_are_kept()
    {
        var client = factory.CreateBrowserClient();
        var form = await SurveyForm.OpenAsync(client, "/s/VQ-TT-Q2/PAPI-M");

        var post = await SurveyForm.PostAsync(client, form, ("D1_1", "1"), ("D2_1", "7"));

        Assert.Equal(HttpStatusCode.BadRequest, post.StatusCode);
        var html = await SurveyForm.HtmlAsync(post);
        Assert.Contains("id=\"q-D2_1-err\"", html);
        Assert.Matches("name=\"D1_1\" value=\"1\" checked=\"checked\"", html);
        Assert.Empty(SurveyForm.Responses(factory, form.SubmissionId));
    }

    private static string AnswerOption(string instrument, string item) =>
        InstrumentCatalog.FindBuiltIn(instrument)!.FindItem(item)!.Options[0].Code;
}
