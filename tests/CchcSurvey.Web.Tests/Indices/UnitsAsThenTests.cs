using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using CchcSurvey.Core.Tests.Indices;
using CchcSurvey.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CchcSurvey.Web.Tests.Indices;

/// <summary>
/// "As the units were then" (<c>units=then</c>, Indices/HistoricalUnits.cs): the 2023 demo organisation with quick ratings
/// in March 2024, then the demo's 2025 crosswalk (effective 2025-07-01), then ratings in March 2026 at the new communes.
/// 2024 shown "then" lists the old communes with the figures they had before the crosswalk; "now" lists the new communes
/// with their predecessors' sums; 2026 looks the same in both views; suppression leaks nothing between the views.
/// </summary>
public abstract class UnitsAsThenTests<TFactory> : IDisposable where TFactory : SurveyAppFactory, new()
{
    private readonly List<TFactory> _factories = [];

    protected abstract bool Available { get; }

    public void Dispose()
    {
        foreach (var factory in _factories) factory.Dispose();
        GC.SuppressFinalize(this);
    }

    private TFactory NewApp()
    {
        var factory = new TFactory();
        _factories.Add(factory);
        return factory;
    }

    private static async Task<JsonNode> GetAsync(HttpClient client, string url)
    {
        var response = await client.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, url + ": " + body);
        return JsonNode.Parse(body)!;
    }

    /// <summary>unit → (c, n) of the ranked units, and unit → n of the insufficient ones.</summary>
    private static (Dictionary<string, (long C, long N)> Ranked, Dictionary<string, long> Insufficient) Entries(JsonNode ranking) => (
        ranking["units"]!.AsArray().ToDictionary(u => u!["unit"]!.GetValue<string>(), u => (u!["c"]!.GetValue<long>(), u["n"]!.GetValue<long>())),
        ranking["insufficient"]!.AsArray().ToDictionary(u => u!["unit"]!.GetValue<string>(), u => u!["n"]!.GetValue<long>()));

    [SkippableFact]
    public async Task The_2024_figures_then_are_those_read_before_the_crosswalk_and_now_the_new_communes_sums()
    {
        Skip.IfNot(Available, "no server for this provider");
        var app = NewApp();
        await AsThenData.ImportAsync(app, AsThenData.March2024.SelectMany(r => AsThenData.Ratings(r.Unit, r.Unit + "-Q1", "2024-03", r.N, r.Satisfied)));
        var client = await CliRunner.ReferenceClientAsync(app, "so@langson.vn", "admin", null);

        var before = new Dictionary<string, JsonNode>();
        foreach (var (unit, _, _) in AsThenData.March2024)
            before[unit] = await GetAsync(client, $"/api/v1/units/{unit}/indices?instrument=NHANH&period=2024");
        var (rankedBefore, _) = Entries(await GetAsync(client, "/api/v1/units/VQ/ranking?instrument=NHANH&period=2024"));
        Assert.Equal(AsThenData.March2024.Length, rankedBefore.Count); // every commune has n ≥ MinN: nothing hidden, nothing to differ by

        await AsThenData.ReorganiseAsync(app);
        // Counters followed their units: March 2026 ratings land at the new communes.
        await AsThenData.ImportAsync(app, [.. AsThenData.Ratings("LS-KK", "VQ-KK-Q1", "2026-03", 25, 20), .. AsThenData.Ratings("LS-TD", "VQ-TD-Q1", "2026-03", 11, 9),
            .. AsThenData.Ratings("VQ-AS", "VQ-AS-Q1", "2026-03", 12, 6)]);

        // Each old commune's own 2024 figures are those read before the crosswalk (also with units=then).
        foreach (var (unit, _, _) in AsThenData.March2024)
            foreach (var view in new[] { "", "&units=then" })
            {
                var after = await GetAsync(client, $"/api/v1/units/{unit}/indices?instrument=NHANH&period=2024{view}");
                var differences = JsonComparer.Differences(before[unit], after, _ => 1e-9);
                Assert.True(differences.Count == 0, unit + ":\n" + string.Join("\n", differences));
            }

        // 2024 then: the province lists the old communes (they existed), with c and n as before; no new commune.
        var (then, thenInsufficient) = Entries(await GetAsync(client, "/api/v1/units/LS/ranking?instrument=NHANH&period=2024&units=then"));
        foreach (var (unit, _, _) in AsThenData.March2024) Assert.Equal(rankedBefore[unit], then[unit]);
        foreach (var created in new[] { "LS-KK", "LS-TD", "LS-VQ" })
            Assert.False(then.ContainsKey(created) || thenInsufficient.ContainsKey(created), created + " did not exist in 2024");
        Assert.Contains("VQ-LN", thenInsufficient.Keys); // kept under its code, no rating: insufficient, still listed

        // 2024 now: the new communes with their predecessors' sums; the old communes are inside them.
        var (now, nowInsufficient) = Entries(await GetAsync(client, "/api/v1/units/LS/ranking?instrument=NHANH&period=2024"));
        Assert.Equal((rankedBefore["VQ-KK"].C + rankedBefore["VQ-DG"].C + rankedBefore["VQ-TC"].C, 46L), now["LS-KK"]);
        Assert.Equal(rankedBefore["VQ-TD"], now["LS-TD"]);
        Assert.Equal(rankedBefore["VQ-AS"], now["VQ-AS"]);
        foreach (var merged in new[] { "VQ-KK", "VQ-DG", "VQ-TC", "VQ-TD", "VQ-TT" })
            Assert.False(now.ContainsKey(merged) || nowInsufficient.ContainsKey(merged), merged + " is inside its successor now");

        // 2026, after the reorganisation: the same in both views.
        var now2026 = await GetAsync(client, "/api/v1/units/LS/ranking?instrument=NHANH&period=2026");
        var then2026 = await GetAsync(client, "/api/v1/units/LS/ranking?instrument=NHANH&period=2026&units=then");
        Assert.Empty(JsonComparer.Differences(now2026, then2026, _ => 1e-9));
        Assert.Equal((20L, 25L), Entries(then2026).Ranked["LS-KK"]);
        // The year 2025 holds the effective date: the new communes existed in it, so it is shown as now.
        Assert.Empty(JsonComparer.Differences(await GetAsync(client, "/api/v1/units/LS/ranking?instrument=NHANH&period=2025"),
            await GetAsync(client, "/api/v1/units/LS/ranking?instrument=NHANH&period=2025&units=then"), _ => 1e-9));

        // The units' dates come from the crosswalk's effective date.
        var units = app.WithDatabase(db => db.Units.AsNoTracking().ToDictionary(u => u.Code));
        Assert.Equal(new DateOnly(2025, 7, 1), units["LS-KK"].StartedOn);
        Assert.Equal(new DateOnly(2025, 7, 1), units["VQ-KK"].EndedOn);
        Assert.Null(units["VQ-AS"].StartedOn);
        Assert.Null(units["VQ-AS"].EndedOn);
        Assert.Equal(new DateOnly(2025, 7, 1), app.WithDatabase(db => db.ReorganisationJobs.Single().EffectiveDate));

        // A bad view is a problem naming the parameter, never a guess.
        var bad = await client.GetAsync("/api/v1/units/LS/ranking?instrument=NHANH&period=2024&units=later");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("units", await bad.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync("/api/v1/units/LS/indices?units=THEN")).StatusCode);
    }

    [SkippableFact]
    public async Task A_small_predecessor_cannot_be_worked_out_from_its_successor_minus_the_others()
    {
        Skip.IfNot(Available, "no server for this provider");
        var app = NewApp();
        // VQ-TC has 3 ratings (below MinN); VQ-KK and VQ-DG enough to be shown on their own.
        await AsThenData.ImportAsync(app, [.. AsThenData.Ratings("VQ-KK", "VQ-KK-Q1", "2024-03", 20, 15), .. AsThenData.Ratings("VQ-DG", "VQ-DG-Q1", "2024-03", 14, 9),
            .. AsThenData.Ratings("VQ-TC", "VQ-TC-Q1", "2024-03", 3, 3), .. AsThenData.Ratings("VQ-TT", "VQ-TT-Q1", "2024-03", 18, 12)]);
        await AsThenData.ReorganiseAsync(app);
        var client = await CliRunner.ReferenceClientAsync(app, "so@langson.vn", "admin", null);

        var (then, thenInsufficient) = Entries(await GetAsync(client, "/api/v1/units/LS/ranking?instrument=NHANH&period=2024&units=then"));
        var (now, _) = Entries(await GetAsync(client, "/api/v1/units/LS/ranking?instrument=NHANH&period=2024"));
        Assert.Equal(3, thenInsufficient["VQ-TC"]);
        Assert.False(then.ContainsKey("VQ-TC"));
        // LS-KK now minus VQ-KK and VQ-DG then would give VQ-TC: one of the three must be hidden too.
        var shown = new[] { now.ContainsKey("LS-KK"), then.ContainsKey("VQ-KK"), then.ContainsKey("VQ-DG") };
        Assert.False(shown.All(s => s), $"LS-KK {shown[0]}, VQ-KK {shown[1]}, VQ-DG {shown[2]}");

        // The same through the indices API: the satisfied share of HL in each of them.
        async Task<bool> ShareShown(string unit, string view) =>
            (await GetAsync(client, $"/api/v1/units/{unit}/indices?instrument=NHANH&period=2024{view}"))["HL"]!["p"] is JsonValue;
        var shares = new[] { await ShareShown("LS-KK", ""), await ShareShown("VQ-KK", "&units=then"), await ShareShown("VQ-DG", "&units=then") };
        Assert.False(await ShareShown("VQ-TC", "&units=then"));
        Assert.False(shares.All(s => s), $"LS-KK {shares[0]}, VQ-KK {shares[1]}, VQ-DG {shares[2]}");
    }
}

