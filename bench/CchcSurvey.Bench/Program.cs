using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using CchcSurvey.Web.Data;
using CchcSurvey.Web.Indices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CchcSurvey.Bench;

/// <summary>
/// <c>dotnet run -c Release --project bench/CchcSurvey.Bench -- indices --provider sqlite|postgres --responses 100000,1000000,10000000</c>
/// Loads responses over 3,321 communes and 12 months in growing steps and, at each step, rebuilds the statistics
/// cells (measurement d) and times the figures API (a)–(c) through the real HTTP pipeline. See docs/performance.md.
/// Each step runs in two child processes of this program, so that each reports its own peak memory: <c>load</c>
/// (the bulk loader, whose SQLite page cache is not the app's) and <c>measure</c> (the app alone: rebuild and queries).
/// </summary>
public static class BenchMain
{
    internal const int Communes = 3321;

    private static readonly System.Text.Json.JsonSerializerOptions Json = new(System.Text.Json.JsonSerializerDefaults.Web);

    public static async Task<int> Main(string[] args)
    {
        string Option(string name, string fallback)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
        }
        var command = args.Length > 0 ? args[0] : "";
        var provider = Option("--provider", "sqlite").ToLowerInvariant();
        if (command is not ("indices" or "load" or "measure" or "reorganise" or "reorg" or "datasets" or "dataset-rebuild" or "pages" or "pages-measure")
            || provider is not ("sqlite" or "postgres" or "both") || (provider == "both" && command is not ("indices" or "datasets" or "pages")))
        {
            Console.Error.WriteLine("usage: indices --provider sqlite|postgres|both --responses 100000,1000000,10000000 [--runs 50] [--ranking-runs 20] [--server CONNSTR] [--file PATH] [--keep] [--reuse] [--out FILE.md]");
            Console.Error.WriteLine("       datasets --provider sqlite|postgres|both --responses 100000,1000000,10000000 [--dir /work/benchdata] [--server CONNSTR]");
            Console.Error.WriteLine("       pages --provider sqlite|postgres|both --responses 100000,1000000,10000000 [--runs 40] [--seconds 60] [--dir /work/benchdata] [--server CONNSTR] [--read-only CONNSTR] [--unpartitioned] [--out FILE.md]");
            return 2;
        }
        var ct = CancellationToken.None;
        return command switch
        {
            "reorg" => await ReorganiseBench.RunAsync(provider, Option("--connection", ""), rebuild: !args.Contains("--no-rebuild"), ct),
            "reorganise" => await ReorganiseAsync(provider, long.Parse(Option("--responses", "1000000").Replace("_", ""), CultureInfo.InvariantCulture),
                Option("--file", Path.Combine(Path.GetTempPath(), "cchc-bench", "reorg.db")), Option("--server", "Host=127.0.0.1;Port=5432;Username=cchc;Password=cchc;Database=postgres"), ct),
            "load" => await LoadAsync(provider, Option("--connection", ""), long.Parse(Option("--to", "0"), CultureInfo.InvariantCulture), Option("--tree", "flat"), ct),
            "datasets" => await Datasets.BuildAsync(provider, Datasets.Sizes(Option("--responses", "100000,1000000,10000000")), Option("--dir", Datasets.DefaultDirectory), Option("--server", Datasets.DefaultServer), ct),
            "dataset-rebuild" => await Datasets.RebuildChildAsync(provider, Option("--connection", ""), ct),
            "pages" => await PageBench.RunAsync(provider, Datasets.Sizes(Option("--responses", "100000,1000000,10000000")), Option("--dir", Datasets.DefaultDirectory),
                Option("--server", Datasets.DefaultServer), Option("--runs", "40"), Option("--seconds", "60"), Option("--read-only", ""), Option("--out", ""), args.Contains("--unpartitioned"), ct),
            "pages-measure" => await PageBench.MeasureChildAsync(provider, Option("--connection", ""), Option("--read-only", ""), int.Parse(Option("--runs", "40"), CultureInfo.InvariantCulture),
                int.Parse(Option("--seconds", "60"), CultureInfo.InvariantCulture), ct),
            "measure" => await MeasureAsync(provider, Option("--connection", ""), int.Parse(Option("--runs", "50"), CultureInfo.InvariantCulture),
                int.Parse(Option("--ranking-runs", "20"), CultureInfo.InvariantCulture), rebuild: !args.Contains("--no-rebuild"), ct),
            _ when provider == "both" => await IndicesAsync(args, "sqlite", Option, ct) is var code && code != 0 ? code : await IndicesAsync(args, "postgres", Option, ct),
            _ => await IndicesAsync(args, provider, Option, ct),
        };
    }

    /// <summary>The orchestrator: prepares the database, then runs a load and a measure child per size.</summary>
    private static async Task<int> IndicesAsync(string[] args, string provider, Func<string, string, string> option, CancellationToken ct)
    {
        var sizes = option("--responses", "100000,1000000,10000000").Split(',').Select(s => long.Parse(s.Replace("_", ""), CultureInfo.InvariantCulture)).Order().ToArray();
        var runs = option("--runs", "50");
        var rankingRuns = option("--ranking-runs", "20");
        var keep = args.Contains("--keep");
        var reuse = args.Contains("--reuse");
        var output = option("--out", "");

        string connectionString;
        Action cleanUp;
        if (provider == "postgres")
        {
            var server = option("--server", Environment.GetEnvironmentVariable("CCHC_BENCH_POSTGRES") ?? "Host=127.0.0.1;Port=5432;Username=cchc;Password=cchc;Database=postgres");
            const string database = "cchc_bench";
            if (!reuse || !await PostgresDatabaseExistsAsync(server, database))
            {
                await ExecuteAsync(server, $"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)");
                await ExecuteAsync(server, $"CREATE DATABASE \"{database}\"");
            }
            connectionString = new NpgsqlConnectionStringBuilder(server) { Database = database, CommandTimeout = 3600 }.ToString();
            cleanUp = () =>
            {
                if (!keep) ExecuteAsync(server, $"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)").GetAwaiter().GetResult();
            };
        }
        else
        {
            var file = option("--file", Path.Combine(Path.GetTempPath(), "cchc-bench", "bench.db"));
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            if (!reuse) foreach (var f in new[] { file, file + "-wal", file + "-shm" }) File.Delete(f);
            connectionString = new SqliteConnectionStringBuilder { DataSource = file, DefaultTimeout = 3600 }.ToString();
            cleanUp = () =>
            {
                if (!keep) foreach (var f in new[] { file, file + "-wal", file + "-shm" }) File.Delete(f);
            };
        }

        var results = new List<StepResult>();
        try
        {
            foreach (var size in sizes)
            {
                Log($"{provider} {size:N0}: loading …");
                var load = await ChildAsync<LoadResult>(["load", "--provider", provider, "--connection", connectionString, "--to", size.ToString(CultureInfo.InvariantCulture)], ct);
                Log($"{provider} {size:N0}: loaded {load.Added:N0} in {load.Seconds:0.0} s (loader peak {Mb(load.Peak.WorkingSet)}); rebuilding and measuring …");
                var measured = await ChildAsync<MeasureResult>(["measure", "--provider", provider, "--connection", connectionString, "--runs", runs, "--ranking-runs", rankingRuns], ct);
                var result = new StepResult(provider, measured.Responses, TimeSpan.FromSeconds(load.Seconds), TimeSpan.FromSeconds(measured.RebuildSeconds),
                    measured.Cells, measured.A, measured.B, measured.C, load.Peak, measured.RebuildPeak, measured.QueryPeak, measured.ProcessPeakWorkingSet,
                    measured.DatabaseBytes, measured.LoadAverage);
                results.Add(result);
                Log(result.ToString());
                if (output.Length > 0) await File.AppendAllTextAsync(output, result.MarkdownRow() + Environment.NewLine, ct);
            }
        }
        finally
        {
            cleanUp();
        }

        Console.WriteLine();
        Console.WriteLine(StepResult.MarkdownHeader);
        foreach (var r in results) Console.WriteLine(r.MarkdownRow());
        Console.WriteLine();
        Console.WriteLine(StepResult.MemoryHeader);
        foreach (var r in results) Console.WriteLine(r.MemoryRow());
        return 0;
    }

    /// <summary>
    /// <c>reorganise --provider sqlite|postgres --responses N</c>: a fresh database (deleted afterwards) loaded to N
    /// responses by a <c>load</c> child, then a <c>reorg</c> child (see <see cref="ReorganiseBench"/>).
    /// </summary>
    private static async Task<int> ReorganiseAsync(string provider, long responses, string file, string server, CancellationToken ct)
    {
        string connectionString;
        Action cleanUp;
        if (provider == "postgres")
        {
            const string database = "cchc_bench_reorg";
            await ExecuteAsync(server, $"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)");
            await ExecuteAsync(server, $"CREATE DATABASE \"{database}\"");
            connectionString = new NpgsqlConnectionStringBuilder(server) { Database = database, CommandTimeout = 3600 }.ToString();
            cleanUp = () => ExecuteAsync(server, $"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)").GetAwaiter().GetResult();
        }
        else
        {
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            foreach (var f in new[] { file, file + "-wal", file + "-shm" }) File.Delete(f);
            connectionString = new SqliteConnectionStringBuilder { DataSource = file, DefaultTimeout = 3600 }.ToString();
            cleanUp = () => { foreach (var f in new[] { file, file + "-wal", file + "-shm" }) File.Delete(f); };
        }
        try
        {
            Log($"{provider} {responses:N0}: loading …");
            var load = await ChildAsync<LoadResult>(["load", "--provider", provider, "--connection", connectionString, "--to", responses.ToString(CultureInfo.InvariantCulture)], ct);
            Log($"loaded {load.Added:N0} in {load.Seconds:0.0} s; reorganising …");
            var r = await ChildAsync<ReorganiseBench.ReorgResult>(["reorg", "--provider", provider, "--connection", connectionString], ct);
            Console.WriteLine("| provider | responses | rebuild s | one commune merge s | province (200 → 65) s | submissions during the job | p50 / p99 / max ms |");
            Console.WriteLine("|---|---|---|---|---|---|---|");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {provider} | {r.Responses:N0} | {r.RebuildSeconds:0.0} | {r.SingleMergeSeconds:0.00} | {r.ProvinceSeconds:0.00} | {r.Posted:N0} | {r.P50:0.0} / {r.P99:0.0} / {r.Max:0.0} |"));
            Console.WriteLine($"single: {r.SingleOutcome}");
            Console.WriteLine($"province: {r.ProvinceOutcome}");
            return 0;
        }
        finally
        {
            cleanUp();
        }
    }

    /// <summary>Runs this program again with the arguments; its last line starting "RESULT " is the JSON result.</summary>
    internal static async Task<T> ChildAsync<T>(string[] arguments, CancellationToken ct)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add(typeof(BenchMain).Assembly.Location);
        foreach (var a in arguments) start.ArgumentList.Add(a);
        using var child = Process.Start(start) ?? throw new InvalidOperationException("could not start the child process");
        string? result = null;
        while (await child.StandardOutput.ReadLineAsync(ct) is { } line)
        {
            if (line.StartsWith("RESULT ", StringComparison.Ordinal)) result = line["RESULT ".Length..];
            else Console.WriteLine("    " + line);
        }
        await child.WaitForExitAsync(ct);
        if (child.ExitCode != 0 || result is null) throw new InvalidOperationException($"{arguments[0]} failed with exit code {child.ExitCode}");
        return System.Text.Json.JsonSerializer.Deserialize<T>(result, Json)!;
    }

    public sealed record LoadResult(long Added, double Seconds, MemoryPeak Peak);

    public sealed record MeasureResult(long Responses, double RebuildSeconds, long Cells, Timing A, Timing B, Timing C,
        MemoryPeak RebuildPeak, MemoryPeak QueryPeak, long ProcessPeakWorkingSet, long DatabaseBytes, string LoadAverage);

    /// <summary>Child: the app migrates and gets its units, then the bulk loader fills Responses up to the total.</summary>
    private static async Task<int> LoadAsync(string provider, string connectionString, long total, string tree, CancellationToken ct)
    {
        using var sampler = new MemorySampler();
        using var app = new BenchApp(provider, connectionString);
        app.CreateClient();
        if (tree == "provinces") await app.ImportProvinceTreeAsync(Datasets.Provinces, Communes, ct);
        else await app.ImportUnitsAsync(Communes, ct);
        var loader = await BulkLoader.CreateAsync(app, ct);
        var before = loader.Loaded;
        sampler.Reset();
        var watch = Stopwatch.StartNew();
        var lastLog = Stopwatch.StartNew();
        await loader.LoadUpToAsync(total, new Progress(n =>
        {
            if (lastLog.Elapsed.TotalSeconds < 30) return;
            lastLog.Restart();
            Log($"  loaded {n:N0} ({(n - before) / Math.Max(1, watch.Elapsed.TotalSeconds):N0}/s)");
        }), ct);
        Console.WriteLine("RESULT " + System.Text.Json.JsonSerializer.Serialize(new LoadResult(loader.Loaded - before, watch.Elapsed.TotalSeconds, sampler.Snapshot()), Json));
        return 0;
    }

    /// <summary>Child: the app alone — (d) a rebuild of every cell, then (a)–(c) over HTTP.</summary>
    /// <param name="rebuild">False (<c>--no-rebuild</c>, for profiling the queries) measures the cells as they are.</param>
    private static async Task<int> MeasureAsync(string provider, string connectionString, int runs, int rankingRuns, bool rebuild, CancellationToken ct)
    {
        using var sampler = new MemorySampler();
        using var app = new BenchApp(provider, connectionString);
        var client = app.CreateClient();
        client.Timeout = TimeSpan.FromMinutes(10);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await app.AdminTokenAsync(ct));

        sampler.Reset();
        var rebuildTime = Stopwatch.StartNew();
        long rebuilt, cells;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<SurveyDbContext>();
            db.Database.SetCommandTimeout(TimeSpan.FromHours(1));
            rebuilt = rebuild
                ? await scope.ServiceProvider.GetRequiredService<StatisticsLedger>().RebuildAsync(db, null, ct)
                : await db.Responses.LongCountAsync(ct);
        }
        rebuildTime.Stop();
        var rebuildPeak = sampler.Snapshot();
        await using (var scope = app.Services.CreateAsyncScope())
            cells = await scope.ServiceProvider.GetRequiredService<SurveyDbContext>().StatisticsCells.LongCountAsync(ct);
        Log($"  rebuilt {rebuilt:N0} responses into {cells:N0} cells in {rebuildTime.Elapsed.TotalSeconds:0.0} s; measuring …");

        sampler.Reset();
        var random = new Random(42);
        var year = $"from={BulkLoader.FirstDay:yyyy-MM-dd}&to={BulkLoader.LastDay:yyyy-MM-dd}";
        var loadBefore = LoadAverage().Split(' ')[0];
        // Warm-up requests first: a server answers for days, and the first hundreds of requests of a fresh process
        // run while the runtime is still re-compiling the hot methods (tiered compilation), which doubled p95.
        var a = await TimeAsync(client, 1000, runs, () => $"/api/v1/units/{BenchApp.CommuneCode(random.Next(1, Communes + 1))}/indices?instrument=SIPAS-DV&from=2025-04-01&to=2025-06-30");
        var b = await TimeAsync(client, 1000, runs, () => $"/api/v1/units/P/indices?instrument=SIPAS-DV&{year}");
        var c = await TimeAsync(client, 10, rankingRuns, () => $"/api/v1/units/P/ranking?instrument=SIPAS-DV&{year}");
        var queryPeak = sampler.Snapshot();
        Console.WriteLine("RESULT " + System.Text.Json.JsonSerializer.Serialize(new MeasureResult(rebuilt, rebuildTime.Elapsed.TotalSeconds, cells, a, b, c,
            rebuildPeak, queryPeak, Process.GetCurrentProcess().PeakWorkingSet64, await DatabaseBytesAsync(app),
            $"{loadBefore} → {LoadAverage().Split(' ')[0]}"), Json));
        return 0;
    }

    internal static async Task<bool> PostgresDatabaseExistsAsync(string server, string database)
    {
        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = database });
        return await command.ExecuteScalarAsync() is not null;
    }

    /// <summary><paramref name="warmUp"/> requests not counted, then <paramref name="runs"/> timed requests, each read to the end.</summary>
    private static async Task<Timing> TimeAsync(HttpClient client, int warmUp, int runs, Func<string> url)
    {
        for (var i = 0; i < warmUp; i++) await GetAsync(client, url());
        var times = new double[runs];
        for (var i = 0; i < runs; i++)
        {
            var u = url();
            var watch = Stopwatch.StartNew();
            await GetAsync(client, u);
            times[i] = watch.Elapsed.TotalMilliseconds;
        }
        return Timing.Of(times);
    }

    private static async Task GetAsync(HttpClient client, string url)
    {
        using var response = await client.GetAsync(url);
        var body = await response.Content.ReadAsByteArrayAsync();
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"GET {url}: {(int)response.StatusCode} {System.Text.Encoding.UTF8.GetString(body)}");
    }

    internal static async Task<long> DatabaseBytesAsync(BenchApp app)
    {
        if (app.IsPostgres)
        {
            await using var connection = new NpgsqlConnection(app.ConnectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT pg_database_size(current_database())", connection);
            return (long)(await command.ExecuteScalarAsync())!;
        }
        var file = new SqliteConnectionStringBuilder(app.ConnectionString).DataSource;
        return new[] { file, file + "-wal" }.Where(File.Exists).Sum(f => new FileInfo(f).Length);
    }

    internal static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public static string Mb(long bytes) => $"{bytes / 1048576.0:N0} MB";

    internal static void Log(string message) => Console.WriteLine($"[{DateTime.Now:HH:mm:ss}] {message}  (load average {LoadAverage()})");

    /// <summary>The 1-, 5- and 15-minute load averages: the machine is shared, so every figure says how busy it was.</summary>
    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private sealed class Progress(Action<long> report) : IProgress<long>
    {
        public void Report(long value) => report(value);
    }
}

