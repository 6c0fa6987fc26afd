using System.Net;
using System.Text.RegularExpressions;
using CchcSurvey.Core.Instruments;
using CchcSurvey.Web.Tests.Infrastructure;

namespace CchcSurvey.Web.Tests.Pages.Survey;

/// <summary>
/// Long questionnaires one section per screen, as a browser without JavaScript uses them: Next and Back post the
/// form, the answers travel in it from step to step, nothing is stored before "Gửi", and the submission id made
/// on the first screen is the one stored. Also the citizen-facing wording that comes from the instrument data.
/// </summary>
public sealed partial class SectionStepTests(SurveyAppFactory factory) : IClassFixture<SurveyAppFactory>
{
    private const string Url = "/s/VQ-TNMT-Q1/SIPAS-DV";

    [Fact]
    public async Task The_first_screen_shows_only_the_overall_question_with_the_progress_and_no_Back()
    {
        var definition = InstrumentCatalog.FindBuiltIn("SIPAS-DV")!;
        var form = await SurveyForm.OpenAsync(factory.CreateBrowserClient(), Url);
        var sections = definition.Sections.Count;

        Assert.Matches($"Phần 1/{sections} · còn khoảng [0-9]+ phút", form.Html);
        Assert.Equal([0], VisibleSteps(form.Html));
        var first = SectionHtml(form.Html, 0);
        Assert.Contains("name=\"HL_CHUNG\"", first);
        Assert.DoesNotContain("name=\"TC1\"", first);
        Assert.Matches("<button[^>]*value=\"next\"(?![^>]*hidden)", form.Html);
        Assert.Matches("<button[^>]*value=\"back\"[^>]*hidden", form.Html);
        Assert.Matches("<button[^>]*data-send[^>]*hidden", form.Html);
    }

    [Fact]
    public async Task Next_and_Back_carry_the_answers_store_nothing_and_the_last_step_stores_once()
    {
        var definition = InstrumentCatalog.FindBuiltIn("SIPAS-DV")!;
        var last = definition.Sections.Count - 1;
        var client = factory.CreateBrowserClient();
        var form = await SurveyForm.OpenAsync(client, Url);
        var answers = new List<(string, string)> { ("HL_CHUNG", "4") };

        // Through every section with Next, answering one question on each screen.
        var html = form.Html;
        for (var step = 0; step < last; step++)
        {
            var response = await Post(client, form, html, [.. answers, ("__step", step.ToString()), ("__nav", "next")]);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            html = await SurveyForm.HtmlAsync(response);
            Assert.Equal([step + 1], VisibleSteps(html));
            Assert.Contains($"Phần {step + 2}/{last + 1}", html);
            Assert.Contains($"value=\"{form.SubmissionId}\"", html);
            Assert.Matches("name=\"HL_CHUNG\" value=\"4\" checked", html);
            var item = definition.Sections[step + 1].Items[0];
            if (item.Type == AnswerType.Likert5) answers.Add((item.Code, "2"));
            Assert.Empty(SurveyForm.Responses(factory, form.SubmissionId));
        }

        // Back one step: the section before, the answers still there, still nothing stored.
        var back = await Post(client, form, html, [.. answers, ("__step", last.ToString()), ("__nav", "back")]);
        Assert.Equal(HttpStatusCode.OK, back.StatusCode);
        html = await SurveyForm.HtmlAsync(back);
        Assert.Equal([last - 1], VisibleSteps(html));
        Assert.Matches("name=\"TC1\" value=\"2\" checked", html);
        Assert.Empty(SurveyForm.Responses(factory, form.SubmissionId));

        // Send on the last step: stored once under the first screen's id; sending again changes nothing.
        var send = await Post(client, form, html, [.. answers, ("__step", last.ToString())]);
        Assert.Equal(HttpStatusCode.Redirect, send.StatusCode);
        var again = await Post(client, form, html, [.. answers, ("__step", last.ToString())]);
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        var stored = Assert.Single(SurveyForm.Responses(factory, form.SubmissionId));
        var values = SurveyForm.Answers(stored);
        Assert.Equal(4, values["HL_CHUNG"].Number);
        Assert.Equal(2, values["TC1"].Number);
        Assert.Equal(2, stored.InstrumentVersion.Version);
    }

    [Fact]
    public async Task A_bad_answer_on_an_earlier_section_brings_that_section_back_and_stores_nothing()
    {
        var client = factory.CreateBrowserClient();
        var form = await SurveyForm.OpenAsync(client, Url);
        var response = await Post(client, form, form.Html, [("HL_CHUNG", "4"), ("TC1", "9"), ("__step", "3"), ("__nav", "next")]);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var html = await SurveyForm.HtmlAsync(response);
        var tcStep = InstrumentCatalog.FindBuiltIn("SIPAS-DV")!.Sections.ToList().FindIndex(s => s.Code == "TC");
        Assert.Equal([tcStep], VisibleSteps(html));
        Assert.Contains("Lựa chọn không hợp lệ", SectionHtml(html, tcStep));
        Assert.Empty(SurveyForm.Responses(factory, form.SubmissionId));
    }

