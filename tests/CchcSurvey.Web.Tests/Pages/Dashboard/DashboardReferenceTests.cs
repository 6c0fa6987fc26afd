using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CchcSurvey.Core.Indices;
using CchcSurvey.Web.Tests.Infrastructure;

namespace CchcSurvey.Web.Tests.Pages.Dashboard;

/// <summary>
/// The dashboard on the reference data set (tests/data/reference, July–September 2026, MinN 10): its figures
/// are the indices API's for the same filters, its ranking is the ranking API's, its links keep the filters,
/// and every chart has an accessible name and a table.
/// </summary>
public sealed class DashboardReferenceTests : IClassFixture<DashboardReferenceTests.Factory>
{
    public sealed class Factory : SurveyAppFactory
    {
        public Factory() => ExtraSettings["Demo:Enabled"] = "false";
    }

    private const string Email = "quantri@langson.vn";
    private const string Password = "Mat-khau-Quan-tri-1";
    private const string Quarter = "from=2026-07-01&to=2026-09-30";

    private readonly Factory _factory;

    public DashboardReferenceTests(Factory factory) => _factory = factory;

    private async Task<HttpClient> ClientAsync()
    {
        await CliRunner.LoadReferenceAsync(_factory);
        return await Officials.SignedInAsync(_factory, Email, "admin", null, Password);
    }

