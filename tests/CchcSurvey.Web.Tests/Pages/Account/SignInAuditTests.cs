using System.Net;
using CchcSurvey.Web.Tests.Infrastructure;
using CchcSurvey.Web.Tests.Pages.Admin;
using Microsoft.EntityFrameworkCore;

namespace CchcSurvey.Web.Tests.Pages.Account;

/// <summary>Sign-ins, failed sign-ins and lockouts are audited; a typed password never reaches the log.</summary>
public sealed class SignInAuditTests(SurveyAppFactory factory) : IClassFixture<SurveyAppFactory>
{
    private static async Task<HttpResponseMessage> TryAsync(HttpClient client, string email, string password)
    {
        var page = await client.GetStringAsync("/account/login");
        return await client.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["email"] = email, ["password"] = password, ["returnUrl"] = "/dashboard", ["__RequestVerificationToken"] = Http.AntiforgeryToken(page),
        }));
    }

    private async Task<string> NewOfficialAsync()
    {
        var email = $"{Guid.NewGuid():N}@signin.vn";
        Assert.Equal(0, (await CliRunner.RunAsync(factory, "user", "add", "--email", email, "--password", "Mat-khau-123", "--role", "viewer", "--unit", "VQ")).ExitCode);
        return email;
    }

    private string AllAuditText() => factory.WithDatabase(db => string.Join("\n",
        db.AuditEntries.AsNoTracking().Select(e => e.Actor + " " + e.Action + " " + e.Target + " " + e.Details).ToList()));

    [Fact]
    public async Task A_successful_sign_in_is_audited_with_the_officials_email()
    {
        var email = await NewOfficialAsync();
        AdminForms.AssertRedirectTo(await TryAsync(factory.CreateBrowserClient(), email, "Mat-khau-123"), "/dashboard");
        var entry = Assert.Single(AdminForms.Audit(factory, "sign-in"), e => e.Actor == email);
        Assert.Equal(email, entry.Target);
        Assert.True(entry.UtcTime > DateTime.UtcNow.AddMinutes(-5));
    }

    [Fact]
    public async Task A_failed_sign_in_is_audited_without_the_password()
    {
        var email = await NewOfficialAsync();
        var response = await TryAsync(factory.CreateBrowserClient(), email, "Sai-Mat-Khau-987");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var entry = Assert.Single(AdminForms.Audit(factory, "sign-in-failed"), e => e.Actor == email);
        Assert.Equal("wrong password", entry.Details);

        // Someone who typed their password into the e-mail field: logged as anonymous, the text is not kept.
        await TryAsync(factory.CreateBrowserClient(), "Bi-Mat-Go-Nham-456", "x");
        Assert.Contains(AdminForms.Audit(factory, "sign-in-failed"), e => e.Actor == "anonymous" && e.Details == "unknown account");
        var log = AllAuditText();
        Assert.DoesNotContain("Sai-Mat-Khau-987", log);
        Assert.DoesNotContain("Bi-Mat-Go-Nham-456", log);
    }

    [Fact]
    public async Task Five_failures_lock_the_account_and_the_lockout_is_audited()
    {
        var email = await NewOfficialAsync();
        var client = factory.CreateBrowserClient();
        for (var i = 0; i < 5; i++) await TryAsync(client, email, $"Sai-Lan-{i}-xxxx");
        Assert.Equal(4, AdminForms.Audit(factory, "sign-in-failed").Count(e => e.Actor == email));
        Assert.Single(AdminForms.Audit(factory, "lockout"), e => e.Actor == email);

        // Even the right password is refused now, and that attempt is audited as a lockout too.
        var refused = await TryAsync(client, email, "Mat-khau-123");
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Equal(2, AdminForms.Audit(factory, "lockout").Count(e => e.Actor == email));
        Assert.DoesNotContain(AdminForms.Audit(factory, "sign-in"), e => e.Actor == email);
    }
}
