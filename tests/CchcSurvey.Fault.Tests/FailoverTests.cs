using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Npgsql;
using Xunit.Abstractions;

namespace CchcSurvey.Fault.Tests;

/// <summary>
/// Fail-over to a synchronous standby under load. Two PostgreSQL 15 clusters on this machine (a primary and a hot
/// standby made with pg_createcluster and pg_basebackup, <c>deploy/pg-standby-pair.sh</c>); the app (a real process)
/// has both hosts in its connection string. Clients post answers; the primary is stopped with <c>-m immediate</c> and
/// the standby promoted. Then every acknowledged answer is on the new primary, each once, and answers resumed
/// (the time from the promotion to the first acknowledgement is printed, not asserted: speed belongs in benchmarks).
/// Runs as root where Debian's cluster tools are installed (.ci/run installs them); elsewhere it is skipped,
/// except under CI=true, where missing tools fail it.
/// </summary>
public sealed class FailoverTests(ITestOutputHelper output)
{
    private const int Clients = 8;

    [SkippableFact]
    public async Task Every_acknowledged_answer_is_on_the_promoted_standby_and_answers_resume()
    {
        var ci = string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);
        var missing = !File.Exists("/usr/bin/pg_createcluster") ? "pg_createcluster is not installed"
            : !Directory.Exists("/usr/lib/postgresql/15/bin") ? "PostgreSQL 15 is not installed"
            : Environment.UserName != "root" ? "the clusters are made as root" : null;
        if (missing is not null && ci) Assert.Fail($"CI=true but {missing}.");
        Skip.If(missing is not null, missing);