    private static async Task<string> PageAsync(HttpClient client, string query)
    {
        var response = await client.GetAsync("/dashboard?" + query);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    private static double? Attr(string html, string elementId, string name)
    {
        var tag = Regex.Match(html, $"<[^>]*id=\"{Regex.Escape(elementId)}\"[^>]*>");
        Assert.True(tag.Success, $"no #{elementId}");
        var value = Regex.Match(tag.Value, $"{name}=\"([^\"]*)\"").Groups[1].Value;
        return value.Length == 0 ? null : double.Parse(value, CultureInfo.InvariantCulture);
    }

    private static List<(string Unit, string Rank)> RankingRows(string html) =>
        Regex.Matches(html, "data-rank-unit=\"([^\"]+)\" data-rank=\"([^\"]*)\"").Select(m => (m.Groups[1].Value, m.Groups[2].Value)).ToList();

    private static string ApiFilter(string instrument, string? channel, bool includeFlagged) =>
        $"{Quarter}&instrument={instrument}&channel={channel}&includeFlagged={(includeFlagged ? "true" : "false")}";

    private static string PageFilter(string instrument, string? channel, bool includeFlagged) =>
        $"{Quarter}&instrument={instrument}&channel={channel}&flagged={(includeFlagged ? "true" : "false")}";

    [Fact]
    public async Task Headline_index_interval_and_n_are_those_of_the_indices_api()
    {
        var client = await ClientAsync();
        var html = await PageAsync(client, "unit=VQ&" + Quarter);
        var api = JsonNode.Parse(await client.GetStringAsync($"/api/v1/units/VQ/indices?instrument=SIPAS-DV&{Quarter}"))!["index"]!;
        Assert.Equal(api["n"]!.GetValue<long>(), (long)Attr(html, "headline-index", "data-n")!.Value);
        Assert.Equal(api["value"]!.GetValue<double>(), Attr(html, "headline-index", "data-value")!.Value, 9);
        Assert.Equal(api["lo"]!.GetValue<double>(), Attr(html, "headline-index", "data-lo")!.Value, 9);
        Assert.Equal(api["hi"]!.GetValue<double>(), Attr(html, "headline-index", "data-hi")!.Value, 9);
        // Shown in the Vietnamese format with its interval.
        var value = api["value"]!.GetValue<double>().ToString("0.0", CultureInfo.GetCultureInfo("vi")) + "%";
        Assert.Contains(value, html, StringComparison.Ordinal);
        Assert.DoesNotContain("NaN", html, StringComparison.Ordinal);
        Assert.DoesNotContain("∞", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Change_against_the_previous_period_is_the_two_proportion_test_on_HL_CHUNG()
    {
        var client = await ClientAsync();
        // September against the calendar period before it (August): both hold responses. Only calendar periods
        // can be chosen (METHODOLOGY §6, No differencing).
        const string current = "from=2026-09-01&to=2026-09-30", previous = "from=2026-08-01&to=2026-08-31";
        var html = await PageAsync(client, "unit=VQ&" + current);
        SatisfiedCount Counts(JsonNode item)
        {
            var counts = item["counts"]!.AsArray().Select(c => c!.GetValue<long>()).ToArray();
            return new SatisfiedCount { N = counts.Sum(), Satisfied = counts[3] + counts[4] };
        }
        var now = Counts(JsonNode.Parse(await client.GetStringAsync($"/api/v1/units/VQ/indices?instrument=SIPAS-DV&{current}"))!["items"]!["HL_CHUNG"]!);
        var before = Counts(JsonNode.Parse(await client.GetStringAsync($"/api/v1/units/VQ/indices?instrument=SIPAS-DV&{previous}"))!["items"]!["HL_CHUNG"]!);
        var expected = Comparison.TwoProportion("VQ", "previous", "HL_CHUNG", now, before);
        Assert.False(expected.Suppressed);
        Assert.Equal(expected.PValue!.Value, Attr(html, "headline-change", "data-p")!.Value, 9);
        Assert.Contains(expected.Significant ? "có ý nghĩa thống kê" : "không có ý nghĩa thống kê", html, StringComparison.Ordinal);
        Assert.Contains("01/08/2026 – 31/08/2026", html, StringComparison.Ordinal);

        // The quarter before July holds no responses: the comparison is insufficient data, not a test.
        var quarter = await PageAsync(client, "unit=VQ&" + Quarter);
        Assert.Null(Attr(quarter, "headline-change", "data-p"));
        Assert.Contains("chưa đủ dữ liệu để so sánh", quarter, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ranking_order_is_the_ranking_api_order_and_insufficient_children_are_listed_with_n()
    {
        var client = await ClientAsync();
        var html = await PageAsync(client, "unit=VQ&" + Quarter);
        var api = JsonNode.Parse(await client.GetStringAsync($"/api/v1/units/VQ/ranking?{Quarter}"))!;
        var rows = RankingRows(html);
        var ranked = rows.Where(r => r.Rank.Length > 0).Select(r => r.Unit).ToList();
        Assert.Equal(api["units"]!.AsArray().Select(u => u!["unit"]!.GetValue<string>()), ranked);
        Assert.Equal("VQ-TT", ranked[0]);
        // VQ-X03 (n = 1) is below MinN; VQ-X02, the smallest ranked sibling, is left out with it, or VQ-X03's c would be
        // VQ's minus the others' (complementary suppression across units, METHODOLOGY §6).
        Assert.Equal(["VQ-X02", "VQ-X03"], rows.Where(r => r.Rank.Length == 0).Select(r => r.Unit));
        var x03 = Regex.Match(html, "data-rank-unit=\"VQ-X03\"[\\s\\S]*?</tr>").Value;
        Assert.Contains("chưa đủ dữ liệu", x03, StringComparison.Ordinal);
        Assert.Contains(">1</td>", x03, StringComparison.Ordinal);
        // Shrunk share as the API computes it.
        var first = Regex.Match(html, "data-rank-unit=\"VQ-TT\" data-rank=\"1\" data-shrunk=\"([^\"]+)\"");
        Assert.Equal(api["units"]![0]!["shrunk"]!.GetValue<double>(), double.Parse(first.Groups[1].Value, CultureInfo.InvariantCulture), 9);
    }

    public static TheoryData<string, string?, bool> Filters() => new()
    {
        { "SIPAS-DV", "qr", true },
        { "SIPAS-DV", "paper", false },
        { "NHANH", null, true },
        { "NHANH", "kiosk", true },
        { "TT01", null, false },
    };

    [Theory]
    [MemberData(nameof(Filters))]
    public async Task Instrument_channel_and_flagged_filters_change_the_figures_as_they_change_the_api(string instrument, string? channel, bool includeFlagged)
    {
        var client = await ClientAsync();
        var html = await PageAsync(client, $"unit=VQ&{PageFilter(instrument, channel, includeFlagged)}");
        var service = JsonNode.Parse(await client.GetStringAsync($"/api/v1/units/VQ/indices?{ApiFilter("SIPAS-DV", channel, includeFlagged)}"))!["index"]!;
        Assert.Equal(service["n"]!.GetValue<long>(), (long)Attr(html, "headline-index", "data-n")!.Value);
        Assert.Equal(service["value"]?.GetValue<double>(), Attr(html, "headline-index", "data-value"));
        var quick = JsonNode.Parse(await client.GetStringAsync($"/api/v1/units/VQ/indices?{ApiFilter("NHANH", channel, includeFlagged)}"))!["HL"]!;
        Assert.Equal(quick["n"]!.GetValue<long>(), (long)Attr(html, "headline-quick", "data-n")!.Value);
        Assert.Equal(quick["p"]?.GetValue<double>(), Attr(html, "headline-quick", "data-value"));

        var ranking = JsonNode.Parse(await client.GetStringAsync($"/api/v1/units/VQ/ranking?{ApiFilter(instrument, channel, includeFlagged)}"))!;
        var rows = RankingRows(html);
        Assert.Equal(ranking["units"]!.AsArray().Select(u => u!["unit"]!.GetValue<string>()), rows.Where(r => r.Rank.Length > 0).Select(r => r.Unit));
        Assert.Equal(ranking["insufficient"]!.AsArray().Select(u => u!["unit"]!.GetValue<string>()), rows.Where(r => r.Rank.Length == 0).Select(r => r.Unit));
        Assert.Contains($"<option value=\"{instrument}\" selected=\"selected\">", html, StringComparison.Ordinal);
    }

    [Theory]
    // The filter names of every figure view (FigureFilter), and the dashboard's old names, which old links still use.
    [InlineData("from=2026-07-01&to=2026-09-30&instrument=NHANH&channel=qr&includeFlagged=false&trend=quarter")]
    [InlineData("from=2026-07-01&to=2026-09-30&instrument=NHANH&channel=qr&flagged=false&period=quarter")]
    public async Task Drill_down_links_keep_every_filter_and_lead_to_the_child(string given)
    {
        var client = await ClientAsync();
        const string filters = "from=2026-07-01&to=2026-09-30&instrument=NHANH&channel=qr&includeFlagged=false&trend=quarter";
        var html = await PageAsync(client, "unit=LS&" + given);
        var links = Regex.Matches(html, "<a href=\"([^\"]+)\" class=\"drill\"").Select(m => WebUtility.HtmlDecode(m.Groups[1].Value)).ToList();
        Assert.NotEmpty(links);
        Assert.All(links, link => Assert.EndsWith("&" + filters, link, StringComparison.Ordinal));
        Assert.Contains("/dashboard?unit=VQ&" + filters, links);

        var vq = await PageAsync(client, "unit=VQ&" + filters);
        Assert.Contains("Huyện Văn Quan", vq, StringComparison.Ordinal);
        var deeper = Regex.Matches(vq, "<a href=\"([^\"]+)\" class=\"drill\"").Select(m => WebUtility.HtmlDecode(m.Groups[1].Value)).ToList();
        Assert.Contains("/dashboard?unit=VQ-TT&" + filters, deeper);
        // The breadcrumbs lead back up with the same filters, and the form shows them.
        Assert.Contains("href=\"/dashboard?unit=LS&amp;from=2026-07-01&amp;to=2026-09-30&amp;instrument=NHANH&amp;channel=qr&amp;includeFlagged=false&amp;trend=quarter\"", vq, StringComparison.Ordinal);
        Assert.Contains("<option value=\"qr\" selected=\"selected\">", vq, StringComparison.Ordinal);
        Assert.Contains("<option value=\"false\" selected=\"selected\">", vq, StringComparison.Ordinal);
        Assert.Contains("<option value=\"quarter\" selected=\"selected\">", vq, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("unit=LS")]
    [InlineData("unit=VQ&instrument=SIPAS-DV&period=quarter")]
    [InlineData("unit=VQ-X03&instrument=NHANH")]
    [InlineData("unit=VQ-TT&instrument=TT01")]
    [InlineData("unit=VQ&instrument=PAPI-M&from=2026-07-01&to=2026-09-30")]
    [InlineData("unit=VQ&instrument=SIPAS-CS&from=2020-01-01&to=2020-03-31")]
    public async Task Every_chart_has_an_accessible_name_a_caption_and_a_table_and_nothing_is_styled_inline(string query)
    {
        var client = await ClientAsync();
        var html = await PageAsync(client, query);
        var svgs = Regex.Matches(html, "<svg[^>]*>").Select(m => m.Value).ToList();
        Assert.NotEmpty(svgs);
        Assert.All(svgs, svg =>
        {
            Assert.Contains("role=\"img\"", svg, StringComparison.Ordinal);
            Assert.Matches("aria-label=\"[^\"]+\"", svg);
        });
        var figures = Regex.Matches(html, "<figure[\\s\\S]*?</figure>").Select(m => m.Value).ToList();
        Assert.True(figures.Count >= svgs.Count);
        Assert.All(figures, figure =>
        {
            Assert.Contains("<figcaption>", figure, StringComparison.Ordinal);
            Assert.Contains("<table", figure, StringComparison.Ordinal);
        });
        Assert.DoesNotMatch(" style=\"", html);
        Assert.All(Regex.Matches(html, "<(script|style)[^>]*>").Select(m => m.Value), tag => Assert.Contains("nonce=\"", tag, StringComparison.Ordinal));
        Assert.DoesNotContain("NaN", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Infinity", html, StringComparison.Ordinal);
        Assert.DoesNotContain("∞", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Suppressed_figures_and_the_counts_behind_them_read_insufficient_data()
    {
        var client = await ClientAsync();
        var vq = await PageAsync(client, "unit=VQ&" + Quarter);
        var row = Regex.Match(vq, "<tr data-unit=\"VQ-X03\"[\\s\\S]*?</tr>").Value;
        Assert.Contains("heat-na", row, StringComparison.Ordinal);
        Assert.Contains("chưa đủ dữ liệu", row, StringComparison.Ordinal);

        // VQ-X03 has almost no SIPAS-DV responses: no item shows its per-level counts, n is still shown.
        var x03 = await PageAsync(client, "unit=VQ-X03&instrument=SIPAS-DV&" + Quarter);
        var items = Regex.Matches(x03, "<tr data-item=\"[^\"]+\">[\\s\\S]*?</tr>").Select(m => m.Value).ToList();
        Assert.NotEmpty(items);
        Assert.All(items, item => Assert.Contains("chưa đủ dữ liệu", item, StringComparison.Ordinal));
        Assert.DoesNotContain("class=\"lvl-", x03, StringComparison.Ordinal);
        Assert.Null(Attr(x03, "headline-index", "data-value"));
        var api = JsonNode.Parse(await client.GetStringAsync($"/api/v1/units/VQ-X03/indices?instrument=SIPAS-DV&{Quarter}"))!["index"]!;
        Assert.True(api["suppressed"]!.GetValue<bool>());
        Assert.Equal(api["n"]!.GetValue<long>(), (long)Attr(x03, "headline-index", "data-n")!.Value);
        Assert.Contains($"n={api["n"]!.GetValue<long>()}", x03, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_distribution_table_holds_the_counts_of_the_api()
    {
        var client = await ClientAsync();
        var html = await PageAsync(client, "unit=VQ&instrument=SIPAS-DV&" + Quarter);
        var api = JsonNode.Parse(await client.GetStringAsync($"/api/v1/units/VQ/indices?instrument=SIPAS-DV&{Quarter}"))!["items"]!["HL_CHUNG"]!;
        var row = Regex.Match(html, "<tr data-item=\"HL_CHUNG\">[\\s\\S]*?</tr>").Value;
        var cells = Regex.Matches(row, "<td class=\"num\">(\\d+)</td>").Select(m => long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(api["counts"]!.AsArray().Select(c => c!.GetValue<long>()).Append(api["n"]!.GetValue<long>()), cells);
    }

    [Fact]
    public async Task Bad_filters_give_400_with_a_message_and_an_unknown_unit_404()
    {
        var client = await ClientAsync();
        foreach (var bad in new[] { "from=2026-13-01", "from=2026-05-01&to=2026-04-01", "instrument=NOPE", "channel=fax", "flagged=maybe", "period=week" })
        {
            var response = await client.GetAsync("/dashboard?unit=VQ&" + bad);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains("role=\"alert\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/dashboard?unit=NOPE")).StatusCode);
    }
}
