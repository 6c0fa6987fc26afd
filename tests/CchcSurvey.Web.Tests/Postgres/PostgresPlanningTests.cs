using System.Net;
using System.Text.Json;
using CchcSurvey.Web.Tests.Infrastructure;
using CchcSurvey.Web.Tests.Pages.Dashboard;
using static CchcSurvey.Web.Tests.Pages.Dashboard.PlanningTests;

namespace CchcSurvey.Web.Tests.Postgres;

/// <summary>
/// The planning figures (dossier sum over the subtree, sample size, 766 points, weighted share) on PostgreSQL, with
/// the same answers and hand computations as <see cref="PlanningTests"/>. Skipped when no server is configured.
/// </summary>
public sealed class PostgresPlanningTests : IClassFixture<PostgresAppFactory>
{
    private readonly PostgresAppFactory _factory;

    public PostgresPlanningTests(PostgresAppFactory factory)
    {
        _factory = factory;
        PlanningData.Configure(factory);   // before the first request builds the host
    }

    [SkippableFact]
    public async Task The_planning_figures_match_the_hand_computation_on_PostgreSQL()
    {
        Skip.If(PostgresAppFactory.ServerConnectionString is null, "CCHC_TEST_POSTGRES is not set");
        await PlanningData.SeedAsync(_factory);
        var admin = await CchcSurvey.Web.Tests.Pages.Comments.WorkspaceSteps.AdminAsync(_factory);

        var response = await admin.GetAsync("/api/v1/units/VQ-TT/planning?instrument=SIPAS-DV&weight=profile");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(20, json.GetProperty("dossiers").GetInt64());
        Assert.Equal(Rate, json.GetProperty("response_rate").GetDouble(), 1e-9);
        Assert.Equal(SampleSize, json.GetProperty("sample_size").GetDouble(), 1e-9);
        Assert.Equal(8, json.GetProperty("missing").GetInt64());
        Assert.Equal(Points, json.GetProperty("points_766").GetProperty("points").GetDouble(), 1e-9);
        var (lo, hi) = Wilson(WeightedP, NEff);
        Assert.Equal(100 * WeightedP, json.GetProperty("weighted").GetProperty("p").GetDouble(), 1e-9);
        Assert.Equal(NEff, json.GetProperty("weighted").GetProperty("n_eff").GetDouble(), 1e-9);
        Assert.Equal(lo, json.GetProperty("weighted").GetProperty("p_lo").GetDouble(), 1e-9);
        Assert.Equal(hi, json.GetProperty("weighted").GetProperty("p_hi").GetDouble(), 1e-9);

        // The district sums its communes' dossiers: 20 + 10, against 12 + 11 answers.
        var district = JsonDocument.Parse(await admin.GetStringAsync("/api/v1/units/VQ/planning?instrument=SIPAS-DV")).RootElement;
        Assert.Equal(30, district.GetProperty("dossiers").GetInt64());
        Assert.Equal(23.0 / 30, district.GetProperty("response_rate").GetDouble(), 1e-9);

        var page = WebUtility.HtmlDecode(await admin.GetStringAsync("/dashboard?unit=VQ-TT&instrument=SIPAS-DV&weight=profile"));
        Assert.Contains("Còn thiếu 8 phiếu.", page);
        Assert.Contains("<span data-planning-unweighted>Chưa gia quyền: 58,3% (n=12).</span>", page);
    }
}
