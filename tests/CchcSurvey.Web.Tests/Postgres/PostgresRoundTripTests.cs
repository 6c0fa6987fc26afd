using CchcSurvey.Core.Tests.Indices;
using System.Net;
using System.Net.Http.Json;
using CchcSurvey.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CchcSurvey.Web.Tests.Postgres;

/// <summary>
/// The same app on a real PostgreSQL server (CCHC_TEST_POSTGRES): migrations apply to an empty database
/// and a response makes the same round trip as on SQLite. Skipped when no server is configured.
/// </summary>
public sealed class PostgresRoundTripTests(PostgresAppFactory factory) : IClassFixture<PostgresAppFactory>
{
    private static void RequireServer() =>
        Skip.If(PostgresAppFactory.ServerConnectionString is null, "CCHC_TEST_POSTGRES is not set");

    [SkippableFact]
    public void Migrations_apply_to_an_empty_database()
    {
        RequireServer();
        factory.WithDatabase(db =>
        {
            Assert.Equal("Npgsql.EntityFrameworkCore.PostgreSQL", db.Database.ProviderName);
            Assert.Equal(db.Database.GetMigrations(), db.Database.GetAppliedMigrations());
            Assert.Empty(db.Database.GetPendingMigrations());
            Assert.Equal(5, db.InstrumentVersions.Count(v => v.IsCurrent));
            Assert.True(db.Units.Any(u => u.Code == "VQ-AS"));
            return 0;
        });
    }

    [SkippableFact]
    public async Task A_response_is_created_replayed_refused_on_conflict_and_receipted()
    {
        RequireServer();
        var client = factory.CreateClient();
        var id = Guid.NewGuid();
        object Body(int hl) => new { submissionId = id, counter = "VQ-TT-Q2", instrument = "NHANH", channel = "qr", answers = new Dictionary<string, object> { ["HL"] = hl } };

        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/v1/responses", Body(4))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/api/v1/responses", Body(4))).StatusCode);
        Assert.Equal((HttpStatusCode)422, (await client.PostAsJsonAsync("/api/v1/responses", Body(1))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/v1/receipts/{id}")).StatusCode);
        Assert.Equal(1, factory.WithDatabase(db => db.Responses.Count(r => r.SubmissionId == id)));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
    }

    [SkippableFact]
    public async Task The_survey_form_round_trip_stores_a_response_with_antiforgery()
    {
        RequireServer();
        var citizen = factory.CreateBrowserClient();
        var form = await Pages.Survey.SurveyForm.OpenAsync(citizen, "/s/VQ-DH-Q1");
        var posted = await Pages.Survey.SurveyForm.PostAsync(citizen, form, ("HL", "3"), ("LY_DO", "huong_dan"), ("GOP_Y", "Cần hướng dẫn rõ hơn"));
        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        var stored = Assert.Single(Pages.Survey.SurveyForm.Responses(factory, form.SubmissionId));
        Assert.Equal("qr", stored.Channel);
        Assert.Contains("huong_dan", stored.AnswersJson, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await citizen.GetAsync($"/r/{form.SubmissionId}")).StatusCode);

        var official = factory.CreateBrowserClient();
        await Http.SignInAsync(official, SurveyAppFactory.AdminEmail, SurveyAppFactory.AdminPassword);
        Assert.Matches("data-unit=\"VQ-DH\"[\\s\\S]*?data-responses=\"1\"", await official.GetStringAsync("/dashboard?unit=VQ"));
    }

    [SkippableFact]
    public async Task Concurrent_posts_of_one_submission_store_it_once()
    {
        RequireServer();
        var client = factory.CreateClient();
        var id = Guid.NewGuid();
        var body = new { submissionId = id, counter = "VQ-AS-Q1", instrument = "NHANH", channel = "qr", answers = new Dictionary<string, object> { ["HL"] = 5 } };
        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => client.PostAsJsonAsync("/api/v1/responses", body)));
        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK));
        Assert.Equal(1, factory.WithDatabase(db => db.Responses.Count(r => r.SubmissionId == id)));
    }

    [SkippableFact]
    public async Task A_rebuild_from_raw_responses_gives_the_same_cells_on_PostgreSQL()
    {
        RequireServer();
        // The demo responses (written through the ledger) plus some through the group-commit writer; the kiosk ones from
        // an enrolled tablet (also the PostgreSQL test of enrolment and the credential check).
        var (client, _) = await Kiosks.KioskEnrolment.EnrolledClientAsync(factory, "VQ-AS-Q1");
        for (var i = 0; i < 20; i++)
        {
            var body = new { submissionId = Guid.NewGuid(), counter = "VQ-AS-Q1", instrument = "NHANH", channel = i % 2 == 0 ? "web" : "qr",
                answers = new Dictionary<string, object> { ["HL"] = 1 + i % 5 } };
            Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/v1/responses", body)).StatusCode);
        }
        var before = Snapshot();
        Assert.NotEmpty(before);

        var rebuilt = await CliRunner.RunAsync(factory, "stats", "rebuild");
        Assert.Equal(0, rebuilt.ExitCode);

        // The bulk path (binary COPY) writes the same cells; sums of fractions may differ in the last bits.
        var after = Snapshot();
        Assert.Equal(before.Keys.Order(), after.Keys.Order());
        foreach (var (key, data) in before)
            Assert.Empty(JsonComparer.Differences(System.Text.Json.Nodes.JsonNode.Parse(data), System.Text.Json.Nodes.JsonNode.Parse(after[key]), _ => 1e-12, key));
    }

    private Dictionary<string, string> Snapshot() => factory.WithDatabase(db => db.StatisticsCells.AsNoTracking().ToList()
        .ToDictionary(c => $"{c.UnitId}|{c.InstrumentVersionId}|{c.Period}|{c.PeriodStart:yyyy-MM-dd}|{c.Channel}|{c.Flagged}|{c.Responses}|{c.OverallN}|{c.OverallSatisfied}", c => c.Data));
}
