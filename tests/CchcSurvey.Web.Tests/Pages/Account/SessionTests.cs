using System.Net;
using System.Text.RegularExpressions;
using CchcSurvey.Web.Data;
using CchcSurvey.Web.Tests.Infrastructure;
using CchcSurvey.Web.Tests.Pages.Admin;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CchcSurvey.Web.Tests.Pages.Account;

/// <summary>
/// Sessions end when they must (ASVS 5.0 V7): signing out from the menu ends the session and its copied cookie;
/// an administrator's lock, a demotion or a new scope end the official's open sessions at their next request.
/// </summary>
public sealed partial class SessionTests(SurveyAppFactory factory) : IClassFixture<SurveyAppFactory>
{
    private const string Password = "Mat-khau-phien-lam-viec";

    [Fact]
    public async Task Signing_out_from_the_menu_ends_the_session_and_the_old_cookie_opens_nothing()
    {
        var client = factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        var jar = new CookieJar();
        var login = await (await jar.SendAsync(client, HttpMethod.Get, "/account/login")).Content.ReadAsStringAsync();
        var signedIn = await jar.SendAsync(client, HttpMethod.Post, "/account/login", new Dictionary<string, string>
        {
            ["email"] = SurveyAppFactory.AdminEmail, ["password"] = SurveyAppFactory.AdminPassword, ["returnUrl"] = "/dashboard",
            ["__RequestVerificationToken"] = Http.AntiforgeryToken(login),
        });
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.NotNull(jar["cchc_auth"]);
        var copied = jar.Header;

        var dashboard = await jar.SendAsync(client, HttpMethod.Get, "/dashboard");
        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
        // The menu's sign-out form carries its own antiforgery token (without it the POST is refused with 400).
        var form = LogoutForm().Match(await dashboard.Content.ReadAsStringAsync());
        Assert.True(form.Success, "The menu has no sign-out form.");
        var token = Http.AntiforgeryToken(form.Value);

        var signedOut = await jar.SendAsync(client, HttpMethod.Post, "/account/logout", new Dictionary<string, string> { ["__RequestVerificationToken"] = token });
        Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);
        Assert.Equal("/", signedOut.Headers.Location?.OriginalString);
        Assert.Null(jar["cchc_auth"]);

        // The browser's own cookie is gone, and the copy kept from before opens nothing either.
        Assert.True(CookieJar.IsSignInRedirect(await jar.SendAsync(client, HttpMethod.Get, "/dashboard")));
        Assert.True(CookieJar.IsSignInRedirect(await jar.SendAsync(client, HttpMethod.Get, "/dashboard", cookieHeader: copied)));
        Assert.True(CookieJar.IsSignInRedirect(await jar.SendAsync(client, HttpMethod.Get, "/admin/users", cookieHeader: copied)));
        Assert.Equal(HttpStatusCode.Unauthorized, (await jar.SendAsync(client, HttpMethod.Get, "/api/v1/units/VQ/indices", cookieHeader: copied)).StatusCode);
        Assert.Contains(AdminForms.Audit(factory, "sign-out"), e => e.Target == SurveyAppFactory.AdminEmail);
    }

    [Fact]
    public async Task A_sign_out_post_without_its_antiforgery_token_is_refused()
    {
        var (client, _) = await AdminForms.OfficialAsync(factory, "viewer", "VQ-AS", Password);
        var refused = await client.PostAsync("/account/logout", new FormUrlEncodedContent([]));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/dashboard")).StatusCode);
    }

    [Theory]
    [InlineData("lock")]
    [InlineData("demote")]
    [InlineData("rescope")]
    public async Task An_administrators_lock_demotion_or_new_scope_ends_the_officials_open_session(string change)
    {
        var (official, email) = await AdminForms.OfficialAsync(factory, "manager", "VQ-AS", Password);
        Assert.Equal(HttpStatusCode.OK, (await official.GetAsync("/dashboard")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await official.GetAsync("/staff/token")).StatusCode);
        var id = factory.WithDatabase(db => db.Users.Single(u => u.Email == email).Id);
        var admin = await AdminForms.AdminAsync(factory);
        var done = change switch
        {
            "lock" => await AdminForms.PostAsync(admin, $"/admin/users/{id}", $"/admin/users/{id}?handler=lock"),
            "demote" => await AdminForms.PostAsync(admin, $"/admin/users/{id}", $"/admin/users/{id}?handler=role", ("role", "viewer"), ("unit", "VQ-AS")),
            _ => await AdminForms.PostAsync(admin, $"/admin/users/{id}", $"/admin/users/{id}?handler=role", ("role", "manager"), ("unit", "VQ-BP")),
        };
        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
        // Within the minute the issue allows — here at the very next request (Security:SessionValidationSeconds = 0).
        Assert.True(CookieJar.IsSignInRedirect(await official.GetAsync("/dashboard")), $"the session survived: {change}");
        Assert.True(CookieJar.IsSignInRedirect(await official.GetAsync("/staff/token")));
    }

    [Fact]
    public void Sessions_are_checked_at_least_once_a_minute_whatever_the_configuration()
    {
        Assert.Equal(TimeSpan.Zero, factory.Services.GetRequiredService<IOptions<SecurityStampValidatorOptions>>().Value.ValidationInterval);
        using var slow = factory.WithWebHostBuilder(b => b.UseSetting("Security:SessionValidationSeconds", "3600"));
        Assert.Equal(TimeSpan.FromMinutes(1), slow.Services.GetRequiredService<IOptions<SecurityStampValidatorOptions>>().Value.ValidationInterval);
    }

    [GeneratedRegex("<form[^>]*action=\"/account/logout\"[\\s\\S]*?</form>")]
    private static partial Regex LogoutForm();
}
