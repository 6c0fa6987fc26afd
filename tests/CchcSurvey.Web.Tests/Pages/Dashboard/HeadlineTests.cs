using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using CchcSurvey.Web.Tests.Infrastructure;

namespace CchcSurvey.Web.Tests.Pages.Dashboard;

/// <summary>
/// One headline number per unit (issue #17): the satisfied share of the overall question with its interval is the
/// same number for the same unit and period on the dashboard's heatmap (as a child and as the unit itself), in the
/// ranking, in the "Cần chú ý" strip, in the quarterly report and on the public page of the published quarter; the shrunk share appears in the ranking only.
/// Reference data set (tests/data/reference, July–September 2026).
/// </summary>
public sealed class HeadlineTests : IClassFixture<HeadlineTests.Factory>
{
    public sealed class Factory : SurveyAppFactory
    {
        public Factory() => ExtraSettings["Demo:Enabled"] = "false";
    }

    private const string Email = "quantri@langson.vn";
    private const string Password = "Mat-khau-Quan-tri-1";
    private const string Quarter = "from=2026-07-01&to=2026-09-30";
    private static readonly CultureInfo Vi = CultureInfo.GetCultureInfo("vi");

    private readonly Factory _factory;

    public HeadlineTests(Factory factory) => _factory = factory;

    private async Task<HttpClient> ClientAsync()
    {
        await CliRunner.LoadReferenceAsync(_factory);
        return await Officials.SignedInAsync(_factory, Email, "admin", null, Password);
    }

