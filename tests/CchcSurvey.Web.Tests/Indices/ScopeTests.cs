using System.Net;
using CchcSurvey.Web.Tests.Infrastructure;

namespace CchcSurvey.Web.Tests.Indices;

/// <summary>An official of one commune sees that commune and nothing else: 404 outside the scope.</summary>
public sealed class ScopeTests(SurveyAppFactory factory) : IClassFixture<SurveyAppFactory>
{
    private async Task<HttpClient> CommuneOfficialAsync()
    {
        return await Officials.SignedInAsync(factory, $"{Guid.NewGuid():N}@anson.vn", "viewer", "VQ-AS");
    }

    [Theory]
    [InlineData("/api/v1/units/VQ-AS/indices?instrument=NHANH", HttpStatusCode.OK)]
    [InlineData("/api/v1/units/VQ-BP/indices?instrument=NHANH", HttpStatusCode.NotFound)]
    [InlineData("/api/v1/units/VQ/indices", HttpStatusCode.NotFound)]
    [InlineData("/api/v1/units/LS/ranking", HttpStatusCode.NotFound)]
    [InlineData("/api/v1/units/NOPE/indices", HttpStatusCode.NotFound)]
    public async Task A_commune_official_reads_only_their_commune(string url, HttpStatusCode expected)
    {
        var client = await CommuneOfficialAsync();
        Assert.Equal(expected, (await client.GetAsync(url)).StatusCode);
    }

    [Fact]
    public async Task Anonymous_callers_get_401_from_the_index_api_and_a_sign_in_redirect_from_the_dashboard()
    {
        var client = factory.CreateBrowserClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/units/VQ-AS/indices")).StatusCode);
        var dashboard = await client.GetAsync("/dashboard");
        Assert.Equal(HttpStatusCode.Redirect, dashboard.StatusCode);
        Assert.StartsWith("/account/login", dashboard.Headers.Location?.PathAndQuery);
    }

    [Fact]
    public async Task The_dashboard_lists_only_units_in_scope()
    {
        var client = await CommuneOfficialAsync();
        var html = await client.GetStringAsync("/dashboard");
        Assert.Contains("data-unit=\"VQ-AS\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("data-unit=\"VQ-BP\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("data-unit=\"VQ\"", html, StringComparison.Ordinal);
    }
}
