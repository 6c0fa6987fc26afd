using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using CchcSurvey.Web.Tests.Infrastructure;

namespace CchcSurvey.Web.Tests.Pages.Dashboard;

/// <summary>
/// The dashboard on the demo organisation: an official sees their own subtree only (404 elsewhere, also for
/// the parent), a unit's counters are listed with their response counts, and each element shows its lead
/// department, overridable per unit in configuration.
/// </summary>
public sealed class DashboardScopeTests : IClassFixture<SurveyAppFactory>
{
    private readonly SurveyAppFactory _factory;

    public DashboardScopeTests(SurveyAppFactory factory)
    {
        factory.ExtraSettings["Dashboard:ElementLeads:VQ:CC"] = "Phòng Nội vụ huyện (cấu hình)";
        factory.ExtraSettings["Dashboard:ElementLeads:PA"] = "Thanh tra (cấu hình chung)";
        _factory = factory;
    }

    private static readonly SemaphoreSlim Creating = new(1, 1);

    private async Task<HttpClient> CommuneOfficialAsync()
    {
        const string email = "xa.anson@vanquan.vn", password = "Mat-khau-Xa-123";
        await Creating.WaitAsync();
        try
        {
            if (!_factory.WithDatabase(db => db.Users.Any(u => u.Email == email)))
                Assert.Equal(0, (await CliRunner.RunAsync(_factory, "user", "add", "--email", email, "--password", password, "--role", "viewer", "--unit", "VQ-AS")).ExitCode);
        }
        finally
        {
            Creating.Release();
        }
        var client = _factory.CreateBrowserClient();
        await Http.SignInAsync(client, email, password);
        return client;
    }

    [Fact]
    public async Task A_commune_official_sees_their_commune_and_gets_404_for_another_commune_and_for_the_district()
    {
        var client = await CommuneOfficialAsync();
        var own = await client.GetAsync("/dashboard");
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        var html = await own.Content.ReadAsStringAsync();
        Assert.Contains("Xã An Sơn", html, StringComparison.Ordinal);
        Assert.Contains("<tr data-unit=\"VQ-AS\"", html, StringComparison.Ordinal);
        // No breadcrumb, link or row leads outside the scope.
        Assert.DoesNotContain("unit=VQ&", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Huyện Văn Quan", html, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/dashboard?unit=VQ-AS&instrument=NHANH")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/dashboard?unit=VQ-BP")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/dashboard?unit=VQ")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/dashboard?unit=LS&from=2026-01-01")).StatusCode);
    }

    [Fact]
    public async Task A_unit_lists_its_counters_with_the_responses_of_the_period()
    {
        var api = _factory.CreateClient();
        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.Created, (await api.PostAsJsonAsync("/api/v1/responses", new
            {
                submissionId = Guid.NewGuid(), counter = "VQ-DH-Q1", instrument = "NHANH", channel = "qr",
                answers = new Dictionary<string, object> { ["HL"] = 5 },
            })).StatusCode);
        var client = _factory.CreateBrowserClient();
        await Http.SignInAsync(client, SurveyAppFactory.AdminEmail, SurveyAppFactory.AdminPassword);
        var html = await client.GetStringAsync("/dashboard?unit=VQ-DH&instrument=NHANH");
        var row = Regex.Match(html, "<tr data-counter=\"VQ-DH-Q1\">[\\s\\S]*?</tr>").Value;
        Assert.Matches("<td class=\"num\">3</td><td class=\"num\">3</td>", row);
        var sipas = await client.GetStringAsync("/dashboard?unit=VQ-DH&instrument=SIPAS-DV");
        Assert.Matches("<td class=\"num\">3</td><td class=\"num\">0</td>", Regex.Match(sipas, "<tr data-counter=\"VQ-DH-Q1\">[\\s\\S]*?</tr>").Value);
        // Another channel: none.
        var kiosk = await client.GetStringAsync("/dashboard?unit=VQ-DH&instrument=NHANH&channel=kiosk");
        Assert.Matches("<td class=\"num\">0</td><td class=\"num\">0</td>", Regex.Match(kiosk, "<tr data-counter=\"VQ-DH-Q1\">[\\s\\S]*?</tr>").Value);
    }

    [Fact]
    public async Task Each_element_shows_its_lead_department_from_the_seed_plan_or_the_configuration()
    {
        var client = _factory.CreateBrowserClient();
        await Http.SignInAsync(client, SurveyAppFactory.AdminEmail, SurveyAppFactory.AdminPassword);
        string Lead(string html, string element) => WebUtility.HtmlDecode(Regex.Match(html, $"data-lead=\"{element}\">([^<]*)<").Groups[1].Value);

        var province = await client.GetStringAsync("/dashboard?unit=LS");
        Assert.Equal("Chủ trì: Văn phòng HĐND và UBND", Lead(province, "TT"));
        Assert.Equal("Chủ trì: Phòng Nội vụ", Lead(province, "CC"));
        Assert.Equal("Chủ trì: Thanh tra (cấu hình chung)", Lead(province, "PA"));

        // The district's setting holds for the district and everything below it.
        foreach (var unit in new[] { "VQ", "VQ-HL" })
        {
            var html = await client.GetStringAsync($"/dashboard?unit={unit}");
            Assert.Equal("Chủ trì: Phòng Nội vụ huyện (cấu hình)", Lead(html, "CC"));
            Assert.Equal("Chủ trì: Văn phòng HĐND và UBND", Lead(html, "TC"));
        }
    }

    [Fact]
    public async Task The_page_reads_in_English_with_the_same_numbers()
    {
        var client = _factory.CreateBrowserClient();
        await Http.SignInAsync(client, SurveyAppFactory.AdminEmail, SurveyAppFactory.AdminPassword);
        var html = await client.GetStringAsync("/dashboard?unit=VQ&culture=en");
        Assert.Contains("Satisfaction by unit", html, StringComparison.Ordinal);
        Assert.Contains("Units × elements", html, StringComparison.Ordinal);
        Assert.Contains("Lead: ", html, StringComparison.Ordinal);
        Assert.DoesNotMatch(" style=\"", html);
    }
}
