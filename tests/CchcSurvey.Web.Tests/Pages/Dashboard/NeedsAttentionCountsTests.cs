using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using CchcSurvey.Web.Data;
using CchcSurvey.Web.Indices;
using CchcSurvey.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CchcSurvey.Web.Tests.Pages.Dashboard;

/// <summary>
/// The "Cần chú ý" strip counts the low comments waiting — given before today, with a low overall rating, not marked
/// handled — from the statistics cells (InstrumentStatistics.LowComments) minus the handled notes; from cells stored
/// before that count existed it counts the responses instead.
/// </summary>
public sealed partial class NeedsAttentionCountsTests(StatementCountingAppFactory factory) : IClassFixture<StatementCountingAppFactory>
{
    [Fact]
    public async Task Low_comments_waiting_are_counted_from_the_cells_and_from_the_responses_alike()
    {
        var api = factory.CreateClient();
        async Task PostAsync(int rating, string? comment)
        {
            var answers = new Dictionary<string, object> { ["HL"] = rating };
            if (comment is not null) answers["GOP_Y"] = comment;
            var posted = await api.PostAsJsonAsync("/api/v1/responses", new { submissionId = Guid.NewGuid(), counter = "VQ-AS-Q1", instrument = "NHANH", channel = "qr", answers });
            Assert.True(posted.StatusCode == HttpStatusCode.Created, await posted.Content.ReadAsStringAsync());
        }
        // Three low comments, one that is not low (3), a low rating without a comment.
        await PostAsync(1, "Chờ lâu quá");
        await PostAsync(2, "Cán bộ hướng dẫn chưa rõ");
        await PostAsync(1, "Thiếu ghế ngồi");
        await PostAsync(3, "Bình thường");
        await PostAsync(1, null);
        for (var wait = 0; wait < 100 && factory.WithDatabase(db => db.Responses.Count()) < 5; wait++) await Task.Delay(100);
        Assert.Equal(5, factory.WithDatabase(db => db.Responses.Count()));
        // Given yesterday (comments show from the day after), cells rebuilt from the moved responses.
        factory.WithDatabase(db => db.Responses.ExecuteUpdate(u => u.SetProperty(r => r.SubmittedHourUtc, r => r.SubmittedHourUtc.AddDays(-1))));
        await using (var scope = factory.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<StatisticsLedger>().RebuildAsync(scope.ServiceProvider.GetRequiredService<SurveyDbContext>(), null, default);
        // One of the low comments is handled.
        var handled = factory.WithDatabase(db => db.Responses.Where(r => r.AnswersJson.Contains("Thiếu ghế")).Select(r => r.Id).Single());
        factory.WithDatabase(db => { db.CommentNotes.Add(new CommentNote { ResponseId = handled, Handled = true, HandledBy = "test" }); return db.SaveChanges(); });
        // A low comment given today is not counted yet.
        await PostAsync(1, "Hôm nay");
        for (var wait = 0; wait < 100 && factory.WithDatabase(db => db.Responses.Count()) < 6; wait++) await Task.Delay(100);

        var client = factory.CreateCountedClient();
        await Http.SignInAsync(client, SurveyAppFactory.AdminEmail, SurveyAppFactory.AdminPassword);
        async Task<int> WaitingAsync()
        {
            var html = await client.GetStringAsync("/dashboard?unit=VQ&instrument=NHANH");
            var count = Waiting().Match(html);
            Assert.True(count.Success, "the strip shows no count of low comments");
            return int.Parse(count.Groups[1].Value);
        }
        // Which way was counted shows when the responses and the cells disagree: a comment emptied in the responses
        // only (never done by the product) still counts in the cells.
        factory.WithDatabase(db => db.Responses.Where(r => r.AnswersJson.Contains("Chờ lâu"))
            .ExecuteUpdate(u => u.SetProperty(r => r.AnswersJson, r => r.AnswersJson.Replace("Chờ lâu quá", ""))));
        Assert.Equal(2, await WaitingAsync());
        Assert.True(factory.WithDatabase(db => db.StatisticsCells.Any(c => c.Data.Contains("\"lowComments\":3"))));

        // Cells as stored before they counted low comments (and a new revision, as any write gives): counted from the responses.
        factory.WithDatabase(db => db.StatisticsCells.ExecuteUpdate(u => u
            .SetProperty(c => c.Data, c => c.Data.Replace("\"lowComments\":", "\"countedBefore\":"))
            .SetProperty(c => c.Revision, c => c.Revision + 1)));
        Assert.Equal(0, factory.WithDatabase(db => db.StatisticsCells.Count(c => c.Data.Contains("lowComments"))));
        Assert.Equal(1, await WaitingAsync());
    }

    [GeneratedRegex("id=\"attention-comments\" data-count=\"(\\d+)\"")]
    private static partial Regex Waiting();
}