public sealed class SqliteUnitsAsThenTests : UnitsAsThenTests<SurveyAppFactory>
{
    protected override bool Available => true;
}

public sealed class PostgresUnitsAsThenTests : UnitsAsThenTests<PostgresAppFactory>
{
    protected override bool Available => PostgresAppFactory.ServerConnectionString is not null;
}

/// <summary>The data of the "then" tests: quick ratings imported on paper (dated), and the demo's crosswalk applied.</summary>
public static class AsThenData
{
    // The new commune LS-KK is made of VQ-KK, VQ-DG and VQ-TC; LS-TD is VQ-TD under a new code; VQ-AS only moves.
    public static readonly (string Unit, int N, int Satisfied)[] March2024 =
        [("VQ-KK", 20, 15), ("VQ-DG", 14, 9), ("VQ-TC", 12, 11), ("VQ-TD", 16, 8), ("VQ-AS", 13, 12), ("VQ-TT", 18, 12)];

    /// <summary>Quick ratings (NHANH, HL) at a unit's counter: <paramref name="satisfied"/> of them 5, the others 2, all in one month.</summary>
    public static IEnumerable<string> Ratings(string unit, string counter, string month, int n, int satisfied) =>
        Enumerable.Range(0, n).Select(i => $"{Guid.NewGuid()},{unit},{counter},NHANH,paper,{month}-{1 + i % 27:00}T09:00,{(i < satisfied ? 5 : 2)}");

