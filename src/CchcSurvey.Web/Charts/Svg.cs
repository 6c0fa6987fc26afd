using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Html;

namespace CchcSurvey.Web.Charts;

/// <summary>
/// Server-rendered SVG charts. No script, no inline style (the CSP forbids both): only SVG presentation
/// attributes for geometry and CSS classes for colour (<c>wwwroot/css/dashboard.css</c>). Every chart is an
/// <c>&lt;svg role="img" aria-label="…"&gt;</c> with a <c>&lt;title&gt;</c>; the caller puts it in a
/// <c>&lt;figure&gt;</c> beside a table holding the same numbers. Coordinates are written in the invariant
/// culture (a Vietnamese decimal comma would break the geometry) and a value that is not finite is never
/// drawn: a missing or suppressed value is a null and leaves a gap or a "—".
/// </summary>
public static class Svg
{
    /// <summary>A coordinate or length, invariant culture, at most two decimals; never NaN or ∞.</summary>
    public static string N(double value) =>
        double.IsFinite(value) ? Math.Round(value, 2).ToString("0.##", CultureInfo.InvariantCulture) : "0";

    /// <summary>Escapes the five markup characters only, so Vietnamese text stays readable in the source.</summary>
    private static string E(string text) => text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal)
        .Replace(">", "&gt;", StringComparison.Ordinal).Replace("\"", "&quot;", StringComparison.Ordinal).Replace("'", "&#39;", StringComparison.Ordinal);

    private static StringBuilder Open(string label, double width, double height, string cssClass) =>
        new StringBuilder()
            .Append("<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" class=\"chart ").Append(E(cssClass))
            .Append("\" aria-label=\"").Append(E(label)).Append("\" viewBox=\"0 0 ").Append(N(width)).Append(' ').Append(N(height))
            .Append("\" width=\"100%\" preserveAspectRatio=\"xMinYMin meet\"><title>").Append(E(label)).Append("</title>");

    private static void Text(StringBuilder svg, double x, double y, string text, string cssClass, string anchor = "start") =>
        svg.Append("<text x=\"").Append(N(x)).Append("\" y=\"").Append(N(y)).Append("\" text-anchor=\"").Append(anchor)
            .Append("\" class=\"").Append(cssClass).Append("\">").Append(E(text)).Append("</text>");

    /// <summary>A right-aligned row label, shortened with "…" past <paramref name="maxChars"/> (the full text in its tooltip and in the table).</summary>
    private static void Label(StringBuilder svg, double x, double y, string text, int maxChars)
    {
        if (text.Length <= maxChars)
        {
            Text(svg, x, y, text, "label", "end");
            return;
        }
        svg.Append("<text x=\"").Append(N(x)).Append("\" y=\"").Append(N(y)).Append("\" text-anchor=\"end\" class=\"label\"><title>")
            .Append(E(text)).Append("</title>").Append(E(text[..(maxChars - 1)].TrimEnd())).Append("…</text>");
    }

    private static void Line(StringBuilder svg, double x1, double y1, double x2, double y2, string cssClass) =>
        svg.Append("<line x1=\"").Append(N(x1)).Append("\" y1=\"").Append(N(y1)).Append("\" x2=\"").Append(N(x2))
            .Append("\" y2=\"").Append(N(y2)).Append("\" class=\"").Append(cssClass).Append("\"/>");

    private static void Rect(StringBuilder svg, double x, double y, double width, double height, string cssClass) =>
        svg.Append("<rect x=\"").Append(N(x)).Append("\" y=\"").Append(N(y)).Append("\" width=\"").Append(N(Math.Max(0, width)))
            .Append("\" height=\"").Append(N(Math.Max(0, height))).Append("\" class=\"").Append(cssClass).Append("\"/>");

    private static double Clamp(double value, double max) => double.IsFinite(value) ? Math.Clamp(value, 0, max) : 0;

    /// <summary>
    /// Horizontal bars on 0..<paramref name="max"/>: a bar per row, optionally a marker (e.g. the raw share) and
    /// an interval whisker (e.g. Wilson). A row whose value is null shows <see cref="Bar.Missing"/> instead.
    /// </summary>
    public static IHtmlContent HorizontalBars(string label, IReadOnlyList<Bar> bars, double max, Func<double, string> format, IReadOnlyList<double>? ticks = null)
    {
        if (!(max > 0) || !double.IsFinite(max)) max = 1;
        const double labelWidth = 190, plotWidth = 380, valueWidth = 110, rowHeight = 26, top = 8, axis = 22;
        var height = top + Math.Max(1, bars.Count) * rowHeight + axis;
        var svg = Open(label, labelWidth + plotWidth + valueWidth, height, "bars");
        double X(double v) => labelWidth + plotWidth * Clamp(v, max) / max;
        var bottom = top + bars.Count * rowHeight;
        foreach (var tick in ticks ?? [0, max / 2, max])
        {
            Line(svg, X(tick), top, X(tick), bottom, "grid");
            Text(svg, X(tick), bottom + 16, format(tick), "tick", "middle");
        }
        for (var i = 0; i < bars.Count; i++)
        {
            var bar = bars[i];
            var y = top + i * rowHeight;
            var mid = y + rowHeight / 2;
            Label(svg, labelWidth - 6, mid + 4, bar.Label, 30);
            if (bar.Value is not double value || !double.IsFinite(value))
            {
                Text(svg, labelWidth + 4, mid + 4, bar.Missing, "missing");
                continue;
            }
            Rect(svg, labelWidth, y + 5, X(value) - labelWidth, rowHeight - 10, "bar");
            if (bar.Lo is double lo && bar.Hi is double hi && double.IsFinite(lo) && double.IsFinite(hi))
            {
                Line(svg, X(lo), mid, X(hi), mid, "whisker");
                Line(svg, X(lo), mid - 5, X(lo), mid + 5, "whisker");
                Line(svg, X(hi), mid - 5, X(hi), mid + 5, "whisker");
            }
            if (bar.Marker is double marker && double.IsFinite(marker))
                svg.Append("<circle cx=\"").Append(N(X(marker))).Append("\" cy=\"").Append(N(mid)).Append("\" r=\"4\" class=\"marker\"/>");
            Text(svg, labelWidth + plotWidth + 8, mid + 4, format(value), "value");
        }
        return new HtmlString(svg.Append("</svg>").ToString());
    }

    /// <summary>
    /// Stacked horizontal bars of answer levels: each row's counts as shares of its n, level k drawn with
    /// the class <see cref="LevelClasses"/> gives it (so likert3 and likert5 share one colour scale). A row
    /// without counts (suppressed) shows its text.
    /// </summary>
    public static IHtmlContent StackedBars(string label, IReadOnlyList<StackedRow> rows)
    {
        const double labelWidth = 110, plotWidth = 470, rowHeight = 24, top = 6, axis = 22;
        var height = top + Math.Max(1, rows.Count) * rowHeight + axis;
        var svg = Open(label, labelWidth + plotWidth + 20, height, "stacked");
        var bottom = top + rows.Count * rowHeight;
        foreach (var tick in new double[] { 0, 25, 50, 75, 100 })
        {
            var x = labelWidth + plotWidth * tick / 100;
            Line(svg, x, top, x, bottom, "grid");
            Text(svg, x, bottom + 16, N(tick) + "%", "tick", "middle");
        }
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            var y = top + i * rowHeight;
            Label(svg, labelWidth - 6, y + rowHeight / 2 + 4, row.Label, 16);
            var total = row.Counts?.Sum() ?? 0;
            if (row.Counts is null || total <= 0)
            {
                Text(svg, labelWidth + 4, y + rowHeight / 2 + 4, row.Missing, "missing");
                continue;
            }
            double x = labelWidth;
            var levelClasses = LevelClasses(row.Counts.Count);
            for (var k = 0; k < row.Counts.Count; k++)
            {
                var width = plotWidth * row.Counts[k] / total;
                if (width > 0) Rect(svg, x, y + 4, width, rowHeight - 8, levelClasses[Math.Min(k, levelClasses.Count - 1)]);
                x += width;
            }
        }
        return new HtmlString(svg.Append("</svg>").ToString());
    }

    /// <summary>CSS classes of the levels 1..K: likert5 lvl-1..lvl-5; likert3 (not satisfied, satisfied, very) lvl-2, lvl-4, lvl-5.</summary>
    public static IReadOnlyList<string> LevelClasses(int levels) =>
        levels == 3 ? ["lvl-2", "lvl-4", "lvl-5"] : Enumerable.Range(1, Math.Max(1, levels)).Select(k => $"lvl-{Math.Min(k, 5)}").ToList();

    /// <summary>
    /// A trend on 0–100: the values as a polyline with their interval as a band, broken into separate
    /// segments where a value is missing (suppressed), so that a gap is visible and never bridged.
    /// </summary>
    public static IHtmlContent Trend(string label, IReadOnlyList<TrendPoint> points, string missing)
    {
        const double left = 44, plotWidth = 560, right = 16, top = 10, plotHeight = 200, axis = 40;
        var svg = Open(label, left + plotWidth + right, top + plotHeight + axis, "trend");
        double Y(double v) => top + plotHeight * (1 - Clamp(v, 100) / 100);
        var step = points.Count > 1 ? plotWidth / (points.Count - 1) : 0;
        double X(int i) => points.Count > 1 ? left + i * step : left + plotWidth / 2;
        foreach (var tick in new double[] { 0, 25, 50, 75, 100 })
        {
            Line(svg, left, Y(tick), left + plotWidth, Y(tick), "grid");
            Text(svg, left - 6, Y(tick) + 4, N(tick) + "%", "tick", "end");
        }
        var segments = new List<List<int>>();
        List<int>? current = null;
        for (var i = 0; i < points.Count; i++)
        {
            var p = points[i];
            if (p.Value is double v && double.IsFinite(v))
            {
                if (current is null) segments.Add(current = []);
                current.Add(i);
            }
            else current = null;
        }
        foreach (var segment in segments)
        {
            var withBand = segment.Where(i => points[i].Lo is double lo && double.IsFinite(lo) && points[i].Hi is double hi && double.IsFinite(hi)).ToList();
            if (withBand.Count == segment.Count)
            {
                var band = segment.Select(i => $"{N(X(i))},{N(Y(points[i].Hi!.Value))}")
                    .Concat(segment.AsEnumerable().Reverse().Select(i => $"{N(X(i))},{N(Y(points[i].Lo!.Value))}"));
                svg.Append("<polygon points=\"").Append(string.Join(' ', band)).Append("\" class=\"band\"/>");
            }
            svg.Append("<polyline points=\"").Append(string.Join(' ', segment.Select(i => $"{N(X(i))},{N(Y(points[i].Value!.Value))}")))
                .Append("\" class=\"line\"/>");
            foreach (var i in segment)
                svg.Append("<circle cx=\"").Append(N(X(i))).Append("\" cy=\"").Append(N(Y(points[i].Value!.Value))).Append("\" r=\"3\" class=\"marker\"/>");
        }
        for (var i = 0; i < points.Count; i++)
        {
            Text(svg, X(i), top + plotHeight + 16, points[i].Label, "tick", "middle");
            if (points[i].Value is null) Text(svg, X(i), top + plotHeight - 6, "—", "missing", "middle");
        }
        if (segments.Count == 0) Text(svg, left + plotWidth / 2, top + plotHeight / 2, missing, "missing", "middle");
        return new HtmlString(svg.Append("</svg>").ToString());
    }
}

/// <summary>One row of <see cref="Svg.HorizontalBars"/>; a null value draws <paramref name="Missing"/> instead.</summary>
public sealed record Bar(string Label, double? Value, string Missing, double? Marker = null, double? Lo = null, double? Hi = null);

/// <summary>One row of <see cref="Svg.StackedBars"/>: counts of levels 1..K, or null when suppressed.</summary>
public sealed record StackedRow(string Label, IReadOnlyList<long>? Counts, string Missing);

/// <summary>One point of <see cref="Svg.Trend"/> on 0–100; null value = a gap.</summary>
public sealed record TrendPoint(string Label, double? Value, double? Lo, double? Hi);
