using System.Net;
using CchcSurvey.Web.Data;
using CchcSurvey.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CchcSurvey.Web.Tests.Pages.Admin;

public sealed class AdminPagesTests(SurveyAppFactory factory) : IClassFixture<SurveyAppFactory>
{
    private async Task<HttpClient> AdminAsync()
    {
        var client = factory.CreateBrowserClient();
        await Http.SignInAsync(client, SurveyAppFactory.AdminEmail, SurveyAppFactory.AdminPassword);
        return client;
    }

    [Theory]
    [InlineData("/admin")]
    [InlineData("/admin/qr/VQ-AS-Q1")]
    [InlineData("/admin/qr/unit/VQ-TNMT")]
    public async Task Anonymous_visitor_is_sent_to_sign_in(string path)
    {
        var client = factory.CreateBrowserClient();
        var response = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/account/login", response.Headers.Location!.IsAbsoluteUri ? response.Headers.Location.PathAndQuery : response.Headers.Location.OriginalString);
    }

    [Fact]
    public async Task Admin_sees_the_unit_tree_with_levels_counters_and_qr_links()
    {
        var client = await AdminAsync();
        var response = await client.GetAsync("/admin");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());

        Assert.Contains("Tỉnh Lạng Sơn", html);
        Assert.Contains("Huyện Văn Quan", html);
        Assert.Contains("Phòng Nội vụ", html);
        Assert.Contains("Xã An Sơn", html);
        Assert.Contains("Thị trấn Văn Quan", html);
        // Level names come from the data
        Assert.Contains(">Huyện<", html);
        Assert.Contains(">Xã<", html);
        // Counters, survey links, downloads, print links
        Assert.Contains("VQ-AS-Q1", html);
        Assert.Contains("VQ-NV-Q1", html);
        Assert.Contains("VQ-TNMT-Q2", html);
        Assert.Contains("href=\"/s/VQ-AS-Q1\"", html);
        Assert.Contains("/api/v1/counters/VQ-AS-Q1/qr.png?download=1", html);
        Assert.Contains("/api/v1/counters/VQ-AS-Q1/qr.svg?download=1", html);
        Assert.Contains("href=\"/admin/qr/VQ-AS-Q1\"", html);
        Assert.Contains("href=\"/admin/qr/unit/VQ-TNMT\"", html);
        Assert.Contains("href=\"/admin/qr/unit/VQ\"", html);
        Assert.Contains("NHANH", html);
        // Tree order: the district inside the province, the commune inside the district
        Assert.True(html.IndexOf("Tỉnh Lạng Sơn", StringComparison.Ordinal) < html.IndexOf("Huyện Văn Quan", StringComparison.Ordinal));
        Assert.True(html.IndexOf("Huyện Văn Quan", StringComparison.Ordinal) < html.IndexOf("Xã An Sơn", StringComparison.Ordinal));
        // Officials
        Assert.Contains(SurveyAppFactory.AdminEmail, html);
    }

    [Fact]
    public async Task Admin_tree_shows_a_merged_unit_and_response_counts()
    {
        using (var scope = factory.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<SurveyDbContext>();
            var merged = await db.Units.SingleAsync(u => u.Code == "VQ-YP");
            var successor = await db.Units.SingleAsync(u => u.Code == "VQ-TL");
            merged.SuccessorId = successor.Id;
            merged.IsActive = false;
            await db.SaveChangesAsync();
        }
        var client = await AdminAsync();
        var html = WebUtility.HtmlDecode(await client.GetStringAsync("/admin"));
        var yenPhuc = html.IndexOf("Xã Yên Phúc", StringComparison.Ordinal);
        Assert.True(yenPhuc > 0);
        var mergedNote = html.IndexOf("Đã sáp nhập vào", yenPhuc, StringComparison.Ordinal);
        Assert.True(mergedNote > 0 && html.IndexOf("Xã Tri Lễ", mergedNote, StringComparison.Ordinal) > mergedNote);
        Assert.Contains("0 phiếu", html);
    }

    [Fact]
    public async Task Admin_tree_counts_responses_per_unit_and_subtree()
    {
        using (var scope = factory.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<SurveyDbContext>();
            var counter = await db.Counters.Include(c => c.Unit).SingleAsync(c => c.Code == "VQ-AS-Q1");
            var version = await db.InstrumentVersions.FirstAsync(v => v.IsCurrent);
            for (var i = 0; i < 3; i++)
                db.Responses.Add(new Response
                {
                    SubmissionId = Guid.NewGuid(), UnitId = counter.UnitId, CounterId = counter.Id, InstrumentVersionId = version.Id,
                    Channel = "qr", SubmittedHourUtc = new DateTime(2026, 1, 5, 9, 0, 0, DateTimeKind.Utc), AnswersJson = "{}", PayloadHash = $"test-{i}",
                });
            await db.SaveChangesAsync();
        }
        var client = await AdminAsync();
        var html = WebUtility.HtmlDecode(await client.GetStringAsync("/admin"));
        Assert.Matches(@"id=""unit-VQ-AS"">\s*<div class=""unit-head"">(?:(?!</div>).)*\b3 phiếu", html.Replace("\n", " "));
        Assert.Matches(@"id=""unit-VQ"">\s*<div class=""unit-head"">(?:(?!</div>).)*cả cây: 3\b", html.Replace("\n", " "));
    }

    [Fact]
    public async Task Viewer_is_refused_the_admin_pages()
    {
        const string email = "viewer.anson@test.local";
        const string password = "Viewer-Password-1";
        using (var scope = factory.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<SurveyDbContext>();
            var users = scope.ServiceProvider.GetRequiredService<UserManager<Official>>();
            var commune = await db.Units.SingleAsync(u => u.Code == "VQ-AS");
            if (await users.FindByEmailAsync(email) is null)
            {
                var viewer = new Official { UserName = email, Email = email, EmailConfirmed = true, ScopeUnitId = commune.Id };
                Assert.True((await users.CreateAsync(viewer, password)).Succeeded);
                Assert.True((await users.AddToRoleAsync(viewer, Roles.Viewer)).Succeeded);
            }
        }
        var client = factory.CreateBrowserClient();
        await Http.SignInAsync(client, email, password);

        foreach (var path in new[] { "/admin", "/admin/qr/VQ-AS-Q1", "/admin/qr/unit/VQ-AS" })
        {
            var response = await client.GetAsync(path);
            Assert.True(response.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Redirect, $"{path}: {response.StatusCode}");
            if (response.StatusCode == HttpStatusCode.Redirect)
                Assert.Contains("/account/login", response.Headers.Location!.OriginalString);
            Assert.DoesNotContain("Huyện Văn Quan", await response.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task A5_poster_shows_unit_counter_instruction_qr_and_survey_url()
    {
        var client = await AdminAsync();
        var response = await client.GetAsync("/admin/qr/VQ-AS-Q1");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        Assert.Contains("https://khaosat.example.vn/s/VQ-AS-Q1", html);
        Assert.Contains("Xã An Sơn", html);
        Assert.Contains("Bộ phận Một cửa xã", html);
        Assert.Contains("Quét mã QR bằng camera điện thoại để đánh giá sự phục vụ — ẩn danh, dưới 1 phút.", html);
        Assert.Contains("<svg", html);
        Assert.Contains("size: A5", html);
        // Print-clean: no officials' navigation bar
        Assert.DoesNotContain("class=\"topbar\"", html);
    }

    [Fact]
    public async Task A4_sheet_lists_every_counter_of_the_unit()
    {
        var client = await AdminAsync();
        var response = await client.GetAsync("/admin/qr/unit/VQ-TNMT");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        Assert.Contains("size: A4", html);
        Assert.Contains("Phòng Tài nguyên và Môi trường", html);
        Assert.Contains("Bộ phận Một cửa huyện - Quầy Đất đai", html);
        Assert.Contains("Bộ phận Một cửa huyện - Quầy Môi trường", html);
        Assert.Contains("https://khaosat.example.vn/s/VQ-TNMT-Q1", html);
        Assert.Contains("https://khaosat.example.vn/s/VQ-TNMT-Q2", html);
        Assert.Equal(2, CountOf(html, "<svg"));
        Assert.DoesNotContain("class=\"topbar\"", html);
    }

    [Fact]
    public async Task A4_sheet_of_a_unit_without_own_counters_covers_its_subtree()
    {
        var client = await AdminAsync();
        var html = WebUtility.HtmlDecode(await client.GetStringAsync("/admin/qr/unit/VQ"));
        Assert.Contains("https://khaosat.example.vn/s/VQ-NV-Q1", html);
        Assert.Contains("https://khaosat.example.vn/s/VQ-TT-Q2", html);
        Assert.Contains("https://khaosat.example.vn/s/VQ-AS-Q1", html);
        Assert.True(CountOf(html, "<svg") >= 20);
    }

    [Theory]
    [InlineData("/admin/qr/NO-SUCH-COUNTER")]
    [InlineData("/admin/qr/unit/NO-SUCH-UNIT")]
    public async Task Unknown_counter_or_unit_is_404(string path)
    {
        var client = await AdminAsync();
        var response = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Home_page_explains_and_links_to_public_dashboard_admin_and_demo_counters()
    {
        var client = factory.CreateBrowserClient();
        var response = await client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        Assert.Contains("CchcSurvey", html);
        Assert.Contains("href=\"/public\"", html);
        Assert.Contains("Kết quả công bố", html);
        Assert.Contains("href=\"/dashboard\"", html);
        Assert.Contains("href=\"/admin\"", html);
        Assert.Contains("href=\"/s/VQ-AS-Q1\"", html);
        Assert.Contains("href=\"/s/VQ-TNMT-Q2\"", html);
    }

    [Fact]
    public async Task Admin_and_home_pages_speak_English_on_request()
    {
        var client = await AdminAsync();
        var admin = WebUtility.HtmlDecode(await client.GetStringAsync("/admin?culture=en"));
        Assert.Contains("Units and counters", admin);
        Assert.Contains("Sign out", admin);
        Assert.Contains("Huyện Văn Quan", admin); // data stays as it is
        var home = WebUtility.HtmlDecode(await client.GetStringAsync("/?culture=en"));
        Assert.Contains("Published results", home);
    }

    private static int CountOf(string text, string part)
    {
        var count = 0;
        for (var i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + part.Length, StringComparison.Ordinal)) count++;
        return count;
    }
}
