using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using CchcSurvey.Web.Data;
using CchcSurvey.Web.Workspace;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace CchcSurvey.Bench;

/// <summary>
/// <c>pages --provider sqlite|postgres|both --responses 100000,1000000,10000000 [--runs 40] [--seconds 60] [--read-only CONNSTR]</c>:
/// every official page through the real HTTP pipeline (the app on a TestServer, as the web tests host it) against
/// the datasets that <c>datasets</c> built, signed in through the sign-in form as a manager whose scope is the
/// tree's root (all 34 provinces and 3,321 communes). Per page: p50/p95/max and the number of SQL statements one
/// request runs, counted by <see cref="StatementCounter"/> (an EF Core command interceptor that only this benchmark
/// adds to the app's contexts). One child process per dataset, so that no dataset's caches warm another's.
/// </summary>
public static class PageBench
{
    /// <summary>What each dataset is asked: the pages of issue #15 and, for reads on a standby, the indices API.</summary>
    public static readonly (string Name, string Url, bool Api)[] Pages =
    [
        ("dashboard, root (VN, 2025)", "/dashboard?unit=VN&from=2025-01-01&to=2025-12-31", false),
        ("dashboard, one province (T01, 2025)", "/dashboard?unit=T01&from=2025-01-01&to=2025-12-31", false),
        ("dashboard, one commune (T01-001, 2025)", "/dashboard?unit=T01-001&from=2025-01-01&to=2025-12-31", false),
        ("report, root (VN, 2025-Q4)", "/dashboard/report?unit=VN&quarter=2025-Q4", false),
        ("public page, unit-quarter (VN, 2025-Q4)", "/public/VN/2025-Q4", false),
        ("comments, root (VN, first page)", "/dashboard/comments?unit=VN", false),
        ("indices API, root (VN, 2025)", "/api/v1/units/VN/indices?instrument=SIPAS-DV&from=2025-01-01&to=2025-12-31", true),
        ("indices API, commune (T01-001, 2025-Q4)", "/api/v1/units/T01-001/indices?instrument=SIPAS-DV&from=2025-10-01&to=2025-12-31", true),
    ];

    public sealed record PageResult(string Page, double P50, double P95, double Max, int Runs, int Statements, int StatementsMax, double First);

    public sealed record ChildResult(long Responses, List<PageResult> Pages, string LoadAverage);

    /// <summary>Nearest-rank percentile of an unsorted sample.</summary>
    private static double Rank(IEnumerable<double> values, double p)
    {
        var sorted = values.Order().ToArray();
        return sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
    }

    public static async Task<int> RunAsync(string provider, long[] sizes, string dir, string server, string runs, string seconds, string readOnly, string output, bool unpartitioned, CancellationToken ct)
    {
        if (provider == "both")
            return await RunAsync("sqlite", sizes, dir, server, runs, seconds, readOnly, output, unpartitioned, ct) is var code && code != 0
                ? code : await RunAsync("postgres", sizes, dir, server, runs, seconds, readOnly, output, unpartitioned, ct);
        var rows = new List<string>();
        foreach (var size in sizes)
        {
            if (Datasets.ReadManifest(dir, provider, size) is null)
            {
                BenchMain.Log($"{provider} {Datasets.Label(size)}: no finished dataset in {dir} (run `datasets` first); skipped");
                continue;
            }
            var connection = Datasets.ConnectionString(provider, dir, server, size);
            if (provider == "postgres")
                connection = await CopyPostgresAsync(server, size, unpartitioned, ct);
            var arguments = new List<string> { "pages-measure", "--provider", provider, "--connection", connection, "--runs", runs, "--seconds", seconds };
            if (readOnly.Length > 0)
            {
                // The standby holds the same databases: only the database name changes per dataset.
                arguments.AddRange(["--read-only", new Npgsql.NpgsqlConnectionStringBuilder(readOnly) { Database = Datasets.DatabaseName(size) + "_pages" }.ToString()]);
            }
            BenchMain.Log($"{provider} {Datasets.Label(size)}: measuring the pages{(readOnly.Length > 0 ? " (lagging reads on the standby)" : "")} …");
            var result = await BenchMain.ChildAsync<ChildResult>([.. arguments], ct);
            foreach (var page in result.Pages)
            {
                var variant = provider == "postgres" ? (unpartitioned ? " (unpartitioned)" : " (partitioned)") : "";
                var row = string.Create(CultureInfo.InvariantCulture,
                    $"| {provider}{variant}{(readOnly.Length > 0 ? " (standby reads)" : "")} | {result.Responses:N0} | {page.Page} | {page.First:0.0} | {page.P50:0.0} | {page.P95:0.0} | {page.Max:0.0} | {page.Runs} | {page.Statements}{(page.StatementsMax != page.Statements ? $" (max {page.StatementsMax})" : "")} | {result.LoadAverage} |");
                rows.Add(row);
                Console.WriteLine(row);
                if (output.Length > 0) await File.AppendAllTextAsync(output, row + Environment.NewLine, ct);
            }
        }
        Console.WriteLine();
        Console.WriteLine("| provider | responses | page | first ms | p50 ms | p95 ms | max ms | runs | SQL statements per request | load average (1 min) before → after |");
        Console.WriteLine("|---|---:|---|---:|---:|---:|---:|---:|---:|---|");
        foreach (var row in rows) Console.WriteLine(row);
        return 0;
    }

