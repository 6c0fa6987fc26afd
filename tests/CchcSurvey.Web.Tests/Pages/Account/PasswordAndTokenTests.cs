using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using CchcSurvey.Web.Security;
using CchcSurvey.Web.Tests.Infrastructure;
using CchcSurvey.Web.Tests.Pages.Admin;
using Microsoft.EntityFrameworkCore;

namespace CchcSurvey.Web.Tests.Pages.Account;

/// <summary>
/// Self-service password change with ASVS 5.0 rules (V6.2: 12 characters or more, no composition rules, no common
/// breached password), and personal API tokens that expire, open the API only, and survive a stranger's
/// failed-password lockout of their owner.
/// </summary>
public sealed partial class PasswordAndTokenTests(SurveyAppFactory factory) : IClassFixture<SurveyAppFactory>
{
    private const string Indices = "/api/v1/units/VQ-AS/indices";

    [Fact]
    public void The_shipped_list_refuses_common_passwords_whatever_their_case_and_only_those()
    {
        Assert.True(PasswordRules.ListedCount > 250, $"only {PasswordRules.ListedCount} listed passwords of 12 characters or more");
        Assert.True(PasswordRules.IsCommon("qwerty123456"));
        Assert.True(PasswordRules.IsCommon("QWERTY123456"));
        Assert.True(PasswordRules.IsCommon("1qaz2wsx3edc"));
        Assert.False(PasswordRules.IsCommon("con mèo trèo cây cau"));
    }

    [Fact]
    public async Task An_official_changes_their_password_under_the_asvs_rules_and_stays_signed_in()
    {
        const string old = "Mat-khau-cu-cua-toi";
        var (client, email) = await AdminForms.OfficialAsync(factory, "viewer", "VQ-AS", old);
        async Task<HttpResponseMessage> Change(string current, string password, string? confirm = null) =>
            await AdminForms.PostAsync(client, "/account/security", "/account/security?handler=password",
                ("current", current), ("password", password), ("confirm", confirm ?? password));

        (string Current, string New, string? Confirm, string Message)[] refusals =
        [
            ("sai-mat-khau-hien-tai", "mot cau rat dai de nho", null, "Mật khẩu hiện tại không đúng."),
            (old, "ngan qua 11", null, "Mật khẩu phải có ít nhất 12 ký tự."),
            (old, "qwertyuiop123", null, "danh sách mật khẩu phổ biến đã bị lộ"),
            (old, "Password1234", null, "danh sách mật khẩu phổ biến đã bị lộ"),
            (old, email, null, "Mật khẩu không được là tên tài khoản"),
            (old, "mot cau rat dai de nho", "mot cau khac han", "Hai lần nhập mật khẩu mới không giống nhau."),
            (old, new string('x', 129), null, "Mật khẩu dài quá 128 ký tự."),
        ];
        foreach (var (current, password, confirm, message) in refusals)
        {
            var refused = await Change(current, password, confirm);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Contains(message, WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync()));
        }
        Assert.DoesNotContain(AdminForms.Audit(factory, "password-change"), e => e.Target == email);