    private static async Task<string> GetAsync(HttpClient client, string url)
    {
        var response = await client.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>The element opening with <paramref name="openingPattern"/> up to its closing tag <paramref name="tag"/>.</summary>
    private static string Element(string html, string openingPattern, string tag)
    {
        var match = Regex.Match(html, openingPattern + "[\\s\\S]*?</" + tag + ">");
        Assert.True(match.Success, "not found: " + openingPattern);
        return match.Value;
    }

    private static double Number(string html, string attribute)
    {
        var value = Regex.Match(html, attribute + "=\"([^\"]+)\"");
        Assert.True(value.Success, "no " + attribute);
        return double.Parse(value.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    private static string Shown(double share) => share.ToString("0.0", Vi) + "%";

    [Fact]
    public async Task The_same_unit_and_period_show_the_same_headline_share_on_heatmap_ranking_strip_report_and_public_page()
    {
        var client = await ClientAsync();
        var parent = await GetAsync(client, "/dashboard?unit=VQ&" + Quarter);

        // The heatmap of the parent: VQ-TT's row.
        var heatRow = Element(parent, "<tr data-unit=\"VQ-TT\"", "tr");
        var heatCell = Element(heatRow, "<td class=\"headline-share\"", "td");
        var share = Number(heatCell, "data-headline");
        var lo = Number(heatCell, "data-headline-lo");
        var hi = Number(heatCell, "data-headline-hi");
        Assert.Contains(Shown(share), heatCell, StringComparison.Ordinal);
        Assert.Contains($"[{lo.ToString("0.0", Vi)}–{hi.ToString("0.0", Vi)}]", heatCell, StringComparison.Ordinal);

        // The ranking of the parent (SIPAS-DV's overall question): the same share and interval beside the rank.
        var rankRow = Element(parent, "<tr data-rank-unit=\"VQ-TT\"", "tr");
        Assert.Equal(share, Number(rankRow, "data-p"), 9);
        var rankCell = Element(rankRow, "<td class=\"headline-share\"", "td");
        Assert.Contains(Shown(share), rankCell, StringComparison.Ordinal);
        Assert.Contains($"[{lo.ToString("0.0", Vi)}–{hi.ToString("0.0", Vi)}]", rankCell, StringComparison.Ordinal);
        // The shrunk share differs and appears in the ranking's own column only, never in the heatmap.
        // (On this data set the prior may be flat, p̃ = p; then there is nothing to tell apart.)
        var shrunk = Number(rankRow, "data-shrunk");
        var shrunkDiffers = Shown(share) != Shown(shrunk);
        Assert.Contains(Shown(shrunk), rankRow, StringComparison.Ordinal);
        if (shrunkDiffers) Assert.DoesNotContain(Shown(shrunk), heatRow, StringComparison.Ordinal);
        Assert.Contains("id=\"ranking-method\"", parent, StringComparison.Ordinal);

        // The unit's own dashboard: its "Cần chú ý" strip and its own heatmap row.
        var own = await GetAsync(client, "/dashboard?unit=VQ-TT&" + Quarter);
        Assert.Equal(share, Number(Element(own, "<div class=\"attention-headline\"", "div"), "data-value"), 9);
        Assert.Contains(Shown(share), Element(own, "<section class=\"attention\"", "section"), StringComparison.Ordinal);
        var selfCell = Element(Element(own, "<tr data-unit=\"VQ-TT\" class=\"self\"", "tr"), "<td class=\"headline-share\"", "td");
        Assert.Equal(share, Number(selfCell, "data-headline"), 9);

        // The quarterly report of the unit.
        var report = await GetAsync(client, "/dashboard/report?unit=VQ-TT&quarter=2026-Q3");
        var reportRow = Element(report, "<tr data-figure=\"SIPAS-DV:HL_CHUNG\"", "tr");
        Assert.Equal(share, Number(reportRow, "data-value"), 9);
        Assert.Contains(Shown(share), reportRow, StringComparison.Ordinal);
        Assert.Contains($"[{lo.ToString("0.0", Vi)}–{hi.ToString("0.0", Vi)}]", reportRow, StringComparison.Ordinal);
        if (shrunkDiffers) Assert.DoesNotContain(Shown(shrunk), reportRow, StringComparison.Ordinal);

        // The public page of the published quarter.
        var publishing = await GetAsync(client, "/admin/publishing");
        var published = await client.PostAsync("/admin/publishing?handler=Publish", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = Http.AntiforgeryToken(publishing), ["unit"] = "VQ-TT", ["quarter"] = "2026-Q3",
        }));
        Assert.Equal(HttpStatusCode.Redirect, published.StatusCode);
        var publicPage = await GetAsync(_factory.CreateBrowserClient(), "/public/VQ-TT/2026-Q3");
        var publicFigure = Element(Element(publicPage, "<section data-instrument=\"SIPAS-DV\"", "section"), "<div class=\"fig\" data-figure=\"Tỷ lệ hài lòng chung\"", "div");
        Assert.Equal(share, Number(publicFigure, "data-value"), 9);
        Assert.Contains(Shown(share), publicFigure, StringComparison.Ordinal);
        Assert.Contains($"[{lo.ToString("0.0", Vi)}–{hi.ToString("0.0", Vi)}]", publicFigure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Item_codes_never_stand_alone_in_the_distribution_and_tt01_charts()
    {
        var client = await ClientAsync();
        var sipas = await GetAsync(client, "/dashboard?unit=VQ&instrument=SIPAS-DV&" + Quarter);
        var distribution = Element(sipas, "<section aria-labelledby=\"distribution-title\"", "section");
        Assert.Contains("Nơi ngồi chờ có đủ chỗ ngồi (TC1)", distribution, StringComparison.Ordinal);
        Assert.DoesNotMatch(">TC1<", distribution);

        var tt01 = Element(await GetAsync(client, "/dashboard?unit=VQ&instrument=TT01&" + Quarter), "<section aria-labelledby=\"tt01-title\"", "section");
        Assert.Contains("Thái độ của công chức (C7)", tt01, StringComparison.Ordinal);
        Assert.DoesNotMatch(">C7<", tt01);
    }

    [Fact]
    public async Task Reasons_are_listed_most_chosen_first_and_other_last()
    {
        var client = await ClientAsync();
        var html = await GetAsync(client, "/dashboard?unit=VQ&instrument=NHANH&" + Quarter);
        var rows = Regex.Matches(Element(html, "<section aria-labelledby=\"reasons-title\"", "section"),
                "<tr data-reason=\"([^\"]+)\"><th scope=\"row\">[^<]*</th><td class=\"num\">(\\d+)</td>")
            .Select(m => (Code: m.Groups[1].Value, Count: int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture))).ToList();
        Assert.Equal(6, rows.Count);
        Assert.Equal("khac", rows[^1].Code);
        var counts = rows.Take(5).Select(r => r.Count).ToList();
        Assert.Equal(counts.OrderDescending(), counts);
        Assert.True(counts.Sum() > 0, "the reference data set has reasons");
    }
}