    /// <summary>
    /// The page benchmark never changes a dataset: on PostgreSQL it measures a copy (<c>…_pages</c>, made with
    /// <c>CREATE DATABASE … TEMPLATE</c>), which the app then migrates at start like any site on upgrade — so the
    /// copy's responses table becomes partitioned by month (migration ResponsesByMonth). <paramref name="unpartitioned"/>
    /// (<c>--unpartitioned</c>) measures the table as the dataset holds it, for comparison: the copy is marked as
    /// migrated and the partition helper stubbed, which only a benchmark may do (the writer would need SubmissionIds).
    /// </summary>
    private static async Task<string> CopyPostgresAsync(string server, long size, bool unpartitioned, CancellationToken ct)
    {
        var copy = Datasets.DatabaseName(size) + "_pages";
        await BenchMain.ExecuteAsync(server, $"DROP DATABASE IF EXISTS \"{copy}\" WITH (FORCE)");
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await BenchMain.ExecuteAsync(server, $"CREATE DATABASE \"{copy}\" TEMPLATE \"{Datasets.DatabaseName(size)}\"");
                break;
            }
            catch (Npgsql.PostgresException e) when (e.SqlState == Npgsql.PostgresErrorCodes.ObjectInUse && attempt < 30)
            {
                BenchMain.Log($"{Datasets.DatabaseName(size)} is in use; waiting to copy it …");
                await Task.Delay(TimeSpan.FromSeconds(20), ct);
            }
        }
        var connection = new Npgsql.NpgsqlConnectionStringBuilder(server) { Database = copy, CommandTimeout = 3600 }.ToString();
        if (unpartitioned)
            await BenchMain.ExecuteAsync(connection, """
                INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion") VALUES ('20261206154046_ResponsesByMonth', 'bench') ON CONFLICT DO NOTHING;
                CREATE OR REPLACE FUNCTION cchc_add_response_months(date, date) RETURNS integer LANGUAGE sql AS 'SELECT 0';
                """);
        return connection;
    }

    /// <summary>Child: one dataset, every page.</summary>
    public static async Task<int> MeasureChildAsync(string provider, string connectionString, string readOnly, int runs, int seconds, CancellationToken ct)
    {
        var counter = new StatementCounter();
        using var app = new BenchApp(provider, connectionString) { Statements = counter, ReadOnlyConnectionString = readOnly.Length > 0 ? readOnly : null };
        // https: the production configuration (secure cookies, antiforgery) refuses plain http.
        var client = app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost"), HandleCookies = true });
        client.Timeout = TimeSpan.FromMinutes(10);
        var api = app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost") });
        api.Timeout = TimeSpan.FromMinutes(10);
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await app.AdminTokenAsync(ct));
        long responses;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<SurveyDbContext>();
            responses = await db.Responses.LongCountAsync(ct);
            await EnsureManagerAsync(scope.ServiceProvider, ct);
            await EnsurePublicationAsync(scope.ServiceProvider, "VN", new QuarterPeriod(2025, 4), ct);
        }
        await SignInAsync(client, ct);

        var loadBefore = BenchMain.LoadAverage().Split(' ')[0];
        var results = new List<PageResult>();
        // CCHC_BENCH_ONLY=PREFIX: only the pages whose name starts so (profiling one page).
        var only = Environment.GetEnvironmentVariable("CCHC_BENCH_ONLY");
        foreach (var (name, url, isApi) in Pages.Where(p => string.IsNullOrEmpty(only) || p.Name.StartsWith(only, StringComparison.Ordinal)))
        {
            var http = isApi ? api : client;
            // Warm-up: a fresh process answers its first requests while the runtime still compiles hot methods and
            // the database's caches are cold; a server runs for days. Bounded in time: the slowest page at 10 M
            // must not hold the benchmark for many minutes.
            // The first request of a page is timed on its own: it computes every figure from the cells (nothing kept
            // yet, Indices/FigureCache.cs), as after a restart or when every cell it needs has changed.
            var warm = Stopwatch.StartNew();
            await GetAsync(http, url, ct);
            var first = warm.Elapsed.TotalMilliseconds;
            for (var i = 1; i < 20 && (i < 2 || warm.Elapsed.TotalSeconds < seconds / 4.0); i++) await GetAsync(http, url, ct);
            var times = new List<double>();
            var statements = new List<int>();
            var budget = Stopwatch.StartNew();
            while (times.Count < runs && (times.Count < 5 || budget.Elapsed.TotalSeconds < seconds))
            {
                var before = counter.Count;
                var watch = Stopwatch.StartNew();
                await GetAsync(http, url, ct);
                times.Add(watch.Elapsed.TotalMilliseconds);
                statements.Add((int)(counter.Count - before));
            }
            // The median count: a background job (alerts, sighting cleanup) may run a statement during a request.
            var result = new PageResult(name, Rank(times, 0.50), Rank(times, 0.95), times.Max(), times.Count,
                (int)Rank(statements.Select(s => (double)s), 0.50), statements.Max(), first);
            BenchMain.Log(FormattableString.Invariant($"  {name}: first {result.First:0.0} ms, p50 {result.P50:0.0} ms, p95 {result.P95:0.0} ms, {result.Statements} statements ({times.Count} runs)"));
            results.Add(result);
        }
        Console.WriteLine("RESULT " + System.Text.Json.JsonSerializer.Serialize(new ChildResult(responses, results, $"{loadBefore} → {BenchMain.LoadAverage().Split(' ')[0]}"),
            new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web)));
        return 0;
    }

    private const string ManagerEmail = "bench-manager@bench.local";
    private const string ManagerPassword = "Bench-Manager-Password-1";

    /// <summary>A manager whose scope is the tree's root: a province's manager sees every unit below it.</summary>
    private static async Task EnsureManagerAsync(IServiceProvider services, CancellationToken ct)
    {
        var users = services.GetRequiredService<UserManager<Official>>();
        if (await users.FindByEmailAsync(ManagerEmail) is not null) return;
        var db = services.GetRequiredService<SurveyDbContext>();
        var root = await db.Units.AsNoTracking().SingleAsync(u => u.Code == "VN", ct);
        var manager = new Official { UserName = ManagerEmail, Email = ManagerEmail, EmailConfirmed = true, ScopeUnitId = root.Id };
        var created = await users.CreateAsync(manager, ManagerPassword);
        if (!created.Succeeded) throw new InvalidOperationException(string.Join("; ", created.Errors.Select(e => e.Description)));
        await users.AddToRoleAsync(manager, Roles.Manager);
    }

    /// <summary>The public page needs a publication: built with the product's PublicationBuilder, as publishing does.</summary>
    private static async Task EnsurePublicationAsync(IServiceProvider services, string code, QuarterPeriod quarter, CancellationToken ct)
    {
        var db = services.GetRequiredService<SurveyDbContext>();
        var unit = await db.Units.AsNoTracking().SingleAsync(u => u.Code == code, ct);
        if (await db.Publications.AnyAsync(p => p.UnitId == unit.Id && p.Year == quarter.Year && p.Quarter == quarter.Quarter, ct)) return;
        var figures = await services.GetRequiredService<PublicationBuilder>().BuildAsync(unit, quarter, ct);
        db.Publications.Add(new Publication
        {
            UnitId = unit.Id, Year = quarter.Year, Quarter = quarter.Quarter, PublishedBy = "bench", FiguresJson = figures.ToJson(), PublishedUtc = DateTime.UtcNow,
        });
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Through the real sign-in form, as an official does (cookie kept by the client).</summary>
    private static async Task SignInAsync(HttpClient client, CancellationToken ct)
    {
        var page = await client.GetStringAsync("/account/login", ct);
        var token = System.Text.RegularExpressions.Regex.Match(page, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"");
        if (!token.Success) throw new InvalidOperationException("The sign-in page has no antiforgery token.");
        using var response = await client.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["email"] = ManagerEmail,
            ["password"] = ManagerPassword,
            ["returnUrl"] = "/dashboard",
            ["__RequestVerificationToken"] = System.Net.WebUtility.HtmlDecode(token.Groups[1].Value),
        }), ct);
        if (response.RequestMessage?.RequestUri?.AbsolutePath.StartsWith("/dashboard", StringComparison.Ordinal) != true)
            throw new InvalidOperationException($"Sign-in did not reach the dashboard: {(int)response.StatusCode} at {response.RequestMessage?.RequestUri}");
    }

    private static async Task GetAsync(HttpClient client, string url, CancellationToken ct)
    {
        using var response = await client.GetAsync(url, ct);
        var body = await response.Content.ReadAsByteArrayAsync(ct);
        if (!response.IsSuccessStatusCode || response.RequestMessage?.RequestUri?.AbsolutePath.StartsWith("/account/login", StringComparison.Ordinal) == true)
            throw new InvalidOperationException($"GET {url}: {(int)response.StatusCode} at {response.RequestMessage?.RequestUri} {System.Text.Encoding.UTF8.GetString(body)[..Math.Min(500, body.Length)]}");
    }
}

