using System.Net;
using System.Text.RegularExpressions;
using CchcSurvey.Web.Tests.Infrastructure;
using CchcSurvey.Web.Tests.Pages.Survey;
using static CchcSurvey.Web.Tests.Integrity.IntegrityTestHelpers;

namespace CchcSurvey.Web.Tests.Integrity;

/// <summary><c>/staff/token</c>: the printable per-dossier slip, for managers and administrators within their scope.</summary>
public sealed partial class StaffTokenPageTests(SurveyAppFactory factory) : IClassFixture<SurveyAppFactory>
{
    private async Task<HttpClient> SignedInAsync(string email, string role, string unit)
    {
        await AddOfficialAsync(factory, email, role, unit);
        var client = factory.CreateBrowserClient();
        await Http.SignInAsync(client, email, "Official-Pass-123");
        return client;
    }

    private static async Task<HttpResponseMessage> IssueAsync(HttpClient client, string counter)
    {
        var page = await client.GetStringAsync("/staff/token");
        return await client.PostAsync("/staff/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["counter"] = counter,
            ["__RequestVerificationToken"] = Http.AntiforgeryToken(page),
        }));
    }

    [Fact]
    public async Task Signed_out_visitors_are_sent_to_the_sign_in_page()
    {
        var response = await factory.CreateBrowserClient().GetAsync("/staff/token");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/account/login", response.Headers.Location?.PathAndQuery ?? response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task A_manager_prints_a_slip_for_a_counter_in_scope_and_its_qr_leads_to_a_working_survey()
    {
        var client = await SignedInAsync("manager.slip@vq.vn", "manager", "VQ-TP");
        var picker = await client.GetStringAsync("/staff/token");
        Assert.Contains("value=\"VQ-TP-Q1\"", picker);
        Assert.DoesNotContain("value=\"VQ-AS-Q1\"", picker);

        var before = factory.WithDatabase(db => db.DossierTokens.Count());
        var response = await IssueAsync(client, "VQ-TP-Q1");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        Assert.Contains("class=\"slip\"", html);
        Assert.Contains("<svg", html);
        Assert.Contains("Hết hạn", html);
        Assert.Contains("/css/slip.css", html);
        Assert.DoesNotContain(" style=\"", html);
        Assert.Equal(before + 1, factory.WithDatabase(db => db.DossierTokens.Count()));

        var url = SlipUrl().Match(html);
        Assert.True(url.Success, "no token URL on the slip");
        var form = await SurveyForm.OpenAsync(factory.CreateBrowserClient(), new Uri(url.Value).PathAndQuery);
        Assert.Contains("name=\"HL\"", form.Html);
    }

    [Fact]
    public async Task A_counter_outside_the_scope_is_404_and_issues_nothing()
    {
        var client = await SignedInAsync("manager.scope@vq.vn", "manager", "VQ-TP");
        var before = factory.WithDatabase(db => db.DossierTokens.Count());
        Assert.Equal(HttpStatusCode.NotFound, (await IssueAsync(client, "VQ-AS-Q1")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await IssueAsync(client, "NOPE-Q1")).StatusCode);
        Assert.Equal(before, factory.WithDatabase(db => db.DossierTokens.Count()));
    }

    [Fact]
    public async Task A_viewer_may_not_print_slips()
    {
        var client = await SignedInAsync("viewer.slip@vq.vn", "viewer", "VQ-TP");
        var response = await client.GetAsync("/staff/token");
        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
    }

    [GeneratedRegex("https://khaosat\\.example\\.vn/t/[A-Za-z0-9_-]{22,}")]
    private static partial Regex SlipUrl();
}
