using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using CchcSurvey.Web.Data;
using CchcSurvey.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CchcSurvey.Web.Tests.Cli;

/// <summary>user add, token add, units import and demo, on the demo organisation.</summary>
public sealed class CommandLineTests(SurveyAppFactory factory) : IClassFixture<SurveyAppFactory>
{
    [Fact]
    public async Task User_add_creates_a_scoped_official_who_can_sign_in()
    {
        var run = await CliRunner.RunAsync(factory, "user", "add", "--email", "truong.xa@anson.vn", "--password", "Mat-khau-123", "--role", "manager", "--unit", "VQ-AS");
        Assert.Equal(0, run.ExitCode);
        var official = factory.WithDatabase(db => db.Users.Include(u => u.ScopeUnit).Single(u => u.Email == "truong.xa@anson.vn"));
        Assert.Equal("VQ-AS", official.ScopeUnit!.Code);
        await Http.SignInAsync(factory.CreateBrowserClient(), "truong.xa@anson.vn", "Mat-khau-123");
    }

    [Theory]
    [InlineData("user", "add", "--email", "a@b.vn", "--password", "Mat-khau-123", "--role", "king", "--unit", "VQ-AS")]
    [InlineData("user", "add", "--email", "a@b.vn", "--password", "Mat-khau-123", "--role", "viewer", "--unit", "NOPE")]
    [InlineData("user", "add", "--email", "a@b.vn", "--password", "Mat-khau-123", "--role", "viewer")]
    [InlineData("user", "add", "--email", "a@b.vn", "--password", "short", "--role", "viewer", "--unit", "VQ-AS")]
    [InlineData("user", "add", "--email", "a@b.vn", "--password", "Mat-khau-12", "--role", "viewer", "--unit", "VQ-AS")]
    [InlineData("user", "add", "--email", "a@b.vn", "--password", "123qweasdzxc", "--role", "viewer", "--unit", "VQ-AS")]
    [InlineData("token", "add", "--email", "admin@test.local", "--days", "0")]
    [InlineData("user", "add", "--password", "Mat-khau-123", "--role", "viewer", "--unit", "VQ-AS")]
    [InlineData("token", "add", "--email", "nobody@nowhere.vn")]
    [InlineData("demo", "--responses", "0")]
    [InlineData("demo", "--responses", "10", "--since", "01/01/2024")]
    [InlineData("demo", "--responses", "10", "--since", "2099-01-01")]
    [InlineData("import", "paper", "/no/such/file.csv")]
    public async Task Bad_input_exits_non_zero_with_a_one_line_reason_and_changes_nothing(params string[] args)
    {
        var users = factory.WithDatabase(db => db.Users.Count());
        var run = await CliRunner.RunAsync(factory, args);
        Assert.NotEqual(0, run.ExitCode);
        // One line of reason; a refusal by the parser adds the command's usage lines after it.
        var lines = run.Error.Trim().Split('\n');
        Assert.StartsWith("error: ", lines[0], StringComparison.Ordinal);
        Assert.All(lines.Skip(1), l => Assert.True(l == "Usage:" || l.StartsWith("  " + args[0], StringComparison.Ordinal), l));
        Assert.Equal(users, factory.WithDatabase(db => db.Users.Count()));
    }

