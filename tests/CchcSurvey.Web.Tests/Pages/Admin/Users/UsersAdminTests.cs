using System.Net;
using CchcSurvey.Web.Data;
using CchcSurvey.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CchcSurvey.Web.Tests.Pages.Admin;

/// <summary>Officials: create with role and scope, change role and scope, lock and unlock; every change audited.</summary>
public sealed class UsersAdminTests(SurveyAppFactory factory) : IClassFixture<SurveyAppFactory>
{
    private const string Password = "Mat-khau-Moi-1";

    private (Official? Official, IList<string> Roles) Find(string email)
    {
        using var scope = factory.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<Official>>();
        var official = users.FindByEmailAsync(email).GetAwaiter().GetResult();
        return (official, official is null ? [] : users.GetRolesAsync(official).GetAwaiter().GetResult());
    }

    private int UnitId(string code) => factory.WithDatabase(db => db.Units.Single(u => u.Code == code).Id);

    private static async Task<HttpResponseMessage> SignInAsync(HttpClient client, string email, string password)
    {
        var page = await client.GetStringAsync("/account/login");
        return await client.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["email"] = email, ["password"] = password, ["returnUrl"] = "/dashboard", ["__RequestVerificationToken"] = Http.AntiforgeryToken(page),
        }));
    }

    [Fact]
    public async Task Create_a_viewer_with_a_scope_then_lock_and_unlock()
    {
        var admin = await AdminForms.AdminAsync(factory);
        const string email = "can.bo.anson@test.local";
        var created = await AdminForms.PostAsync(admin, "/admin/users",
            ("Form.Email", email), ("Form.Password", Password), ("Form.Role", "viewer"), ("Form.Unit", "VQ-AS"));
        AdminForms.AssertRedirectTo(created, "/admin/users");
        var (official, roles) = Find(email);
        Assert.NotNull(official);
        Assert.Equal(["viewer"], roles);
        Assert.Equal(UnitId("VQ-AS"), official.ScopeUnitId);
        var entry = Assert.Single(AdminForms.Audit(factory, "user-create"), e => e.Target == email);
        Assert.Contains("VQ-AS", entry.Details);
        Assert.DoesNotContain(Password, entry.Details);
        Assert.Contains(email, await AdminForms.HtmlAsync(await admin.GetAsync("/admin/users")));

        // The new official signs in and reads only their scope.
        var viewer = factory.CreateBrowserClient();
        AdminForms.AssertRedirectTo(await SignInAsync(viewer, email, Password), "/dashboard");
        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync("/api/v1/units/VQ-AS/indices?instrument=NHANH")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await viewer.GetAsync("/api/v1/units/VQ/indices?instrument=NHANH")).StatusCode);

        var locked = await AdminForms.PostAsync(admin, $"/admin/users/{official.Id}", $"/admin/users/{official.Id}?handler=lock");
        AdminForms.AssertRedirectTo(locked, "/admin/users/");
        Assert.True(Find(email).Official!.LockoutEnd > DateTimeOffset.UtcNow.AddYears(100));
        var refused = await SignInAsync(factory.CreateBrowserClient(), email, Password);
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains("Tài khoản tạm khoá", await AdminForms.HtmlAsync(refused));
        Assert.Single(AdminForms.Audit(factory, "user-lock"), e => e.Target == email);

        AdminForms.AssertRedirectTo(await AdminForms.PostAsync(admin, $"/admin/users/{official.Id}", $"/admin/users/{official.Id}?handler=unlock"), "/admin/users/");
        Assert.Null(Find(email).Official!.LockoutEnd);
        AdminForms.AssertRedirectTo(await SignInAsync(factory.CreateBrowserClient(), email, Password), "/dashboard");
        Assert.Single(AdminForms.Audit(factory, "user-unlock"), e => e.Target == email);
    }

    [Theory]
    [InlineData("thieu.pham.vi@test.local", Password, "viewer", "", "phải có phạm vi")]
    [InlineData("yeu.mat.khau@test.local", "ngan", "viewer", "VQ-AS", "Mật khẩu phải có ít nhất 12 ký tự.")]
    [InlineData("mot.ky.tu.thieu@test.local", "Mat-khau-12", "viewer", "VQ-AS", "Mật khẩu phải có ít nhất 12 ký tự.")]
    [InlineData("pho.bien@test.local", "1q2w3e4r5t6y", "manager", "VQ", "danh sách mật khẩu phổ biến đã bị lộ")]
    [InlineData("pho.bien.hoa@test.local", "QWERTY123456", "manager", "VQ", "danh sách mật khẩu phổ biến đã bị lộ")]
    [InlineData("ten.minh@test.local", "ten.minh@test.local!", "manager", "VQ", "Mật khẩu không được là tên tài khoản")]
    [InlineData("khong-phai-thu", Password, "viewer", "VQ-AS", "Thư điện tử không hợp lệ.")]
    [InlineData("sai.vai.tro@test.local", Password, "superuser", "VQ-AS", "Hãy chọn vai trò")]
    [InlineData("sai.don.vi@test.local", Password, "viewer", "NOPE", "Không tìm thấy đơn vị phạm vi.")]
    [InlineData(SurveyAppFactory.AdminEmail, Password, "admin", "", "Thư điện tử này đã có tài khoản.")]
    public async Task Bad_input_to_create_shows_a_vietnamese_message_and_creates_nothing(string email, string password, string role, string unit, string message)
    {
        var admin = await AdminForms.AdminAsync(factory);
        var before = factory.WithDatabase(db => (db.Users.Count(), db.AuditEntries.Count(e => e.Action == "user-create")));
        var response = await AdminForms.PostAsync(admin, "/admin/users",
            ("Form.Email", email), ("Form.Password", password), ("Form.Role", role), ("Form.Unit", unit));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var html = await AdminForms.HtmlAsync(response);
        Assert.Contains(message, html);
        Assert.DoesNotContain(password, html.Replace(email, ""));
        Assert.Equal(before, factory.WithDatabase(db => (db.Users.Count(), db.AuditEntries.Count(e => e.Action == "user-create"))));
    }

    [Fact]
    public async Task A_manager_added_without_a_password_gets_a_strong_one_shown_once_and_signs_in_with_it()
    {
        var admin = await AdminForms.AdminAsync(factory);
        const string email = "quan.ly.vanquan@test.local";
        var created = await AdminForms.PostAsync(admin, "/admin/users",
            ("Form.Email", email), ("Form.Password", ""), ("Form.Role", "manager"), ("Form.Unit", "VQ"));
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        Assert.Contains("no-store", created.Headers.CacheControl!.ToString());
        var html = await AdminForms.HtmlAsync(created);
        var password = System.Text.RegularExpressions.Regex.Match(html, "<code id=\"generated-password\">([^<]+)</code>").Groups[1].Value;
        Assert.Matches("^[A-Za-z2-9]{6}-[A-Za-z2-9]{6}-[A-Za-z2-9]{6}$", password);
        Assert.Equal(["manager"], Find(email).Roles);
        Assert.Equal(UnitId("VQ"), Find(email).Official!.ScopeUnitId);
        var entry = Assert.Single(AdminForms.Audit(factory, "user-create"), e => e.Target == email);
        Assert.Contains("initial password generated", entry.Details);
        Assert.DoesNotContain(password, entry.Details);
        // Shown once: the list afterwards does not hold it.
        Assert.DoesNotContain(password, await AdminForms.HtmlAsync(await admin.GetAsync("/admin/users")));
        AdminForms.AssertRedirectTo(await SignInAsync(factory.CreateBrowserClient(), email, password), "/dashboard");
        Assert.NotEqual(password, global::CchcSurvey.Web.Pages.Admin.Users.IndexModel.NewPassword());
    }

    [Fact]
    public async Task The_administration_pages_send_nobody_to_the_command_line()
    {
        var admin = await AdminForms.AdminAsync(factory);
        var overview = await AdminForms.HtmlAsync(await admin.GetAsync("/admin"));
        Assert.DoesNotContain("user add", overview);
        Assert.DoesNotContain("units import", overview);
        Assert.Contains("href=\"/admin/users\"", overview);
    }

    [Fact]
    public async Task Role_and_scope_change_is_stored_and_audited_and_an_admin_needs_no_scope()
    {
        var admin = await AdminForms.AdminAsync(factory);
        var (_, email) = await AdminForms.OfficialAsync(factory, "viewer", "VQ-BP");
        var id = Find(email).Official!.Id;

        var toManager = await AdminForms.PostAsync(admin, $"/admin/users/{id}", $"/admin/users/{id}?handler=role", ("role", "manager"), ("unit", "VQ"));
        AdminForms.AssertRedirectTo(toManager, $"/admin/users/{id}");
        Assert.Equal(["manager"], Find(email).Roles);
        Assert.Equal(UnitId("VQ"), Find(email).Official!.ScopeUnitId);
        var entry = Assert.Single(AdminForms.Audit(factory, "user-role"), e => e.Target == email);
        Assert.Contains("viewer", entry.Details);
        Assert.Contains("manager", entry.Details);
        Assert.Contains("VQ-BP", entry.Details);

        // A manager without a scope is refused and nothing changes.
        var noScope = await AdminForms.PostAsync(admin, $"/admin/users/{id}", $"/admin/users/{id}?handler=role", ("role", "manager"), ("unit", ""));
        Assert.Equal(HttpStatusCode.BadRequest, noScope.StatusCode);
        Assert.Equal(UnitId("VQ"), Find(email).Official!.ScopeUnitId);

        AdminForms.AssertRedirectTo(await AdminForms.PostAsync(admin, $"/admin/users/{id}", $"/admin/users/{id}?handler=role", ("role", "admin"), ("unit", "")), $"/admin/users/{id}");
        Assert.Equal(["admin"], Find(email).Roles);
        Assert.Null(Find(email).Official!.ScopeUnitId);
    }

    [Fact]
    public async Task An_admin_cannot_lock_or_demote_themselves()
    {
        var admin = await AdminForms.AdminAsync(factory);
        var id = Find(SurveyAppFactory.AdminEmail).Official!.Id;
        Assert.Equal(HttpStatusCode.BadRequest, (await AdminForms.PostAsync(admin, $"/admin/users/{id}", $"/admin/users/{id}?handler=lock")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await AdminForms.PostAsync(admin, $"/admin/users/{id}", $"/admin/users/{id}?handler=role", ("role", "viewer"), ("unit", "VQ"))).StatusCode);
        Assert.Null(Find(SurveyAppFactory.AdminEmail).Official!.LockoutEnd);
        Assert.Equal(["admin"], Find(SurveyAppFactory.AdminEmail).Roles);
    }
}
