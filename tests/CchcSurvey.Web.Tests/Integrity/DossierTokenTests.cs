using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using CchcSurvey.Web.Tests.Infrastructure;
using CchcSurvey.Web.Tests.Pages.Survey;
using Microsoft.EntityFrameworkCore;
using static CchcSurvey.Web.Tests.Integrity.IntegrityTestHelpers;

namespace CchcSurvey.Web.Tests.Integrity;

/// <summary>Per-dossier single-use tokens: issue, redeem once, expire, hash-only storage, concurrency.</summary>
public sealed class DossierTokenTests(SurveyAppFactory factory) : IClassFixture<SurveyAppFactory>
{
    private async Task<HttpClient> AdminBearerAsync() => Bearer(factory, await ApiTokenAsync(factory, SurveyAppFactory.AdminEmail));

    private int ResponsesAt(string counter) => factory.WithDatabase(db => db.Responses.Count(r => r.Counter!.Code == counter));

    [Fact]
    public async Task Issued_token_has_128_bits_a_url_and_an_expiry_and_only_its_hash_is_stored()
    {
        var bearer = await AdminBearerAsync();
        var (token, url, expires) = await IssueAsync(bearer, "VQ-TP-Q1", dossier: "000.00.12.H40-260101-0042");
        Assert.Matches("^[A-Za-z0-9_-]{22,}$", token);
        Assert.True(Convert.FromBase64String(token.Replace('-', '+').Replace('_', '/') + "==").Length >= 16);
        Assert.Equal($"https://khaosat.example.vn/t/{token}", url);
        var expiry = DateTime.Parse(expires, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal);
        Assert.InRange(expiry, DateTime.UtcNow.AddDays(7).AddMinutes(-1), DateTime.UtcNow.AddDays(7).AddHours(1));

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
        var stored = factory.WithDatabase(db => db.DossierTokens.Include(t => t.Counter).Single(t => t.TokenHash == hash));
        Assert.Equal("VQ-TP-Q1", stored.Counter.Code);
        Assert.False(stored.Used);
        Assert.False(DatabaseFilesContain(factory, token), "the plain token is in the database");
        Assert.False(DatabaseFilesContain(factory, "000.00.12.H40-260101-0042"), "the dossier code is in the database");
    }

