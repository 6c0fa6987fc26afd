using System.Net.Http.Json;
using System.Text.RegularExpressions;
using CchcSurvey.Web.Tests.Infrastructure;
using CchcSurvey.Web.Tests.Pages.Survey;

namespace CchcSurvey.Web.Tests.Pages.Dashboard;

/// <summary>The path end to end: answers sent through the survey form and the API appear on the dashboard.</summary>
public sealed partial class DashboardTests(SurveyAppFactory factory) : IClassFixture<SurveyAppFactory>
{
    private async Task<string> DashboardAsync(string query = "unit=VQ")
    {
        var client = factory.CreateBrowserClient();
        await Http.SignInAsync(client, SurveyAppFactory.AdminEmail, SurveyAppFactory.AdminPassword);
        return await client.GetStringAsync("/dashboard?" + query);
    }

    private static long ResponsesOf(string html, string unit)
    {
        var match = Regex.Match(html, $"data-unit=\"{Regex.Escape(unit)}\"[\\s\\S]*?data-responses=\"(\\d+)\"");
        Assert.True(match.Success, $"{unit} is not on the dashboard");
        return long.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task A_response_sent_through_the_form_and_one_through_the_api_both_count()
    {
        var before = await DashboardAsync();
        var commune = ResponsesOf(before, "VQ-HL");
        var district = ResponsesOf(before, "VQ");

        var citizen = factory.CreateBrowserClient();
        var form = await SurveyForm.OpenAsync(citizen, "/s/VQ-HL-Q1");
        var posted = await SurveyForm.PostAsync(citizen, form, ("HL", "4"));
        Assert.Equal(System.Net.HttpStatusCode.Redirect, posted.StatusCode);
        var api = await factory.CreateClient().PostAsJsonAsync("/api/v1/responses", new
        {
            submissionId = Guid.NewGuid(), counter = "VQ-HL-Q1", instrument = "NHANH", channel = "qr",
            answers = new Dictionary<string, object> { ["HL"] = 2, ["LY_DO"] = new[] { "cho_lau" } },
        });
        Assert.Equal(System.Net.HttpStatusCode.Created, api.StatusCode);

        var after = await DashboardAsync();
        Assert.Equal(commune + 2, ResponsesOf(after, "VQ-HL"));
        Assert.Equal(district + 2, ResponsesOf(after, "VQ"));
        Assert.Equal(district + 2, ResponsesOf(await DashboardAsync(""), "VQ"));
        Assert.Equal(ResponsesOf(after, "VQ"), ResponsesOf(await DashboardAsync(""), "LS"));
    }

    [Fact]
    public async Task Below_MinN_figures_read_insufficient_data_and_from_MinN_they_show_a_share_with_its_interval()
    {
        var client = factory.CreateClient();
        async Task Post(int hl) => Assert.Equal(System.Net.HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/v1/responses", new
        {
            submissionId = Guid.NewGuid(), counter = "VQ-KK-Q1", instrument = "NHANH", channel = "qr",
            answers = new Dictionary<string, object> { ["HL"] = hl },
        })).StatusCode);

        for (var i = 0; i < 9; i++) await Post(5);
        var nine = await DashboardAsync();
        Assert.Contains("chưa đủ dữ liệu", Row(nine, "VQ-KK"), StringComparison.Ordinal);
        Assert.Contains("n=9", Row(nine, "VQ-KK"), StringComparison.Ordinal);

        await Post(1);
        var ten = Row(await DashboardAsync(), "VQ-KK");
        // 9 of 10 satisfied: 90.0% with the Wilson interval [59.6–98.2].
        Assert.Contains("90,0%", ten, StringComparison.Ordinal);
        Assert.Contains("[59,6–98,2]", ten, StringComparison.Ordinal);
    }

    private static string Row(string html, string unit)
    {
        var match = Regex.Match(html, $"<tr data-unit=\"{Regex.Escape(unit)}\"[^>]*>([\\s\\S]*?)</tr>");
        Assert.True(match.Success, $"{unit} is not on the dashboard");
        return match.Groups[1].Value;
    }
}
