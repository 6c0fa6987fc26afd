using System.Diagnostics;
using System.Globalization;
using CchcSurvey.Web.Data;
using CchcSurvey.Web.Indices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CchcSurvey.Bench;

/// <summary>
/// <c>datasets --provider sqlite|postgres|both --responses 100000,1000000,10000000 [--dir /work/benchdata]</c>:
/// reusable benchmark databases of a generated country tree (root <c>VN</c>, 34 provinces, 3,321 communes, a counter
/// each) holding N responses of 2025 (the bulk loader's mix), with statistics cells rebuilt by the product's own
/// <see cref="StatisticsLedger.RebuildAsync"/> so that pages read real cells. SQLite: <c>{dir}/sqlite-{label}.db</c>;
/// PostgreSQL: database <c>cchc_bench_{label}</c>. Each finished dataset has a manifest <c>{dir}/{provider}-{label}.json</c>
/// (how long it took); a dataset without one is incomplete and is built again. A larger size starts from a copy of
/// the next smaller finished one (file copy / <c>CREATE DATABASE … TEMPLATE</c>), since the loader continues a
/// deterministic sequence from the row count.
/// </summary>
public static class Datasets
{
    public const int Provinces = 34;
    public const string DefaultDirectory = "/work/benchdata";
    public const string DefaultServer = "Host=127.0.0.1;Port=5432;Username=cchc;Password=cchc;Database=postgres";

    public sealed record Manifest(string Provider, long Responses, long Cells, double LoadSeconds, double RebuildSeconds, long DatabaseBytes,
        string CopiedFrom, string LoadAverage, DateTime BuiltUtc, string Connection);

    public sealed record RebuildResult(long Responses, long Cells, double Seconds);

    public static long[] Sizes(string list) =>
        list.Split(',').Select(s => long.Parse(s.Replace("_", ""), CultureInfo.InvariantCulture)).Order().ToArray();

    public static string Label(long n) => n switch
    {
        >= 1_000_000 when n % 1_000_000 == 0 => $"{n / 1_000_000}m",
        >= 1_000 when n % 1_000 == 0 => $"{n / 1_000}k",
        _ => n.ToString(CultureInfo.InvariantCulture),
    };

    public static string DatabaseName(long n) => $"cchc_bench_{Label(n)}";

    public static string ManifestPath(string dir, string provider, long n) => Path.Combine(dir, $"{provider}-{Label(n)}.json");

    public static string SqliteFile(string dir, long n) => Path.Combine(dir, $"sqlite-{Label(n)}.db");

    public static string ConnectionString(string provider, string dir, string server, long n) => provider == "postgres"
        ? new NpgsqlConnectionStringBuilder(server) { Database = DatabaseName(n), CommandTimeout = 3600 }.ToString()
        : new SqliteConnectionStringBuilder { DataSource = SqliteFile(dir, n), DefaultTimeout = 3600 }.ToString();

    public static Manifest? ReadManifest(string dir, string provider, long n)
    {
        var path = ManifestPath(dir, provider, n);
        return File.Exists(path) ? System.Text.Json.JsonSerializer.Deserialize<Manifest>(File.ReadAllText(path)) : null;
    }