    [Fact]
    public async Task Token_add_prints_a_token_alone_on_the_last_line_and_it_authenticates_the_api()
    {
        await CliRunner.RunAsync(factory, "user", "add", "--email", "xem@vanquan.vn", "--password", "Mat-khau-123", "--role", "viewer", "--unit", "VQ");
        var run = await CliRunner.RunAsync(factory, "token", "add", "--email", "xem@vanquan.vn");
        Assert.Equal(0, run.ExitCode);
        var token = run.LastLine;
        Assert.Matches("^cchc_[A-Za-z0-9_-]{40,}$", token);
        Assert.False(factory.WithDatabase(db => db.ApiTokens.Any(t => t.TokenHash == token)), "the token must be stored hashed");

        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var indices = await client.GetAsync("/api/v1/units/VQ-AS/indices?instrument=NHANH");
        Assert.Equal(HttpStatusCode.OK, indices.StatusCode);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token + "x");
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/units/VQ-AS/indices?instrument=NHANH")).StatusCode);
    }

    [Fact]
    public async Task Units_import_creates_the_tree_with_one_counter_per_leaf()
    {
        var file = Path.Combine(Path.GetTempPath(), $"units-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(file, "code,parent,name\nCB,,Tỉnh Cao Bằng\nCB-X1,CB,Xã Một\nCB-X2,CB,\"Xã Hai, mới\"\n");
        var run = await CliRunner.RunAsync(factory, "units", "import", file);
        Assert.Equal(0, run.ExitCode);
        var counters = factory.WithDatabase(db => db.Counters.Where(c => c.Unit.Path.StartsWith(db.Units.Single(u => u.Code == "CB").Path)).Select(c => c.Code).OrderBy(c => c).ToList());
        Assert.Equal(["CB-X1-Q1", "CB-X2-Q1"], counters);
        Assert.Equal("Xã Hai, mới", factory.WithDatabase(db => db.Units.Single(u => u.Code == "CB-X2").Name));
    }

    [Fact]
    public async Task Units_import_with_an_unknown_parent_names_the_line_and_writes_nothing()
    {
        var file = Path.Combine(Path.GetTempPath(), $"units-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(file, "code,parent,name\nHG,,Tỉnh Hà Giang\nHG-X1,XX,Xã Một\n");
        var run = await CliRunner.RunAsync(factory, "units", "import", file);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("line 3", run.Error, StringComparison.Ordinal);
        Assert.False(factory.WithDatabase(db => db.Units.Any(u => u.Code == "HG")));
    }

    [Fact]
    public async Task Demo_data_goes_through_the_writer_and_its_idempotency_rule()
    {
        // The same seed gives the same submission ids: the second run finds every one stored with the same payload.
        async Task<int> GenerateAsync()
        {
            await using var scope = factory.Services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<Web.Demo.DemoResponseGenerator>().GenerateAsync(300, null, CancellationToken.None, seed: 77);
        }
        var before = factory.WithDatabase(db => db.Responses.Count());
        Assert.Equal(300, await GenerateAsync());
        Assert.Equal(0, await GenerateAsync());
        Assert.Equal(before + 300, factory.WithDatabase(db => db.Responses.Count()));
    }

    [Fact]
    public async Task Demo_adds_the_requested_number_of_responses_with_a_progress_bar()
    {
        var before = factory.WithDatabase(db => db.Responses.Count());
        var run = await CliRunner.RunAsync(factory, "demo", "--responses", "1200");
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("100%", run.Output, StringComparison.Ordinal);
        Assert.Equal(before + 1200, factory.WithDatabase(db => db.Responses.Count()));
        var hours = factory.WithDatabase(db => db.Responses.Select(r => r.SubmittedHourUtc).ToList());
        Assert.All(hours, h => Assert.Equal(0, h.Minute));
    }

    [Fact]
    public async Task Demo_since_a_day_gives_the_reorganisation_a_past_back_to_that_day()
    {
        var lastId = factory.WithDatabase(db => db.Responses.Max(r => (long?)r.Id) ?? 0);
        var run = await CliRunner.RunAsync(factory, "demo", "--responses", "600", "--since", "2024-01-01");
        Assert.Equal(0, run.ExitCode);
        var hours = factory.WithDatabase(db => db.Responses.Where(r => r.Id > lastId).Select(r => r.SubmittedHourUtc).ToList());
        Assert.Equal(600, hours.Count);
        // Office hours in Vietnam (UTC+7) from 1 January 2024: never before it, and 2024 has its share of the ~3 years.
        Assert.All(hours, h => Assert.True(h >= new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc), $"{h:O} is before 2024-01-01"));
        Assert.InRange(hours.Count(h => h.Year == 2024), 100, 320);
    }
}

/// <summary>import paper with the reference file, on an organisation made of the reference units only.</summary>
public sealed class PaperImportTests : IClassFixture<SurveyAppFactory>
{
    private readonly SurveyAppFactory _factory;

    public PaperImportTests(SurveyAppFactory factory)
    {
        factory.ExtraSettings["Demo:Enabled"] = "false";
        _factory = factory;
    }

    [Fact]
    public async Task The_reference_file_gives_exactly_its_per_unit_counts_and_a_rerun_adds_nothing()
    {
        Assert.Equal(0, (await CliRunner.RunAsync(_factory, "units", "import", CliRunner.ReferenceFile("units.csv"))).ExitCode);
        var run = await CliRunner.RunAsync(_factory, "import", "paper", CliRunner.ReferenceFile("responses.csv"));
        Assert.True(run.ExitCode == 0, run.Error + run.Output);

        using var expected = JsonDocument.Parse(await File.ReadAllTextAsync(CliRunner.ReferenceFile("expected.json")));
        var stored = _factory.WithDatabase(db => db.Responses.GroupBy(r => new { Unit = r.Unit.Code, Instrument = r.InstrumentVersion.Code })
            .Select(g => new { g.Key.Unit, g.Key.Instrument, Count = g.Count() }).ToList());
        foreach (var leaf in new[] { "VQ-VP", "VQ-TT", "VQ-X01", "VQ-X02", "VQ-X03" })
            foreach (var instrument in expected.RootElement.GetProperty("units").GetProperty(leaf).EnumerateObject())
            {
                var want = instrument.Value.GetProperty("responses").GetInt32();
                var got = stored.SingleOrDefault(s => s.Unit == leaf && s.Instrument == instrument.Name)?.Count ?? 0;
                Assert.True(want == got, $"{leaf} {instrument.Name}: expected {want}, stored {got}");
            }
        Assert.Equal(657, stored.Sum(s => s.Count));

        var again = await CliRunner.RunAsync(_factory, "import", "paper", CliRunner.ReferenceFile("responses.csv"));
        Assert.Equal(0, again.ExitCode);
        Assert.Contains("657 already present", again.Output, StringComparison.Ordinal);
        Assert.Equal(657, _factory.WithDatabase(db => db.Responses.Count()));
    }

