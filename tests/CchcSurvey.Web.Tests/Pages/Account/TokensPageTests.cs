using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using CchcSurvey.Web.Tests.Infrastructure;
using CchcSurvey.Web.Tests.Pages.Admin;
using Microsoft.EntityFrameworkCore;

namespace CchcSurvey.Web.Tests.Pages.Account;

/// <summary>
/// /account/tokens: an official lists, creates and revokes their own API tokens. The plain token is shown
/// once; a revoked token stops working at once; nobody else can revoke it.
/// </summary>
public sealed partial class TokensPageTests(SurveyAppFactory factory) : IClassFixture<SurveyAppFactory>
{
    private const string Indices = "/api/v1/units/VQ-AS/indices?instrument=NHANH";

    private HttpClient Bearer(string token)
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static async Task<string> CreateAsync(HttpClient client, string name)
    {
        var response = await AdminForms.PostAsync(client, "/account/tokens?handler=create", ("name", name));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("no-store", response.Headers.CacheControl?.ToString());
        var html = await AdminForms.HtmlAsync(response);
        var match = TokenPattern().Match(html);
        Assert.True(match.Success, "The new token is not on the page.");
        return match.Value;
    }

    [Fact]
    public async Task Anonymous_visitors_are_sent_to_sign_in()
    {
        AdminForms.AssertRedirectTo(await factory.CreateBrowserClient().GetAsync("/account/tokens"), "/account/login");
    }

    [Fact]
    public async Task A_token_is_shown_once_works_over_the_api_and_stops_working_when_revoked()
    {
        var (client, email) = await AdminForms.OfficialAsync(factory, "viewer", "VQ-AS");
        var token = await CreateAsync(client, "báo cáo quý");

        // Listed by name afterwards, never shown again.
        var list = await AdminForms.HtmlAsync(await client.GetAsync("/account/tokens"));
        Assert.Contains("báo cáo quý", list);
        Assert.DoesNotContain(token, list);
        var stored = factory.WithDatabase(db => db.ApiTokens.AsNoTracking().Single(t => t.Official.Email == email));
        Assert.NotEqual(token, stored.TokenHash);
        Assert.Null(stored.LastUsedUtc);

        var api = Bearer(token);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync(Indices)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync("/api/v1/units/VQ/indices?instrument=NHANH")).StatusCode);
        Assert.NotNull(factory.WithDatabase(db => db.ApiTokens.AsNoTracking().Single(t => t.Id == stored.Id).LastUsedUtc));
        Assert.DoesNotContain("—</td>", (await AdminForms.HtmlAsync(await client.GetAsync("/account/tokens"))).Split("data-token")[1].Split("</tr>")[0]);

        var revoked = await AdminForms.PostAsync(client, "/account/tokens?handler=revoke", ("id", stored.Id.ToString()));
        AdminForms.AssertRedirectTo(revoked, "/account/tokens");
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.GetAsync(Indices)).StatusCode);
        Assert.NotNull(factory.WithDatabase(db => db.ApiTokens.AsNoTracking().Single(t => t.Id == stored.Id).RevokedUtc));
        Assert.Contains("Đã thu hồi", await AdminForms.HtmlAsync(await client.GetAsync("/account/tokens")));

        var created = Assert.Single(AdminForms.Audit(factory, "token-create"), e => e.Actor == email);
        Assert.Equal($"api-token:{stored.Id}", created.Target);
        var revokedEntry = Assert.Single(AdminForms.Audit(factory, "token-revoke"), e => e.Actor == email);
        Assert.Equal($"api-token:{stored.Id}", revokedEntry.Target);
        Assert.DoesNotContain(token, factory.WithDatabase(db => string.Join(" ", db.AuditEntries.Select(e => e.Target + e.Details + e.Actor).ToList())));
    }

    [Fact]
    public async Task Nobody_else_can_see_or_revoke_a_token()
    {
        var (owner, ownerEmail) = await AdminForms.OfficialAsync(factory, "viewer", "VQ-AS");
        var token = await CreateAsync(owner, "của tôi");
        var id = factory.WithDatabase(db => db.ApiTokens.Single(t => t.Official.Email == ownerEmail).Id);

        var (other, _) = await AdminForms.OfficialAsync(factory, "manager", "VQ");
        Assert.DoesNotContain("của tôi", await AdminForms.HtmlAsync(await other.GetAsync("/account/tokens")));
        var response = await AdminForms.PostAsync(other, "/account/tokens?handler=revoke", ("id", id.ToString()));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Null(factory.WithDatabase(db => db.ApiTokens.Single(t => t.Id == id).RevokedUtc));
        Assert.Equal(HttpStatusCode.OK, (await Bearer(token).GetAsync(Indices)).StatusCode);

        // Without the antiforgery token the revoke is refused too.
        var forged = await owner.PostAsync("/account/tokens?handler=revoke", new FormUrlEncodedContent(new Dictionary<string, string> { ["id"] = id.ToString() }));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Null(factory.WithDatabase(db => db.ApiTokens.Single(t => t.Id == id).RevokedUtc));
    }

    [Fact]
    public async Task A_token_needs_a_name_and_nothing_is_stored_without_one()
    {
        var (client, email) = await AdminForms.OfficialAsync(factory, "viewer", "VQ-AS");
        var response = await AdminForms.PostAsync(client, "/account/tokens?handler=create", ("name", "  "));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var html = await AdminForms.HtmlAsync(response);
        Assert.Contains("Tên mã truy cập phải có từ 1 đến 100 ký tự.", html);
        Assert.DoesNotMatch(TokenPattern(), html);
        Assert.Equal(0, factory.WithDatabase(db => db.ApiTokens.Count(t => t.Official.Email == email)));
    }

    [Fact]
    public async Task A_locked_officials_tokens_stop_working()
    {
        var (client, email) = await AdminForms.OfficialAsync(factory, "viewer", "VQ-AS");
        var token = await CreateAsync(client, "bị khoá");
        var id = factory.WithDatabase(db => db.Users.Single(u => u.Email == email).Id);
        var admin = await AdminForms.AdminAsync(factory);
        AdminForms.AssertRedirectTo(await AdminForms.PostAsync(admin, $"/admin/users/{id}", $"/admin/users/{id}?handler=lock"), "/admin/users/");
        Assert.Equal(HttpStatusCode.Unauthorized, (await Bearer(token).GetAsync(Indices)).StatusCode);
    }

    [GeneratedRegex("cchc_[A-Za-z0-9_-]{40,}")]
    private static partial Regex TokenPattern();
}
