using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CchcSurvey.Core.Tests.Indices;
using CchcSurvey.Web.Data;
using CchcSurvey.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CchcSurvey.Web.Tests.Organisation;

/// <summary>
/// Reorganising the reference tree (LS → VQ → VQ-VP, VQ-TT, VQ-X01..03) the 2025 way: the district dissolved into the
/// province, the town and X01 merged into a new commune, X02 into another one (1:1), X03 renamed and moved, VQ-VP
/// moved. Every figure afterwards equals a database built directly with the new tree from the same responses.
/// </summary>
public abstract class ReorganisationTests<TFactory> : IDisposable where TFactory : SurveyAppFactory, new()
{
    public const string Crosswalk2025 =
        "old,new,new_parent,new_name\n" +
        "VQ-TT,N-VQ,LS,Xã Văn Quan\n" +
        "VQ-X01,N-VQ,,\n" +
        "VQ-X02,N-X2,LS,Xã mới 2\n" +
        "VQ-X03,VQ-X03,LS,Xã mẫu 03 (mới)\n" +
        "VQ-VP,VQ-VP,LS,\n" +
        "VQ,LS,,\n";

    /// <summary>The same tree as the crosswalk leaves it, for a database built directly (inactive units included).</summary>
    private const string NewTreeUnits =
        "code,parent,name\n" +
        "LS,,Tỉnh Lạng Sơn\n" +
        "VQ,LS,Huyện Văn Quan\n" +
        "N-VQ,LS,Xã Văn Quan\n" +
        "VQ-TT,N-VQ,Thị trấn Văn Quan\n" +
        "VQ-X01,N-VQ,Xã mẫu 01\n" +
        "N-X2,LS,Xã mới 2\n" +
        "VQ-X02,N-X2,Xã mẫu 02\n" +
        "VQ-X03,LS,Xã mẫu 03 (mới)\n" +
        "VQ-VP,LS,Văn phòng HĐND và UBND huyện\n";

    private static readonly string[] Units = ["LS", "VQ", "N-VQ", "VQ-TT", "VQ-X01", "N-X2", "VQ-X02", "VQ-X03", "VQ-VP"];
    private static readonly string[] Instruments = ["NHANH", "PAPI-M", "SIPAS-CS", "SIPAS-DV", "TT01"];

    private readonly List<string> _files = [];
    private readonly List<TFactory> _factories = [];

    protected abstract bool Available { get; }

    private TFactory NewApp()
    {
        var factory = new TFactory();
        factory.ExtraSettings["Demo:Enabled"] = "false";
        _factories.Add(factory);
        return factory;
    }

    private string WriteFile(string content)
    {
        var path = Path.Combine(Path.GetTempPath(), $"crosswalk-{Guid.NewGuid():N}.csv");
        File.WriteAllText(path, content);
        _files.Add(path);
        return path;
    }

    public void Dispose()
    {
        foreach (var factory in _factories) factory.Dispose();
        foreach (var file in _files) File.Delete(file);
        GC.SuppressFinalize(this);
    }

