using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using CchcSurvey.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CchcSurvey.Web.Tests.Pages.Comments;

/// <summary>
/// The comments page pages by keyset (day, opaque identifier): following "Trang sau" lists every comment exactly once,
/// newest day first, and a page runs the same few statements however many comments are stored.
/// </summary>
public sealed partial class CommentsPagingTests(StatementCountingAppFactory factory) : IClassFixture<StatementCountingAppFactory>
{
    [Fact]
    public async Task Following_next_lists_every_comment_once_newest_day_first_with_a_bounded_number_of_statements()
    {
        // 60 comments over three past days (20 a day), so pages of 25 cut through days.
        var api = factory.CreateClient();
        for (var i = 0; i < 60; i++)
        {
            var posted = await api.PostAsJsonAsync("/api/v1/responses", new
            {
                submissionId = Guid.NewGuid(), counter = "VQ-AS-Q1", instrument = "NHANH", channel = "qr",
                answers = new Dictionary<string, object> { ["HL"] = 3, ["GOP_Y"] = $"Góp ý số {i}" },
            });
            Assert.True(posted.StatusCode == HttpStatusCode.Created, await posted.Content.ReadAsStringAsync());
        }
        // The writer stores in batches: wait for the 60 rows, then spread them over the three days before today.
        for (var wait = 0; wait < 100 && factory.WithDatabase(db => db.Responses.Count()) < 60; wait++) await Task.Delay(100);
        var ids = factory.WithDatabase(db => db.Responses.OrderBy(r => r.Id).Select(r => r.Id).ToList());
        Assert.Equal(60, ids.Count);
        for (var days = 1; days <= 3; days++)
        {
            var part = ids.Where((_, i) => i % 3 == days - 1).ToList();
            var back = days;
            factory.WithDatabase(db => db.Responses.Where(r => part.Contains(r.Id))
                .ExecuteUpdate(u => u.SetProperty(r => r.SubmittedHourUtc, r => r.SubmittedHourUtc.AddDays(-back))));
        }
        var client = factory.CreateCountedClient();
        await Http.SignInAsync(client, SurveyAppFactory.AdminEmail, SurveyAppFactory.AdminPassword);

        var seen = new List<string>();
        var url = "/dashboard/comments?unit=VQ";
        var pages = 0;
        var statements = new List<int>();
        while (url is not null && pages++ < 10)
        {
            var (response, counted) = await StatementCountingAppFactory.GetCountedAsync(client, url);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            statements.Add(counted.Count);
            var html = await response.Content.ReadAsStringAsync();
            seen.AddRange(Ref().Matches(html).Select(m => m.Groups[1].Value));
            var next = Next().Match(html);
            // The link is relative to the page ("?unit=…&day=…&after=…"), as a browser resolves it.
            url = next.Success ? "/dashboard/comments" + WebUtility.HtmlDecode(next.Groups[1].Value) : null;
        }
        Assert.True(pages == 3 && seen.Count == 60, $"{pages} pages, {seen.Count} comments, last url {url}");
        Assert.Equal(60, seen.Distinct().Count());
        Assert.All(statements, n => Assert.InRange(n, 1, 20));
    }

    [GeneratedRegex("data-response=\"([^\"]+)\"")]
    private static partial Regex Ref();

    [GeneratedRegex("<a href=\"([^\"]+)\" rel=\"next\"")]
    private static partial Regex Next();
}
