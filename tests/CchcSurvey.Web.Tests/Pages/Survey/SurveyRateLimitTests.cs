using System.Net;
using CchcSurvey.Web.Tests.Infrastructure;

namespace CchcSurvey.Web.Tests.Pages.Survey;

/// <summary>The survey pages carry the submission rate-limiting policy, partitioned by the device cookie they set.</summary>
public sealed class SurveyRateLimitTests : IClassFixture<SurveyAppFactory>
{
    private readonly SurveyAppFactory _factory;

    public SurveyRateLimitTests(SurveyAppFactory factory)
    {
        factory.ExtraSettings["RateLimiting:Enabled"] = "true";
        factory.ExtraSettings["RateLimiting:PerDevicePerMinute"] = "4";
        _factory = factory;
    }

    [Fact]
    public async Task Too_many_posts_from_one_device_get_429_with_retry_after()
    {
        var client = _factory.CreateBrowserClient();
        var form = await SurveyForm.OpenAsync(client, "/s/VQ-AS-Q1");

        HttpResponseMessage? last = null;
        for (var i = 0; i < 6 && last?.StatusCode != HttpStatusCode.TooManyRequests; i++)
            last = await SurveyForm.PostAsync(client, form, ("HL", "5"));

        Assert.Equal(HttpStatusCode.TooManyRequests, last!.StatusCode);
        Assert.True(last.Headers.RetryAfter is not null);
        // The citizen gets a short Vietnamese page, not JSON; showing the form is never limited.
        Assert.Contains("Vui lòng thử lại", await last.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/s/VQ-AS-Q1")).StatusCode);
        Assert.Single(SurveyForm.Responses(_factory, form.SubmissionId));

        // Another device (no cookie yet) is not affected.
        var other = _factory.CreateBrowserClient();
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync("/s/VQ-AS-Q1")).StatusCode);
    }
}
