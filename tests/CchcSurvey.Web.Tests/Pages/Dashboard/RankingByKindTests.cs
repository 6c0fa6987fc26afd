using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using CchcSurvey.Web.Indices;
using CchcSurvey.Web.Tests.Infrastructure;

namespace CchcSurvey.Web.Tests.Pages.Dashboard;

/// <summary>
/// Departments and communes are ranked separately on the dashboard (issue #17): the reference data set with its
/// units given level names — VQ-VP a department ("Phòng"), the town and the communes commune-level ("Thị trấn", "Xã").
/// </summary>
public sealed class RankingByKindTests : IClassFixture<RankingByKindTests.Factory>
{
    public sealed class Factory : SurveyAppFactory
    {
        public Factory() => ExtraSettings["Demo:Enabled"] = "false";
    }

    private const string Email = "quantri@langson.vn";
    private const string Password = "Mat-khau-Quan-tri-1";

    private readonly Factory _factory;

    public RankingByKindTests(Factory factory) => _factory = factory;

    [Theory]
    [InlineData("Xã", "Xã, phường, thị trấn")]
    [InlineData(" thị trấn ", "Xã, phường, thị trấn")]
    [InlineData("Phường", "Xã, phường, thị trấn")]
    [InlineData("Phòng", "Phòng")]
    [InlineData("", "")]
    public void Commune_level_names_are_one_kind_and_any_other_level_is_its_own(string level, string kind) =>
        Assert.Equal(kind, FiguresService.UnitKind(level));

    [Fact]
    public async Task A_department_is_ranked_apart_from_the_communes()
    {
        await CliRunner.LoadReferenceAsync(_factory);
        _factory.WithDatabase(db =>
        {
            foreach (var unit in db.Units.ToList())
                unit.LevelName = unit.Code == "VQ-VP" ? "Phòng" : unit.Code == "VQ-TT" ? "Thị trấn" : unit.Code.StartsWith("VQ-X", StringComparison.Ordinal) ? "Xã" : unit.LevelName;
            return db.SaveChanges();
        });
        var client = await Officials.SignedInAsync(_factory, Email, "admin", null, Password);
        var response = await client.GetAsync("/dashboard?unit=VQ&from=2026-07-01&to=2026-09-30");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();

        var groups = Regex.Matches(html, "<figure class=\"ranking-group\" data-kind=\"([^\"]*)\">([\\s\\S]*?)</figure>")
            .ToDictionary(m => System.Net.WebUtility.HtmlDecode(m.Groups[1].Value), m => m.Groups[2].Value);
        Assert.Equal(["Phòng", "Xã, phường, thị trấn"], groups.Keys.Order(StringComparer.Ordinal));
        List<(string Unit, string Rank)> Rows(string group) =>
            Regex.Matches(group, "data-rank-unit=\"([^\"]+)\" data-rank=\"([^\"]*)\"").Select(m => (m.Groups[1].Value, m.Groups[2].Value)).ToList();
        // Each kind starts at rank 1; the department is not placed among the communes.
        Assert.Equal([("VQ-VP", "1")], Rows(groups["Phòng"]));
        var communes = Rows(groups["Xã, phường, thị trấn"]);
        Assert.DoesNotContain(communes, r => r.Unit == "VQ-VP");
        Assert.Equal("1", communes[0].Rank);
        Assert.Contains(communes, r => r.Unit == "VQ-TT");
        // Bars follow the rank, i.e. the value each bar draws (data-shrunk), highest first.
        var shrunk = Regex.Matches(groups["Xã, phường, thị trấn"], "data-shrunk=\"([^\"]+)\"").Select(m => double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(shrunk.OrderDescending(), shrunk);
        Assert.Contains("Mỗi loại đơn vị được xếp hạng riêng", html, StringComparison.Ordinal);
    }
}
