using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using CchcSurvey.Web.Tests.Infrastructure;

namespace CchcSurvey.Web.Tests.Kiosks;

/// <summary>
/// <c>/admin/kiosks</c> for a commune's manager: the commune's counters only, create with an enrolment link and QR code,
/// rename, revoke, a new link; other units' counters and tablets answer 404; bad names change nothing; all audited.
/// </summary>
public sealed partial class KioskAdminPageTests(SurveyAppFactory factory) : IClassFixture<SurveyAppFactory>
{
    private const string Manager = "quanly.kiosk@an-son.test", Password = "Mat-khau-Kiosk-1";

    private async Task<HttpClient> ManagerAsync()
    {
        return await Officials.SignedInAsync(factory, Manager, "manager", "VQ-AS", Password);
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string url, params (string Name, string Value)[] fields)
    {
        var token = Http.AntiforgeryToken(await client.GetStringAsync("/admin/kiosks"));
        return await client.PostAsync(url, new FormUrlEncodedContent([.. fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)), new("__RequestVerificationToken", token)]));
    }

    [Fact]
    public async Task A_manager_creates_enrols_renames_and_revokes_a_tablet_of_their_commune_and_nothing_elsewhere()
    {
        var client = await ManagerAsync();
        var page = WebUtility.HtmlDecode(await client.GetStringAsync("/admin/kiosks"));
        Assert.Contains("value=\"VQ-AS-Q1\"", page);
        Assert.DoesNotContain("VQ-BP-Q1", page);

        var created = await PostAsync(client, "/admin/kiosks?handler=Create", ("counter", "VQ-AS-Q1"), ("name", "Máy tính bảng quầy 1"));
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        var html = await created.Content.ReadAsStringAsync();
        var url = EnrolUrl().Match(html);
        Assert.True(url.Success, "no enrolment link on the page");
        Assert.Contains("<svg", html);
        var tablet = factory.WithDatabase(db => db.KioskTablets.Single(t => t.Name == "Máy tính bảng quầy 1"));
        Assert.True(factory.WithDatabase(db => db.AuditEntries.Any(a => a.Action == "kiosk-create" && a.Actor == Manager && a.Target == $"kiosk:{tablet.Id}")));

        // The tablet opens the link; the list then shows it in use.
        var device = factory.CreateBrowserClient();
        var enrolled = await device.GetAsync(new Uri(url.Value).PathAndQuery);
        Assert.Equal("/kiosk/VQ-AS-Q1", enrolled.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.Created, (await device.PostAsJsonAsync("/api/v1/responses", KioskEnrolment.Answer(Guid.NewGuid()))).StatusCode);
        Assert.Contains("Đang dùng", WebUtility.HtmlDecode(await client.GetStringAsync("/admin/kiosks")));

        var renamed = await PostAsync(client, $"/admin/kiosks?handler=Rename&id={tablet.Id}", ("name", "Máy quầy 1 (mới)"));
        Assert.Equal(HttpStatusCode.Redirect, renamed.StatusCode);
        Assert.Equal("Máy quầy 1 (mới)", factory.WithDatabase(db => db.KioskTablets.Single(t => t.Id == tablet.Id).Name));

        var revoked = await PostAsync(client, $"/admin/kiosks?handler=Revoke&id={tablet.Id}");
        Assert.Equal(HttpStatusCode.Redirect, revoked.StatusCode);
        Assert.NotNull(factory.WithDatabase(db => db.KioskTablets.Single(t => t.Id == tablet.Id).RevokedUtc));
        Assert.Equal(HttpStatusCode.BadRequest, (await device.PostAsJsonAsync("/api/v1/responses", KioskEnrolment.Answer(Guid.NewGuid()))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync(client, $"/admin/kiosks?handler=Link&id={tablet.Id}")).StatusCode);
        foreach (var action in new[] { "kiosk-rename", "kiosk-revoke", "kiosk-enrol" })
            Assert.True(factory.WithDatabase(db => db.AuditEntries.Any(a => a.Action == action && a.Target == $"kiosk:{tablet.Id}")), action);
    }

    [Fact]
    public async Task Other_units_counters_and_tablets_answer_404_and_bad_names_change_nothing()
    {
        var client = await ManagerAsync();
        var (sibling, _) = await KioskEnrolment.IssueAsync(factory, "VQ-BP-Q1", "Máy xã bên");
        var before = factory.WithDatabase(db => db.KioskTablets.Count());

        Assert.Equal(HttpStatusCode.NotFound, (await PostAsync(client, "/admin/kiosks?handler=Create", ("counter", "VQ-BP-Q1"), ("name", "Không được"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await PostAsync(client, "/admin/kiosks?handler=Create", ("counter", "NOPE"), ("name", "Không được"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await PostAsync(client, $"/admin/kiosks?handler=Rename&id={sibling}", ("name", "Đổi"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await PostAsync(client, $"/admin/kiosks?handler=Revoke&id={sibling}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await PostAsync(client, $"/admin/kiosks?handler=Link&id={sibling}")).StatusCode);
        Assert.DoesNotContain("Máy xã bên", await client.GetStringAsync("/admin/kiosks"));

        foreach (var name in new[] { "", "   ", new string('x', 101), "hai\ndòng" })
        {
            var bad = await PostAsync(client, "/admin/kiosks?handler=Create", ("counter", "VQ-AS-Q1"), ("name", name));
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Contains("Tên máy tính bảng phải có", WebUtility.HtmlDecode(await bad.Content.ReadAsStringAsync()));
        }
        Assert.Equal(before, factory.WithDatabase(db => db.KioskTablets.Count()));
        Assert.Null(factory.WithDatabase(db => db.KioskTablets.Single(t => t.Id == sibling).RevokedUtc));
    }

    [GeneratedRegex("https://khaosat\\.example\\.vn/kiosk-enrol/[A-Za-z0-9_-]{22}")]
    private static partial Regex EnrolUrl();
}
