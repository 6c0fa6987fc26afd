using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using CchcSurvey.Web.Tests.Infrastructure;
using CchcSurvey.Web.Tests.Pages.Admin;
using CchcSurvey.Web.Workspace;
using Microsoft.Extensions.DependencyInjection;
using static CchcSurvey.Web.Tests.Pages.Comments.WorkspaceSteps;

namespace CchcSurvey.Web.Tests.Pages.Comments;

/// <summary>
/// Every change an official makes is audited (ASVS 5.0 V16): comment tags and "đã xử lý", cases, alert
/// acknowledgements, dossier counts and dossier-token issuance, by cookie and over the API, each entry naming the
/// unit by its code and the official (or the API token) who acted.
/// </summary>
public sealed class OfficialChangesAuditTests(AlertAppFactory factory) : IClassFixture<AlertAppFactory>
{
    [Fact]
    public async Task Each_change_of_an_official_writes_one_audit_entry_naming_the_unit_by_code()
    {
        const string comment = "Cán bộ hướng dẫn chưa rõ ràng, phải đi lại 3 lần";
        var (manager, email) = await AdminForms.OfficialAsync(factory, "manager", "VQ-AS", Password);
        await PostNhanhAsync(factory, "VQ-AS-Q1", 1, comment);
        using (var scope = factory.Services.CreateScope())
            await scope.ServiceProvider.GetRequiredService<AlertScanner>().ScanAsync(CancellationToken.None);
        var storedId = factory.WithDatabase(db => db.Responses.Single(r => r.AnswersJson.Contains(comment)).Id);
        // Officials address comments and alerts by opaque identifiers (the row ids would tell the order of submission).
        var responseId = RefOf(factory, CchcSurvey.Web.Security.OpaqueKind.Response, storedId);
        var alertId = RefOf(factory, CchcSurvey.Web.Security.OpaqueKind.Alert, factory.WithDatabase(db => db.Alerts.Single(a => a.ResponseId == storedId).Id));

        var before = factory.WithDatabase(db => db.AuditEntries.Max(e => e.Id));
        Assert.Equal(HttpStatusCode.Redirect, (await AdminForms.PostAsync(manager, "/dashboard/comments", "/dashboard/comments?handler=Tags", ("id", responseId), ("tags", "thái độ, hướng dẫn"))).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await AdminForms.PostAsync(manager, "/dashboard/comments", "/dashboard/comments?handler=Handled", ("id", responseId), ("handled", "true"))).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await AdminForms.PostAsync(manager, "/dashboard/alerts", "/dashboard/alerts?handler=Acknowledge", ("id", alertId))).StatusCode);
        var opened = await AdminForms.PostAsync(manager, "/dashboard/cases", "/dashboard/cases?handler=Open", ("responseId", responseId));
        Assert.Equal(HttpStatusCode.Redirect, opened.StatusCode);
        var caseUrl = opened.Headers.Location!.OriginalString;
        Assert.Equal(HttpStatusCode.Redirect, (await AdminForms.PostAsync(manager, caseUrl, caseUrl, ("Status", "InProgress"), ("Note", "Đã gọi lại công dân"), ("AssigneeId", ""))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await AdminForms.PostAsync(manager, "/staff/token", "/staff/token", ("counter", "VQ-AS-Q1"))).StatusCode);

        var token = (await CliRunner.RunAsync(factory, "token", "add", "--email", email)).LastLine;
        var tokenId = factory.WithDatabase(db => db.ApiTokens.Single(t => t.Official.Email == email).Id);
        var api = factory.CreateClient();
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        Assert.Equal(HttpStatusCode.Created, (await api.PostAsJsonAsync("/api/v1/tokens", new { counter = "VQ-AS-Q1", dossier = "HS-7" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsJsonAsync("/api/v1/dossiers", new { unit = "VQ-AS", month = "2026-01", count = 40 })).StatusCode);

        var entries = factory.WithDatabase(db => db.AuditEntries.Where(e => e.Id > before).OrderBy(e => e.Id).ToList());
        (string Action, string Actor)[] expected =
        [
            ("comment-tags", email), ("comment-handled", email), ("alert-acknowledge", email), ("case-open", email), ("case-update", email),
            ("dossier-token-issue", email), ("dossier-token-issue", $"api-token:{tokenId}"), ("dossier-counts", $"api-token:{tokenId}"),
        ];
        Assert.Equal(expected, entries.Select(e => (e.Action, e.Actor)).ToArray());
        Assert.All(entries, e => Assert.Equal("VQ-AS", e.Target));
        Assert.Contains("thái độ", entries[0].Details);
        Assert.Contains("2026-01: 40", entries[^1].Details);
        // Nothing in the log points at the response (its id tells the order of submission) or holds the comment,
        // the dossier code or a token.
        Assert.All(entries, e => Assert.DoesNotContain(comment, e.Details));
        Assert.All(entries, e => Assert.DoesNotContain("HS-7", e.Details));
        Assert.All(entries, e => Assert.DoesNotContain("cchc_", e.Details));
    }

    [Fact]
    public async Task Dossier_counts_imported_on_the_command_line_are_audited_as_the_system()
    {
        var file = Path.Combine(Path.GetTempPath(), $"dossiers-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(file, "unit,month,count\nVQ-BP,2026-02,12\n");
        var run = await CliRunner.RunAsync(factory, "dossiers", "import", file);
        Assert.Equal(0, run.ExitCode);
        var entry = Assert.Single(AdminForms.Audit(factory, "dossier-counts"), e => e.Target == "VQ-BP");
        Assert.Equal("system", entry.Actor);
        Assert.Equal("2026-02: 12", entry.Details);
    }
}
