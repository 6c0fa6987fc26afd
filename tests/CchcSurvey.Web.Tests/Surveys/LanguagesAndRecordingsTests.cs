using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using CchcSurvey.Web.Tests.Infrastructure;
using CchcSurvey.Web.Tests.Pages.Survey;

namespace CchcSurvey.Web.Tests.Languages;

/// <summary>
/// An administrator adds a Tày translation of NHANH (checked complete, previewed beside Vietnamese) and two recordings
/// (magic bytes and size checked); a citizen picks Tày, sees its texts and two play buttons, and answers.
/// </summary>
public sealed partial class LanguagesAndRecordingsTests(SurveyAppFactory factory) : IClassFixture<SurveyAppFactory>
{
    private async Task<(HttpClient Client, string Token)> AdminAsync()
    {
        var client = factory.CreateBrowserClient();
        await Http.SignInAsync(client, SurveyAppFactory.AdminEmail, SurveyAppFactory.AdminPassword);
        return (client, Http.AntiforgeryToken(await client.GetStringAsync("/admin/instruments")));
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string token, string handler, params (string, string)[] fields) =>
        client.PostAsync($"/admin/instruments?handler={handler}", new FormUrlEncodedContent(
            [.. fields.Select(f => new KeyValuePair<string, string>(f.Item1, f.Item2)), new("__RequestVerificationToken", token)]));

    private static async Task<HttpResponseMessage> UploadAsync(HttpClient client, string token, string item, string language, byte[] bytes, string name = "q.ogg")
    {
        using var form = new MultipartFormDataContent
        {
            { new StringContent("NHANH"), "RecordingFor" }, { new StringContent(item), "RecordingItem" },
            { new StringContent(language), "RecordingLanguage" }, { new StringContent(token), "__RequestVerificationToken" },
        };
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("audio/ogg");
        form.Add(file, "RecordingFile", name);
        return await client.PostAsync("/admin/instruments?handler=Recording", form);
    }

    [Fact]
    public async Task A_Tay_translation_with_two_recordings_is_added_and_answered()
    {
        var (admin, token) = await AdminAsync();
        var preview = await PostAsync(admin, token, "PreviewTranslation", ("TranslationFor", "NHANH"), ("TranslationJson", TestTranslations.NhanhTay));
        Assert.Equal(HttpStatusCode.OK, preview.StatusCode);
        var previewHtml = WebUtility.HtmlDecode(await preview.Content.ReadAsStringAsync());
        Assert.Contains("data-translation-preview", previewHtml);
        Assert.Contains("Ông/bà hài lòng thế nào", previewHtml); // Vietnamese beside it
        Assert.Contains("[tyz] Câu hỏi hài lòng", previewHtml);
        Assert.Equal(0, factory.WithDatabase(db => db.InstrumentTranslations.Count()));

        var saved = await PostAsync(admin, token, "SaveTranslation", ("TranslationFor", "NHANH"), ("TranslationJson", TestTranslations.NhanhTay));
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await UploadAsync(admin, token, "HL", "tyz", TestTranslations.TinyOgg())).StatusCode);
        var mp3 = new byte[300];
        "ID3"u8.CopyTo(mp3);
        Assert.Equal(HttpStatusCode.Redirect, (await UploadAsync(admin, token, "LY_DO", "tyz", mp3, "q.mp3")).StatusCode);
        Assert.True(factory.WithDatabase(db => db.AuditEntries.Count(a => a.Action == "instrument-recording") >= 2 && db.AuditEntries.Any(a => a.Action == "instrument-translation")));

        // A citizen picks Tày: its texts, a large switch, two play buttons; the choice is remembered.
        var citizen = factory.CreateBrowserClient();
        var form = await SurveyForm.OpenAsync(citizen, "/s/VQ-AS-Q1?lang=tyz");
        Assert.Contains("[tyz] Câu hỏi hài lòng", form.Html);
        Assert.Contains("[tyz] mức 5", form.Html);
        Assert.Contains("[tyz] chờ lâu", form.Html);
        Assert.Contains("lang=\"tyz\"", form.Html);
        Assert.Contains(">Tày (thử nghiệm)</a>", form.Html);
        var audio = AudioUrl().Matches(form.Html).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(2, audio.Count);
        var again = await SurveyForm.OpenAsync(citizen, "/s/VQ-AS-Q1");
        Assert.Contains("[tyz] Câu hỏi hài lòng", again.Html);

        var file = await citizen.GetAsync(audio[0]);
        Assert.Equal(HttpStatusCode.OK, file.StatusCode);
        Assert.Equal("audio/ogg", file.Content.Headers.ContentType!.MediaType);
        Assert.Contains("immutable", file.Headers.CacheControl!.ToString());
        Assert.Equal(TestTranslations.TinyOgg(), await file.Content.ReadAsByteArrayAsync());

        var post = await SurveyForm.PostAsync(citizen, again, ("HL", "2"), ("LY_DO", "cho_lau"));
        Assert.Equal(HttpStatusCode.Redirect, post.StatusCode);
        Assert.Single(SurveyForm.Responses(factory, again.SubmissionId));

        // Back to Vietnamese, and remembered too.
        var vi = await SurveyForm.OpenAsync(citizen, "/s/VQ-AS-Q1?lang=vi");
        Assert.DoesNotContain("[tyz]", vi.Html);
        Assert.DoesNotContain("[tyz]", (await SurveyForm.OpenAsync(citizen, "/s/VQ-AS-Q1")).Html);
    }

    [Fact]
    public async Task Incomplete_translations_and_bad_recordings_are_refused_and_change_nothing()
    {
        var (admin, token) = await AdminAsync();
        var incomplete = TestTranslations.NhanhTay.Replace("\"phi\": \"[tyz] chi phí\", ", "", StringComparison.Ordinal);
        Assert.NotEqual(TestTranslations.NhanhTay, incomplete);
        var refused = await PostAsync(admin, token, "SaveTranslation", ("TranslationFor", "NHANH"), ("TranslationJson", incomplete));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("items.LY_DO.options.phi: missing text", WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync()));
        Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync(admin, token, "SaveTranslation", ("TranslationFor", "NOPE"), ("TranslationJson", TestTranslations.NhanhTay))).StatusCode);

        var before = factory.WithDatabase(db => db.InstrumentRecordings.Count());
        var text = "<html>not audio</html>"u8.ToArray();
        Assert.Equal(HttpStatusCode.BadRequest, (await UploadAsync(admin, token, "HL", "vi", text)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await UploadAsync(admin, token, "HL", "vi", [.. TestTranslations.TinyOgg(), .. new byte[1024 * 1024]])).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await UploadAsync(admin, token, "NOPE", "vi", TestTranslations.TinyOgg())).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await UploadAsync(admin, token, "HL", "nut", TestTranslations.TinyOgg())).StatusCode);
        Assert.Equal(before, factory.WithDatabase(db => db.InstrumentRecordings.Count()));
        Assert.Equal(HttpStatusCode.NotFound, (await factory.CreateClient().GetAsync("/audio/987654")).StatusCode);
    }

    [GeneratedRegex("data-audio=\"(/audio/\\d+)\"")]
    private static partial Regex AudioUrl();
}
