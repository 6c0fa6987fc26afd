using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using CchcSurvey.Web.Tests.Infrastructure;
using CchcSurvey.Web.Tests.Pages.Admin;

namespace CchcSurvey.Web.Tests.Pages.Account;

/// <summary>
/// Two-factor sign-in checked with a real authenticator program instead of the test's own RFC 6238 code: Debian's
/// <c>oathtool</c> (installed by <c>.ci/run</c>) computes the codes from the shared key the site shows at enrolment,
/// exactly as a phone app would after scanning it. If the site's key or its TOTP parameters were off (another
/// alphabet, period or digit count), the site would refuse oathtool's codes.
/// </summary>
public sealed partial class OathtoolTwoFactorTests(TwoFactorAppFactory factory) : IClassFixture<TwoFactorAppFactory>
{
    private const string Oathtool = "/usr/bin/oathtool";

    [SkippableFact]
    public async Task Codes_from_oathtool_enrol_the_authenticator_and_sign_in()
    {
        Skip.If(!File.Exists(Oathtool) && Environment.GetEnvironmentVariable("CI") != "true", "oathtool is not installed");
        Assert.True(File.Exists(Oathtool), "CI=true but oathtool is missing: .ci/run installs it");
        var admin = await AdminForms.AdminAsync(factory);
        var page = await admin.GetStringAsync("/account/security?required=1");
        var key = SharedKey().Match(page).Groups[1].Value.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();
        Assert.True(key.Length >= 16, "no shared key on the page");
        var now = DateTimeOffset.UtcNow;
        var enabled = await AdminForms.PostAsync(admin, "/account/security", "/account/security?handler=enable", ("code", await OathtoolAsync(key, now)));
        Assert.Equal(HttpStatusCode.OK, enabled.StatusCode);
        Assert.Single(AdminForms.Audit(factory, "2fa-enable"));

        // A new session: password, then oathtool's code of the next time step (the enrolment's code is spent).
        var browser = factory.CreateBrowserClient();
        var login = await browser.GetStringAsync("/account/login");
        var afterPassword = await browser.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["email"] = SurveyAppFactory.AdminEmail, ["password"] = SurveyAppFactory.AdminPassword, ["returnUrl"] = "/dashboard",
            ["__RequestVerificationToken"] = Http.AntiforgeryToken(login),
        }));
        Assert.StartsWith("/account/login/2fa", afterPassword.Headers.Location!.OriginalString);
        var wrongKey = await SecondStepAsync(browser, await OathtoolAsync("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", now.AddSeconds(30)));
        Assert.Equal(HttpStatusCode.OK, wrongKey.StatusCode);
        Assert.True(CookieJar.IsSignInRedirect(await browser.GetAsync("/dashboard")));
        AdminForms.AssertRedirectTo(await SecondStepAsync(browser, await OathtoolAsync(key, now.AddSeconds(30))), "/dashboard");
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/admin/users")).StatusCode);
    }

    private static async Task<string> OathtoolAsync(string base32Key, DateTimeOffset at)
    {
        var start = new ProcessStartInfo(Oathtool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "--totp", "--base32", "--now", $"@{at.ToUnixTimeSeconds()}", base32Key }) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"oathtool failed: {error}");
        var code = output.Trim();
        Assert.Matches("^[0-9]{6}$", code);
        return code;
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
}
