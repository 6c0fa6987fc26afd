using System.Net;
using CchcSurvey.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CchcSurvey.Web.Tests.Pages.Admin;

/// <summary>Viewers and managers cannot change anything through the administration pages, even with a valid antiforgery token.</summary>
public sealed class AdminAccessTests(SurveyAppFactory factory) : IClassFixture<SurveyAppFactory>
{
    private string Snapshot() => factory.WithDatabase(db => string.Join("|",
        db.Units.Count(), db.Units.Single(u => u.Code == "VQ-AS").Name, db.Units.Single(u => u.Code == "VQ-AS").Path,
        db.Units.Single(u => u.Code == "VQ-KK").IsActive, db.Counters.Count(), db.Counters.Single(c => c.Code == "VQ-AS-Q1").Name,
        db.InstrumentVersions.Count(), db.Users.Count(), db.UserRoles.Count(), db.Users.Count(u => u.LockoutEnd != null),
        db.UnitElementLeads.Count(), db.Counters.Single(c => c.Code == "VQ-AS-Q1").OpeningHours,
        db.AuditEntries.Count(e => e.Action != "sign-in" && e.Action != "token-create")));

    public static TheoryData<string, string> Posts => new()
    {
        { "/admin/units", "Form.Code=HACK&Form.Name=Hack&Form.Parent=VQ" },
        { "/admin/units/VQ-AS?handler=rename", "name=Hack&level=Hack" },
        { "/admin/units/VQ-AS?handler=move", "parent=VQ-TT" },
        { "/admin/units/VQ-KK?handler=merge", "successor=VQ-TL" },
        { "/admin/units/VQ-AS?handler=leads", "leads%5BCC%5D=Hack&leads%5BTC%5D=Hack" },
        { "/admin/counters", "Form.Unit=VQ-AS&Form.Code=HACK-Q1&Form.Name=Hack&Form.Instruments=NHANH&Form.DefaultInstrument=NHANH" },
        { "/admin/counters/VQ-AS-Q1", "Form.Name=Hack&Form.Instruments=NHANH&Form.DefaultInstrument=NHANH&Form.IsActive=false" },
        { "/admin/counters/VQ-AS-Q1", "Form.Name=Hack&Form.Instruments=NHANH&Form.DefaultInstrument=NHANH&Form.IsActive=true&Form.OpeningHours=Sun%2000:00-01:00" },
        { "/admin/instruments?handler=publish", "Json=%7B%7D" },
        { "/admin/users", "Form.Email=hack%40test.local&Form.Password=Hack-Password-1&Form.Role=admin" },
    };

    [Theory]
    [MemberData(nameof(Posts))]
    public async Task A_viewer_or_manager_posting_to_an_admin_page_is_refused_and_nothing_changes(string url, string body)
    {
        foreach (var role in new[] { "viewer", "manager" })
        {
            var (client, _) = await AdminForms.OfficialAsync(factory, role, "VQ");
            // A valid antiforgery token for this official, from a page they may use.
            var token = Http.AntiforgeryToken(await client.GetStringAsync("/account/tokens"));
            var before = Snapshot();
            var response = await client.PostAsync(url, new StringContent($"{body}&__RequestVerificationToken={Uri.EscapeDataString(token)}",
                System.Text.Encoding.UTF8, "application/x-www-form-urlencoded"));
            Assert.True(response.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Redirect, $"{role} {url}: {response.StatusCode}");
            if (response.StatusCode == HttpStatusCode.Redirect) AdminForms.AssertRedirectTo(response, "/account/login");
            Assert.Equal(before, Snapshot());
        }
    }

    [Theory]
    [InlineData("/admin/units")]
    [InlineData("/admin/units/VQ-AS")]
    [InlineData("/admin/counters")]
    [InlineData("/admin/instruments")]
    [InlineData("/admin/users")]
    [InlineData("/admin/audit")]
    public async Task Officials_who_are_not_admins_cannot_open_the_admin_pages(string path)
    {
        var (client, _) = await AdminForms.OfficialAsync(factory, "manager", "LS");
        var response = await client.GetAsync(path);
        Assert.True(response.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Redirect, $"{path}: {response.StatusCode}");
        Assert.DoesNotContain("<form method=\"post\"", await response.Content.ReadAsStringAsync());
        AdminForms.AssertRedirectTo(await factory.CreateBrowserClient().GetAsync(path), "/account/login");
    }

    [Fact]
    public async Task An_admin_post_without_the_antiforgery_token_is_refused()
    {
        var admin = await AdminForms.AdminAsync(factory);
        var before = Snapshot();
        var response = await admin.PostAsync("/admin/units/VQ-AS?handler=rename", new FormUrlEncodedContent(new Dictionary<string, string> { ["name"] = "Hack" }));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(before, Snapshot());
    }

    [Fact]
    public async Task The_admin_pages_link_to_each_other_and_carry_no_inline_styles()
    {
        var admin = await AdminForms.AdminAsync(factory);
        var overview = await admin.GetStringAsync("/admin");
        foreach (var link in new[] { "/admin/units", "/admin/counters", "/admin/instruments", "/admin/users", "/admin/audit", "/account/tokens" })
            Assert.Contains($"href=\"{link}\"", overview);
        foreach (var page in new[] { "/admin/units", "/admin/units/VQ-AS", "/admin/counters", "/admin/counters/VQ-AS-Q1", "/admin/instruments?from=TT01", "/admin/users", "/admin/audit", "/account/tokens" })
        {
            var response = await admin.GetAsync(page);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var html = await response.Content.ReadAsStringAsync();
            Assert.DoesNotContain(" style=", html);
            Assert.DoesNotContain("<style>", html);
        }
        // English on request.
        Assert.Contains("Units", await admin.GetStringAsync("/admin/units?culture=en"));
    }
}