    public static async Task ImportAsync(SurveyAppFactory app, IEnumerable<string> rows)
    {
        var path = Path.Combine(Path.GetTempPath(), $"asthen-{Guid.NewGuid():N}.csv");
        try
        {
            File.WriteAllText(path, "submission_id,unit,counter,instrument,channel,hour,HL\n" + string.Join("\n", rows) + "\n", new UTF8Encoding(false));
            var run = await CliRunner.RunAsync(app, "import", "paper", path);
            Assert.True(run.ExitCode == 0, run.Error + run.Output);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>The demo's 2025 crosswalk, effective 1 July 2025, through the command.</summary>
    public static async Task ReorganiseAsync(SurveyAppFactory app)
    {
        var crosswalk = Path.Combine(AppContext.BaseDirectory, "demo", "lang-son-2025-crosswalk.csv");
        Assert.True(File.Exists(crosswalk), crosswalk);
        var run = await CliRunner.RunAsync(app, "units", "reorganise", crosswalk, "--confirm-scopes", "--effective", "2025-07-01");
        Assert.True(run.ExitCode == 0, run.Error + run.Output);
    }
}

/// <summary>The effective date given with the crosswalk on <c>/admin/units/reorganise</c>, and a bad one refused.</summary>
public sealed class ReorganiseEffectiveDateTests(SurveyAppFactory factory) : IClassFixture<SurveyAppFactory>
{
    [Fact]
    public async Task The_page_takes_the_effective_date_and_refuses_a_bad_one()
    {
        var admin = await CchcSurvey.Web.Tests.Pages.Admin.AdminForms.AdminAsync(factory);
        var csv = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "demo", "lang-son-2025-crosswalk.csv"));
        var before = DatabaseSnapshot.Take(factory);
        var bad = await CchcSurvey.Web.Tests.Pages.Admin.AdminForms.PostAsync(admin, "/admin/units/reorganise", "/admin/units/reorganise?handler=Apply",
            ("csv", csv), ("fileName", "lang-son-2025-crosswalk.csv"), ("effective", "01/07/2025"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("Ngày có hiệu lực cần dạng yyyy-MM-dd.", System.Net.WebUtility.HtmlDecode(await bad.Content.ReadAsStringAsync()));
        Assert.Equal(before, DatabaseSnapshot.Take(factory));

        var applied = await CchcSurvey.Web.Tests.Pages.Admin.AdminForms.PostAsync(admin, "/admin/units/reorganise", "/admin/units/reorganise?handler=Apply",
            ("csv", csv), ("fileName", "lang-son-2025-crosswalk.csv"), ("effective", "2025-07-01"));
        Assert.Equal(HttpStatusCode.Redirect, applied.StatusCode);
        for (var i = 0; i < 300 && factory.WithDatabase(db => db.ReorganisationJobs.Any(j => j.Status != CchcSurvey.Web.Data.ReorganisationStatus.Done && j.Status != CchcSurvey.Web.Data.ReorganisationStatus.Failed)); i++)
            await Task.Delay(100);
        var job = factory.WithDatabase(db => db.ReorganisationJobs.Single());
        Assert.Equal(CchcSurvey.Web.Data.ReorganisationStatus.Done, job.Status);
        Assert.Equal(new DateOnly(2025, 7, 1), job.EffectiveDate);
        var units = factory.WithDatabase(db => db.Units.AsNoTracking().ToDictionary(u => u.Code));
        Assert.Equal(new DateOnly(2025, 7, 1), units["LS-VQ"].StartedOn);
        Assert.Equal(new DateOnly(2025, 7, 1), units["VQ-TT"].EndedOn);
    }
}
