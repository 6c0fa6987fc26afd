using System.Net;
using System.Net.Http.Json;
using CchcSurvey.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CchcSurvey.Web.Tests.Postgres;

/// <summary>
/// On PostgreSQL the responses table is partitioned by (Vietnam-time) month of <c>SubmittedHourUtc</c> (migration
/// ResponsesByMonth) and submission ids are kept unique by the unpartitioned <c>SubmissionIds</c> table that the
/// writer fills in the same statement. Skipped when no server is configured.
/// </summary>
public sealed class PostgresPartitionTests(PostgresAppFactory factory) : IClassFixture<PostgresAppFactory>
{
    private static void RequireServer() =>
        Skip.If(PostgresAppFactory.ServerConnectionString is null, "CCHC_TEST_POSTGRES is not set");

    private static object Body(Guid id, int hl, string counter = "VQ-AS-Q1") =>
        new { submissionId = id, counter, instrument = "NHANH", channel = "qr", answers = new Dictionary<string, object> { ["HL"] = hl } };

    internal static string MonthPartition(DateTime utc)
    {
        var local = utc.AddHours(7);
        return $"Responses_{local:yyyy}_{local:MM}";
    }

    [SkippableFact]
    public void Responses_are_partitioned_by_month_with_months_ahead_and_a_default()
    {
        RequireServer();
        var strategy = factory.WithDatabase(db => db.Database.SqlQueryRaw<string>(
            "SELECT partstrat::text AS \"Value\" FROM pg_partitioned_table WHERE partrelid = '\"Responses\"'::regclass").Single());
        Assert.Equal("r", strategy);
        var partitions = factory.WithDatabase(db => db.Database.SqlQueryRaw<string>(
            "SELECT c.relname::text AS \"Value\" FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = '\"Responses\"'::regclass").ToList());
        Assert.Contains("Responses_default", partitions);
        Assert.Contains(MonthPartition(DateTime.UtcNow), partitions);
        Assert.Contains(MonthPartition(DateTime.UtcNow.AddMonths(23)), partitions);
        // The month boundary is Vietnam's midnight, not UTC's: 17:00 UTC on the last day is already the next month.
        var bound = factory.WithDatabase(db =>
        {
            // The bound is printed in the session's time zone.
            db.Database.OpenConnection();
            db.Database.ExecuteSqlRaw("SET TimeZone = 'UTC'");
            return db.Database.SqlQueryRaw<string>(
                "SELECT pg_get_expr(c.relpartbound, c.oid) AS \"Value\" FROM pg_class c WHERE c.relname = {0}", MonthPartition(DateTime.UtcNow)).Single();
        });
        Assert.Contains("17:00:00+00", bound, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task A_response_lands_in_its_month_and_its_id_in_SubmissionIds_and_a_retry_stores_nothing()
    {
        RequireServer();
        var client = factory.CreateClient();
        var id = Guid.NewGuid();
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/v1/responses", Body(id, 4))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/api/v1/responses", Body(id, 4))).StatusCode);
        Assert.Equal((HttpStatusCode)422, (await client.PostAsJsonAsync("/api/v1/responses", Body(id, 1))).StatusCode);

        var partition = factory.WithDatabase(db => db.Database.SqlQueryRaw<string>(
            "SELECT tableoid::regclass::text AS \"Value\" FROM \"Responses\" WHERE \"SubmissionId\" = {0}", id).ToList());
        Assert.Equal($"\"{MonthPartition(DateTime.UtcNow)}\"", Assert.Single(partition));
        Assert.Equal(1, factory.WithDatabase(db => db.Database.SqlQueryRaw<int>(
            "SELECT count(*)::int AS \"Value\" FROM \"SubmissionIds\" WHERE \"SubmissionId\" = {0}", id).Single()));
    }

    [SkippableFact]
    public async Task A_batch_with_one_id_twice_and_concurrent_retries_store_each_id_once()
    {
        RequireServer();
        var client = factory.CreateClient();
        var ids = Enumerable.Range(0, 6).Select(_ => Guid.NewGuid()).ToList();
        // Eight posts of each id at once: the writer batches them together, so the same id arrives twice in one
        // batch as well as in later ones.
        var posts = await Task.WhenAll(ids.SelectMany(id => Enumerable.Range(0, 8).Select(_ => client.PostAsJsonAsync("/api/v1/responses", Body(id, 5)))));
        Assert.All(posts, r => Assert.True(r.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, r.StatusCode.ToString()));
        Assert.Equal(ids.Count, posts.Count(r => r.StatusCode == HttpStatusCode.Created));
        foreach (var id in ids)
        {
            Assert.Equal(1, factory.WithDatabase(db => db.Responses.Count(r => r.SubmissionId == id)));
            Assert.Equal(1, factory.WithDatabase(db => db.Database.SqlQueryRaw<int>(
                "SELECT count(*)::int AS \"Value\" FROM \"SubmissionIds\" WHERE \"SubmissionId\" = {0}", id).Single()));
        }
    }
}