/// <summary>
/// Counts every SQL statement EF Core sends (queries, scalars, non-queries) from every context of the app. Only
/// the benchmark adds it (<see cref="BenchApp.Statements"/>): the product has no use for it.
/// </summary>
public sealed class StatementCounter : DbCommandInterceptor
{
    private long _count;

    public long Count => Interlocked.Read(ref _count);

    // CCHC_BENCH_PROFILE=MS: every statement whose reader stayed open at least MS milliseconds is written to stderr
    // with its time (profiling a page: which read costs what).
    private static readonly double? ProfileMs = double.TryParse(Environment.GetEnvironmentVariable("CCHC_BENCH_PROFILE"), CultureInfo.InvariantCulture, out var ms) ? ms : null;

    public override InterceptionResult DataReaderDisposing(DbCommand command, DataReaderDisposingEventData eventData, InterceptionResult result)
    {
        if (ProfileMs is double threshold && eventData.Duration.TotalMilliseconds >= threshold)
            Console.Error.WriteLine(FormattableString.Invariant($"[sql {eventData.Duration.TotalMilliseconds:0.0} ms, {eventData.ReadCount} rows] {command.CommandText.ReplaceLineEndings(" ")[..Math.Min(600, command.CommandText.ReplaceLineEndings(" ").Length)]}"));
        return result;
    }

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        Interlocked.Increment(ref _count);
        return result;
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _count);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
    {
        Interlocked.Increment(ref _count);
        return result;
    }

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _count);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        Interlocked.Increment(ref _count);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _count);
        return ValueTask.FromResult(result);
    }
}