    private static async Task<JsonNode> FiguresAsync(HttpClient client, string unit, string instrument)
    {
        var response = await client.GetAsync($"/api/v1/units/{unit}/indices?instrument={instrument}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    [SkippableFact]
    public async Task Figures_after_the_crosswalk_equal_a_database_built_with_the_new_tree()
    {
        Skip.IfNot(Available, "no server for this provider");
        var reorganised = NewApp();
        var client = await CliRunner.ReferenceClientAsync(reorganised, "so@langson.vn", "viewer", "LS");
        var run = await CliRunner.RunAsync(reorganised, "units", "reorganise", WriteFile(Crosswalk2025), "--confirm-scopes");
        Assert.True(run.ExitCode == 0, run.Error + run.Output);
        Assert.Contains("done", run.Output);

        var direct = NewApp();
        Assert.Equal(0, (await CliRunner.RunAsync(direct, "units", "import", WriteFile(NewTreeUnits))).ExitCode);
        // The direct database gives leaves a counter {code}-Q1; the responses name the counters of the old tree, which
        // the paper import only uses to find the unit of each response.
        Assert.Equal(0, (await CliRunner.RunAsync(direct, "import", "paper", CliRunner.ReferenceFile("responses.csv"))).ExitCode);
        var directClient = await CliRunner.ReferenceClientAsync(direct, "so@langson.vn", "viewer", "LS");

        foreach (var unit in Units)
            foreach (var instrument in Instruments)
            {
                var expected = await FiguresAsync(directClient, unit, instrument);
                var actual = await FiguresAsync(client, unit, instrument);
                var differences = JsonComparer.Differences(expected, actual, _ => 1e-9);
                Assert.True(differences.Count == 0, $"{unit} {instrument}:\n" + string.Join("\n", differences.Take(20)));
            }
        var ranking = JsonNode.Parse(await directClient.GetStringAsync("/api/v1/units/LS/ranking?instrument=SIPAS-DV&item=HL_CHUNG"));
        Assert.Empty(JsonComparer.Differences(ranking, JsonNode.Parse(await client.GetStringAsync("/api/v1/units/LS/ranking?instrument=SIPAS-DV&item=HL_CHUNG")), _ => 1e-9));
        // The new commune's figures pool its predecessors' past responses.
        var pooled = (await FiguresAsync(client, "N-VQ", "SIPAS-DV"))["responses"]!.GetValue<long>();
        var parts = (await FiguresAsync(client, "VQ-TT", "SIPAS-DV"))["responses"]!.GetValue<long>()
            + (await FiguresAsync(client, "VQ-X01", "SIPAS-DV"))["responses"]!.GetValue<long>();
        Assert.True(pooled > 0);
        Assert.Equal(parts, pooled);

        // Cells are exactly what a rebuild from the raw responses gives (no residue, no empty cells).
        var cellsBefore = CellsOf(reorganised);
        Assert.Equal(0, (await CliRunner.RunAsync(reorganised, "stats", "rebuild")).ExitCode);
        AssertSameCells(CellsOf(reorganised), cellsBefore);

        // One audit entry for the whole reorganisation, naming the job that keeps the file.
        var audits = reorganised.WithDatabase(db => db.AuditEntries.Where(a => a.Action == "unit-reorganise").ToList());
        var audit = Assert.Single(audits);
        var job = reorganised.WithDatabase(db => db.ReorganisationJobs.Single());
        Assert.Contains($"job {job.Id}", audit.Details);
        Assert.Equal(Crosswalk2025, job.Csv);
        Assert.Equal(ReorganisationStatus.Done, job.Status);

        // The API tells predecessors and successor.
        var admin = await CliRunner.ReferenceClientAsync(reorganised, "admin2@langson.vn", "admin", null);
        var info = JsonNode.Parse(await admin.GetStringAsync("/api/v1/units/N-VQ"))!;
        Assert.Equal("Xã Văn Quan", info["name"]!.GetValue<string>());
        Assert.Equal("LS", info["parent"]!.GetValue<string>());
        Assert.True(info["active"]!.GetValue<bool>());
        Assert.Null(info["successor"]);
        Assert.Equal(["VQ-TT", "VQ-X01"], info["predecessors"]!.AsArray().Select(p => p!.GetValue<string>()));
        var old = JsonNode.Parse(await admin.GetStringAsync("/api/v1/units/VQ-X01"))!;
        Assert.False(old["active"]!.GetValue<bool>());
        Assert.Equal("N-VQ", old["successor"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/api/v1/units/NOPE")).StatusCode);

        // Applied twice: nothing changes.
        var before = DatabaseSnapshot.Take(reorganised);
        var again = await CliRunner.RunAsync(reorganised, "units", "reorganise", WriteFile(Crosswalk2025));
        Assert.Equal(0, again.ExitCode);
        Assert.Contains("already applied", again.Output);
        Assert.Equal(before, DatabaseSnapshot.Take(reorganised));
    }

    [SkippableFact]
    public async Task A_merged_unit_with_sub_units_and_a_sub_unit_moving_out_give_the_figures_of_the_new_tree()
    {
        Skip.IfNot(Available, "no server for this provider");
        // VQ keeps its children and is merged into a new unit; X03 leaves it for the province. VQ's own responses are
        // its cell minus its children's, X03's leave VQ, everything else joins the new unit.
        const string crosswalk = "old,new,new_parent,new_name\nVQ,N-HUB,LS,Cụm mới\nVQ-X03,VQ-X03,LS,\n";
        const string tree = "code,parent,name\nLS,,Tỉnh Lạng Sơn\nN-HUB,LS,Cụm mới\nVQ,N-HUB,Huyện Văn Quan\nVQ-VP,VQ,Văn phòng\n" +
            "VQ-TT,VQ,Thị trấn Văn Quan\nVQ-X01,VQ,Xã mẫu 01\nVQ-X02,VQ,Xã mẫu 02\nVQ-X03,LS,Xã mẫu 03\n";
        var reorganised = NewApp();
        var client = await CliRunner.ReferenceClientAsync(reorganised, "so@langson.vn", "viewer", "LS");
        var run = await CliRunner.RunAsync(reorganised, "units", "reorganise", WriteFile(crosswalk), "--confirm-scopes");
        Assert.True(run.ExitCode == 0, run.Error + run.Output);
        var direct = NewApp();
        Assert.Equal(0, (await CliRunner.RunAsync(direct, "units", "import", WriteFile(tree))).ExitCode);
        Assert.Equal(0, (await CliRunner.RunAsync(direct, "import", "paper", CliRunner.ReferenceFile("responses.csv"))).ExitCode);
        var directClient = await CliRunner.ReferenceClientAsync(direct, "so@langson.vn", "viewer", "LS");
        foreach (var unit in new[] { "LS", "N-HUB", "VQ", "VQ-VP", "VQ-TT", "VQ-X01", "VQ-X02", "VQ-X03" })
            foreach (var instrument in Instruments)
            {
                var differences = JsonComparer.Differences(await FiguresAsync(directClient, unit, instrument), await FiguresAsync(client, unit, instrument), _ => 1e-9);
                Assert.True(differences.Count == 0, $"{unit} {instrument}:\n" + string.Join("\n", differences.Take(20)));
            }
        var cells = CellsOf(reorganised);
        Assert.Equal(0, (await CliRunner.RunAsync(reorganised, "stats", "rebuild")).ExitCode);
        AssertSameCells(CellsOf(reorganised), cells);

        // Two more crosswalks in a row: VQ-VP moves under VQ-TT, then VQ-TT (now with responses of its own and a
        // sub-unit with its own) merges into a new commune: its own responses are its cell minus VQ-VP's.
        Assert.Equal(0, (await CliRunner.RunAsync(reorganised, "units", "reorganise", WriteFile("old,new,new_parent,new_name\nVQ-VP,VQ-VP,VQ-TT,\n"))).ExitCode);
        var last = await CliRunner.RunAsync(reorganised, "units", "reorganise", WriteFile("old,new,new_parent,new_name\nVQ-TT,N-TT,LS,Xã TT\n"), "--confirm-scopes");
        Assert.True(last.ExitCode == 0, last.Error + last.Output);
        const string tree2 = "code,parent,name\nLS,,Tỉnh Lạng Sơn\nN-HUB,LS,Cụm mới\nVQ,N-HUB,Huyện Văn Quan\nN-TT,LS,Xã TT\nVQ-TT,N-TT,Thị trấn Văn Quan\n" +
            "VQ-VP,VQ-TT,Văn phòng\nVQ-X01,VQ,Xã mẫu 01\nVQ-X02,VQ,Xã mẫu 02\nVQ-X03,LS,Xã mẫu 03\n";
        var direct2 = NewApp();
        // First the reference tree, so that VQ-TT gets its counter as a leaf; then the new parents.
        Assert.Equal(0, (await CliRunner.RunAsync(direct2, "units", "import", CliRunner.ReferenceFile("units.csv"))).ExitCode);
        Assert.Equal(0, (await CliRunner.RunAsync(direct2, "units", "import", WriteFile(tree2))).ExitCode);
        Assert.Equal(0, (await CliRunner.RunAsync(direct2, "import", "paper", CliRunner.ReferenceFile("responses.csv"))).ExitCode);
        var direct2Client = await CliRunner.ReferenceClientAsync(direct2, "so@langson.vn", "viewer", "LS");
        foreach (var unit in new[] { "LS", "N-HUB", "VQ", "N-TT", "VQ-VP", "VQ-TT", "VQ-X01", "VQ-X02", "VQ-X03" })
            foreach (var instrument in Instruments)
            {
                var differences = JsonComparer.Differences(await FiguresAsync(direct2Client, unit, instrument), await FiguresAsync(client, unit, instrument), _ => 1e-9);
                Assert.True(differences.Count == 0, $"second: {unit} {instrument}:\n" + string.Join("\n", differences.Take(20)));
            }
        cells = CellsOf(reorganised);
        Assert.Equal(0, (await CliRunner.RunAsync(reorganised, "stats", "rebuild")).ExitCode);
        AssertSameCells(CellsOf(reorganised), cells);
    }

    [SkippableFact]
    public async Task A_merge_and_a_move_on_the_units_page_run_through_the_job_and_give_the_figures_of_the_new_tree()
    {
        Skip.IfNot(Available, "no server for this provider");
        var app = NewApp();
        var client = await CliRunner.ReferenceClientAsync(app, "so@langson.vn", "viewer", "LS");
        await CliRunner.ReferenceClientAsync(app, "admin2@langson.vn", "admin", null);
        var browser = await AdminBrowserAsync(app);
        async Task<HttpResponseMessage> PostUnitAsync(string code, string handler, string field, string value)
        {
            var page = await browser.GetStringAsync($"/admin/units/{code}");
            return await browser.PostAsync($"/admin/units/{code}?handler={handler}", new FormUrlEncodedContent(
                [new(field, value), new("__RequestVerificationToken", Http.AntiforgeryToken(page))]));
        }
        // VQ-X01 merges into VQ-TT, then VQ-VP moves from the district to the province, each on /admin/units.
        var merged = await PostUnitAsync("VQ-X01", "merge", "successor", "VQ-TT");
        Assert.Equal(HttpStatusCode.Redirect, merged.StatusCode);
        Assert.Contains("done=merge", merged.Headers.Location!.OriginalString);
        var moved = await PostUnitAsync("VQ-VP", "move", "parent", "LS");
        Assert.Equal(HttpStatusCode.Redirect, moved.StatusCode);

        const string tree = "code,parent,name\nLS,,Tỉnh Lạng Sơn\nVQ,LS,Huyện Văn Quan\nVQ-VP,LS,Văn phòng HĐND và UBND huyện\n" +
            "VQ-TT,VQ,Thị trấn Văn Quan\nVQ-X01,VQ-TT,Xã mẫu 01\nVQ-X02,VQ,Xã mẫu 02\nVQ-X03,VQ,Xã mẫu 03\n";
        var direct = NewApp();
        // The reference tree first, so that every old commune has its counter; then the new parents.
        Assert.Equal(0, (await CliRunner.RunAsync(direct, "units", "import", CliRunner.ReferenceFile("units.csv"))).ExitCode);
        Assert.Equal(0, (await CliRunner.RunAsync(direct, "units", "import", WriteFile(tree))).ExitCode);
        Assert.Equal(0, (await CliRunner.RunAsync(direct, "import", "paper", CliRunner.ReferenceFile("responses.csv"))).ExitCode);
        var directClient = await CliRunner.ReferenceClientAsync(direct, "so@langson.vn", "viewer", "LS");
        foreach (var unit in new[] { "LS", "VQ", "VQ-VP", "VQ-TT", "VQ-X01", "VQ-X02", "VQ-X03" })
            foreach (var instrument in Instruments)
            {
                var differences = JsonComparer.Differences(await FiguresAsync(directClient, unit, instrument), await FiguresAsync(client, unit, instrument), _ => 1e-9);
                Assert.True(differences.Count == 0, $"{unit} {instrument}:\n" + string.Join("\n", differences.Take(20)));
            }
        Assert.True((await FiguresAsync(client, "VQ-VP", "SIPAS-DV"))["responses"]!.GetValue<long>() > 0);

        // Incremental, not a rebuild: the cells are exactly what a rebuild from the raw responses gives.
        var cells = CellsOf(app);
        Assert.Equal(0, (await CliRunner.RunAsync(app, "stats", "rebuild")).ExitCode);
        AssertSameCells(CellsOf(app), cells);

        // Audited once each, under the single operation's own action; no job row, no reorganisation entry.
        var audits = app.WithDatabase(db => db.AuditEntries.Where(a => a.Action.StartsWith("unit-")).OrderBy(a => a.Id).ToList());
        var merge = Assert.Single(audits, a => a.Action == "unit-merge");
        Assert.Equal("VQ-X01", merge.Target);
        Assert.Contains("into VQ-TT", merge.Details);
        Assert.Contains("VQ-X01-Q1", merge.Details);
        var move = Assert.Single(audits, a => a.Action == "unit-move");
        Assert.Equal("VQ-VP", move.Target);
        Assert.Contains("parent VQ → LS", move.Details);
        Assert.DoesNotContain(audits, a => a.Action == "unit-reorganise");
        Assert.Equal(0, app.WithDatabase(db => db.ReorganisationJobs.Count()));
        Assert.Equal(app.WithDatabase(db => db.Units.Single(u => u.Code == "VQ-TT").Id),
            app.WithDatabase(db => db.Counters.Single(c => c.Code == "VQ-X01-Q1").UnitId));

        // A move that is refused changes nothing and writes no audit entry.
        var before = DatabaseSnapshot.Take(app);
        var refused = await PostUnitAsync("VQ", "move", "parent", "VQ-TT");
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal(before, DatabaseSnapshot.Take(app));
    }

    private static List<string> CellsOf(SurveyAppFactory factory) => factory.WithDatabase(db => db.StatisticsCells.AsNoTracking()
        .Select(c => new { c.UnitId, c.InstrumentVersionId, c.Period, c.PeriodStart, c.Channel, c.Flagged, c.Responses, c.OverallN, c.OverallSatisfied })
        .AsEnumerable().Select(c => c.ToString()!).Order(StringComparer.Ordinal).ToList());

    private static void AssertSameCells(List<string> expected, List<string> actual)
    {
        var missing = expected.Except(actual).Take(5).ToList();
        var extra = actual.Except(expected).Take(5).ToList();
        Assert.True(missing.Count == 0 && extra.Count == 0, $"missing: {string.Join("; ", missing)}\nextra: {string.Join("; ", extra)}");
    }

    [SkippableFact]
    public async Task A_crosswalk_with_an_error_changes_nothing_and_lists_every_error_by_line()
    {
        Skip.IfNot(Available, "no server for this provider");
        var app = NewApp();
        await CliRunner.ReferenceClientAsync(app, "so@langson.vn", "viewer", "LS");
        var before = DatabaseSnapshot.Take(app);
        var run = await CliRunner.RunAsync(app, "units", "reorganise", WriteFile(
            "old,new,new_parent,new_name\nVQ-TT,N-VQ,LS,Xã Văn Quan\nVQ-XX,N-VQ,,\nVQ-TT,N-2,LS,Hai\nVQ-X02,VQ-X01,,\nVQ-X01,N-3,LS,Ba\nVQ,VQ,VQ-X03,\n"));
        Assert.Equal(1, run.ExitCode);
        var all = run.Error;
        Assert.Contains("line 3: unknown unit 'VQ-XX'", all);
        Assert.Contains("line 4: unit 'VQ-TT' appears twice", all);
        Assert.Contains("line 5: new code 'VQ-X01' clashes", all);
        Assert.Contains("cycle", all);
        Assert.Equal(before, DatabaseSnapshot.Take(app));
        // Bad header.
        var header = await CliRunner.RunAsync(app, "units", "reorganise", WriteFile("code,parent,name\nA,B,C\n"));
        Assert.Equal(1, header.ExitCode);
        Assert.Contains("line 1: the header must be old,new,new_parent,new_name", header.Error);
        Assert.Equal(before, DatabaseSnapshot.Take(app));
    }

    [SkippableFact]
    public async Task Old_qr_codes_land_at_the_successor_and_officials_of_dissolved_units_are_never_widened()
    {
        Skip.IfNot(Available, "no server for this provider");
        var app = NewApp();
        await CliRunner.ReferenceClientAsync(app, "so@langson.vn", "viewer", "LS");
        var x01 = await CliRunner.ReferenceClientAsync(app, "x01@langson.vn", "manager", "VQ-X01");   // merged with VQ-TT: wider → flagged
        var x02 = await CliRunner.ReferenceClientAsync(app, "x02@langson.vn", "viewer", "VQ-X02");    // 1:1 → re-scoped
        var district = await CliRunner.ReferenceClientAsync(app, "vq@langson.vn", "viewer", "VQ");   // dissolved into LS: flagged
        // A per-dossier token printed before the reorganisation, for the counter of a commune that will be merged.
        var issued = await x01.PostAsJsonAsync("/api/v1/tokens", new { counter = "VQ-X01-Q1" });
        Assert.Equal(HttpStatusCode.Created, issued.StatusCode);
        var dossierToken = JsonNode.Parse(await issued.Content.ReadAsStringAsync())!["token"]!.GetValue<string>();
        var dry = await CliRunner.RunAsync(app, "units", "reorganise", WriteFile(Crosswalk2025), "--dry-run");
        Assert.Equal(0, dry.ExitCode);
        Assert.Contains("x01@langson.vn: VQ-X01 → N-VQ would be wider", dry.Output);
        Assert.Contains("scope   x02@langson.vn: VQ-X02 → N-X2", dry.Output);
        Assert.Equal(0, app.WithDatabase(db => db.Units.Count(u => u.Code == "N-VQ")));

        var run = await CliRunner.RunAsync(app, "units", "reorganise", WriteFile(Crosswalk2025));
        Assert.True(run.ExitCode == 0, run.Error + run.Output);
        string ScopeOf(string email) => app.WithDatabase(db => db.Users.Where(u => u.Email == email).Select(u => u.ScopeUnit!.Code).Single());
        Assert.Equal("VQ-X01", ScopeOf("x01@langson.vn"));
        Assert.Equal("N-X2", ScopeOf("x02@langson.vn"));
        Assert.Equal("VQ", ScopeOf("vq@langson.vn"));
        // The kept scope shows the old unit's history, nothing more.
        Assert.Equal(HttpStatusCode.OK, (await x01.GetAsync("/api/v1/units/VQ-X01/indices?instrument=NHANH")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await x01.GetAsync("/api/v1/units/N-VQ")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await x01.GetAsync("/api/v1/units/VQ-TT/indices")).StatusCode);
        var own = JsonNode.Parse(await x01.GetStringAsync("/api/v1/units/VQ-X01"))!;
        Assert.Null(own["successor"]); // N-VQ is outside this official's scope: not named
        Assert.Equal(HttpStatusCode.NotFound, (await district.GetAsync("/api/v1/units/LS")).StatusCode);
        var x02Info = JsonNode.Parse(await x02.GetStringAsync("/api/v1/units/N-X2"))!;
        Assert.Equal(["VQ-X02"], x02Info["predecessors"]!.AsArray().Select(p => p!.GetValue<string>()));

        // The old counter's QR code and a response through it land at the successor.
        Assert.Equal(HttpStatusCode.OK, (await app.CreateClient().GetAsync("/s/VQ-X01-Q1")).StatusCode);
        var counter = JsonNode.Parse(await app.CreateClient().GetStringAsync("/api/v1/counters/VQ-X01-Q1"))!;
        Assert.Contains("N-VQ", counter.ToJsonString());
        var admin = await CliRunner.ReferenceClientAsync(app, "admin2@langson.vn", "admin", null);
        var n = (await FiguresAsync(admin, "N-VQ", "NHANH"))["responses"]!.GetValue<long>();
        var posted = await app.CreateClient().PostAsJsonAsync("/api/v1/responses",
            new { submissionId = Guid.NewGuid(), counter = "VQ-X01-Q1", instrument = "NHANH", channel = "qr", answers = new Dictionary<string, object> { ["HL"] = 5 } });
        Assert.Equal(HttpStatusCode.Created, posted.StatusCode);
        Assert.Equal(n + 1, (await FiguresAsync(admin, "N-VQ", "NHANH"))["responses"]!.GetValue<long>());
        Assert.Equal("N-VQ", app.WithDatabase(db => db.Responses.OrderByDescending(r => r.Id).Select(r => r.Unit.Code).First()));
        // The old token still works and lands at the successor too.
        var byToken = await app.CreateClient().PostAsJsonAsync("/api/v1/responses",
            new { submissionId = Guid.NewGuid(), token = dossierToken, instrument = "NHANH", channel = "qr", answers = new Dictionary<string, object> { ["HL"] = 4 } });
        Assert.Equal(HttpStatusCode.Created, byToken.StatusCode);
        Assert.Equal(n + 2, (await FiguresAsync(admin, "N-VQ", "NHANH"))["responses"]!.GetValue<long>());
    }

    [SkippableFact]
    public async Task The_page_lists_errors_by_line_and_changes_nothing()
    {
        Skip.IfNot(Available, "no server for this provider");
        var app = NewApp();
        await CliRunner.ReferenceClientAsync(app, "admin2@langson.vn", "admin", null);
        var browser = await AdminBrowserAsync(app);
        var before = DatabaseSnapshot.Take(app);
        var bad = "old,new,new_parent,new_name\nVQ-TT,N-VQ,LS,Xã Văn Quan\nVQ-NO,N-VQ,,\nVQ-TT,N-2,LS,Hai\n";
        var preview = await browser.PostAsync("/admin/units/reorganise?handler=Preview", await FormAsync(browser, ("csv", bad)));
        Assert.Equal(HttpStatusCode.BadRequest, preview.StatusCode);
        var html = System.Net.WebUtility.HtmlDecode(await preview.Content.ReadAsStringAsync());
        Assert.Contains("line 3: unknown unit 'VQ-NO'", html);
        Assert.Contains("line 4: unit 'VQ-TT' appears twice", html);
        var apply = await browser.PostAsync("/admin/units/reorganise?handler=Apply", await FormAsync(browser, ("csv", bad), ("fileName", "bad.csv")));
        Assert.Equal(HttpStatusCode.BadRequest, apply.StatusCode);
        Assert.Equal(before, DatabaseSnapshot.Take(app));
        Assert.Equal(0, app.WithDatabase(db => db.ReorganisationJobs.Count()));
    }

    [SkippableFact]
    public async Task Submissions_during_the_job_are_neither_lost_nor_counted_twice()
    {
        Skip.IfNot(Available, "no server for this provider");
        var app = NewApp();
        var admin = await CliRunner.ReferenceClientAsync(app, "admin2@langson.vn", "admin", null);
        var initial = app.WithDatabase(db => db.Responses.Count());
        using var stop = new CancellationTokenSource();
        var counters = new[] { "VQ-X01-Q1", "VQ-X02-Q1", "VQ-X03-Q1", "VQ-TT-Q1", "VQ-VP-Q1" };
        var created = 0;
        var posters = Enumerable.Range(0, 4).Select(i => Task.Run(async () =>
        {
            var client = app.CreateClient();
            var k = 0;
            while (!stop.IsCancellationRequested || k < 10)
            {
                var response = await client.PostAsJsonAsync("/api/v1/responses", new
                {
                    submissionId = Guid.NewGuid(), counter = counters[(i + k) % counters.Length], instrument = "NHANH", channel = "qr",
                    answers = new Dictionary<string, object> { ["HL"] = 1 + (i + k) % 5 },
                });
                Assert.Equal(HttpStatusCode.Created, response.StatusCode);
                Interlocked.Increment(ref created);
                k++;
            }
        })).ToList();
        await Task.Delay(300);
        // Through the page and its background job, while the posters keep posting.
        var browser = await AdminBrowserAsync(app);
        var preview = await browser.PostAsync("/admin/units/reorganise?handler=Preview", await FormAsync(browser, ("csv", Crosswalk2025)));
        Assert.Equal(HttpStatusCode.OK, preview.StatusCode);
        var previewHtml = await preview.Content.ReadAsStringAsync();
        Assert.Contains("data-change=\"create\"", previewHtml);
        var apply = await browser.PostAsync("/admin/units/reorganise?handler=Apply", await FormAsync(browser, ("csv", Crosswalk2025), ("fileName", "lang-son-2025.csv")));
        Assert.Equal(HttpStatusCode.Redirect, apply.StatusCode);
        var jobPage = apply.Headers.Location!.ToString();
        ReorganisationStatus status;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        do
        {
            await Task.Delay(100);
            var page = await browser.GetStringAsync(jobPage);
            Assert.Contains("data-job=", page);
            status = app.WithDatabase(db => db.ReorganisationJobs.Select(j => j.Status).Single());
        } while (status is ReorganisationStatus.Queued or ReorganisationStatus.Running && DateTime.UtcNow < deadline);
        Assert.Equal(ReorganisationStatus.Done, status);
        await Task.Delay(300);
        await stop.CancelAsync();
        await Task.WhenAll(posters);

        Assert.Equal(initial + created, app.WithDatabase(db => db.Responses.Count()));
        var figures = new Dictionary<string, string>();
        foreach (var unit in Units)
            figures[unit] = (await FiguresAsync(admin, unit, "NHANH")).ToJsonString();
        Assert.Equal(initial + created, app.WithDatabase(db => db.StatisticsCells
            .Where(c => c.UnitId == db.Units.Single(u => u.Code == "LS").Id && c.Period == CellPeriod.Month).Sum(c => c.Responses)));
        // The cells equal a rebuild from the raw responses: nothing lost, nothing twice.
        var cells = CellsOf(app);
        Assert.Equal(0, (await CliRunner.RunAsync(app, "stats", "rebuild")).ExitCode);
        AssertSameCells(CellsOf(app), cells);
        foreach (var unit in Units)
            Assert.Empty(JsonComparer.Differences(JsonNode.Parse(figures[unit]), await FiguresAsync(admin, unit, "NHANH"), _ => 1e-9));
    }

    [SkippableFact]
    public async Task A_submission_made_while_the_job_runs_is_acknowledged_before_the_job_ends()
    {
        Skip.IfNot(Available, "no server for this provider");
        var app = NewApp();
        var admin = await CliRunner.ReferenceClientAsync(app, "admin2@langson.vn", "admin", null);
        var before = (await FiguresAsync(admin, "VQ-X01", "NHANH"))["responses"]!.GetValue<long>();
        // The job is held between computing its changes and writing them, holding the cells' gate all along.
        var progress = app.Services.GetRequiredService<CchcSurvey.Web.Organisation.ReorganisationProgress>();
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        progress.BeforeWriting = async _ => { held.TrySetResult(); await release.Task; };
        try
        {
            var browser = await AdminBrowserAsync(app);
            var apply = await browser.PostAsync("/admin/units/reorganise?handler=Apply", await FormAsync(browser, ("csv", Crosswalk2025), ("fileName", "lang-son-2025.csv")));
            Assert.Equal(HttpStatusCode.Redirect, apply.StatusCode);
            await held.Task.WaitAsync(TimeSpan.FromSeconds(60));

            // Two submissions while the job runs: acknowledged at once, stored durably, their cells pending.
            var client = app.CreateClient();
            foreach (var hl in new[] { 5, 2 })
            {
                var posted = await client.PostAsJsonAsync("/api/v1/responses", new
                {
                    submissionId = Guid.NewGuid(), counter = "VQ-X01-Q1", instrument = "NHANH", channel = "qr",
                    answers = new Dictionary<string, object> { ["HL"] = hl },
                }).WaitAsync(TimeSpan.FromSeconds(30));
                Assert.Equal(HttpStatusCode.Created, posted.StatusCode);
            }
            Assert.Equal(ReorganisationStatus.Running, app.WithDatabase(db => db.ReorganisationJobs.Select(j => j.Status).Single()));
            Assert.Equal(2, app.WithDatabase(db => db.PendingCellResponses.Count()));
            Assert.Equal(before, (await FiguresAsync(admin, "VQ-X01", "NHANH"))["responses"]!.GetValue<long>());
        }
        finally
        {
            release.TrySetResult();
        }
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (app.WithDatabase(db => db.ReorganisationJobs.Select(j => j.Status).Single()) is ReorganisationStatus.Queued or ReorganisationStatus.Running
               && DateTime.UtcNow < deadline)
            await Task.Delay(50);
        Assert.Equal(ReorganisationStatus.Done, app.WithDatabase(db => db.ReorganisationJobs.Select(j => j.Status).Single()));
        // After the job the pending responses are added to their cells with the new tree: the old commune and its
        // successor count them once, and the cells equal a rebuild from the raw responses.
        while (app.WithDatabase(db => db.PendingCellResponses.Count()) > 0 && DateTime.UtcNow < deadline) await Task.Delay(50);
        Assert.Equal(0, app.WithDatabase(db => db.PendingCellResponses.Count()));
        Assert.Equal(before + 2, (await FiguresAsync(admin, "VQ-X01", "NHANH"))["responses"]!.GetValue<long>());
        var merged = (await FiguresAsync(admin, "N-VQ", "NHANH"))["responses"]!.GetValue<long>();
        Assert.Equal(merged, (await FiguresAsync(admin, "VQ-X01", "NHANH"))["responses"]!.GetValue<long>()
            + (await FiguresAsync(admin, "VQ-TT", "NHANH"))["responses"]!.GetValue<long>());
        var cells = CellsOf(app);
        Assert.Equal(0, (await CliRunner.RunAsync(app, "stats", "rebuild")).ExitCode);
        AssertSameCells(CellsOf(app), cells);
    }

    [SkippableFact]
    public async Task Responses_stored_while_the_cells_are_held_get_their_cells_once_and_only_once()
    {
        Skip.IfNot(Available, "no server for this provider");
        var app = NewApp();
        var admin = await CliRunner.ReferenceClientAsync(app, "admin2@langson.vn", "admin", null);
        var before = (await FiguresAsync(admin, "VQ-X02", "NHANH"))["responses"]!.GetValue<long>();
        // The gate held as a job holds it: the response is stored without its cells; once the gate is free the writer
        // adds it when asked (a job asks when it ends; a restarted writer asks itself).
        var gate = app.Services.GetRequiredService<CchcSurvey.Web.Indices.CellWriteGate>();
        using (await gate.EnterAsync(CancellationToken.None))
        {
            var posted = await app.CreateClient().PostAsJsonAsync("/api/v1/responses", new
            {
                submissionId = Guid.NewGuid(), counter = "VQ-X02-Q1", instrument = "NHANH", channel = "qr",
                answers = new Dictionary<string, object> { ["HL"] = 4 },
            }).WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(HttpStatusCode.Created, posted.StatusCode);
            Assert.Equal(1, app.WithDatabase(db => db.PendingCellResponses.Count()));
        }
        app.Services.GetRequiredService<CchcSurvey.Web.Surveys.ResponseWriter>().RequestDrain();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (app.WithDatabase(db => db.PendingCellResponses.Count()) > 0 && DateTime.UtcNow < deadline) await Task.Delay(50);
        Assert.Equal(before + 1, (await FiguresAsync(admin, "VQ-X02", "NHANH"))["responses"]!.GetValue<long>());
        // A rebuild counts it once (and forgets the queue).
        Assert.Equal(0, (await CliRunner.RunAsync(app, "stats", "rebuild")).ExitCode);
        Assert.Equal(before + 1, (await FiguresAsync(admin, "VQ-X02", "NHANH"))["responses"]!.GetValue<long>());
    }

    private static async Task<HttpClient> AdminBrowserAsync(SurveyAppFactory app)
    {
        var client = app.CreateBrowserClient();
        await Http.SignInAsync(client, "admin2@langson.vn", "Mat-khau-123");
        return client;
    }

    private static async Task<FormUrlEncodedContent> FormAsync(HttpClient client, params (string Name, string Value)[] fields)
    {
        var page = await client.GetStringAsync("/admin/units/reorganise");
        var values = fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)).ToList();
        values.Add(new("__RequestVerificationToken", Http.AntiforgeryToken(page)));
        return new FormUrlEncodedContent(values);
    }
}

public sealed class SqliteReorganisationTests : ReorganisationTests<SurveyAppFactory>
{
    protected override bool Available => true;
}

public sealed class PostgresReorganisationTests : ReorganisationTests<PostgresAppFactory>
{
    protected override bool Available => PostgresAppFactory.ServerConnectionString is not null;
}

/// <summary>The 2025 demo option: the 2023 demo with its responses, then the bundled crosswalk, on first start.</summary>
public sealed class Demo2025Tests : IClassFixture<SurveyAppFactory>
{
    private readonly SurveyAppFactory _factory;

    public Demo2025Tests(SurveyAppFactory factory)
    {
        factory.ExtraSettings["Demo:Organisation"] = "2025";
        factory.ExtraSettings["Demo:Responses"] = "400";
        _factory = factory;
    }

    [Fact]
    public async Task The_2025_demo_has_the_new_communes_with_their_predecessors_history()
    {
        var units = _factory.WithDatabase(db => db.Units.AsNoTracking().ToList());
        var byCode = units.ToDictionary(u => u.Code);
        Assert.True(byCode["LS-KK"].IsActive);
        Assert.Equal(byCode["LS"].Id, byCode["LS-KK"].ParentId);
        foreach (var old in new[] { "VQ-KK", "VQ-DG", "VQ-TC" })
        {
            Assert.False(byCode[old].IsActive);
            Assert.Equal(byCode["LS-KK"].Id, byCode[old].SuccessorId);
        }
        Assert.False(byCode["VQ"].IsActive);
        Assert.Equal(byCode["LS"].Id, byCode["VQ-AS"].ParentId); // successor unconfirmed: kept as its own unit
        Assert.True(byCode["VQ-AS"].IsActive);
        // Counters follow their unit: the old town's and the district departments' counters now belong to LS-VQ.
        var counters = _factory.WithDatabase(db => db.Counters.AsNoTracking().Select(c => new { c.Code, c.UnitId }).ToList());
        Assert.All(counters.Where(c => c.Code.StartsWith("VQ-TT", StringComparison.Ordinal) || c.Code.StartsWith("VQ-VP", StringComparison.Ordinal)),
            c => Assert.Equal(byCode["LS-VQ"].Id, c.UnitId));
        // Figures of the new commune pool the old communes' responses.
        var admin = await CliRunner.ReferenceClientAsync(_factory, "admin2@langson.vn", "admin", null);
        long Responses(string unit) => JsonNode.Parse(admin.GetStringAsync($"/api/v1/units/{unit}/indices?instrument=NHANH").Result)!["responses"]!.GetValue<long>();
        Assert.Equal(Responses("VQ-KK") + Responses("VQ-DG") + Responses("VQ-TC"), Responses("LS-KK"));
        Assert.True(Responses("LS-VQ") > 0);
        Assert.Equal(1, _factory.WithDatabase(db => db.AuditEntries.Count(a => a.Action == "unit-reorganise")));
    }
}
