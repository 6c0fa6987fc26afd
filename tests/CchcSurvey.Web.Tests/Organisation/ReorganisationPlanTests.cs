using CchcSurvey.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CchcSurvey.Web.Tests.Organisation;

/// <summary>
/// The demo organisation with its improvement plan VQ-2023, carried across by the 2025 crosswalk: the plan, its
/// criteria and its tasks of every merged unit follow the successor, as a single merge does; the preview lists every
/// task whose lead changes.
/// </summary>
public sealed class ReorganisationPlanTests(SurveyAppFactory factory) : IClassFixture<SurveyAppFactory>
{
    [Fact]
    public async Task Plan_leads_of_merged_units_are_previewed_and_follow_their_successors()
    {
        var crosswalk = Path.Combine(FindRepositoryRoot(), "data", "demo", "lang-son-2025-crosswalk.csv");
        var links = factory.WithDatabase(db => db.PlanTaskUnits.Count());
        Assert.True(links > 0, "the demo plan has task leads");
        var tt = factory.WithDatabase(db => db.Units.Single(u => u.Code == "VQ-TT").Id);
        Assert.True(factory.WithDatabase(db => db.PlanTaskUnits.Any(l => l.UnitId == tt) || db.PlanCriterionUnits.Any(l => l.UnitId == tt)),
            "the demo plan assigns work to the town, which the crosswalk merges");

        // The preview (command and page) lists every task led by a unit the crosswalk merges, with its new lead.
        var successors = File.ReadAllLines(crosswalk).Skip(1).Select(l => l.Split(','))
            .Where(f => f.Length >= 2 && f[0] != f[1]).ToDictionary(f => f[0], f => f[1]);
        var led = factory.WithDatabase(db => db.PlanTaskUnits.Select(l => new { l.Task.Code, Unit = l.Unit.Code }).ToList())
            .Where(l => successors.ContainsKey(l.Unit)).ToList();
        Assert.NotEmpty(led);
        var dry = await CliRunner.RunAsync(factory, "units", "reorganise", crosswalk, "--dry-run");
        Assert.True(dry.ExitCode == 0, dry.Error + dry.Output);
        var leadLines = dry.Output.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.StartsWith("lead ", StringComparison.Ordinal)).ToList();
        Assert.Equal(led.Count, leadLines.Count);
        foreach (var link in led)
            Assert.Contains(leadLines, l => l.Contains($"lead    {link.Code} ", StringComparison.Ordinal) && l.EndsWith($": {link.Unit} → {successors[link.Unit]}", StringComparison.Ordinal));
        var browser = factory.CreateBrowserClient();
        await Http.SignInAsync(browser, SurveyAppFactory.AdminEmail, SurveyAppFactory.AdminPassword);
        var form = await browser.GetStringAsync("/admin/units/reorganise");
        var preview = await browser.PostAsync("/admin/units/reorganise?handler=Preview", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["csv"] = await File.ReadAllTextAsync(crosswalk), ["__RequestVerificationToken"] = Http.AntiforgeryToken(form),
        }));
        var html = System.Net.WebUtility.HtmlDecode(await preview.Content.ReadAsStringAsync());
        Assert.Equal(led.Count, html.Split("data-change=\"lead\"").Length - 1);
        foreach (var link in led) Assert.Contains($"{link.Unit} → {successors[link.Unit]}", html);

        var run = await CliRunner.RunAsync(factory, "units", "reorganise", crosswalk, "--confirm-scopes");
        Assert.True(run.ExitCode == 0, run.Error + run.Output);

        factory.WithDatabase(db =>
        {
            var inactive = db.Units.Where(u => !u.IsActive).Select(u => u.Id).ToList();
            Assert.Contains(tt, inactive);
            Assert.False(db.PlanTaskUnits.Any(l => inactive.Contains(l.UnitId)), "a task is still led by a merged unit");
            Assert.False(db.PlanCriterionUnits.Any(l => inactive.Contains(l.UnitId)), "a criterion still names a merged unit");
            Assert.False(db.Plans.Any(p => inactive.Contains(p.UnitId)), "a plan still belongs to a merged unit");
            var successor = db.Units.Single(u => u.Id == tt).SuccessorId;
            Assert.True(db.PlanTaskUnits.Any(l => l.UnitId == successor) || db.PlanCriterionUnits.Any(l => l.UnitId == successor));
            return 0;
        });
    }

    private static string FindRepositoryRoot()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "CchcSurvey.sln"))) root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("repository root not found");
        return root;
    }
}