        // Twelve lower-case letters and spaces, no digit, no capital: allowed (no composition rules).
        const string sentence = "ao dai xanh la";
        AdminForms.AssertRedirectTo(await Change(old, sentence), "/account/security");
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/dashboard")).StatusCode);
        Assert.Single(AdminForms.Audit(factory, "password-change"), e => e.Target == email);
        await Http.SignInAsync(factory.CreateBrowserClient(), email, sentence);
        var withOld = factory.CreateBrowserClient();
        var page = await withOld.GetStringAsync("/account/login");
        var refusedOld = await withOld.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["email"] = email, ["password"] = old, ["__RequestVerificationToken"] = Http.AntiforgeryToken(page),
        }));
        Assert.Equal(HttpStatusCode.OK, refusedOld.StatusCode);
    }

    [Fact]
    public async Task A_token_expires_at_the_chosen_date_shown_on_the_page()
    {
        var (client, email) = await AdminForms.OfficialAsync(factory, "viewer", "VQ-AS");
        var created = await AdminForms.PostAsync(client, "/account/tokens", "/account/tokens?handler=create", ("name", "báo cáo tháng"), ("days", "30"));
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        var html = await created.Content.ReadAsStringAsync();
        var token = TokenPattern().Match(html).Value;
        var stored = factory.WithDatabase(db => db.ApiTokens.AsNoTracking().Single(t => t.Official.Email == email));
        Assert.NotNull(stored.ExpiresUtc);
        Assert.InRange((stored.ExpiresUtc!.Value - stored.CreatedUtc).TotalDays, 29.99, 30.01);
        // Shown in Vietnam's time (UTC+7), dd/MM/yyyy, with the instant and its offset for machines.
        var local = stored.ExpiresUtc.Value.AddHours(7);
        Assert.Contains($"data-expires=\"{local:yyyy-MM-dd'T'HH:mm:ss}+07:00\">{local:dd/MM/yyyy HH:mm}<", WebUtility.HtmlDecode(html));
        Assert.Contains("expires in 30 days", Assert.Single(AdminForms.Audit(factory, "token-create"), e => e.Actor == email).Details);
        Assert.Equal(HttpStatusCode.OK, (await Bearer(token).GetAsync(Indices)).StatusCode);

        // A lifetime not offered changes nothing.
        var bad = await AdminForms.PostAsync(client, "/account/tokens", "/account/tokens?handler=create", ("name", "x"), ("days", "100000"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Single(factory.WithDatabase(db => db.ApiTokens.Where(t => t.Official.Email == email).ToList()));

        // Past its date the token opens nothing.
        factory.WithDatabase(db => db.ApiTokens.Where(t => t.Id == stored.Id)
            .ExecuteUpdate(s => s.SetProperty(t => t.ExpiresUtc, DateTime.UtcNow.AddMinutes(-1))));
        Assert.Equal(HttpStatusCode.Unauthorized, (await Bearer(token).GetAsync(Indices)).StatusCode);
        Assert.Contains("Đã hết hạn", await client.GetStringAsync("/account/tokens"));
    }

    [Fact]
    public async Task A_token_made_on_the_command_line_can_expire_too()
    {
        var (_, email) = await AdminForms.OfficialAsync(factory, "viewer", "VQ-AS");
        var run = await CliRunner.RunAsync(factory, "token", "add", "--email", email, "--days", "7");
        Assert.Equal(0, run.ExitCode);
        var stored = factory.WithDatabase(db => db.ApiTokens.AsNoTracking().Single(t => t.Official.Email == email));
        Assert.InRange((stored.ExpiresUtc!.Value - stored.CreatedUtc).TotalDays, 6.99, 7.01);
    }

    [Fact]
    public async Task A_failed_password_lockout_leaves_the_officials_tokens_working_an_administrators_lock_does_not()
    {
        var (client, email) = await AdminForms.OfficialAsync(factory, "manager", "VQ-AS");
        var created = await AdminForms.PostAsync(client, "/account/tokens", "/account/tokens?handler=create", ("name", "hàng đợi"), ("days", "never"));
        var token = TokenPattern().Match(await created.Content.ReadAsStringAsync()).Value;
        Assert.Null(factory.WithDatabase(db => db.ApiTokens.Single(t => t.Official.Email == email).ExpiresUtc));

        // A stranger types wrong passwords until the account is locked for a while.
        var stranger = factory.CreateBrowserClient();
        for (var i = 0; i < 5; i++)
        {
            var page = await stranger.GetStringAsync("/account/login");
            await stranger.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["email"] = email, ["password"] = $"doan-mo-{i}-sai-roi", ["__RequestVerificationToken"] = Http.AntiforgeryToken(page),
            }));
        }
        Assert.True(factory.WithDatabase(db => db.Users.Single(u => u.Email == email).LockoutEnd) > DateTimeOffset.UtcNow);
        Assert.Single(AdminForms.Audit(factory, "lockout"), e => e.Target == email);
        // The queue system's token keeps working …
        Assert.Equal(HttpStatusCode.OK, (await Bearer(token).GetAsync(Indices)).StatusCode);

        // … until an administrator locks the account.
        var id = factory.WithDatabase(db => db.Users.Single(u => u.Email == email).Id);
        AdminForms.AssertRedirectTo(await AdminForms.PostAsync(await AdminForms.AdminAsync(factory), $"/admin/users/{id}", $"/admin/users/{id}?handler=lock"), "/admin/users/");
        Assert.Equal(HttpStatusCode.Unauthorized, (await Bearer(token).GetAsync(Indices)).StatusCode);
    }

    [Fact]
    public async Task A_token_opens_the_api_but_never_a_page()
    {
        var (client, _) = await AdminForms.OfficialAsync(factory, "manager", "VQ-AS");
        var created = await AdminForms.PostAsync(client, "/account/tokens", "/account/tokens?handler=create", ("name", "chỉ API"), ("days", "90"));
        var bearer = Bearer(TokenPattern().Match(await created.Content.ReadAsStringAsync()).Value);
        Assert.Equal(HttpStatusCode.OK, (await bearer.GetAsync(Indices)).StatusCode);
        foreach (var page in new[] { "/dashboard", "/dashboard/comments", "/staff/token", "/account/tokens", "/account/security" })
        {
            var answer = await bearer.GetAsync(page);
            Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode);
            Assert.DoesNotContain("<html", await answer.Content.ReadAsStringAsync());
        }
    }

    private HttpClient Bearer(string token)
    {
        var client = factory.CreateBrowserClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    [GeneratedRegex("cchc_[A-Za-z0-9_-]{40,}")]
    private static partial Regex TokenPattern();
}
