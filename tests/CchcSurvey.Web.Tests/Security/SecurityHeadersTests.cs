using System.Net;
using System.Text.RegularExpressions;
using CchcSurvey.Web.Pages.Admin;
using CchcSurvey.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace CchcSurvey.Web.Tests.Security;

/// <summary>
/// Every page and API answer carries a nonce-based Content-Security-Policy and the other security headers;
/// no page relies on inline styles or scripts without the nonce; cookies are HttpOnly and SameSite.
/// </summary>
public sealed partial class SecurityHeadersTests(SurveyAppFactory factory) : IClassFixture<SurveyAppFactory>
{
    public static TheoryData<string, bool> Paths => new()
    {
        { "/", false },
        { "/s/VQ-AS-Q1", false },
        { "/kiosk/VQ-AS-Q1", false },
        { "/account/login", false },
        { "/api/v1/counters", false },
        { "/docs/api", false },
        { "/openapi/v1.json", false },
        { "/dashboard", true },
        { "/admin", true },
        { "/admin/qr/VQ-AS-Q1", true },
        { "/admin/qr/unit/VQ-TNMT", true },
    };

    private async Task<HttpClient> ClientAsync(bool admin)
    {
        var client = factory.CreateBrowserClient();
        if (admin) await Http.SignInAsync(client, SurveyAppFactory.AdminEmail, SurveyAppFactory.AdminPassword);
        return client;
    }

    private static string Csp(HttpResponseMessage response) =>
        string.Join("; ", Assert.Single(response.Headers, h => h.Key == "Content-Security-Policy").Value);

    private static string Nonce(string csp)
    {
        var match = NoncePattern().Match(csp);
        Assert.True(match.Success, $"No nonce in the CSP: {csp}");
        return match.Groups[1].Value;
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task Responses_carry_a_nonce_csp_and_the_security_headers(string path, bool admin)
    {
        var client = await ClientAsync(admin);
        using var first = await client.GetAsync(path);
        using var second = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);

        var csp = Csp(first);
        Assert.DoesNotContain("unsafe-inline", csp);
        Assert.DoesNotContain("unsafe-eval", csp);
        Assert.Contains("default-src 'self'", csp);
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.Contains("base-uri 'none'", csp);
        Assert.Contains("object-src 'none'", csp);
        Assert.Contains("form-action 'self'", csp);
        var nonce = Nonce(csp);
        Assert.True(nonce.TrimEnd('=').Length >= 22, "The nonce has fewer than 128 bits."); // 22 base64 characters = 132 bits
        Assert.NotEqual(nonce, Nonce(Csp(second)));

        Assert.Equal("nosniff", Assert.Single(first.Headers.GetValues("X-Content-Type-Options")));
        Assert.Contains(Assert.Single(first.Headers.GetValues("Referrer-Policy")), new[] { "no-referrer", "strict-origin-when-cross-origin" });
        Assert.Equal("DENY", Assert.Single(first.Headers.GetValues("X-Frame-Options")));
        Assert.Contains("camera=()", Assert.Single(first.Headers.GetValues("Permissions-Policy")));
        Assert.Equal("same-origin", Assert.Single(first.Headers.GetValues("Cross-Origin-Opener-Policy")));

        if (first.Content.Headers.ContentType?.MediaType != "text/html") return;
        var html = await first.Content.ReadAsStringAsync();
        Assert.DoesNotMatch(InlineStyleAttribute(), html);
        Assert.DoesNotMatch(InlineEventHandler(), html);
        foreach (Match element in ScriptOrStyleElement().Matches(html))
            Assert.True(element.Value.Contains($"nonce=\"{nonce}\"", StringComparison.Ordinal), $"{path}: {element.Value} lacks the nonce {nonce}");
    }

    [Fact]
    public async Task Pages_with_scripts_or_styles_give_them_the_nonce()
    {
        // The survey page loads survey.js, the poster page has its @page style and print.js.
        var client = await ClientAsync(admin: true);
        foreach (var (path, element) in new[] { ("/s/VQ-AS-Q1", "<script"), ("/admin/qr/VQ-AS-Q1", "<style"), ("/admin/qr/VQ-AS-Q1", "<script") })
        {
            using var response = await client.GetAsync(path);
            var nonce = Nonce(Csp(response));
            var html = await response.Content.ReadAsStringAsync();
            Assert.Contains(element + " ", html);
            Assert.Contains($"nonce=\"{nonce}\"", html);
        }
    }

    [Fact]
    public async Task Static_files_and_errors_carry_the_headers_too()
    {
        var client = factory.CreateBrowserClient();
        foreach (var path in new[] { "/css/site.css", "/js/survey.js", "/no-such-page", "/api/v1/counters/NO-SUCH/qr.svg" })
        {
            using var response = await client.GetAsync(path);
            Assert.DoesNotContain("unsafe-inline", Csp(response));
            Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        }
    }

