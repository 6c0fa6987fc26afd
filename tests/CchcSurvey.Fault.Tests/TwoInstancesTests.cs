using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Npgsql;
using Xunit.Abstractions;

namespace CchcSurvey.Fault.Tests;

/// <summary>
/// Two app instances (real processes) on one PostgreSQL database, as behind a reverse proxy: clients post to either,
/// retries go to the other one. Nothing is lost or stored twice, a retry through the other instance is a replay,
/// the statistics cells count exactly the stored responses (cell revisions keep the two writers honest), and the
/// background job both instances start with (sighting cleanup) ran once.
/// </summary>
public sealed class TwoInstancesTests(ITestOutputHelper output)
{
    [SkippableFact]
    public async Task Two_instances_share_one_database_without_losing_or_doubling_anything()
    {
        var server = Environment.GetEnvironmentVariable("CCHC_TEST_POSTGRES");
        Skip.If(string.IsNullOrWhiteSpace(server), "CCHC_TEST_POSTGRES is not set.");
        var database = $"cchc_two_{Guid.NewGuid():N}";
        var connectionString = new NpgsqlConnectionStringBuilder(server) { Database = database }.ToString();
        string[] settings = ["--Database:Provider", "Postgres", "--ConnectionStrings:Survey", connectionString,
            "--Demo:Enabled", "true", "--Demo:Responses", "0", "--RateLimiting:Enabled", "false", "--Logging:LogLevel:Default", "Warning"];
        try
        {
            using var first = new AppProcess(settings);
            using var second = new AppProcess(settings);
            await first.StartAsync(TimeSpan.FromSeconds(90));
            await second.StartAsync(TimeSpan.FromSeconds(90));
            using var a = new HttpClient { BaseAddress = first.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
            using var b = new HttpClient { BaseAddress = second.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

            var sent = new ConcurrentDictionary<Guid, string>();
            var created = new ConcurrentDictionary<Guid, bool>();
            var refused = new ConcurrentQueue<string>();
            // Until 400 answers are acknowledged (a few seconds), or 60 s on a very busy machine.
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var clock = System.Diagnostics.Stopwatch.StartNew();
            async Task Client(int n)
            {
                var counters = new[] { "VQ-AS-Q1", "VQ-BP-Q1", "VQ-DH-Q1" };
                for (var i = 0; !stop.IsCancellationRequested; i++)
                {
                    var id = Guid.NewGuid();
                    var body = Body(id, counters[(n + i) % counters.Length], 1 + (n + i) % 5);
                    sent[id] = body;
                    var status = await PostAsync((n + i) % 2 == 0 ? a : b, body);
                    if (status != HttpStatusCode.Created) refused.Enqueue($"{id}: {(int)status}");
                    else if (created.TryAdd(id, true) && created.Count >= 400) stop.Cancel();
                }
            }
            await Task.WhenAll(Enumerable.Range(0, 8).Select(n => Task.Run(() => Client(n))));
            Assert.True(refused.IsEmpty, string.Join(", ", refused.Take(5)) + "\n" + first.RecentLog + "\n" + second.RecentLog);
            var elapsed = clock.Elapsed;
            Assert.True(created.Count > 100, $"Only {created.Count} answers in {elapsed.TotalSeconds:F0} s");

            // A client that missed its acknowledgement retries through the other instance: a replay, not a new row.
            var retried = sent.Take(50).ToList();
            foreach (var (id, body) in retried)
            {
                Assert.Equal(HttpStatusCode.OK, await PostAsync(a, body));
                Assert.Equal(HttpStatusCode.OK, await PostAsync(b, body));
            }

            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            var stored = await ScalarAsync(connection, "SELECT count(*) FROM \"Responses\"");
            var distinct = await ScalarAsync(connection, "SELECT count(DISTINCT \"SubmissionId\") FROM \"Responses\"");
            var dayCells = await ScalarAsync(connection, "SELECT COALESCE(SUM(s.\"Responses\"), 0) FROM \"StatisticsCells\" s WHERE s.\"Period\" = 0 " +
                "AND s.\"UnitId\" IN (SELECT \"UnitId\" FROM \"Counters\")");
            var cleanups = await ScalarAsync(connection, "SELECT \"Runs\" FROM \"JobLeases\" WHERE \"Name\" = 'sighting-cleanup'");
            output.WriteLine($"{sent.Count} sent, {created.Count} created through two instances in {elapsed.TotalSeconds:F1} s; {stored} rows; day cells {dayCells}; sighting cleanup ran {cleanups}×");
            Assert.Equal(sent.Count, stored);
            Assert.Equal(stored, distinct);
            Assert.True(sent.Keys.All(created.ContainsKey));
            Assert.Equal(stored, dayCells);
            Assert.Equal(1, cleanups);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(server);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }
    }

    private static string Body(Guid id, string counter, int hl) =>
        "{\"submissionId\":\"" + id + "\",\"counter\":\"" + counter + "\",\"instrument\":\"NHANH\",\"channel\":\"web\",\"answers\":{\"HL\":" + hl + "}}";

    private static async Task<HttpStatusCode> PostAsync(HttpClient http, string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await http.PostAsync("/api/v1/responses", content);
        return response.StatusCode;
    }

    private static async Task<long> ScalarAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
