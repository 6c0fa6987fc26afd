using System.Net;
using CchcSurvey.Web.Data;
using CchcSurvey.Web.Surveys;
using CchcSurvey.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CchcSurvey.Web.Tests.Kiosks;

/// <summary>Enrols a client (its cookie jar) as a counter tablet, the way a tablet opens its enrolment link.</summary>
public static class KioskEnrolment
{
    /// <summary>A tablet row with a fresh enrolment link: (tablet id, the link's path).</summary>
    public static async Task<(int Id, string Path)> IssueAsync(SurveyAppFactory factory, string counter, string name = "Máy kiểm thử")
    {
        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<SurveyDbContext>();
        var found = await db.Counters.SingleAsync(c => c.Code == counter);
        var issued = await scope.ServiceProvider.GetRequiredService<KioskCredentials>().IssueAsync(found, name, null, CancellationToken.None);
        return (issued.Tablet.Id, new Uri(issued.Url).PathAndQuery);
    }

    /// <summary>A browser-like client (cookies, no redirects) enrolled as a tablet of the counter.</summary>
    public static async Task<(HttpClient Client, int TabletId)> EnrolledClientAsync(SurveyAppFactory factory, string counter)
    {
        var client = factory.CreateBrowserClient();
        var (id, path) = await IssueAsync(factory, counter);
        var enrolled = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.Redirect, enrolled.StatusCode);
        Assert.Equal($"/kiosk/{counter}", enrolled.Headers.Location!.OriginalString);
        return (client, id);
    }

    public static object Answer(Guid id, string counter = "VQ-AS-Q1", int rating = 4, string channel = "kiosk") => new
    {
        submissionId = id, counter, instrument = "NHANH", channel, answers = new Dictionary<string, object> { ["HL"] = rating },
    };
}