    [Fact]
    public async Task An_interrupted_import_is_completed_by_running_it_again_and_nothing_is_stored_twice()
    {
        await CliRunner.RunAsync(_factory, "units", "import", CliRunner.ReferenceFile("units.csv"));
        var all = await File.ReadAllLinesAsync(CliRunner.ReferenceFile("responses.csv"));
        // The first 200 rows stand for an import that stopped after some of the writer's batches.
        var part = Path.Combine(Path.GetTempPath(), $"paper-{Guid.NewGuid():N}.csv");
        await File.WriteAllLinesAsync(part, all.Take(201));
        var first = await CliRunner.RunAsync(_factory, "import", "paper", part);
        Assert.True(first.ExitCode == 0, first.Error);
        Assert.Contains("Imported 200 responses (0 already present)", first.Output, StringComparison.Ordinal);

        var rest = await CliRunner.RunAsync(_factory, "import", "paper", CliRunner.ReferenceFile("responses.csv"));
        Assert.True(rest.ExitCode == 0, rest.Error);
        Assert.Contains("Imported 457 responses (200 already present)", rest.Output, StringComparison.Ordinal);
        Assert.Equal(657, _factory.WithDatabase(db => db.Responses.Count()));
        Assert.Equal(657, _factory.WithDatabase(db => db.Responses.Select(r => r.SubmissionId).Distinct().Count()));
        // The writer kept the cells: the root's month cells count every row once.
        Assert.Equal(657, _factory.WithDatabase(db => db.StatisticsCells.Where(c => c.Period == CellPeriod.Month && c.UnitId == db.Units.Single(u => u.Code == "LS").Id).Sum(c => c.Responses)));
    }

    [Fact]
    public async Task A_row_stored_before_with_other_answers_refuses_the_whole_file()
    {
        await CliRunner.RunAsync(_factory, "units", "import", CliRunner.ReferenceFile("units.csv"));
        var all = (await File.ReadAllLinesAsync(CliRunner.ReferenceFile("responses.csv"))).Take(11).ToArray();
        var part = Path.Combine(Path.GetTempPath(), $"paper-{Guid.NewGuid():N}.csv");
        await File.WriteAllLinesAsync(part, all.Take(2));
        Assert.Equal(0, (await CliRunner.RunAsync(_factory, "import", "paper", part)).ExitCode);
        var before = DatabaseSnapshot.Take(_factory);

        // Line 2 again under the same id, one rating changed; lines 3-11 are new and must not be stored either.
        var header = all[0].Split(',');
        var cells = all[1].Split(',');
        var rating = Array.FindIndex(header, h => h == "HL_CHUNG");
        cells[rating] = cells[rating] == "5" ? "4" : "5";
        var changed = all.ToArray();
        changed[1] = string.Join(',', cells);
        await File.WriteAllLinesAsync(part, changed);
        var run = await CliRunner.RunAsync(_factory, "import", "paper", part);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("line 2: submission id", run.Error, StringComparison.Ordinal);
        Assert.Contains("already stored with different answers", run.Error, StringComparison.Ordinal);
        Assert.Equal("", DatabaseSnapshot.Difference(before, DatabaseSnapshot.Take(_factory)));
    }

    [Theory]
    [InlineData(4, "HL", "9")]
    [InlineData(6, "unit", "NOWHERE")]
    [InlineData(3, "submission_id", "not-a-uuid")]
    public async Task A_file_with_an_error_reports_its_line_number_and_imports_nothing(int line, string column, string value)
    {
        await CliRunner.RunAsync(_factory, "units", "import", CliRunner.ReferenceFile("units.csv"));
        var before = _factory.WithDatabase(db => db.Responses.Count());
        var lines = (await File.ReadAllLinesAsync(CliRunner.ReferenceFile("responses.csv"))).Take(8).ToList();
        var index = Array.IndexOf(lines[0].Split(','), column);
        lines[line - 1] = string.Join(',', lines[line - 1].Split(',').Select((cell, i) => i == index ? value : cell));
        var file = Path.Combine(Path.GetTempPath(), $"paper-{Guid.NewGuid():N}.csv");
        await File.WriteAllLinesAsync(file, lines);

        var run = await CliRunner.RunAsync(_factory, "import", "paper", file);
        Assert.Equal(1, run.ExitCode);
        Assert.Single(run.Error.Trim().Split('\n'));
        Assert.Contains($"line {line}:", run.Error, StringComparison.Ordinal);
        Assert.Equal(before, _factory.WithDatabase(db => db.Responses.Count()));
    }
}
