using System.Net;
using CchcSurvey.Web.Tests.Infrastructure;

namespace CchcSurvey.Web.Tests.Pages.Survey;

/// <summary><c>/kiosk/{counter}</c>: the same form with big buttons, channel kiosk, and a thank-you that returns to a fresh form.</summary>
public sealed class KioskPageTests(SurveyAppFactory factory) : IClassFixture<SurveyAppFactory>
{
    [Fact]
    public async Task Kiosk_submit_stores_channel_kiosk_and_the_thank_you_returns_to_a_fresh_form()
    {
        var (client, _) = await Kiosks.KioskEnrolment.EnrolledClientAsync(factory, "VQ-AS-Q1");
        var form = await SurveyForm.OpenAsync(client, "/kiosk/VQ-AS-Q1");
        Assert.Contains("class=\"citizen kiosk\"", form.Html);

        var post = await SurveyForm.PostAsync(client, form, ("HL", "4"));
        Assert.Equal(HttpStatusCode.Redirect, post.StatusCode);
        Assert.Equal("/kiosk/VQ-AS-Q1/cam-on", post.Headers.Location!.OriginalString);

        var thanks = await SurveyForm.HtmlAsync(await client.GetAsync("/kiosk/VQ-AS-Q1/cam-on"));
        Assert.Contains("http-equiv=\"refresh\" content=\"5;url=/kiosk/VQ-AS-Q1?culture=vi\"", thanks);
        Assert.Contains("Câu trả lời của ông/bà đã được ghi nhận.", thanks);

        var stored = Assert.Single(SurveyForm.Responses(factory, form.SubmissionId));
        // An enrolled tablet of this counter has earned the kiosk channel (METHODOLOGY §6, Channels are earned).
        Assert.Equal("kiosk", stored.Channel);
        Assert.Equal("VQ-AS-Q1", stored.Counter!.Code);

        var next = await SurveyForm.OpenAsync(client, "/kiosk/VQ-AS-Q1");
        Assert.NotEqual(form.SubmissionId, next.SubmissionId);
    }
}
