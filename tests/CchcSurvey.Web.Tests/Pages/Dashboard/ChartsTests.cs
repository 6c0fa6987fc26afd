using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using CchcSurvey.Web.Charts;
using Microsoft.AspNetCore.Html;

namespace CchcSurvey.Web.Tests.Pages.Dashboard;

/// <summary>The server-rendered SVG charts: well-formed, named, invariant coordinates, no NaN, gaps left open.</summary>
public sealed class ChartsTests
{
    private static string Render(IHtmlContent content)
    {
        using var writer = new StringWriter();
        content.WriteTo(writer, System.Text.Encodings.Web.HtmlEncoder.Default);
        return writer.ToString();
    }

    private static XElement Parse(string svg) => XElement.Parse(svg);

    private static void AssertSane(string svg, string label)
    {
        var root = Parse(svg);
        Assert.Equal("img", root.Attribute("role")?.Value);
        Assert.Equal(label, root.Attribute("aria-label")?.Value);
        Assert.Equal(label, root.Elements().First(e => e.Name.LocalName == "title").Value);
        Assert.DoesNotContain("NaN", svg, StringComparison.Ordinal);
        Assert.DoesNotContain("Infinity", svg, StringComparison.Ordinal);
        Assert.DoesNotContain("style=", svg, StringComparison.Ordinal);
        // Every numeric geometry attribute is an invariant number (a decimal comma would break the drawing).
        foreach (var attribute in root.DescendantsAndSelf().Attributes().Where(a => a.Name.LocalName is "x" or "y" or "x1" or "x2" or "y1" or "y2" or "width" or "height" or "cx" or "cy"))
            Assert.Matches("^-?\\d+(\\.\\d+)?%?$", attribute.Value);
    }

