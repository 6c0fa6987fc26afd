using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text.RegularExpressions;
using CchcSurvey.Web.Administration;
using CchcSurvey.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CchcSurvey.Web.Tests.Pages.Admin;

/// <summary>/admin/audit: newest first, filters by action, actor, target and date, 50 a page; the service other areas call.</summary>
public sealed class AuditPageTests(SurveyAppFactory factory) : IClassFixture<SurveyAppFactory>
{
    private async Task WriteAsync(string actor, string action, string target, string details)
    {
        using var scope = factory.Services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<AuditLog>().WriteAsync(actor, action, target, details);
    }

    private static int Rows(string html) => Regex.Matches(html, "<tr data-action=").Count;

    [Fact]
    public async Task Filters_and_pages_the_entries_newest_first()
    {
        for (var i = 0; i < 120; i++) await WriteAsync("system", "export", $"bulk-{i:000}", "indices.csv");
        await WriteAsync("exporter@test.local", "export", "VQ-AS", "responses.xlsx");
        var admin = await AdminForms.AdminAsync(factory);

        var first = WebUtility.HtmlDecode(await admin.GetStringAsync("/admin/audit?action=export&actor=system"));
        Assert.Equal(50, Rows(first));
        Assert.Contains("120 mục · trang 1/3", first);
        Assert.True(first.IndexOf("bulk-119", StringComparison.Ordinal) < first.IndexOf("bulk-118", StringComparison.Ordinal));
        Assert.DoesNotContain("bulk-069", first);
        Assert.Contains("href=\"/admin/audit?action=export&actor=system&p=2\"", first);

        var last = WebUtility.HtmlDecode(await admin.GetStringAsync("/admin/audit?action=export&actor=system&p=3"));
        Assert.Equal(20, Rows(last));
        Assert.Contains("bulk-000", last);
        Assert.DoesNotContain("exporter@test.local", last);

        var byTarget = WebUtility.HtmlDecode(await admin.GetStringAsync("/admin/audit?target=VQ-AS"));
        Assert.Contains("responses.xlsx", byTarget);
        Assert.DoesNotContain("bulk-", byTarget);

        // The admin's own sign-in is there, filtered by action.
        var signIns = WebUtility.HtmlDecode(await admin.GetStringAsync("/admin/audit?action=sign-in"));
        Assert.Contains(SurveyAppFactory.AdminEmail, signIns);
        Assert.All(Regex.Matches(signIns, "<tr data-action=\"([^\"]+)\"").Select(m => m.Groups[1].Value), a => Assert.Equal("sign-in", a));

        // Dates: nothing tomorrow, everything today.
        // The page's days are Vietnam's days (UTC+7), as it shows its times.
        var today = DateTime.UtcNow.AddHours(7).ToString("yyyy-MM-dd");
        var tomorrow = DateTime.UtcNow.AddHours(7).AddDays(1).ToString("yyyy-MM-dd");
        Assert.Equal(0, Rows(await admin.GetStringAsync($"/admin/audit?from={tomorrow}")));
        Assert.Equal(50, Rows(await admin.GetStringAsync($"/admin/audit?from={today}&to={today}&action=export")));
        // Bad page numbers and dates are harmless.
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/admin/audit?p=-4&from=not-a-date")).StatusCode);
    }

    [Fact]
    public async Task The_log_never_keeps_a_plain_api_token_and_cuts_long_details()
    {
        const string token = "cchc_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
        await WriteAsync("system", "config-change", "tokens", $"someone pasted {token} here");
        await WriteAsync("system", "config-change", "long", new string('x', 5000));
        var entries = factory.WithDatabase(db => db.AuditEntries.AsNoTracking().Where(e => e.Action == "config-change").OrderBy(e => e.Id).ToList());
        Assert.DoesNotContain(token, entries[0].Details);
        Assert.Contains("cchc_…", entries[0].Details);
        Assert.Equal(1000, entries[1].Details.Length);
    }
    [Fact]
    public async Task The_actor_is_the_email_for_a_cookie_and_the_token_id_for_a_bearer_token()
    {
        Assert.Equal("anonymous", AuditLog.ActorOf(new ClaimsPrincipal()));
        var cookie = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "a@b.vn")], "Identity.Application"));
        Assert.Equal("a@b.vn", AuditLog.ActorOf(cookie));

        // The bearer-token handler names the token on its principal.
        Assert.Equal(0, (await CliRunner.RunAsync(factory, "user", "add", "--email", "api@audit.vn", "--password", "Mat-khau-123", "--role", "admin")).ExitCode);
        var token = (await CliRunner.RunAsync(factory, "token", "add", "--email", "api@audit.vn")).LastLine;
        var id = factory.WithDatabase(db => db.ApiTokens.Single(t => t.Official.Email == "api@audit.vn").Id);
        using var scope = factory.Services.CreateScope();
        var context = new Microsoft.AspNetCore.Http.DefaultHttpContext { RequestServices = scope.ServiceProvider };
        context.Request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token).ToString();
        context.Request.Path = "/api/v1/units/VQ/indices";
        var result = await Microsoft.AspNetCore.Authentication.AuthenticationHttpContextExtensions.AuthenticateAsync(context, CchcSurvey.Web.Security.ApiTokenAuthenticationHandler.SchemeName);
        Assert.True(result.Succeeded);
        Assert.Equal($"api-token:{id}", AuditLog.ActorOf(result.Principal));
    }
}
