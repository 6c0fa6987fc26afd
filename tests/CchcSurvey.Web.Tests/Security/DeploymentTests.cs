using System.Net;
using CchcSurvey.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace CchcSurvey.Web.Tests.Security;

/// <summary>
/// Production behind a TLS-terminating reverse proxy: the start refuses a missing public address, allowed hosts or
/// key certificate with a clear message; Data Protection keys are stored encrypted; cookies are Secure even when the
/// proxy speaks plain http to the app; X-Forwarded-Proto is believed from the configured proxy only; pages are not
/// compressed over HTTPS (BREACH).
/// </summary>
public sealed class DeploymentTests(SurveyAppFactory factory) : IClassFixture<SurveyAppFactory>
{
    private const string Proxy = "10.0.0.5";

    private WebApplicationFactory<Program> Production(Action<IWebHostBuilder>? more = null, string? remoteIp = null) =>
        factory.WithWebHostBuilder(b =>
        {
            ProductionHost.Configure(b.UseEnvironment("Production"));
            more?.Invoke(b);
            if (remoteIp is not null)
                b.ConfigureTestServices(s => s.AddSingleton<IStartupFilter>(new RemoteAddress(IPAddress.Parse(remoteIp))));
        });

    [Theory]
    [InlineData("AllowedHosts", "", "AllowedHosts is required in Production")]
    [InlineData("AllowedHosts", "*", "AllowedHosts is required in Production")]
    [InlineData("Survey:PublicBaseUrl", "", "Survey:PublicBaseUrl is required in Production")]
    [InlineData("Survey:PublicBaseUrl", "http://khaosat.example.vn", "must be an absolute https:// address")]
    [InlineData("DataProtection:Certificate", "", "DataProtection:Certificate is required in Production")]
    [InlineData("DataProtection:Certificate", "/no/such/key.pfx", "names a file that does not exist")]
    [InlineData("DataProtection:CertificatePassword", "sai-mat-khau", "cannot be read")]
    public void Production_refuses_to_start_without_what_it_needs(string key, string value, string message)
    {
        using var app = Production(b => b.UseSetting(key, value));
        var error = Assert.ThrowsAny<Exception>(() => app.CreateClient());
        Assert.Contains(message, error.ToString());
    }

    [Fact]
    public void A_certificate_without_its_private_key_is_refused()
    {
        var path = ProductionHost.Create(Path.Combine(Path.GetTempPath(), "cchc-tests", $"nokey-{Guid.NewGuid():N}.pfx"), withKey: false);
        using var app = Production(b => b.UseSetting("DataProtection:Certificate", path));
        Assert.Contains("has no private key", Assert.ThrowsAny<Exception>(() => app.CreateClient()).ToString());
    }

