using System.Net;
using CchcSurvey.Core.Anonymisation;
using CchcSurvey.Web.Tests.Infrastructure;

namespace CchcSurvey.Web.Tests.Pages.Survey;

/// <summary>The NHANH form at <c>/s/{counter}</c>: rendering, submit, PRG, receipt, idempotency, conditions, errors.</summary>
public sealed class QuickSurveyPageTests(SurveyAppFactory factory) : IClassFixture<SurveyAppFactory>
{
    private const string Url = "/s/VQ-AS-Q1";

    [Fact]
    public async Task Get_renders_the_quick_form_with_faces_token_unit_and_anonymity_note()
    {
        var client = factory.CreateBrowserClient();
        var form = await SurveyForm.OpenAsync(client, Url);

        Assert.Contains("<html lang=\"vi\"", form.Html);
        Assert.Contains("Xã An Sơn", form.Html);
        Assert.Contains("Bộ phận Một cửa xã", form.Html);
        Assert.Contains("Cán bộ tại quầy không xem được ai đã trả lời thế nào.", form.Html);
        for (var level = 1; level <= 5; level++)
            Assert.Contains($"type=\"radio\" name=\"HL\" value=\"{level}\"", form.Html);
        Assert.Contains("Rất hài lòng", form.Html);
        // Five drawn faces (not emoji, which some phones lack), hidden from screen readers: the labels speak.
        Assert.Equal(5, System.Text.RegularExpressions.Regex.Matches(form.Html, "<svg class=\"face\"[^>]*aria-hidden=\"true\"").Count);
        Assert.Contains("name=\"LY_DO\" value=\"cho_lau\"", form.Html);
        Assert.Contains("maxlength=\"1000\"", form.Html);
        Assert.Contains("Nếu chưa hài lòng", form.Html);
        Assert.DoesNotContain("value=\"na\"", form.Html);
        Assert.Contains("<legend", form.Html);
        Assert.Contains("href=\"?culture=en\"", form.Html);
    }

