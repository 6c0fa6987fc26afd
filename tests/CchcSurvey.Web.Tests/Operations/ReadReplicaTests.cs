using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using CchcSurvey.Web.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using static CchcSurvey.Web.Tests.Pages.Comments.WorkspaceSteps;

namespace CchcSurvey.Web.Tests.Operations;

/// <summary>
/// ConnectionStrings:SurveyReadOnly: figures, exports and public pages are read from the second database, while
/// answers, receipts, sign-in and API tokens stay on the primary. The "standby" here is a backup of the primary
/// that then differs from it (answers taken after the copy, a unit renamed only in the copy), so each read shows
/// which database answered it.
/// </summary>
public sealed class ReadReplicaTests
{
    [Fact]
    public async Task Figures_exports_and_public_pages_come_from_the_standby_answers_receipts_and_tokens_from_the_primary()
    {
        var primary = Path.Combine(Path.GetTempPath(), "cchc-tests", $"{Guid.NewGuid():N}.db");
        var standby = Path.Combine(Path.GetTempPath(), "cchc-tests", $"standby-{Guid.NewGuid():N}.db");
        try
        {
            var quarter = CurrentQuarter();
            using (var first = new PrimaryOnly(primary))
            {
                for (var i = 0; i < 12; i++) await PostNhanhAsync(first, "VQ-AS-Q1", 1 + i % 5);
                var admin = await AdminAsync(first);
                var page = await admin.GetStringAsync("/admin/publishing");
                Assert.Equal(HttpStatusCode.Redirect, (await PostFormAsync(admin, "/admin/publishing?handler=Publish", page, ("unit", "VQ-AS"), ("quarter", quarter))).StatusCode);
                var backup = await CliRunner.RunAsync(first, "backup", "--out", standby);
                Assert.True(backup.ExitCode == 0, backup.Error);
            }
            await using (var copy = new SqliteConnection($"Data Source={standby};Pooling=False"))
            {
                await copy.OpenAsync();
                await using var rename = copy.CreateCommand();
                rename.CommandText = "UPDATE Units SET Name = 'Xã An Sơn (bản chỉ đọc)' WHERE Code = 'VQ-AS'";
                Assert.Equal(1, await rename.ExecuteNonQueryAsync());
            }

            using var app = new WithStandby(primary, standby);
            var client = app.CreateClient();
            // Taken after the copy: on the primary only.
            var id = Guid.NewGuid();
            var posted = await client.PostAsJsonAsync("/api/v1/responses", new
            {
                submissionId = id, counter = "VQ-AS-Q1", instrument = "NHANH", channel = "web",
                answers = new Dictionary<string, object> { ["HL"] = 4 },
            });
            Assert.Equal(HttpStatusCode.Created, posted.StatusCode);
            for (var i = 0; i < 4; i++) await PostNhanhAsync(app, "VQ-AS-Q1", 5);
            Assert.Equal(17, app.WithDatabase(db => db.Responses.Count()));

            // Read-your-writes: the receipt is on the primary at once.
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/v1/receipts/{id}")).StatusCode);

            // An API token created now exists on the primary only: it works, so authentication reads the primary.
            var token = (await CliRunner.RunAsync(app, "token", "add", "--email", SurveyAppFactory.AdminEmail)).LastLine;
            var official = app.CreateClient();
            official.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

            // Figures: the standby's 12 responses, not the primary's 17.
            using (var indices = JsonDocument.Parse(await official.GetStringAsync("/api/v1/units/VQ-AS/indices?instrument=NHANH")))
                Assert.Contains("\"n\":12", indices.RootElement.GetRawText().Replace(" ", ""), StringComparison.Ordinal);
            var csv = await official.GetStringAsync("/api/v1/export/responses.csv?unit=VQ-AS&instrument=NHANH");
            Assert.Equal(1 + 12, csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length);

            // Public pages: the unit's name as the standby has it.
            var anonymous = app.CreateClient();
            Assert.Contains("Xã An Sơn (bản chỉ đọc)", await anonymous.GetStringAsync("/public"), StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync($"/public/VQ-AS/{quarter}")).StatusCode);
            // …while pages that show what officials change read the primary.
            var adminCookie = await AdminAsync(app);
            var units = await adminCookie.GetStringAsync("/admin/units/VQ-AS");
            Assert.DoesNotContain("bản chỉ đọc", units, StringComparison.Ordinal);

            // The export is audited on the primary although it was read from the standby.
            Assert.True(app.WithDatabase(db => db.AuditEntries.Any(a => a.Action == CchcSurvey.Web.Administration.AuditActions.Export)));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            foreach (var f in new[] { primary, standby }.SelectMany(f => new[] { f, f + "-wal", f + "-shm" })) File.Delete(f);
        }
    }

    private sealed class PrimaryOnly(string file) : SurveyAppFactory(file, ownsDatabase: false);

    private sealed class WithStandby : SurveyAppFactory
    {
        public WithStandby(string primary, string standby) : base(primary, ownsDatabase: false) =>
            ExtraSettings["ConnectionStrings:SurveyReadOnly"] = $"Data Source={standby}";
    }
}