    [Fact]
    public async Task Citizens_see_the_plain_title_the_skip_choice_in_the_items_words_and_the_new_ethnic_groups()
    {
        var dv = await SurveyForm.OpenAsync(factory.CreateBrowserClient(), Url);
        Assert.Contains("<h1>Góp ý về lần làm thủ tục của ông/bà</h1>", dv.Html);
        Assert.DoesNotContain("(SIPAS)", dv.Html);
        Assert.Matches("name=\"DAN_TOC\" value=\"na\" />\\s*<span>Không muốn trả lời</span>", dv.Html);
        Assert.Matches("name=\"TC1\" value=\"na\" />\\s*<span>Không ý kiến</span>", dv.Html);
        foreach (var group in new[] { "Kinh", "Tày", "Nùng", "Dao", "H'Mông", "Sán Chay", "Hoa" })
            Assert.Contains($"<span>{group}</span>", dv.Html);

        var papi = await SurveyForm.OpenAsync(factory.CreateBrowserClient(), "/s/VQ-TT-Q2/PAPI-M");
        Assert.Matches("name=\"D1_1\" value=\"na\" />\\s*<span>Không biết</span>", papi.Html);
        var tt01 = await SurveyForm.OpenAsync(factory.CreateBrowserClient(), "/s/VQ-TT-Q2/TT01");
        Assert.DoesNotContain("<h1>Đánh giá việc giải quyết thủ tục hành chính (Thông tư", tt01.Html);
    }

    [Theory]
    [InlineData("/s/VQ-AS-Q1")]
    [InlineData("/s/VQ-TNMT-Q1/SIPAS-DV")]
    [InlineData("/kiosk/VQ-AS-Q1")]
    public async Task Every_citizen_page_has_the_trust_panel_once(string url)
    {
        var form = await SurveyForm.OpenAsync(factory.CreateBrowserClient(), url);
        Assert.Contains("Do Sở Nội vụ tỉnh Lạng Sơn tổ chức.", form.Html);
        Assert.Contains("Cán bộ tại quầy không xem được ai đã trả lời thế nào.", form.Html);
        Assert.Contains("Không hỏi tên, số điện thoại.", form.Html);
        Assert.Contains("Hoàn toàn miễn phí.", form.Html);
        Assert.Single(Regex.Matches(form.Html, "Về khảo sát này"));
    }

    [Fact]
    public async Task The_quick_rating_asks_its_question_once()
    {
        var form = await SurveyForm.OpenAsync(factory.CreateBrowserClient(), "/s/VQ-AS-Q1");
        Assert.Single(Regex.Matches(form.Html, "hài lòng thế nào với việc giải quyết thủ tục hôm nay"));
        // The anonymity promise once too (the trust panel), not again in an intro or footer.
        Assert.Single(Regex.Matches(form.Html, "ẩn danh|không xem được ai"));
    }

    [Fact]
    public async Task The_thank_you_page_has_the_trust_panel_with_the_configured_operator()
    {
        await using var custom = new SurveyAppFactory();
        custom.ExtraSettings["Survey:Operator"] = "Sở Nội vụ tỉnh Thử";
        var client = custom.CreateBrowserClient();
        var form = await SurveyForm.OpenAsync(client, "/s/VQ-AS-Q1");
        Assert.Contains("Do Sở Nội vụ tỉnh Thử tổ chức.", form.Html);
        var post = await SurveyForm.PostAsync(client, form, ("HL", "5"));
        Assert.Equal(HttpStatusCode.Redirect, post.StatusCode);
        var thanks = WebUtility.HtmlDecode(await client.GetStringAsync(post.Headers.Location));
        Assert.Contains("Do Sở Nội vụ tỉnh Thử tổ chức.", thanks);
    }

    [Fact]
    public async Task The_QR_poster_says_who_runs_it_in_one_line_and_shows_the_domain_large()
    {
        var client = factory.CreateBrowserClient();
        await Http.SignInAsync(client, SurveyAppFactory.AdminEmail, SurveyAppFactory.AdminPassword);
        var html = WebUtility.HtmlDecode(await client.GetStringAsync("/admin/qr/VQ-AS-Q1"));
        Assert.Matches("<p class=\"poster-trust\" lang=\"vi\">Do Sở Nội vụ tỉnh Lạng Sơn tổ chức · miễn phí · không hỏi tên, số điện thoại · cán bộ tại quầy không xem được ai trả lời thế nào", html);
        var url = Regex.Match(html, "<p class=\"poster-url\">([^<]+)</p>").Groups[1].Value;
        Assert.Contains($"<p class=\"poster-domain\">{new Uri(url).Authority}</p>", html);
    }

    private static Task<HttpResponseMessage> Post(HttpClient client, OpenedForm form, string html, (string, string)[] fields) =>
        SurveyForm.PostRawAsync(client, form.Url, [("__RequestVerificationToken", Http.AntiforgeryToken(html)), ("submissionId", form.SubmissionId.ToString()), .. fields]);

    private static int[] VisibleSteps(string html) =>
        SectionTag().Matches(html).Where(m => !m.Value.Contains("hidden", StringComparison.Ordinal)).Select(m => int.Parse(m.Groups[1].Value)).ToArray();

    private static string SectionHtml(string html, int step)
    {
        var start = html.IndexOf($"data-step=\"{step}\"", StringComparison.Ordinal);
        var end = html.IndexOf("</section>", start, StringComparison.Ordinal);
        return html[start..end];
    }

    [GeneratedRegex("<section [^>]*data-step=\"([0-9]+)\"[^>]*>")]
    private static partial Regex SectionTag();
}
