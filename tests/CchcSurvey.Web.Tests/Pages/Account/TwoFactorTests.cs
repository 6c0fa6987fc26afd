using System.Net;
using System.Text.RegularExpressions;
using CchcSurvey.Web.Infrastructure;
using CchcSurvey.Web.Tests.Infrastructure;
using CchcSurvey.Web.Tests.Pages.Admin;

namespace CchcSurvey.Web.Tests.Pages.Account;

/// <summary>The app with two-factor sign-in required for administrators (the default of Security:RequireTwoFactor).</summary>
public sealed class TwoFactorAppFactory : SurveyAppFactory
{
    public TwoFactorAppFactory() => ExtraSettings["Security:RequireTwoFactor"] = "admin";
}

/// <summary>
/// Two-factor sign-in with an authenticator app (ASVS 5.0 V6.5/V6.6): the demo administrator, who has none yet,
/// reaches nothing but the set-up page; sets it up from the shared key; signs in with the password and then a
/// code computed here from the key (RFC 6238); recovery codes work once; a reset needs the password and makes the
/// old authenticator useless. Officials of roles not listed sign in with their password alone.
/// </summary>
public sealed partial class TwoFactorTests(TwoFactorAppFactory factory) : IClassFixture<TwoFactorAppFactory>
{
    [Fact]
    public void The_code_of_the_test_is_rfc_6238s_own()
    {
        // RFC 6238 appendix B, SHA-1, T = 59 s: 94287082 (eight digits); its last six are the six-digit code.
        var key = System.Text.Encoding.ASCII.GetBytes("12345678901234567890");
        Assert.Equal("94287082", Totp.Code(key, 59 / 30, digits: 8));
        Assert.Equal("287082", Totp.Code(key, 59 / 30));
        Assert.Equal(["admin"], new SecurityOptions().TwoFactorRoles);
    }

    [Fact]
    public async Task The_administrator_sets_up_an_authenticator_then_signs_in_with_password_and_code()
    {
        var admin = await AdminForms.AdminAsync(factory);
        // Without an authenticator the administrator reaches nothing but the set-up page (and signing out).
        foreach (var path in new[] { "/dashboard", "/admin/users", "/account/tokens", "/staff/token" })
        {
            var sent = await admin.GetAsync(path);
            Assert.Equal(HttpStatusCode.Redirect, sent.StatusCode);
            Assert.StartsWith("/account/security", sent.Headers.Location!.OriginalString);
        }
        Assert.Equal(HttpStatusCode.Forbidden, (await admin.GetAsync("/api/v1/units/VQ/indices")).StatusCode);

        var page = await (await admin.GetAsync("/account/security?required=1")).Content.ReadAsStringAsync();
        Assert.Contains("id=\"two-factor-required\"", page);
        Assert.Contains("<svg", page);
        var key = SharedKey().Match(page).Groups[1].Value;
        Assert.True(key.Length >= 16, "no shared key on the page");

        var wrong = await AdminForms.PostAsync(admin, "/account/security", "/account/security?handler=enable", ("code", "000000"));
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        var enabled = await AdminForms.PostAsync(admin, "/account/security", "/account/security?handler=enable", ("code", Totp.Code(key, DateTimeOffset.UtcNow)));
        Assert.Equal(HttpStatusCode.OK, enabled.StatusCode);
        var codes = RecoveryCode().Matches(await enabled.Content.ReadAsStringAsync()).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(10, codes.Count);
        Assert.Contains("no-store", enabled.Headers.CacheControl?.ToString());
        // The same session goes on, now with the authenticator set up.
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/dashboard")).StatusCode);
        Assert.Single(AdminForms.Audit(factory, "2fa-enable"));

        // A new sign-in: the password alone opens nothing; the code finishes it.
        var browser = factory.CreateBrowserClient();
        var afterPassword = await SignInWithPasswordAsync(browser);
        Assert.StartsWith("/account/login/2fa", afterPassword.Headers.Location!.OriginalString);
        Assert.True(CookieJar.IsSignInRedirect(await browser.GetAsync("/dashboard")));
        var badCode = await SecondStepAsync(browser, Totp.Code(key, DateTimeOffset.UtcNow.AddSeconds(-120)));
        Assert.Equal(HttpStatusCode.OK, badCode.StatusCode);
        Assert.Contains("Mã không đúng", await badCode.Content.ReadAsStringAsync());
        // The code that turned it on was used: it cannot be used again; the app's next code (30 s on) works.
        Assert.Equal(HttpStatusCode.OK, (await SecondStepAsync(browser, Totp.Code(key, DateTimeOffset.UtcNow))).StatusCode);
        AdminForms.AssertRedirectTo(await SecondStepAsync(browser, Totp.Code(key, DateTimeOffset.UtcNow.AddSeconds(30))), "/dashboard");
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/admin/users")).StatusCode);
        Assert.Contains(AdminForms.Audit(factory, "sign-in"), e => e.Details == "two-factor: authenticator");

        // A recovery code works once.
        var lostPhone = factory.CreateBrowserClient();
        await SignInWithPasswordAsync(lostPhone);
        AdminForms.AssertRedirectTo(await SecondStepAsync(lostPhone, codes[0]), "/dashboard");
        var again = factory.CreateBrowserClient();
        await SignInWithPasswordAsync(again);
        Assert.Equal(HttpStatusCode.OK, (await SecondStepAsync(again, codes[0])).StatusCode);
        Assert.True(CookieJar.IsSignInRedirect(await again.GetAsync("/dashboard")));
        Assert.Single(AdminForms.Audit(factory, "2fa-recovery-code-used"));

        // A reset needs the password, turns two-factor off and replaces the key: the old authenticator is useless,
        // and the administrator is sent to set up again.
        var refused = await AdminForms.PostAsync(browser, "/account/security", "/account/security?handler=reset", ("password", "sai-mat-khau-roi"));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        AdminForms.AssertRedirectTo(await AdminForms.PostAsync(browser, "/account/security", "/account/security?handler=reset",
            ("password", SurveyAppFactory.AdminPassword)), "/account/security");
        var afterReset = await browser.GetAsync("/dashboard");
        Assert.StartsWith("/account/security", afterReset.Headers.Location!.OriginalString);
        var newKey = SharedKey().Match(await browser.GetStringAsync("/account/security")).Groups[1].Value;
        Assert.NotEqual(key, newKey);
        Assert.Single(AdminForms.Audit(factory, "2fa-reset"));
        // Set up again with the new key, so that the class's administrator ends as it began: with an authenticator.
        var reEnabled = await AdminForms.PostAsync(browser, "/account/security", "/account/security?handler=enable", ("code", Totp.Code(newKey, DateTimeOffset.UtcNow)));
        Assert.Equal(HttpStatusCode.OK, reEnabled.StatusCode);
        var old = factory.CreateBrowserClient();
        await SignInWithPasswordAsync(old);
        Assert.Equal(HttpStatusCode.OK, (await SecondStepAsync(old, Totp.Code(key, DateTimeOffset.UtcNow.AddSeconds(30)))).StatusCode);
        Assert.True(CookieJar.IsSignInRedirect(await old.GetAsync("/dashboard")));
    }