    public static async Task<int> BuildAsync(string provider, long[] sizes, string dir, string server, CancellationToken ct)
    {
        if (provider == "both")
            return await BuildAsync("sqlite", sizes, dir, server, ct) is var code && code != 0 ? code : await BuildAsync("postgres", sizes, dir, server, ct);
        Directory.CreateDirectory(dir);
        foreach (var size in sizes)
        {
            if (ReadManifest(dir, provider, size) is { } done)
            {
                BenchMain.Log($"{provider} {Label(size)}: already built ({done.Responses:N0} responses, {done.Cells:N0} cells); skipped");
                continue;
            }
            long? smaller = Directory.GetFiles(dir, $"{provider}-*.json")
                .Select(f => System.Text.Json.JsonSerializer.Deserialize<Manifest>(File.ReadAllText(f))!.Responses)
                .Where(n => n < size).Order().Cast<long?>().LastOrDefault();
            var connection = ConnectionString(provider, dir, server, size);
            if (provider == "postgres")
            {
                await BenchMain.ExecuteAsync(server, $"DROP DATABASE IF EXISTS \"{DatabaseName(size)}\" WITH (FORCE)");
                for (var attempt = 1; ; attempt++)
                {
                    try
                    {
                        await BenchMain.ExecuteAsync(server, smaller is { } from
                            ? $"CREATE DATABASE \"{DatabaseName(size)}\" TEMPLATE \"{DatabaseName(from)}\""
                            : $"CREATE DATABASE \"{DatabaseName(size)}\"");
                        break;
                    }
                    catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ObjectInUse && attempt < 30)
                    {
                        // A template must have no other session (another benchmark reading the smaller dataset): wait.
                        BenchMain.Log($"{provider} {Label(size)}: {DatabaseName(smaller!.Value)} is in use; waiting to copy it …");
                        await Task.Delay(TimeSpan.FromSeconds(20), ct);
                    }
                }
            }
            else
            {
                var file = SqliteFile(dir, size);
                foreach (var f in new[] { file, file + "-wal", file + "-shm" }) File.Delete(f);
                if (smaller is { } from) File.Copy(SqliteFile(dir, from), file);
            }
            BenchMain.Log($"{provider} {Label(size)}: loading{(smaller is { } s ? $" from a copy of {Label(s)}" : "")} …");
            var load = await BenchMain.ChildAsync<BenchMain.LoadResult>(["load", "--provider", provider, "--connection", connection,
                "--to", size.ToString(CultureInfo.InvariantCulture), "--tree", "provinces"], ct);
            BenchMain.Log($"{provider} {Label(size)}: loaded {load.Added:N0} in {load.Seconds:0.0} s; rebuilding the statistics cells …");
            var rebuild = await BenchMain.ChildAsync<RebuildResult>(["dataset-rebuild", "--provider", provider, "--connection", connection], ct);
            BenchMain.Log($"{provider} {Label(size)}: {rebuild.Responses:N0} responses into {rebuild.Cells:N0} cells in {rebuild.Seconds:0.0} s");
            var bytes = await SettleAsync(provider, connection);
            var manifest = new Manifest(provider, rebuild.Responses, rebuild.Cells, load.Seconds, rebuild.Seconds, bytes,
                smaller is { } c ? Label(c) : "", BenchMain.LoadAverage(), DateTime.UtcNow, provider == "postgres" ? DatabaseName(size) : SqliteFile(dir, size));
            await File.WriteAllTextAsync(ManifestPath(dir, provider, size), System.Text.Json.JsonSerializer.Serialize(manifest, new System.Text.Json.JsonSerializerOptions { WriteIndented = true }), ct);
        }
        Console.WriteLine("| provider | responses | cells | load s | rebuild s | database | copied from | load average at the end |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---|---|");
        foreach (var size in sizes)
            if (ReadManifest(dir, provider, size) is { } m)
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {m.Provider} | {m.Responses:N0} | {m.Cells:N0} | {m.LoadSeconds:0.0} | {m.RebuildSeconds:0.0} | {BenchMain.Mb(m.DatabaseBytes)} | {(m.CopiedFrom.Length > 0 ? m.CopiedFrom : "—")} | {m.LoadAverage} |"));
        return 0;
    }

    /// <summary>
    /// After the rebuild: PostgreSQL gets the VACUUM ANALYZE autovacuum would soon do (the rebuild deleted and
    /// inserted every cell); SQLite's WAL is folded into the file, so that the dataset is one file to copy.
    /// </summary>
    private static async Task<long> SettleAsync(string provider, string connectionString)
    {
        if (provider == "postgres")
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using (var vacuum = new NpgsqlCommand("VACUUM ANALYZE", connection) { CommandTimeout = 0 })
                await vacuum.ExecuteNonQueryAsync();
            await using var size = new NpgsqlCommand("SELECT pg_database_size(current_database())", connection);
            return (long)(await size.ExecuteScalarAsync())!;
        }
        var file = new SqliteConnectionStringBuilder(connectionString).DataSource;
        await using (var connection = new SqliteConnection(new SqliteConnectionStringBuilder(connectionString) { Pooling = false }.ToString()))
        {
            await connection.OpenAsync();
            await using var checkpoint = connection.CreateCommand();
            checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
            await checkpoint.ExecuteNonQueryAsync();
        }
        return new[] { file, file + "-wal" }.Where(File.Exists).Sum(f => new FileInfo(f).Length);
    }

    /// <summary>Child: the app rebuilds every statistics cell from the responses (the code behind <c>stats rebuild</c>).</summary>
    public static async Task<int> RebuildChildAsync(string provider, string connectionString, CancellationToken ct)
    {
        using var app = new BenchApp(provider, connectionString);
        app.CreateClient();
        var watch = Stopwatch.StartNew();
        long rebuilt, cells;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<SurveyDbContext>();
            db.Database.SetCommandTimeout(TimeSpan.FromHours(1));
            rebuilt = await scope.ServiceProvider.GetRequiredService<StatisticsLedger>().RebuildAsync(db, null, ct);
        }
        watch.Stop();
        await using (var scope = app.Services.CreateAsyncScope())
            cells = await scope.ServiceProvider.GetRequiredService<SurveyDbContext>().StatisticsCells.LongCountAsync(ct);
        Console.WriteLine("RESULT " + System.Text.Json.JsonSerializer.Serialize(new RebuildResult(rebuilt, cells, watch.Elapsed.TotalSeconds),
            new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web)));
        return 0;
    }
}
