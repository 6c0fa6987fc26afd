using System.Net;
using System.Net.Http.Json;
using CchcSurvey.Web.Tests.Infrastructure;
using Xunit.Abstractions;

namespace CchcSurvey.Web.Tests.Pages.Dashboard;

/// <summary>
/// The figure pages run a bounded number of SQL statements, whatever the number of months, channels or units: the
/// trend and the report's counts come from grouped reads (docs/performance.md, "Figures: statements per page").
/// </summary>
public sealed class StatementCountTests(StatementCountingAppFactory factory, ITestOutputHelper output) : IClassFixture<StatementCountingAppFactory>
{
    private async Task<HttpClient> SignedInAsync()
    {
        var api = factory.CreateClient();
        foreach (var (counter, hl) in new[] { ("VQ-AS-Q1", 5), ("VQ-BP-Q1", 4), ("VQ-LH-Q1", 2) })
            for (var i = 0; i < 3; i++)
                Assert.Equal(HttpStatusCode.Created, (await api.PostAsJsonAsync("/api/v1/responses", new
                {
                    submissionId = Guid.NewGuid(), counter, instrument = "NHANH", channel = "qr",
                    answers = new Dictionary<string, object> { ["HL"] = hl },
                })).StatusCode);
        var client = factory.CreateCountedClient();
        await Http.SignInAsync(client, SurveyAppFactory.AdminEmail, SurveyAppFactory.AdminPassword);
        return client;
    }

    /// <remarks>
    /// The bounds are the counts as measured (docs/performance.md, "Pages at scale: work follows what the page
    /// shows"), so that any added statement fails here. They include what is not figures: the session's security-stamp
    /// check (1 statement, Security/StampValidator.cs), the layout's alert count (1), the plans aiming at figures
    /// (Plans/PlanService.AimsAsync: 2 for all plans, targets included) and the "Cần chú ý" strip's three counts of
    /// waiting work (1), the strip's low comments given before today, counted in the cells (1), and the planning
    /// figures' sum of imported dossiers (1, Indices/FiguresService.Planning.cs). The reads of statistics cells are at
    /// most 5, whatever the trend's 12 months or 4 quarters, the channels and the instruments (before the figures
    /// service: one read per month and per channel); on a page drawn before, with cells unchanged, they are the
    /// fingerprints of the kept figures (Indices/FigureCache.cs), not the cells' data.
    /// </remarks>
    [Theory]
    [InlineData("/dashboard?unit=LS", 19)]
    [InlineData("/dashboard?unit=VQ&trend=month", 21)]
    [InlineData("/dashboard?unit=VQ&trend=quarter", 21)]
    [InlineData("/dashboard?unit=VQ-AS&instrument=NHANH", 21)]
    [InlineData("/dashboard/report?unit=VQ", 17)]
    public async Task A_figure_page_runs_a_bounded_number_of_statements(string url, int most)
    {
        var client = await SignedInAsync();
        await client.GetAsync(url); // warm: the registry's parsed definitions, the sign-in's first reads
        var (response, statements) = await StatementCountingAppFactory.GetCountedAsync(client, url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        output.WriteLine($"{url}: {statements.Count} statements");
        foreach (var statement in statements) output.WriteLine("  " + statement.ReplaceLineEndings(" "));
        Assert.InRange(statements.Count, 1, most);
        Assert.InRange(statements.Count(s => s.Contains("\"StatisticsCells\"", StringComparison.Ordinal)), 1, 5);
        // Drawn a second time with no new response: the figures are those kept, no cell's data is read again.
        Assert.DoesNotContain(statements, s => s.Contains("\"StatisticsCells\"", StringComparison.Ordinal) && s.Contains("\"Data\"", StringComparison.Ordinal));
    }
}
