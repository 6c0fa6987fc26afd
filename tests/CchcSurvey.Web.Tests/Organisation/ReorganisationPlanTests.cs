using CchcSurvey.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CchcSurvey.Web.Tests.Organisation;

/// <summary>
/// The demo organisation with its improvement plan VQ-2023, carried across by the 2025 crosswalk: the plan, its
/// criteria and its tasks of every merged unit follow the successor, as a single merge does.
/// </summary>
public sealed class ReorganisationPlanTests(SurveyAppFactory factory) : IClassFixture<SurveyAppFactory>
{
    [Fact]
    public async Task Plan_leads_of_merged_units_follow_their_successors()
    {
        var crosswalk = Path.Combine(FindRepositoryRoot(), "data", "demo", "lang-son-2025-crosswalk.csv");
        var links = factory.WithDatabase(db => db.PlanTaskUnits.Count());
        Assert.True(links > 0, "the demo plan has task leads");
        var tt = factory.WithDatabase(db => db.Units.Single(u => u.Code == "VQ-TT").Id);
        Assert.True(factory.WithDatabase(db => db.PlanTaskUnits.Any(l => l.UnitId == tt) || db.PlanCriterionUnits.Any(l => l.UnitId == tt)),
            "the demo plan assigns work to the town, which the crosswalk merges");

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