    [Fact]
    public async Task Get_sets_an_http_only_device_cookie()
    {
        var response = await factory.CreateBrowserClient().GetAsync(Url);
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("cchc_device=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("max-age=31536000", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Post_HL5_redirects_to_thanks_shows_receipt_and_stores_a_qr_response()
    {
        var client = factory.CreateBrowserClient();
        var form = await SurveyForm.OpenAsync(client, Url);

        var post = await SurveyForm.PostAsync(client, form, ("HL", "5"));
        Assert.Equal(HttpStatusCode.Redirect, post.StatusCode);
        var thanksUrl = post.Headers.Location!.OriginalString;
        Assert.Equal($"/s/VQ-AS-Q1/cam-on/{form.SubmissionId}", thanksUrl);

        var thanks = await client.GetAsync(thanksUrl);
        Assert.Equal(HttpStatusCode.OK, thanks.StatusCode);
        var thanksHtml = await SurveyForm.HtmlAsync(thanks);
        Assert.Contains($"href=\"/r/{form.SubmissionId}\"", thanksHtml);

        var receipt = await client.GetAsync($"/r/{form.SubmissionId}");
        Assert.Equal(HttpStatusCode.OK, receipt.StatusCode);
        var receiptHtml = await SurveyForm.HtmlAsync(receipt);
        Assert.Contains("Câu trả lời của ông/bà đã được ghi nhận", receiptHtml);
        Assert.Matches(@"\d{2}/\d{2}/\d{4}", receiptHtml);
        Assert.DoesNotMatch(@"\d{1,2}:\d{2}", receiptHtml);

        var stored = Assert.Single(SurveyForm.Responses(factory, form.SubmissionId));
        Assert.Equal("qr", stored.Channel);
        Assert.Equal("VQ-AS-Q1", stored.Counter!.Code);
        Assert.Equal("NHANH", stored.InstrumentVersion.Code);
        var answers = SurveyForm.Answers(stored);
        Assert.Equal(5, Assert.Single(answers).Value.Number);
    }

    [Fact]
    public async Task Post_without_antiforgery_token_is_rejected_and_stores_nothing()
    {
        var client = factory.CreateBrowserClient();
        var form = await SurveyForm.OpenAsync(client, Url);

        var post = await SurveyForm.PostRawAsync(client, Url, [("submissionId", form.SubmissionId.ToString()), ("HL", "4")]);

        Assert.Equal(HttpStatusCode.BadRequest, post.StatusCode);
        Assert.Empty(SurveyForm.Responses(factory, form.SubmissionId));
    }

    [Fact]
    public async Task Post_HL2_with_reasons_and_comment_stores_them_with_the_comment_scrubbed()
    {
        var client = factory.CreateBrowserClient();
        var form = await SurveyForm.OpenAsync(client, Url);

        var post = await SurveyForm.PostAsync(client, form,
            ("HL", "2"), ("LY_DO", "thai_do"), ("LY_DO", "cho_lau"), ("GOP_Y", "Chờ 45 phút, gọi tôi 0912 345 678"));
        Assert.Equal(HttpStatusCode.Redirect, post.StatusCode);

        var answers = SurveyForm.Answers(Assert.Single(SurveyForm.Responses(factory, form.SubmissionId)));
        Assert.Equal(2, answers["HL"].Number);
        Assert.Equal(new[] { "cho_lau", "thai_do" }, answers["LY_DO"].Codes);
        Assert.Equal($"Chờ 45 phút, gọi tôi {TextScrubber.PhonePlaceholder}", answers["GOP_Y"].Text);
    }

    [Fact]
    public async Task Post_HL5_with_reasons_drops_the_reasons()
    {
        var client = factory.CreateBrowserClient();
        var form = await SurveyForm.OpenAsync(client, Url);

        var post = await SurveyForm.PostAsync(client, form, ("HL", "5"), ("LY_DO", "cho_lau"), ("GOP_Y", ""));
        Assert.Equal(HttpStatusCode.Redirect, post.StatusCode);

        var answers = SurveyForm.Answers(Assert.Single(SurveyForm.Responses(factory, form.SubmissionId)));
        Assert.Equal(new[] { "HL" }, answers.Keys);
    }

    [Fact]
    public async Task Post_invalid_value_re_renders_with_an_error_keeps_answers_and_stores_nothing()
    {
        var client = factory.CreateBrowserClient();
        var form = await SurveyForm.OpenAsync(client, Url);

        var post = await SurveyForm.PostAsync(client, form, ("HL", "9"), ("GOP_Y", "giữ lại góp ý này"));

        Assert.Equal(HttpStatusCode.BadRequest, post.StatusCode);
        var html = await SurveyForm.HtmlAsync(post);
        Assert.Contains("role=\"alert\"", html);
        Assert.Contains("Lựa chọn không hợp lệ", html);
        Assert.Contains("giữ lại góp ý này</textarea>", html);
        Assert.Contains($"value=\"{form.SubmissionId}\"", html);
        Assert.Empty(SurveyForm.Responses(factory, form.SubmissionId));
    }

    [Fact]
    public async Task Post_with_nothing_chosen_asks_for_a_rating_and_stores_nothing()
    {
        var client = factory.CreateBrowserClient();
        var form = await SurveyForm.OpenAsync(client, Url);

        var post = await SurveyForm.PostAsync(client, form);

        Assert.Equal(HttpStatusCode.BadRequest, post.StatusCode);
        Assert.Contains("Vui lòng chọn một mức đánh giá", await SurveyForm.HtmlAsync(post));
        Assert.Empty(SurveyForm.Responses(factory, form.SubmissionId));
    }

    [Fact]
    public async Task Resubmitting_the_same_form_does_not_create_a_second_response()
    {
        var client = factory.CreateBrowserClient();
        var form = await SurveyForm.OpenAsync(client, Url);

        var first = await SurveyForm.PostAsync(client, form, ("HL", "4"));
        var second = await SurveyForm.PostAsync(client, form, ("HL", "4"));

        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, second.StatusCode);
        Assert.Equal(first.Headers.Location, second.Headers.Location);
        Assert.Single(SurveyForm.Responses(factory, form.SubmissionId));
    }

    [Fact]
    public async Task Reusing_the_submission_id_with_other_answers_shows_a_conflict_message_and_changes_nothing()
    {
        var client = factory.CreateBrowserClient();
        var form = await SurveyForm.OpenAsync(client, Url);
        Assert.Equal(HttpStatusCode.Redirect, (await SurveyForm.PostAsync(client, form, ("HL", "4"))).StatusCode);

        var conflict = await SurveyForm.PostAsync(client, form, ("HL", "1"));

        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        var html = await SurveyForm.HtmlAsync(conflict);
        Assert.Contains("đã được gửi trước đó", html);
        Assert.DoesNotContain($"value=\"{form.SubmissionId}\"", html);
        var stored = Assert.Single(SurveyForm.Responses(factory, form.SubmissionId));
        Assert.Equal(4, SurveyForm.Answers(stored)["HL"].Number);
    }

    [Fact]
    public async Task Honeypot_filled_in_stores_nothing()
    {
        var client = factory.CreateBrowserClient();
        var form = await SurveyForm.OpenAsync(client, Url);

        var post = await SurveyForm.PostAsync(client, form, ("HL", "5"), ("website", "http://spam.example"));

        Assert.Equal(HttpStatusCode.Redirect, post.StatusCode);
        Assert.Empty(SurveyForm.Responses(factory, form.SubmissionId));
    }

    [Fact]
    public async Task English_switch_shows_english_and_keeps_it_after_submit()
    {
        var client = factory.CreateBrowserClient();
        var form = await SurveyForm.OpenAsync(client, Url + "?culture=en");

        Assert.Contains("<html lang=\"en\"", form.Html);
        Assert.Contains("Very satisfied", form.Html);
        Assert.Contains("Quick rating at the counter", form.Html);
        Assert.Contains("Staff at the counter cannot see who answered what.", form.Html);
        Assert.Contains("href=\"?culture=vi\"", form.Html);
        Assert.DoesNotContain("Rất hài lòng", form.Html);

        var post = await SurveyForm.PostAsync(client, form, ("HL", "3"));
        Assert.Equal(HttpStatusCode.Redirect, post.StatusCode);
        var thanks = await SurveyForm.HtmlAsync(await client.GetAsync(post.Headers.Location!.OriginalString));
        Assert.Contains("Your answer has been recorded.", thanks);
    }

    [Theory]
    [InlineData("/s/KHONG-CO")]
    [InlineData("/s/VQ-AS-Q1/KHONG-CO")]
    [InlineData("/kiosk/KHONG-CO")]
    public async Task Unknown_counter_or_instrument_is_a_vietnamese_404_page(string url)
    {
        var response = await factory.CreateBrowserClient().GetAsync(url);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var html = await SurveyForm.HtmlAsync(response);
        Assert.Contains("Không tìm thấy trang khảo sát", html);
        Assert.DoesNotContain("<form", html);
    }

    [Fact]
    public async Task Inactive_counter_is_a_404_page()
    {
        factory.WithDatabase(db =>
        {
            var counter = db.Counters.Single(c => c.Code == "VQ-BP-Q1");
            counter.IsActive = false;
            return db.SaveChanges();
        });

        var response = await factory.CreateBrowserClient().GetAsync("/s/VQ-BP-Q1");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("Không tìm thấy trang khảo sát", await SurveyForm.HtmlAsync(response));
    }

    [Theory]
    [InlineData("/r/00000000-0000-0000-0000-000000000001")]
    [InlineData("/r/khong-phai-ma")]
    public async Task Unknown_receipt_is_a_404_page(string url)
    {
        var response = await factory.CreateBrowserClient().GetAsync(url);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("Không tìm thấy xác nhận", await SurveyForm.HtmlAsync(response));
    }
}