    [Fact]
    public async Task Token_api_needs_a_bearer_token_of_a_manager_or_admin_within_scope()
    {
        var anonymous = factory.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/api/v1/tokens", new { counter = "VQ-TP-Q1" })).StatusCode);

        await AddOfficialAsync(factory, "viewer.tokens@vq.vn", "viewer", "VQ-TP");
        var viewer = Bearer(factory, await ApiTokenAsync(factory, "viewer.tokens@vq.vn"));
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostAsJsonAsync("/api/v1/tokens", new { counter = "VQ-TP-Q1" })).StatusCode);

        await AddOfficialAsync(factory, "manager.tokens@vq.vn", "manager", "VQ-TP");
        var manager = Bearer(factory, await ApiTokenAsync(factory, "manager.tokens@vq.vn"));
        await IssueAsync(manager, "VQ-TP-Q1");
        Assert.Equal(HttpStatusCode.NotFound, (await manager.PostAsJsonAsync("/api/v1/tokens", new { counter = "VQ-AS-Q1" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await manager.PostAsJsonAsync("/api/v1/tokens", new { counter = "NOPE-Q9" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await manager.PostAsJsonAsync("/api/v1/tokens", new { counter = 5 })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await manager.PostAsJsonAsync("/api/v1/tokens", new { counter = "VQ-TP-Q1", citizen = "x" })).StatusCode);
    }

    [Fact]
    public async Task Token_form_stores_one_response_bound_to_the_counter_then_the_token_is_used()
    {
        var (token, _, _) = await IssueAsync(await AdminBearerAsync(), "VQ-TCKH-Q1");
        var browser = factory.CreateBrowserClient();
        var form = await SurveyForm.OpenAsync(browser, $"/t/{token}");
        Assert.Contains("name=\"HL\"", form.Html);

        var posted = await SurveyForm.PostAsync(browser, form, ("HL", "4"));
        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        Assert.Equal($"/s/VQ-TCKH-Q1/cam-on/{form.SubmissionId}", posted.Headers.Location?.OriginalString);
        var stored = Assert.Single(SurveyForm.Responses(factory, form.SubmissionId));
        Assert.Equal("VQ-TCKH-Q1", stored.Counter!.Code);
        Assert.Equal("qr", stored.Channel);
        Assert.Equal("NHANH", stored.InstrumentVersion.Code);

        // A double submit of the same form is the same response: thank-you page again, nothing new.
        var again = await SurveyForm.PostAsync(browser, form, ("HL", "4"));
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        Assert.Equal(1, ResponsesAt("VQ-TCKH-Q1"));

        // Opening the used token looks like before (METHODOLOGY §6: whoever printed the slip cannot poll whether it was used).
        var reopened = await browser.GetAsync($"/t/{token}");
        Assert.Equal(HttpStatusCode.OK, reopened.StatusCode);
        Assert.Contains("name=\"HL\"", await SurveyForm.HtmlAsync(reopened));

        // Another submission with the used token (new id): 409 page, nothing stored.
        var other = await SurveyForm.PostAsync(browser, form with { SubmissionId = Guid.NewGuid() }, ("HL", "2"));
        Assert.Equal(HttpStatusCode.Conflict, other.StatusCode);
        Assert.Contains("Mã khảo sát đã được sử dụng", await SurveyForm.HtmlAsync(other));
        Assert.Equal(1, ResponsesAt("VQ-TCKH-Q1"));
    }

    [Fact]
    public async Task Api_token_response_is_201_then_reuse_is_409_and_a_retry_of_the_same_response_is_200()
    {
        var (token, _, _) = await IssueAsync(await AdminBearerAsync(), "VQ-TNMT-Q1");
        var client = factory.CreateClient();
        var id = Guid.NewGuid();
        var first = await PostResponseAsync(client, Nhanh(id, 3, token: token, channel: "web"));
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var stored = factory.WithDatabase(db => db.Responses.Include(r => r.Counter).Single(r => r.SubmissionId == id));
        Assert.Equal("VQ-TNMT-Q1", stored.Counter!.Code);

        var retry = await PostResponseAsync(client, Nhanh(id, 3, token: token, channel: "web"));
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await retry.Content.ReadAsStringAsync());

        var reuse = await PostResponseAsync(client, Nhanh(Guid.NewGuid(), 3, token: token, channel: "web"));
        Assert.Equal(HttpStatusCode.Conflict, reuse.StatusCode);
        Assert.Equal("application/problem+json", reuse.Content.Headers.ContentType?.MediaType);
        Assert.Equal(1, ResponsesAt("VQ-TNMT-Q1"));

        // Both counter and token, or a token that does not exist.
        Assert.Equal(HttpStatusCode.BadRequest, (await PostResponseAsync(client, Nhanh(Guid.NewGuid(), 3, counter: "VQ-TNMT-Q1", token: token))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await PostResponseAsync(client, Nhanh(Guid.NewGuid(), 3, token: "AAAAAAAAAAAAAAAAAAAAAA"))).StatusCode);
    }

    [Fact]
    public async Task Expired_token_is_409_on_the_page_and_the_api_and_stores_nothing()
    {
        var (token, _, _) = await IssueAsync(await AdminBearerAsync(), "VQ-VHTT-Q1");
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
        var browser = factory.CreateBrowserClient();
        var form = await SurveyForm.OpenAsync(browser, $"/t/{token}");
        factory.WithDatabase(db => db.DossierTokens.Where(t => t.TokenHash == hash)
            .ExecuteUpdate(u => u.SetProperty(t => t.ExpiresUtc, DateTime.UtcNow.AddHours(-1))));

        var page = await browser.GetAsync($"/t/{token}");
        Assert.Equal(HttpStatusCode.Conflict, page.StatusCode);
        Assert.Contains("Mã khảo sát đã hết hạn", await SurveyForm.HtmlAsync(page));

        var post = await SurveyForm.PostAsync(browser, form, ("HL", "4"));
        Assert.Equal(HttpStatusCode.Conflict, post.StatusCode);
        Assert.Contains("Mã khảo sát đã hết hạn", await SurveyForm.HtmlAsync(post));
        var api = await PostResponseAsync(factory.CreateClient(), Nhanh(Guid.NewGuid(), 4, token: token));
        Assert.Equal(HttpStatusCode.Conflict, api.StatusCode);
        Assert.Equal(0, ResponsesAt("VQ-VHTT-Q1"));
    }

    [Fact]
    public async Task Unknown_token_page_is_404_with_a_clear_message()
    {
        foreach (var token in new[] { "AAAAAAAAAAAAAAAAAAAAAA", "abc", "..%2F..%2Fetc" })
        {
            var page = await factory.CreateClient().GetAsync($"/t/{token}");
            Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
            if (token.Contains('%')) continue;
            var html = await SurveyForm.HtmlAsync(page);
            Assert.Contains("Mã khảo sát không đúng", html);
            Assert.DoesNotContain("name=\"HL\"", html);
        }
    }

    [Fact]
    public async Task Concurrent_submissions_with_one_token_store_exactly_one_response()
    {
        var (token, _, _) = await IssueAsync(await AdminBearerAsync(), "VQ-LDXH-Q1");
        var client = factory.CreateClient();
        var posts = Enumerable.Range(0, 12).Select(i => PostResponseAsync(client, Nhanh(Guid.NewGuid(), 1 + i % 5, token: token))).ToList();
        var statuses = (await Task.WhenAll(posts)).Select(r => r.StatusCode).ToList();
        Assert.Equal(1, statuses.Count(s => s == HttpStatusCode.Created));
        Assert.Equal(11, statuses.Count(s => s == HttpStatusCode.Conflict));
        Assert.Equal(1, ResponsesAt("VQ-LDXH-Q1"));
    }
}
