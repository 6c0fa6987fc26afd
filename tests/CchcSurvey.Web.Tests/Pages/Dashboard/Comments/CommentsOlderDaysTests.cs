using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using CchcSurvey.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CchcSurvey.Web.Tests.Pages.Comments;

/// <summary>
/// The comments page reads whole days back from its cursor in widening windows (1, 8, 64, … days): comments months
/// apart, and a unit whose newest comment is a year old, are still found, on the first page, newest day first.
/// </summary>
public sealed partial class CommentsOlderDaysTests(StatementCountingAppFactory factory) : IClassFixture<StatementCountingAppFactory>
{
    [Fact]
    public async Task Comments_days_and_a_year_back_are_all_listed_newest_day_first()
    {
        var api = factory.CreateClient();
        for (var i = 0; i < 3; i++)
        {
            var posted = await api.PostAsJsonAsync("/api/v1/responses", new
            {
                submissionId = Guid.NewGuid(), counter = "VQ-AS-Q1", instrument = "NHANH", channel = "qr",
                answers = new Dictionary<string, object> { ["HL"] = 3, ["GOP_Y"] = $"Góp ý cũ số {i}" },
            });
            Assert.True(posted.StatusCode == HttpStatusCode.Created, await posted.Content.ReadAsStringAsync());
        }
        for (var wait = 0; wait < 100 && factory.WithDatabase(db => db.Responses.Count()) < 3; wait++) await Task.Delay(100);
        var ids = factory.WithDatabase(db => db.Responses.OrderBy(r => r.Id).Select(r => r.Id).ToList());
        Assert.Equal(3, ids.Count);
        // 2 days, 100 days and 400 days back: the first window (1 day) holds nothing, the last only the 400 days.
        int[] back = [2, 100, 400];
        for (var i = 0; i < 3; i++)
        {
            var id = ids[i];
            var daysBack = back[i];
            factory.WithDatabase(db => db.Responses.Where(r => r.Id == id)
                .ExecuteUpdate(u => u.SetProperty(r => r.SubmittedHourUtc, r => r.SubmittedHourUtc.AddDays(-daysBack))));
        }
        var client = factory.CreateCountedClient();
        await Http.SignInAsync(client, SurveyAppFactory.AdminEmail, SurveyAppFactory.AdminPassword);

        var html = await client.GetStringAsync("/dashboard/comments?unit=VQ");
        var texts = Text().Matches(html).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(["Góp ý cũ số 0", "Góp ý cũ số 1", "Góp ý cũ số 2"], texts);
        Assert.DoesNotMatch(NextLink(), html);

        // A "from" filter past the oldest: the window stops at the filter and lists only what is after it.
        var recent = await client.GetStringAsync($"/dashboard/comments?unit=VQ&from={DateTime.UtcNow.AddDays(-200):yyyy-MM-dd}");
        Assert.Equal(["Góp ý cũ số 0", "Góp ý cũ số 1"], Text().Matches(recent).Select(m => m.Groups[1].Value).ToList());
    }

    [GeneratedRegex("(Góp ý cũ số \\d)")]
    private static partial Regex Text();

    [GeneratedRegex("rel=\"next\"")]
    private static partial Regex NextLink();
}