        var name = $"cchcfo{Environment.ProcessId}";
        var (primaryPort, standbyPort) = (FreePort(), FreePort());
        var clock = Stopwatch.StartNew();
        try
        {
            await PairAsync("create", name, primaryPort.ToString(CultureInfo.InvariantCulture), standbyPort.ToString(CultureInfo.InvariantCulture));
            output.WriteLine($"{clock.Elapsed:mm\\:ss\\.f} clusters up: primary {primaryPort}, synchronous standby {standbyPort}");
            var database = "cchc_failover";
            string Single(int port) => $"Host=127.0.0.1;Port={port};Username=postgres;Database={database};Pooling=false";
            // CCHC_FAILOVER_CONNECTION adds to the connection string, e.g. "Host Recheck Seconds=10" (Npgsql's default) to compare.
            var both = $"Host=127.0.0.1:{primaryPort},127.0.0.1:{standbyPort};Username=postgres;Database={database};"
                       + Environment.GetEnvironmentVariable("CCHC_FAILOVER_CONNECTION");

            using var app = new AppProcess([
                "--Database:Provider", "Postgres", "--ConnectionStrings:Survey", both,
                "--Demo:Enabled", "true", "--Demo:Responses", "0", "--RateLimiting:Enabled", "false",
                "--Logging:LogLevel:Default", "Warning", "--Logging:LogLevel:CchcSurvey.Web.Surveys.ResponseWriter", "Information"]);
            await app.StartAsync(TimeSpan.FromSeconds(120));

            var acknowledged = new ConcurrentDictionary<Guid, long>();   // id → time of its acknowledgement (TimeSpan ticks since the start)
            var failures = 0;
            using var stop = new CancellationTokenSource();
            using var http = new HttpClient { BaseAddress = app.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
            async Task ClientAsync()
            {
                while (!stop.IsCancellationRequested)
                {
                    var id = Guid.NewGuid();
                    try
                    {
                        var hl = 1 + (id.GetHashCode() & 0xFF) % 5;
                        using var content = new StringContent(
                            "{\"submissionId\":\"" + id + "\",\"counter\":\"VQ-AS-Q1\",\"instrument\":\"NHANH\",\"channel\":\"web\",\"answers\":{\"HL\":" + hl + "}}",
                            Encoding.UTF8, "application/json");
                        using var response = await http.PostAsync("/api/v1/responses", content);
                        if (response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK) acknowledged[id] = clock.Elapsed.Ticks;
                        else Interlocked.Increment(ref failures);
                    }
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                    {
                        Interlocked.Increment(ref failures);
                        await Task.Delay(100);
                    }
                }
            }
            var clients = Enumerable.Range(0, Clients).Select(_ => Task.Run(ClientAsync)).ToArray();

            // Under load, with the standby synchronous: sample its replay lag as the primary sees it.
            var lags = new List<double>();
            var loadStarted = clock.Elapsed;
            while (acknowledged.Count < 300 || clock.Elapsed - loadStarted < TimeSpan.FromSeconds(3))
            {
                lags.Add(await ReplayLagMillisecondsAsync(Single(primaryPort).Replace(database, "postgres")));
                await Task.Delay(100);
                Assert.True(clock.Elapsed - loadStarted < TimeSpan.FromSeconds(60), $"Too few acknowledgements before the fail-over: {acknowledged.Count}\n{app.RecentLog}");
            }
            var beforeKill = acknowledged.Count;
            var rate = beforeKill / (clock.Elapsed - loadStarted).TotalSeconds;

            var killed = clock.Elapsed;
            await PairAsync("failover", name);
            var promoted = clock.Elapsed;
            output.WriteLine($"{killed:mm\\:ss\\.f} primary stopped (-m immediate) with {beforeKill} acknowledged ({rate:F0}/s); standby promoted after {(promoted - killed).TotalSeconds:F1} s");

            // Answers resume on the promoted standby.
            var waiting = Stopwatch.StartNew();
            while (!acknowledged.Values.Any(t => TimeSpan.FromTicks(t) > promoted) && waiting.Elapsed < TimeSpan.FromSeconds(60)) await Task.Delay(20);
            var after = acknowledged.Values.Where(t => TimeSpan.FromTicks(t) > promoted).ToList();
            Assert.True(after.Count > 0, $"No answer was acknowledged within 60 s of the promotion.\n{app.RecentLog}");
            var first = TimeSpan.FromTicks(after.Min());
            var resumed = acknowledged.Count;
            while (acknowledged.Count < resumed + 200 && waiting.Elapsed < TimeSpan.FromSeconds(60)) await Task.Delay(20);
            await stop.CancelAsync();
            await Task.WhenAll(clients);

            // Every acknowledged answer is on the new primary, once.
            var stored = new Dictionary<Guid, int>();
            await using (var connection = new NpgsqlConnection(Single(standbyPort)))
            {
                await connection.OpenAsync();
                await using var command = new NpgsqlCommand("SELECT \"SubmissionId\", count(*) FROM \"Responses\" GROUP BY 1", connection);
                await using var reader = await command.ExecuteReaderAsync();
                while (await reader.ReadAsync()) stored[reader.GetGuid(0)] = (int)reader.GetInt64(1);
            }
            var lost = acknowledged.Keys.Where(id => !stored.ContainsKey(id)).ToList();
            Assert.True(lost.Count == 0, $"{lost.Count} of {acknowledged.Count} acknowledged answers are not on the promoted standby, e.g. {string.Join(", ", lost.Take(3))}");
            Assert.All(stored, s => Assert.Equal(1, s.Value));

            lags.Sort();
            output.WriteLine($"replay lag of the synchronous standby under load: median {lags[lags.Count / 2]:F1} ms, max {lags[^1]:F1} ms ({lags.Count} samples)");
            output.WriteLine($"first acknowledgement {(first - promoted).TotalSeconds:F2} s after the promotion, {(first - killed).TotalSeconds:F2} s after the primary died");
            output.WriteLine($"{clock.Elapsed:mm\\:ss\\.f} verified: {acknowledged.Count} acknowledged answers all on the new primary, none twice " +
                             $"({stored.Count} stored, {failures} requests failed or timed out and were not acknowledged)");
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await PairAsync("drop", name);
        }
    }

    private static async Task<double> ReplayLagMillisecondsAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT COALESCE(EXTRACT(epoch FROM max(replay_lag)) * 1000, 0)::float8 FROM pg_stat_replication", connection);
        return (double)(await command.ExecuteScalarAsync())!;
    }

    private async Task PairAsync(params string[] args)
    {
        var script = Path.Combine(AppBuild.RepositoryRoot(), "deploy", "pg-standby-pair.sh");
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(script);
        foreach (var arg in args) info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"pg-standby-pair.sh {string.Join(' ', args)} exited with {process.ExitCode}:\n{await stdout}\n{await stderr}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