    [Fact]
    public async Task Data_protection_keys_are_stored_encrypted_with_the_certificate_and_still_work()
    {
        using var app = Production();
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri($"https://{ProductionHost.Host}"), AllowAutoRedirect = false });
        await Http.SignInAsync(client, SurveyAppFactory.AdminEmail, SurveyAppFactory.AdminPassword);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/dashboard")).StatusCode);
        var keys = factory.WithDatabase(db => db.DataProtectionKeys.Select(k => k.Xml).ToList());
        Assert.NotEmpty(keys);
        // Development's keys (written by the other tests of the class' app) are plain; at least the new ones are not.
        Assert.Contains(keys, k => k!.Contains("EncryptedData", StringComparison.Ordinal) && !k.Contains("<value>", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Behind_the_proxy_the_session_and_antiforgery_cookies_are_secure_and_http_only()
    {
        // The proxy terminates TLS and speaks plain http to the app, saying X-Forwarded-Proto: https.
        using var app = Production(b => b.UseSetting("ForwardedHeaders:KnownProxies", Proxy), Proxy);
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri($"http://{ProductionHost.Host}"), AllowAutoRedirect = false, HandleCookies = false });
        HttpRequestMessage Forwarded(HttpMethod method, string url)
        {
            var request = new HttpRequestMessage(method, url);
            request.Headers.Add("X-Forwarded-Proto", "https");
            return request;
        }
        using var login = await client.SendAsync(Forwarded(HttpMethod.Get, "/account/login"));
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var antiforgery = Assert.Single(login.Headers.GetValues("Set-Cookie"), c => c.StartsWith("cchc_af=", StringComparison.Ordinal));
        Assert.Contains("secure", antiforgery, StringComparison.OrdinalIgnoreCase);
        using var post = Forwarded(HttpMethod.Post, "/account/login");
        post.Content = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["email"] = SurveyAppFactory.AdminEmail, ["password"] = SurveyAppFactory.AdminPassword,
            ["__RequestVerificationToken"] = Http.AntiforgeryToken(await login.Content.ReadAsStringAsync()),
        });
        post.Headers.Add("Cookie", antiforgery.Split(';')[0]);
        using var signedIn = await client.SendAsync(post);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        var session = Assert.Single(signedIn.Headers.GetValues("Set-Cookie"), c => c.StartsWith("cchc_auth=", StringComparison.Ordinal));
        Assert.Contains("secure", session, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", session, StringComparison.OrdinalIgnoreCase);
        Assert.True(signedIn.Headers.Contains("Strict-Transport-Security"));

        // The citizen's side too: the device and language cookies.
        using var survey = await client.SendAsync(Forwarded(HttpMethod.Get, "/s/VQ-AS-Q1?culture=en"));
        Assert.Equal(HttpStatusCode.OK, survey.StatusCode);
        var cookies = survey.Headers.GetValues("Set-Cookie").ToList();
        Assert.NotEmpty(cookies);
        Assert.All(cookies, c => Assert.Contains("secure", c, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void Outside_development_and_the_test_host_cookies_are_always_secure()
    {
        using var app = Production();
        var cookie = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions>>()
            .Get(Microsoft.AspNetCore.Identity.IdentityConstants.ApplicationScheme);
        Assert.Equal(CookieSecurePolicy.Always, cookie.Cookie.SecurePolicy);
        var antiforgery = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Antiforgery.AntiforgeryOptions>>().Value;
        Assert.Equal(CookieSecurePolicy.Always, antiforgery.Cookie.SecurePolicy);
    }

    [Fact]
    public async Task Forwarded_proto_is_believed_from_the_configured_proxy_only()
    {
        static async Task<bool> HstsAsync(WebApplicationFactory<Program> app)
        {
            var client = app.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri($"http://{ProductionHost.Host}"), AllowAutoRedirect = false });
            using var request = new HttpRequestMessage(HttpMethod.Get, "/");
            request.Headers.Add("X-Forwarded-Proto", "https");
            request.Headers.Add("X-Forwarded-For", "203.0.113.50");
            using var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return response.Headers.Contains("Strict-Transport-Security");
        }

        // From the configured proxy the request is HTTPS (HSTS is sent only then).
        using (var viaProxy = Production(b => b.UseSetting("ForwardedHeaders:KnownProxies", Proxy), Proxy))
            Assert.True(await HstsAsync(viaProxy));
        // From anyone else, or with no proxy configured (not even the loopback default), the header is ignored.
        using (var stranger = Production(b => b.UseSetting("ForwardedHeaders:KnownProxies", Proxy), "203.0.113.9"))
            Assert.False(await HstsAsync(stranger));
        using (var none = Production(remoteIp: "127.0.0.1"))
            Assert.False(await HstsAsync(none));
        using (var network = Production(b => b.UseSetting("ForwardedHeaders:KnownNetworks", "10.0.0.0/24"), Proxy))
            Assert.True(await HstsAsync(network));
    }

    [Fact]
    public async Task Pages_are_not_compressed_over_https()
    {
        using var app = Production();
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri($"https://{ProductionHost.Host}"), AllowAutoRedirect = false });
        using var request = new HttpRequestMessage(HttpMethod.Get, "/account/login");
        request.Headers.Add("Accept-Encoding", "br, gzip");
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(response.Content.Headers.ContentEncoding);
        Assert.Contains("__RequestVerificationToken", await response.Content.ReadAsStringAsync());
    }

    /// <summary>TestServer has no client address; this sets one, as Kestrel would from the socket.</summary>
    private sealed class RemoteAddress(IPAddress address) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((HttpContext http, RequestDelegate following) =>
            {
                http.Connection.RemoteIpAddress = address;
                return following(http);
            });
            next(app);
        };
    }
}
