using System.Net;
using CchcSurvey.Web.Tests.Infrastructure;
using static CchcSurvey.Web.Tests.Pages.Comments.WorkspaceSteps;

namespace CchcSurvey.Web.Tests.Pages.Report;

/// <summary>/dashboard/report: the quarterly report of a unit, printable, within the official's scope.</summary>
public sealed class ReportTests(SurveyAppFactory factory) : IClassFixture<SurveyAppFactory>
{
    [Fact]
    public async Task The_report_for_VQ_has_the_indices_ranking_and_chart_and_prints_on_A4()
    {
        for (var i = 0; i < 9; i++) await PostNhanhAsync(factory, "VQ-KK-Q1", 5);
        await PostNhanhAsync(factory, "VQ-KK-Q1", 2);
        for (var i = 0; i < 10; i++) await PostNhanhAsync(factory, "VQ-LN-Q1", 4);
        var admin = await AdminAsync(factory);
        var response = await admin.GetAsync($"/dashboard/report?unit=VQ&quarter={CurrentQuarter()}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Contains("Báo cáo kết quả đo lường sự hài lòng", html, StringComparison.Ordinal);
        Assert.Contains("Huyện Văn Quan", html, StringComparison.Ordinal);
        Assert.Contains("data-figure=\"SIPAS\"", html, StringComparison.Ordinal);
        Assert.Contains("data-figure=\"NHANH\"", html, StringComparison.Ordinal);
        Assert.Contains("data-figure=\"TT01\"", html, StringComparison.Ordinal);
        Assert.Contains("95,0%", html, StringComparison.Ordinal);              // 19 of 20 NHANH ratings satisfied
        Assert.Contains("data-rank-unit=\"VQ-LN\"", html, StringComparison.Ordinal);
        Assert.Contains("data-rank-unit=\"VQ-KK\"", html, StringComparison.Ordinal);
        Assert.Contains("<svg class=\"chart\"", html, StringComparison.Ordinal);
        Assert.Contains("Chờ lâu", html, StringComparison.Ordinal);   // LY_DO reasons are listed once NHANH n ≥ MinN
        Assert.Contains("THỦ TRƯỞNG ĐƠN VỊ", html, StringComparison.Ordinal);
        Assert.Contains("/css/workspace.css", html, StringComparison.Ordinal);
        Assert.DoesNotContain("style=\"", html, StringComparison.Ordinal);

        var css = await admin.GetStringAsync("/css/workspace.css");
        Assert.Contains("@media print", css, StringComparison.Ordinal);
        Assert.Contains("size: A4", css, StringComparison.Ordinal);
        Assert.Contains("break-before: page", css, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/dashboard/report?unit=VQ", HttpStatusCode.NotFound)]
    [InlineData("/dashboard/report?unit=VQ-BP", HttpStatusCode.NotFound)]
    [InlineData("/dashboard/report?unit=NOPE", HttpStatusCode.NotFound)]
    [InlineData("/dashboard/report?unit=VQ-AS", HttpStatusCode.OK)]
    [InlineData("/dashboard/report", HttpStatusCode.OK)]
    [InlineData("/dashboard/report?unit=VQ-AS&quarter=2026-Q5", HttpStatusCode.BadRequest)]
    public async Task A_commune_official_gets_only_their_communes_report(string url, HttpStatusCode expected)
    {
        var client = await OfficialAsync(factory, "viewer", "VQ-AS");
        Assert.Equal(expected, (await client.GetAsync(url)).StatusCode);
    }
}
