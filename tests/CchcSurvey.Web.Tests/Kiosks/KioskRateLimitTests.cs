using System.Net;
using System.Net.Http.Json;
using CchcSurvey.Web.Tests.Infrastructure;

namespace CchcSurvey.Web.Tests.Kiosks;

/// <summary>
/// Kiosk answers have their own rate rule: an enrolled tablet's bucket (a burst for its queue after an outage, then a
/// steady rate) instead of the per-device window that stops a phone after 20 a minute.
/// </summary>
public sealed class KioskRateLimitTests : IClassFixture<KioskRateLimitTests.Factory>
{
    public sealed class Factory : SurveyAppFactory
    {
        public Factory()
        {
            ExtraSettings["RateLimiting:Enabled"] = "true";
            ExtraSettings["RateLimiting:PerDevicePerMinute"] = "5";
            ExtraSettings["RateLimiting:KioskBurst"] = "12";
            ExtraSettings["RateLimiting:PerKioskPerMinute"] = "1";
        }
    }

    private readonly Factory _factory;

    public KioskRateLimitTests(Factory factory) => _factory = factory;

    [Fact]
    public async Task An_enrolled_tablet_sends_its_queue_beyond_the_per_device_limit_then_its_own_bucket_stops_it()
    {
        var (tablet, _) = await KioskEnrolment.EnrolledClientAsync(_factory, "VQ-AS-Q1");
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 13; i++)
            statuses.Add((await tablet.PostAsJsonAsync("/api/v1/responses", KioskEnrolment.Answer(Guid.NewGuid()))).StatusCode);
        Assert.All(statuses.Take(12), s => Assert.Equal(HttpStatusCode.Created, s));
        var last = await tablet.PostAsJsonAsync("/api/v1/responses", KioskEnrolment.Answer(Guid.NewGuid()));
        Assert.Equal(HttpStatusCode.TooManyRequests, last.StatusCode);
        Assert.True(last.Headers.RetryAfter is not null);

        // A phone (a device cookie, no tablet credential) is held to its own window.
        var phone = _factory.CreateBrowserClient();
        await phone.GetAsync("/s/VQ-AS-Q1");
        var phoneStatuses = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
            phoneStatuses.Add((await phone.PostAsJsonAsync("/api/v1/responses", KioskEnrolment.Answer(Guid.NewGuid(), channel: "qr"))).StatusCode);
        Assert.Equal(5, phoneStatuses.Count(s => s == HttpStatusCode.Created));
        Assert.Equal(HttpStatusCode.TooManyRequests, phoneStatuses[^1]);
    }
}