public sealed record Timing(double P50, double P95, double Max, int Runs)
{
    /// <summary>Nearest-rank percentiles.</summary>
    public static Timing Of(double[] times)
    {
        var sorted = times.Order().ToArray();
        double Rank(double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
        return new Timing(Rank(0.50), Rank(0.95), sorted[^1], sorted.Length);
    }

    public override string ToString() => FormattableString.Invariant($"{P50:0.0} / {P95:0.0}");
}

public sealed record StepResult(string Provider, long Responses, TimeSpan Load, TimeSpan Rebuild, long Cells, Timing A, Timing B, Timing C,
    MemoryPeak LoadPeak, MemoryPeak RebuildPeak, MemoryPeak QueryPeak, long ProcessPeakWorkingSet, long DatabaseBytes, string LoadAverage)
{
    public const string MarkdownHeader =
        "| provider | responses | (a) commune, quarter p50 / p95 ms | (b) root, 12 months p50 / p95 ms | (c) ranking 3,321 p50 / p95 ms | (d) rebuild s | cells | load s | database | load average (1 min) during (a)–(c) |\n" +
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|";

    public const string MemoryHeader =
        "| provider | responses | peak working set: loader / app rebuild / app queries | peak GC heap: loader / app rebuild / app queries | app process peak working set |\n" +
        "|---|---:|---:|---:|---:|";

    public string MarkdownRow() => FormattableString.Invariant(
        $"| {Provider} | {Responses:N0} | {A} | {B} | {C} | {Rebuild.TotalSeconds:0.0} | {Cells:N0} | {Load.TotalSeconds:0.0} | {BenchMain.Mb(DatabaseBytes)} | {LoadAverage} |");

    public string MemoryRow() => FormattableString.Invariant(
        $"| {Provider} | {Responses:N0} | {BenchMain.Mb(LoadPeak.WorkingSet)} / {BenchMain.Mb(RebuildPeak.WorkingSet)} / {BenchMain.Mb(QueryPeak.WorkingSet)} | {BenchMain.Mb(LoadPeak.GcHeap)} / {BenchMain.Mb(RebuildPeak.GcHeap)} / {BenchMain.Mb(QueryPeak.GcHeap)} | {BenchMain.Mb(ProcessPeakWorkingSet)} |");

    public override string ToString() => MarkdownRow() + Environment.NewLine + MemoryRow();
}

public readonly record struct MemoryPeak(long WorkingSet, long GcHeap);

/// <summary>Samples the process's working set and GC heap every 50 ms and keeps the peaks since the last reset.</summary>
public sealed class MemorySampler : IDisposable
{
    private readonly Timer _timer;
    private long _workingSet, _gcHeap;

    public MemorySampler() => _timer = new Timer(_ => Sample(), null, 0, 50);

    private void Sample()
    {
        using var process = Process.GetCurrentProcess();
        var ws = process.WorkingSet64;
        var heap = GC.GetGCMemoryInfo().HeapSizeBytes;
        var total = GC.GetTotalMemory(false);
        InterlockedMax(ref _workingSet, ws);
        InterlockedMax(ref _gcHeap, Math.Max(heap, total));
    }

    private static void InterlockedMax(ref long target, long value)
    {
        long current;
        while (value > (current = Interlocked.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current) { }
    }

    public void Reset()
    {
        Interlocked.Exchange(ref _workingSet, 0);
        Interlocked.Exchange(ref _gcHeap, 0);
        Sample();
    }

    public MemoryPeak Snapshot()
    {
        Sample();
        return new MemoryPeak(Interlocked.Read(ref _workingSet), Interlocked.Read(ref _gcHeap));
    }

    public void Dispose() => _timer.Dispose();
}