    [Fact]
    public async Task Hsts_is_sent_for_a_year_outside_development_over_https()
    {
        using var production = factory.WithWebHostBuilder(b => ProductionHost.Configure(b.UseEnvironment("Production")));
        // UseHsts leaves out localhost on purpose (a developer's browser would pin it), so use the public name.
        var client = production.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://khaosat.example.vn"), AllowAutoRedirect = false });
        using var response = await client.GetAsync("/");
        var hsts = Assert.Single(response.Headers.GetValues("Strict-Transport-Security"));
        Assert.Contains("max-age=31536000", hsts);
        Assert.Contains("includeSubDomains", hsts);

        var plain = production.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("http://khaosat.example.vn"), AllowAutoRedirect = false });
        using var overHttp = await plain.GetAsync("/");
        Assert.False(overHttp.Headers.Contains("Strict-Transport-Security"), "HSTS must only be sent over HTTPS.");
    }

    [Fact]
    public async Task Hsts_is_not_sent_in_development()
    {
        using var development = factory.WithWebHostBuilder(b => b.UseEnvironment("Development"));
        var client = development.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://khaosat.example.vn"), AllowAutoRedirect = false });
        using var response = await client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("Strict-Transport-Security"));
        Assert.DoesNotContain("unsafe-inline", Csp(response));
    }

    [Fact]
    public async Task Antiforgery_device_and_culture_cookies_are_httponly_and_samesite()
    {
        var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        using var response = await client.GetAsync("/s/VQ-AS-Q1?culture=en");
        var cookies = response.Headers.GetValues("Set-Cookie").ToList();

        var antiforgery = Assert.Single(cookies, c => c.StartsWith("cchc_af=", StringComparison.Ordinal));
        Assert.Contains("httponly", antiforgery, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", antiforgery, StringComparison.OrdinalIgnoreCase);

        var device = Assert.Single(cookies, c => c.StartsWith("cchc_device=", StringComparison.Ordinal));
        Assert.Contains("httponly", device, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", device, StringComparison.OrdinalIgnoreCase);

        var culture = Assert.Single(cookies, c => c.StartsWith(".AspNetCore.Culture=", StringComparison.Ordinal));
        Assert.Contains("httponly", culture, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", culture, StringComparison.OrdinalIgnoreCase);

        // Plain http (dev, tests): not Secure, or the browser would drop them.
        Assert.All(cookies, c => Assert.DoesNotContain("secure", c.Split(';').Skip(1).Select(a => a.Trim().ToLowerInvariant())));
    }

    [Fact]
    public async Task Cookies_are_secure_over_https()
    {
        var client = factory.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost"), AllowAutoRedirect = false, HandleCookies = false });
        using var response = await client.GetAsync("/s/VQ-AS-Q1");
        var cookies = response.Headers.GetValues("Set-Cookie").Where(c => c.StartsWith("cchc_", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, cookies.Count);
        Assert.All(cookies, c => Assert.Contains("secure", c.Split(';').Skip(1).Select(a => a.Trim().ToLowerInvariant())));
    }

    [Fact]
    public async Task Auth_cookie_is_httponly_and_samesite()
    {
        var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var page = await client.GetStringAsync("/account/login");
        using var response = await client.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["email"] = SurveyAppFactory.AdminEmail,
            ["password"] = SurveyAppFactory.AdminPassword,
            ["returnUrl"] = "/dashboard",
            ["__RequestVerificationToken"] = Http.AntiforgeryToken(page),
        }));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var auth = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("cchc_auth=", StringComparison.Ordinal));
        Assert.Contains("httponly", auth, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", auth, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Qr_svg_style_attributes_become_presentation_attributes()
    {
        var svg = QrPoster.ScalableSvg("<svg width=\"100\" height=\"100\" xmlns=\"http://www.w3.org/2000/svg\"><rect style=\"fill:#ffffff;foo:bar\" width=\"100\" height=\"100\"/><path style=\"fill:#000000\" d=\"M0 0h1v1H0z\"/></svg>");
        Assert.DoesNotContain("style=", svg);
        Assert.Contains("<rect fill=\"#ffffff\"", svg);
        Assert.Contains("<path fill=\"#000000\"", svg);
        Assert.DoesNotContain("foo", svg);
    }

    [GeneratedRegex("nonce-([A-Za-z0-9+/_=-]+)'")]
    private static partial Regex NoncePattern();

    [GeneratedRegex(@"\sstyle\s*=\s*[""']", RegexOptions.IgnoreCase)]
    private static partial Regex InlineStyleAttribute();

    [GeneratedRegex(@"\son[a-z]+\s*=\s*[""']", RegexOptions.IgnoreCase)]
    private static partial Regex InlineEventHandler();

    [GeneratedRegex(@"<(?:script|style)\b[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex ScriptOrStyleElement();
}
