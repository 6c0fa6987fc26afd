using System.Net;
using System.Text.Json.Nodes;
using CchcSurvey.Core.Instruments;
using CchcSurvey.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CchcSurvey.Web.Tests.Pages.Admin;

/// <summary>
/// Publishing a new instrument version from pasted JSON: checked by InstrumentCatalog.Parse, previewed, then
/// stored as version max + 1 and made current. Stored responses keep the version they answered.
/// </summary>
public sealed class InstrumentsAdminTests(SurveyAppFactory factory) : IClassFixture<SurveyAppFactory>
{
    private static string NewNhanh()
    {
        var builtIn = InstrumentCatalog.FindBuiltIn("NHANH")!;
        var json = JsonNode.Parse(InstrumentCatalog.Serialize(builtIn))!;
        json["title"]!["vi"] = "Đánh giá nhanh (bản sửa)";
        return json.ToJsonString();
    }

    private (int Id, int Version, bool Current)[] Versions(string code) => factory.WithDatabase(db =>
        db.InstrumentVersions.AsNoTracking().Where(v => v.Code == code).OrderBy(v => v.Version).Select(v => new { v.Id, v.Version, v.IsCurrent }).ToList()
            .Select(v => (v.Id, v.Version, v.IsCurrent)).ToArray());

    [Fact]
    public async Task A_valid_definition_is_previewed_then_published_as_version_2_and_old_responses_keep_version_1()
    {
        var admin = await AdminForms.AdminAsync(factory);
        await AdminForms.SubmitAsync(factory, "VQ-AS-Q1", 5);
        var v1 = Assert.Single(Versions("NHANH"));
        Assert.True(v1.Current);
        var oldResponse = factory.WithDatabase(db => db.Responses.AsNoTracking().OrderBy(r => r.Id).Last());
        Assert.Equal(v1.Id, oldResponse.InstrumentVersionId);

        // The "use as draft" link fills the editor with the current definition.
        Assert.Contains("\"code\": \"NHANH\"", WebUtility.HtmlDecode(await admin.GetStringAsync("/admin/instruments?from=NHANH")));

        var preview = await AdminForms.PostAsync(admin, "/admin/instruments", "/admin/instruments?handler=preview", ("Json", NewNhanh()));
        Assert.Equal(HttpStatusCode.OK, preview.StatusCode);
        var html = await AdminForms.HtmlAsync(preview);
        Assert.Contains("Xem trước: NHANH phiên bản 2 — Đánh giá nhanh (bản sửa)", html);
        Assert.Contains("data-item=\"HL\"", html);
        Assert.Contains("data-item=\"LY_DO\"", html);
        Assert.Contains("<code>cho_lau</code>", html);
        Assert.Contains("likert5", html);
        Assert.Single(Versions("NHANH")); // a preview stores nothing

        var published = await AdminForms.PostAsync(admin, "/admin/instruments", "/admin/instruments?handler=publish", ("Json", NewNhanh()));
        AdminForms.AssertRedirectTo(published, "/admin/instruments");
        var versions = Versions("NHANH");
        Assert.Equal(2, versions.Length);
        Assert.Equal((v1.Id, 1, false), versions[0]);
        Assert.Equal((2, true), (versions[1].Version, versions[1].Current));
        var stored = factory.WithDatabase(db => db.InstrumentVersions.AsNoTracking().Single(v => v.Id == versions[1].Id));
        Assert.Equal(2, InstrumentCatalog.Parse(stored.DefinitionJson).Version);
        Assert.Equal("Đánh giá nhanh (bản sửa)", stored.Title);

        // The API serves version 2; the old response still reports version 1, a new one gets version 2.
        var api = JsonNode.Parse(await factory.CreateClient().GetStringAsync("/api/v1/instruments/NHANH"))!;
        Assert.Equal(2, api["version"]!.GetValue<int>());
        Assert.Equal(v1.Id, factory.WithDatabase(db => db.Responses.AsNoTracking().Single(r => r.Id == oldResponse.Id).InstrumentVersionId));
        await AdminForms.SubmitAsync(factory, "VQ-AS-Q1", 4);
        Assert.Equal(versions[1].Id, factory.WithDatabase(db => db.Responses.AsNoTracking().OrderBy(r => r.Id).Last().InstrumentVersionId));
        // Figures pool both versions.
        Assert.Equal(2, await AdminForms.ResponsesAsync(admin, "VQ-AS"));

        var entry = Assert.Single(AdminForms.Audit(factory, "instrument-publish"));
        Assert.Equal("NHANH v2", entry.Target);
        Assert.Equal(SurveyAppFactory.AdminEmail, entry.Actor);
        Assert.Contains("NHANH v2", await AdminForms.HtmlAsync(await admin.GetAsync("/admin/instruments?published=NHANH%20v2")));
    }

    [Theory]
    [InlineData("{ this is not json", "not valid JSON")]
    [InlineData("{\"code\":\"TT01\",\"version\":1,\"title\":{\"vi\":\"Rỗng\",\"en\":\"Empty\"},\"sections\":[]}", "no sections")]
    [InlineData("", "Hãy dán định nghĩa phiếu (JSON).")]
    public async Task An_invalid_definition_shows_the_error_and_stores_nothing(string json, string message)
    {
        var admin = await AdminForms.AdminAsync(factory);
        var before = factory.WithDatabase(db => (db.InstrumentVersions.Count(), db.AuditEntries.Count(e => e.Action == "instrument-publish")));
        foreach (var handler in new[] { "preview", "publish" })
        {
            var response = await AdminForms.PostAsync(admin, "/admin/instruments", $"/admin/instruments?handler={handler}", ("Json", json));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var html = await AdminForms.HtmlAsync(response);
            Assert.Contains(message, html);
            Assert.DoesNotContain("Xem trước:", html);
        }
        Assert.Equal(before, factory.WithDatabase(db => (db.InstrumentVersions.Count(), db.AuditEntries.Count(e => e.Action == "instrument-publish"))));
        Assert.True(Versions("TT01").Single(v => v.Current).Version >= 1);
    }
}