    [Fact]
    public void Coordinates_are_invariant_and_never_NaN()
    {
        var previous = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("vi");
            Assert.Equal("12.35", Svg.N(12.345678));
            Assert.Equal("0", Svg.N(double.NaN));
            Assert.Equal("0", Svg.N(double.PositiveInfinity));
            var svg = Render(Svg.HorizontalBars("Xếp hạng <thử>", [
                new Bar("A & B", 75.5, "—", 78.25, 60.1, 88.9),
                new Bar("C", null, "chưa đủ dữ liệu (n=3)"),
                new Bar("D", double.NaN, "chưa đủ dữ liệu"),
            ], 100, v => v.ToString("0.0")));
            AssertSane(svg, "Xếp hạng <thử>");
            Assert.Equal(2, Regex.Matches(svg, "chưa đủ dữ liệu").Count);
            Assert.Single(Regex.Matches(svg, "<rect "));
            Assert.Single(Regex.Matches(svg, "<circle "));
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    [Fact]
    public void A_trend_is_broken_where_a_value_is_missing_and_its_band_follows_each_piece()
    {
        var svg = Render(Svg.Trend("Xu hướng", [
            new TrendPoint("01", 70, 60, 80), new TrendPoint("02", 72, 61, 83), new TrendPoint("03", null, null, null),
            new TrendPoint("04", 75, 65, 85), new TrendPoint("05", 101, -3, 130),
        ], "chưa đủ dữ liệu"));
        AssertSane(svg, "Xu hướng");
        Assert.Equal(2, Regex.Matches(svg, "<polyline ").Count);
        Assert.Equal(2, Regex.Matches(svg, "<polygon ").Count);
        Assert.Equal(4, Regex.Matches(svg, "<circle ").Count);

        var empty = Render(Svg.Trend("Trống", [new TrendPoint("01", null, null, null)], "chưa đủ dữ liệu"));
        AssertSane(empty, "Trống");
        Assert.DoesNotContain("<polyline", empty, StringComparison.Ordinal);
        Assert.Contains("chưa đủ dữ liệu", empty, StringComparison.Ordinal);
    }

    [Fact]
    public void Stacked_bars_split_each_row_by_its_counts_and_skip_suppressed_rows()
    {
        var svg = Render(Svg.StackedBars("Phân bố", [
            new StackedRow("HL_TC", [1, 1, 2, 4, 2], "—"),
            new StackedRow("HL", [2, 6, 2], "—"),
            new StackedRow("HL_PA", null, "chưa đủ dữ liệu (n=4)"),
        ]));
        AssertSane(svg, "Phân bố");
        var widths = Parse(svg).Descendants().Where(e => e.Name.LocalName == "rect")
            .Select(e => (Class: e.Attribute("class")!.Value, Width: double.Parse(e.Attribute("width")!.Value, CultureInfo.InvariantCulture))).ToList();
        Assert.Equal(8, widths.Count);
        Assert.Equal(620, widths.Take(5).Sum(w => w.Width), 1);
        Assert.Equal(620 * 0.4, widths[3].Width, 1);
        Assert.Equal(["lvl-2", "lvl-4", "lvl-5"], widths.Skip(5).Select(w => w.Class));
        Assert.Contains("chưa đủ dữ liệu (n=4)", svg, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(37, 0, new double[] { 0, 10, 20, 30, 40 })]
    [InlineData(3, 0, new double[] { 0, 1, 2, 3 })]
    [InlineData(100, 0, new double[] { 0, 25, 50, 75, 100 })]
    [InlineData(2, 1.5, new double[] { 1.4, 1.6, 1.8, 2 })]
    [InlineData(100, 70, new double[] { 70, 80, 90, 100 })]
    [InlineData(1234, 0, new double[] { 0, 500, 1000, 1500 })]
    public void Ticks_are_round_numbers_and_the_last_reaches_the_maximum(double max, double min, double[] expected) =>
        Assert.Equal(expected, Svg.NiceTicks(max, min));

    [Fact]
    public void An_axis_without_a_round_maximum_ends_at_the_next_round_tick()
    {
        var svg = Render(Svg.HorizontalBars("Lý do", [new Bar("Chờ lâu", 37, ""), new Bar("Lý do khác", 5, "")], 37, v => v.ToString("0")));
        AssertSane(svg, "Lý do");
        var ticks = Parse(svg).Descendants().Where(e => e.Name.LocalName == "text" && e.Attribute("class")?.Value == "tick").Select(e => e.Value).ToList();
        Assert.Equal(["0", "10", "20", "30", "40"], ticks);
        // 37 of 40 on a 380-wide plot, not the whole plot.
        var bar = Parse(svg).Descendants().First(e => e.Name.LocalName == "rect");
        Assert.Equal(380 * 37 / 40.0, double.Parse(bar.Attribute("width")!.Value, CultureInfo.InvariantCulture), 1);
    }

    [Fact]
    public void An_axis_cut_above_zero_draws_dots_and_says_where_it_starts()
    {
        var svg = Render(Svg.HorizontalBars("TT01", [new Bar("Thái độ của công chức (C7)", 1.95, ""), new Bar("Số lần phải liên hệ (C3)", 1.6, "")],
            2, v => v.ToString("0.00", CultureInfo.InvariantCulture), [1.5, 1.75, 2], 1.5, "Trục từ 1.5", labelsAbove: true));
        AssertSane(svg, "TT01");
        Assert.DoesNotContain("<rect", svg, StringComparison.Ordinal);
        Assert.Equal(2, Regex.Matches(svg, "class=\"dot\"").Count);
        Assert.Contains("Trục từ 1.5", svg, StringComparison.Ordinal);
        Assert.Contains("Thái độ của công chức (C7)", svg, StringComparison.Ordinal);
        // 1.6 on 1.5–2 sits a fifth of the way along the 560-wide plot (from x = 16), far from 1.95.
        var xs = Parse(svg).Descendants().Where(e => e.Attribute("class")?.Value == "dot").Select(e => double.Parse(e.Attribute("cx")!.Value, CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(16 + 560 * 0.9, xs[0], 1);
        Assert.Equal(16 + 560 * 0.2, xs[1], 1);
    }

    [Fact]
    public void A_trend_of_high_shares_starts_its_axis_at_a_round_ten_below_them_and_says_so()
    {
        var svg = Render(Svg.Trend("Xu hướng", [new TrendPoint("01", 88, 84, 92), new TrendPoint("02", 91, 87, 94)], "—", from => $"Trục từ {from:0}%"));
        AssertSane(svg, "Xu hướng");
        Assert.Contains("Trục từ 70%", svg, StringComparison.Ordinal);
        var ticks = Parse(svg).Descendants().Where(e => e.Name.LocalName == "text" && e.Attribute("class")?.Value == "tick").Select(e => e.Value).ToList();
        Assert.Equal(["70%", "80%", "90%", "100%"], ticks.Take(4));
    }
}