    [Fact]
    public async Task Roles_not_listed_sign_in_with_their_password_alone()
    {
        var (manager, _) = await AdminForms.OfficialAsync(factory, "manager", "VQ-AS", "Mat-khau-quan-ly-xa");
        Assert.Equal(HttpStatusCode.OK, (await manager.GetAsync("/dashboard")).StatusCode);
        // They may still turn it on for themselves.
        Assert.Contains("id=\"shared-key\"", await manager.GetStringAsync("/account/security"));
    }

    [Fact]
    public async Task The_second_step_without_the_first_goes_back_to_the_sign_in_page()
    {
        var browser = factory.CreateBrowserClient();
        Assert.True(CookieJar.IsSignInRedirect(await browser.GetAsync("/account/login/2fa")));
    }

    private static async Task<HttpResponseMessage> SignInWithPasswordAsync(HttpClient client)
    {
        var page = await client.GetStringAsync("/account/login");
        var response = await client.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["email"] = SurveyAppFactory.AdminEmail, ["password"] = SurveyAppFactory.AdminPassword, ["returnUrl"] = "/dashboard",
            ["__RequestVerificationToken"] = Http.AntiforgeryToken(page),
        }));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return response;
    }

    private static async Task<HttpResponseMessage> SecondStepAsync(HttpClient client, string code)
    {
        var page = await client.GetStringAsync("/account/login/2fa?returnUrl=%2Fdashboard");
        return await client.PostAsync("/account/login/2fa", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["code"] = code, ["returnUrl"] = "/dashboard", ["__RequestVerificationToken"] = Http.AntiforgeryToken(page),
        }));
    }

    [GeneratedRegex("id=\"shared-key\">([a-z2-7 ]+)<")]
    private static partial Regex SharedKey();

    [GeneratedRegex("<li><code>([^<]+)</code></li>")]
    private static partial Regex RecoveryCode();
}
