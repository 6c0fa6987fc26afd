using System.Collections.Concurrent;
using System.Data.Common;
using System.Diagnostics;
using System.Net;
using System.Text;
using Microsoft.Data.Sqlite;
using Npgsql;
using Xunit.Abstractions;

namespace CchcSurvey.Fault.Tests;

/// <summary>
/// Crash safety of acknowledged submissions. Concurrent clients post responses with known submission ids and
/// record every acknowledgement (201/200) while the server process is killed with SIGKILL at random (seeded)
/// moments and started again on the same database. Then: every acknowledged id is stored (before anything is
/// re-sent), re-sending every unacknowledged id with the same payload is acknowledged, and at the end every
/// sent id is stored exactly once, and the statistics cells count exactly the stored responses.
/// <c>CCHC_FAULT_KILLS</c> sets the number of kills (3 by default, the CI short form; 20 is the long form),
/// <c>CCHC_FAULT_SEED</c> the seed.
/// </summary>
public sealed class CrashSafetyTests(ITestOutputHelper output)
{
    private const string Counter = "VQ-AS-Q1";
    private const int Clients = 16;

    private static int Kills => int.TryParse(Environment.GetEnvironmentVariable("CCHC_FAULT_KILLS"), out var n) && n >= 1 ? n : 3;
    private static int Seed => int.TryParse(Environment.GetEnvironmentVariable("CCHC_FAULT_SEED"), out var n) ? n : 20261125;

    [Fact]
    public async Task Sqlite_every_acknowledged_submission_survives_SIGKILL()
    {
        var file = Path.Combine(Path.GetTempPath(), "cchc-fault", $"{Guid.NewGuid():N}.db");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        try
        {
            await RunAsync(
                ["--Database:Provider", "Sqlite", "--ConnectionStrings:Survey", $"Data Source={file}"],
                () => new SqliteConnection($"Data Source={file}"));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            foreach (var f in new[] { file, file + "-wal", file + "-shm" })
                try { File.Delete(f); } catch (IOException) { }
        }
    }

    [SkippableFact]
    public async Task Postgres_every_acknowledged_submission_survives_SIGKILL()
    {
        var server = Environment.GetEnvironmentVariable("CCHC_TEST_POSTGRES");
        Skip.If(string.IsNullOrWhiteSpace(server), "CCHC_TEST_POSTGRES is not set.");
        var database = $"cchc_fault_{Guid.NewGuid():N}";
        var connectionString = new NpgsqlConnectionStringBuilder(server) { Database = database }.ToString();
        try
        {
            await RunAsync(
                ["--Database:Provider", "Postgres", "--ConnectionStrings:Survey", connectionString],
                () => new NpgsqlConnection(connectionString));
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

    private async Task RunAsync(string[] database, Func<DbConnection> connect)
    {
        var rng = new Random(Seed);
        var kills = Kills;
        var clock = Stopwatch.StartNew();
        using var app = new AppProcess([.. database,
            "--Demo:Enabled", "true", "--Demo:Responses", "0", "--RateLimiting:Enabled", "false",
            "--Logging:LogLevel:Default", "Warning", "--Logging:LogLevel:Microsoft.Hosting.Lifetime", "Information"]);
        var sent = new ConcurrentDictionary<Guid, string>();     // every id a client tried, with its one payload
        var acknowledged = new ConcurrentDictionary<Guid, HttpStatusCode>();
        var refused = new ConcurrentQueue<string>();             // 4xx: never expected
        var transportErrors = 0;
        var serverErrors = 0;
        var nextId = 0;
        var idSeed = rng.Next();

        await app.StartAsync(TimeSpan.FromSeconds(90));
        output.WriteLine($"{clock.Elapsed:mm\\:ss} started on {app.BaseAddress} (seed {Seed}, {kills} kills)");

        using var stop = new CancellationTokenSource();
        using var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromSeconds(2), ConnectTimeout = TimeSpan.FromSeconds(2) })
        {
            BaseAddress = app.BaseAddress,
            Timeout = TimeSpan.FromSeconds(15),
        };

        async Task ClientAsync()
        {
            while (!stop.IsCancellationRequested)
            {
                var n = Interlocked.Increment(ref nextId);
                var id = Id(idSeed, n);
                var body = Payload(id, n);
                sent[id] = body;
                try
                {
                    var status = await PostAsync(http, body, CancellationToken.None);
                    if (status is HttpStatusCode.Created or HttpStatusCode.OK) acknowledged[id] = status;
                    else if ((int)status < 500) refused.Enqueue($"{id}: {(int)status}");
                    else Interlocked.Increment(ref serverErrors);
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
                {
                    // The server died under this request (or is down): not acknowledged, re-sent at the end.
                    // Back off so that a down server does not turn into thousands of refused ids.
                    Interlocked.Increment(ref transportErrors);
                    await Task.Delay(250);
                }
            }
        }

        var clients = Enumerable.Range(0, Clients).Select(_ => Task.Run(ClientAsync)).ToArray();
        for (var kill = 1; kill <= kills; kill++)
        {
            // A random moment under load: once the restarted server acknowledges again, after a random delay.
            var since = acknowledged.Count;
            var waiting = Stopwatch.StartNew();
            while (acknowledged.Count < since + 10 && waiting.Elapsed < TimeSpan.FromSeconds(30)) await Task.Delay(10);
            await Task.Delay(TimeSpan.FromMilliseconds(rng.Next(0, 1500)));
            var before = acknowledged.Count;
            app.Kill();
            output.WriteLine($"{clock.Elapsed:mm\\:ss} kill {kill}: {before} acknowledged, {sent.Count} sent");
            await Task.Delay(TimeSpan.FromMilliseconds(rng.Next(0, 300)));
            await app.StartAsync(TimeSpan.FromSeconds(60));
        }
        await Task.Delay(500);
        await stop.CancelAsync();
        await Task.WhenAll(clients);
        output.WriteLine($"{clock.Elapsed:mm\\:ss} clients stopped: {sent.Count} sent, {acknowledged.Count} acknowledged, " +
                         $"{transportErrors} connection errors, {serverErrors} server errors");

        Assert.True(refused.IsEmpty, $"Refused submissions: {string.Join(", ", refused.Take(10))}\n{app.RecentLog}");
        Assert.True(acknowledged.Count > kills * 10, $"Too few acknowledged submissions ({acknowledged.Count}) for a meaningful test.\n{app.RecentLog}");

        // 1. Durability: every acknowledged id is stored, before anything is re-sent.
        var stored = await StoredAsync(connect);
        var lost = acknowledged.Keys.Where(id => !stored.ContainsKey(id)).ToList();
        Assert.True(lost.Count == 0, $"{lost.Count} acknowledged submissions were lost, e.g. {string.Join(", ", lost.Take(5))}");
        Assert.All(stored, s => Assert.True(sent.ContainsKey(s.Key), $"Stored id {s.Key} was never sent"));

        // 2. Re-send every unacknowledged id with the same payload until acknowledged (201, or 200 when it had been stored).
        var unacknowledged = sent.Keys.Where(id => !acknowledged.ContainsKey(id)).ToList();
        var storedUnacknowledged = unacknowledged.Count(stored.ContainsKey);
        await Parallel.ForEachAsync(unacknowledged, new ParallelOptions { MaxDegreeOfParallelism = Clients }, async (id, _) =>
        {
            for (var attempt = 1; ; attempt++)
            {
                var status = await PostAsync(http, sent[id], CancellationToken.None);
                if (status is HttpStatusCode.Created or HttpStatusCode.OK)
                {
                    // An id committed before its acknowledgement could go out is a replay (200), not a second row.
                    if (stored.ContainsKey(id)) Assert.Equal(HttpStatusCode.OK, status);
                    break;
                }
                Assert.True(attempt < 5 && (int)status >= 500, $"Re-sending {id} gave {(int)status}\n{app.RecentLog}");
                await Task.Delay(200);
            }
        });
        output.WriteLine($"{clock.Elapsed:mm\\:ss} re-sent {unacknowledged.Count} unacknowledged ids ({storedUnacknowledged} had been stored without acknowledgement)");

        // 3. Exactly once: stored = sent, each id once, and the statistics cells count exactly the stored responses.
        var final = await StoredAsync(connect);
        var duplicates = final.Where(s => s.Value != 1).ToList();
        Assert.True(duplicates.Count == 0, $"Stored more than once: {string.Join(", ", duplicates.Take(5))}");
        Assert.Equal(sent.Count, final.Count);
        Assert.True(sent.Keys.All(final.ContainsKey), "A sent id is missing after re-sending.");
        Assert.Equal(final.Count, await DayCellTotalAsync(connect));
        output.WriteLine($"{clock.Elapsed:mm\\:ss} verified: {final.Count} stored exactly once = {sent.Count} sent");
    }

    private static async Task<HttpStatusCode> PostAsync(HttpClient http, string body, CancellationToken ct)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await http.PostAsync("/api/v1/responses", content, ct);
        return response.StatusCode;
    }