/// <summary>
/// The archiving procedure of docs/deployment.md ("Archiving old months"), run as written: a month detached from
/// Responses leaves every query of the app (its rows are in the detached table, not in the figures' raw data), new
/// answers keep being stored, and the statistics cells keep the month's figures. A class of its own: it detaches
/// the current month of its database.
/// </summary>
public sealed class PostgresArchiveMonthTests(PostgresAppFactory factory) : IClassFixture<PostgresAppFactory>
{
    // The partition's name is ours (a date), not input: the statements below cannot take it as a parameter.
#pragma warning disable EF1003
    [SkippableFact]
    public async Task A_detached_month_leaves_the_responses_table_and_the_site_keeps_answering()
    {
        Skip.If(PostgresAppFactory.ServerConnectionString is null, "CCHC_TEST_POSTGRES is not set");
        var client = factory.CreateClient();
        var before = Guid.NewGuid();
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/v1/responses",
            new { submissionId = before, counter = "VQ-AS-Q1", instrument = "NHANH", channel = "qr", answers = new Dictionary<string, object> { ["HL"] = 5 } })).StatusCode);
        var month = PostgresPartitionTests.MonthPartition(DateTime.UtcNow);
        var cellsBefore = factory.WithDatabase(db => db.StatisticsCells.Sum(c => c.Responses));

        // docs/deployment.md, step 1 (not CONCURRENTLY: PostgreSQL refuses it while a default partition exists).
        factory.WithDatabase(db => db.Database.ExecuteSqlRaw("SET lock_timeout = '5s'; ALTER TABLE \"Responses\" DETACH PARTITION \"" + month + "\""));

        Assert.Equal(0, factory.WithDatabase(db => db.Responses.Count(r => r.SubmissionId == before)));
        Assert.Equal(1, factory.WithDatabase(db => db.Database.SqlQueryRaw<int>(
            "SELECT count(*)::int AS \"Value\" FROM \"" + month + "\" WHERE \"SubmissionId\" = {0}", before).Single()));
        Assert.Equal(cellsBefore, factory.WithDatabase(db => db.StatisticsCells.Sum(c => c.Responses)));

        // A new answer of the same month is still stored (in the default partition) and counted.
        var after = Guid.NewGuid();
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/v1/responses",
            new { submissionId = after, counter = "VQ-AS-Q1", instrument = "NHANH", channel = "qr", answers = new Dictionary<string, object> { ["HL"] = 4 } })).StatusCode);
        Assert.Equal("\"Responses_default\"", factory.WithDatabase(db => db.Database.SqlQueryRaw<string>(
            "SELECT tableoid::regclass::text AS \"Value\" FROM \"Responses\" WHERE \"SubmissionId\" = {0}", after).Single()));

        var official = factory.CreateBrowserClient();
        await Http.SignInAsync(official, SurveyAppFactory.AdminEmail, SurveyAppFactory.AdminPassword);
        Assert.Equal(HttpStatusCode.OK, (await official.GetAsync("/dashboard?unit=VQ")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await official.GetAsync("/dashboard/comments")).StatusCode);

        // Archived, then dropped: the table goes, the site does not notice.
        factory.WithDatabase(db => db.Database.ExecuteSqlRaw("DROP TABLE \"" + month + "\""));
        Assert.Equal(HttpStatusCode.OK, (await official.GetAsync("/dashboard?unit=VQ")).StatusCode);
    }
#pragma warning restore EF1003
}
