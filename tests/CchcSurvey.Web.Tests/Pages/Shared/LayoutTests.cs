using System.Net;
using System.Security.Claims;
using System.Text.RegularExpressions;
using CchcSurvey.Web.Data;
using CchcSurvey.Web.Infrastructure;
using CchcSurvey.Web.Pages.Shared;
using CchcSurvey.Web.Tests.Infrastructure;
using CchcSurvey.Web.Tests.Pages.Admin;
using Microsoft.Extensions.DependencyInjection;

namespace CchcSurvey.Web.Tests.Pages.Shared;

/// <summary>
/// The officials' layout: a grouped menu with the current page marked, the account menu with a sign-out form at
/// the end, links only to pages the role may open; dates dd/MM/yyyy and times in Vietnam's zone.
/// </summary>
public sealed partial class LayoutTests(SurveyAppFactory factory) : IClassFixture<SurveyAppFactory>
{
    private static ClaimsPrincipal As(string role) => new(new ClaimsIdentity([new Claim(ClaimTypes.Role, role)], "test"));

    [Fact]
    public void The_current_page_is_the_longest_menu_link_that_holds_the_path()
    {
        var groups = OfficialMenu.For(As(Roles.Admin));
        Assert.Equal(["Số liệu", "Góp ý và xử lý", "Kế hoạch", "Báo cáo", "Quản trị"], groups.Select(g => g.Label));
        Assert.Equal("/dashboard", OfficialMenu.Current(groups, "/dashboard"));
        Assert.Equal("/dashboard/cases", OfficialMenu.Current(groups, "/dashboard/cases/42"));
        Assert.Equal("/dashboard/report", OfficialMenu.Current(groups, "/dashboard/report/"));
        Assert.Equal("/admin/units", OfficialMenu.Current(groups, "/admin/units/reorganise"));
        Assert.Equal("/account/tokens", OfficialMenu.Current(groups, "/account/tokens"));
        Assert.Null(OfficialMenu.Current(groups, "/dashboardx"));
        Assert.Null(OfficialMenu.Current(groups, "/"));
    }

    [Fact]
    public void A_viewer_is_offered_no_administration_page()
    {
        var groups = OfficialMenu.For(As(Roles.Viewer));
        Assert.DoesNotContain(groups, g => g.Label == "Quản trị");
        Assert.DoesNotContain(groups.SelectMany(g => g.Links), l => l.Href.StartsWith("/admin", StringComparison.Ordinal) || l.Href.StartsWith("/staff", StringComparison.Ordinal));
        var manager = OfficialMenu.For(As(Roles.Manager)).Single(g => g.Label == "Quản trị").Links.Select(l => l.Href);
        Assert.Equal(["/admin/kiosks", "/staff/token", "/paper/entry"], manager);
    }

    [Fact]
    public async Task Every_menu_link_opens_for_its_role_and_the_page_is_marked()
    {
        var admin = await AdminForms.AdminAsync(factory);
        var html = await admin.GetStringAsync("/dashboard/comments");
        // One current page, in its group, and the group is marked too.
        var current = CurrentLink().Matches(html).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(["/dashboard/comments"], current);
        Assert.Matches(new Regex("<details class=\"menu-group current\" data-menu-group>\\s*<summary>Góp ý và xử lý"), html);
        // Sign-out is a POST form with its antiforgery token, in the account menu at the end.
        var account = html[html.IndexOf("class=\"menu-end\"", StringComparison.Ordinal)..];
        Assert.Matches(new Regex("<form method=\"post\" action=\"/account/logout\">\\s*<button[^>]*>Đăng xuất</button>\\s*<input name=\"__RequestVerificationToken\""), account);

        foreach (var href in MenuLink().Matches(html).Select(m => m.Groups[1].Value).Distinct())
            Assert.True((await admin.GetAsync(href)).StatusCode == HttpStatusCode.OK, href);

        var (viewer, _) = await AdminForms.OfficialAsync(factory, "viewer", "VQ-AS");
        var viewerHtml = await viewer.GetStringAsync("/dashboard");
        Assert.Equal(["/dashboard"], CurrentLink().Matches(viewerHtml).Select(m => m.Groups[1].Value));
        foreach (var href in MenuLink().Matches(viewerHtml).Select(m => m.Groups[1].Value).Distinct())
            Assert.True((await viewer.GetAsync(href)).StatusCode == HttpStatusCode.OK, href);
    }

    [Fact]
    public async Task The_audit_log_shows_Vietnam_time_and_filters_by_Vietnam_days()
    {
        var admin = await AdminForms.AdminAsync(factory);
        var entry = factory.WithDatabase(db => db.AuditEntries.OrderByDescending(e => e.Id).First());
        var local = entry.UtcTime.AddHours(7);
        var html = WebUtility.HtmlDecode(await admin.GetStringAsync($"/admin/audit?from={local:yyyy-MM-dd}&to={local:yyyy-MM-dd}"));
        Assert.Contains($"{local:dd/MM/yyyy HH:mm:ss}</time>", html);
        Assert.Contains($"datetime=\"{local:yyyy-MM-dd'T'HH:mm:ss}+07:00\"", html);
        Assert.DoesNotContain("(UTC)", html);
        var dayBefore = local.AddDays(-1);
        var none = WebUtility.HtmlDecode(await admin.GetStringAsync($"/admin/audit?from={dayBefore:yyyy-MM-dd}&to={dayBefore:yyyy-MM-dd}"));
        Assert.DoesNotContain($"{local:dd/MM/yyyy HH:mm:ss}", none);
    }

    [Fact]
    public void Times_are_written_in_Vietnam_time_and_dates_as_dd_mm_yyyy()
    {
        var when = factory.Services.GetRequiredService<DisplayTime>();
        var utc = new DateTime(2026, 3, 31, 18, 5, 9, DateTimeKind.Utc); // already 1 April in Hà Nội
        Assert.Equal("01/04/2026 01:05", when.Time(utc));
        Assert.Equal("01/04/2026 01:05:09", when.TimeSeconds(utc));
        Assert.Equal("01/04/2026", when.DateOf(utc));
        Assert.Equal("2026-04-01T01:05:09+07:00", when.Iso(utc));
        Assert.Equal("GMT+7", when.ZoneLabel(utc));
        Assert.Equal("09/02/2026", when.Date(new DateOnly(2026, 2, 9)));
        Assert.Equal("—", when.Date((DateOnly?)null));
    }

    [GeneratedRegex("<a href=\"([^\"]+)\" aria-current=\"page\"")]
    private static partial Regex CurrentLink();

    [GeneratedRegex("<li><a href=\"(/[^\"?]*)\"")]
    private static partial Regex MenuLink();
}