    /// <summary>Known, reproducible ids: a v4-shaped UUID from the run's seed and a sequence number.</summary>
    private static Guid Id(int seed, int n)
    {
        var bytes = new byte[16];
        new Random(HashCode.Combine(seed, n)).NextBytes(bytes);
        BitConverter.TryWriteBytes(bytes.AsSpan(0, 4), n);
        bytes[7] = (byte)(0x40 | (bytes[7] & 0x0F));
        bytes[8] = (byte)(0x80 | (bytes[8] & 0x3F));
        return new Guid(bytes);
    }

    private static string Payload(Guid id, int n)
    {
        var hl = n % 5 + 1;
        var reasons = hl <= 2 ? ",\"LY_DO\":[\"cho_lau\"]" : "";
        return $"{{\"submissionId\":\"{id}\",\"counter\":\"{Counter}\",\"instrument\":\"NHANH\",\"channel\":\"qr\",\"answers\":{{\"HL\":{hl}{reasons}}}}}";
    }

    /// <summary>Stored submission ids with how often each is stored, read from the database directly.</summary>
    private static async Task<Dictionary<Guid, int>> StoredAsync(Func<DbConnection> connect)
    {
        await using var connection = connect();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT \"SubmissionId\", COUNT(*) FROM \"Responses\" GROUP BY \"SubmissionId\"";
        var stored = new Dictionary<Guid, int>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var raw = reader.GetValue(0);
            var id = raw is Guid g ? g : Guid.Parse((string)raw);
            stored[id] = stored.GetValueOrDefault(id) + Convert.ToInt32(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture);
        }
        return stored;
    }

    /// <summary>Responses counted by the day cells of the counter's own unit (written in the same transaction).</summary>
    private static async Task<int> DayCellTotalAsync(Func<DbConnection> connect)
    {
        await using var connection = connect();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COALESCE(SUM(s.\"Responses\"), 0) FROM \"StatisticsCells\" s " +
                              "JOIN \"Counters\" c ON c.\"UnitId\" = s.\"UnitId\" WHERE c.\"Code\" = '" + Counter + "' AND s.\"Period\" = 0";
        return Convert.ToInt32(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
