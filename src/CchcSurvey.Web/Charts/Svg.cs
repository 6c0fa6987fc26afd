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

    /// <summary>A left-aligned label on its own line above a bar, shortened with "…" past <paramref name="maxChars"/> (full text in its tooltip and the table).</summary>
    private static void LabelAbove(StringBuilder svg, double x, double y, string text, int maxChars)
    {
        if (text.Length <= maxChars)
        {
            Text(svg, x, y, text, "label");
            return;
        }
        svg.Append("<text x=\"").Append(N(x)).Append("\" y=\"").Append(N(y)).Append("\" text-anchor=\"start\" class=\"label\"><title>")
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
    /// Round tick values for an axis from <paramref name="min"/> to at least <paramref name="max"/>: steps of 1, 2,
    /// 2.5 or 5 times a power of ten, about <paramref name="target"/> of them; the last tick is the axis end
    /// (a count axis of 0..37 reads 0, 10, 20, 30, 40, never 0, 18.5, 37).
    /// </summary>
    public static IReadOnlyList<double> NiceTicks(double max, double min = 0, int target = 5)
    {
        if (!double.IsFinite(min)) min = 0;
        if (!double.IsFinite(max) || max <= min) max = min + 1;
        var raw = (max - min) / Math.Max(1, target - 1);
        var power = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        var step = new[] { 1, 2, 2.5, 5, 10 }.Select(f => f * power).First(f => f >= raw * 0.999);
        var start = Math.Floor(min / step + 1e-9) * step;
        var ticks = new List<double>();
        for (var t = start; ; t += step)
        {
            ticks.Add(Math.Round(t, 10));
            if (t >= max - 1e-9 * step) break;
        }
        return ticks;
    }

    /// <summary>
    /// Horizontal bars on <paramref name="min"/>..<paramref name="max"/>: a bar per row, optionally a marker (e.g.
    /// the raw share) and an interval whisker (e.g. Wilson). A row whose value is null shows <see cref="Bar.Missing"/>
    /// instead. Without <paramref name="ticks"/> the axis gets round ones (<see cref="NiceTicks"/>) and ends at the
    /// last. An axis that does not start at 0 draws dots, not bars (a bar's length would mislead), and says so in
    /// <paramref name="axisNote"/> under the ticks. <paramref name="labelsAbove"/> writes each row's label on its own
    /// line above the bar, so that a question's text (not only its code) fits.
    /// </summary>
    public static IHtmlContent HorizontalBars(string label, IReadOnlyList<Bar> bars, double max, Func<double, string> format,
        IReadOnlyList<double>? ticks = null, double min = 0, string? axisNote = null, bool labelsAbove = false)
    {
        if (!double.IsFinite(min)) min = 0;
        if (!(max > min) || !double.IsFinite(max)) max = min + 1;
        ticks ??= NiceTicks(max, min);
        max = Math.Max(max, ticks.Max());
        min = Math.Min(min, ticks.Min());
        var labelWidth = labelsAbove ? 16.0 : 190; // room for half the first tick label
        const double valueWidth = 110, top = 8;
        var rowHeight = labelsAbove ? 40.0 : 26;
        var axis = axisNote is null ? 22.0 : 40;
        var plot = labelsAbove ? 560.0 : 380;
        var width = labelWidth + plot + valueWidth;
        var height = top + Math.Max(1, bars.Count) * rowHeight + axis;
        var svg = Open(label, width, height, "bars");
        double X(double v) => labelWidth + plot * (Clamp(v - min, max - min)) / (max - min);
        var bottom = top + bars.Count * rowHeight;
        var dots = min > 0;
        foreach (var tick in ticks)
        {
            Line(svg, X(tick), top, X(tick), bottom, "grid");
            Text(svg, X(tick), bottom + 16, format(tick), "tick", "middle");
        }
        if (axisNote is not null) Text(svg, labelWidth, bottom + 34, axisNote, "tick axis-note");
        for (var i = 0; i < bars.Count; i++)
        {
            var bar = bars[i];
            var y = top + i * rowHeight;
            // With labels above, the bar takes the lower part of the row.
            var barTop = labelsAbove ? y + 18 : y + 5;
            var barHeight = labelsAbove ? rowHeight - 22 : rowHeight - 10;
            var mid = barTop + barHeight / 2;
            if (labelsAbove) LabelAbove(svg, labelWidth, y + 13, bar.Label, 95);
            else Label(svg, labelWidth - 6, mid + 4, bar.Label, 26);
            if (bar.Value is not double value || !double.IsFinite(value))
            {
                Text(svg, labelWidth + 4, mid + 4, bar.Missing, "missing");
                continue;
            }
            if (dots) svg.Append("<circle cx=\"").Append(N(X(value))).Append("\" cy=\"").Append(N(mid)).Append("\" r=\"6\" class=\"dot\"/>");
            else Rect(svg, labelWidth, barTop, X(value) - labelWidth, barHeight, "bar");
            if (bar.Lo is double lo && bar.Hi is double hi && double.IsFinite(lo) && double.IsFinite(hi))
            {
                Line(svg, X(lo), mid, X(hi), mid, "whisker");
                Line(svg, X(lo), mid - 5, X(lo), mid + 5, "whisker");
                Line(svg, X(hi), mid - 5, X(hi), mid + 5, "whisker");
            }
            if (bar.Marker is double marker && double.IsFinite(marker))
                svg.Append("<circle cx=\"").Append(N(X(marker))).Append("\" cy=\"").Append(N(mid)).Append("\" r=\"4\" class=\"marker\"/>");
            Text(svg, labelWidth + plot + 8, mid + 4, format(value), "value");
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
        // Each row's label (the question's text with its code as a hint) sits on its own line above its bar:
        // an item code alone tells an official nothing.
        const double left = 8, plotWidth = 620, rowHeight = 38, top = 6, axis = 22;
        var height = top + Math.Max(1, rows.Count) * rowHeight + axis;
        var svg = Open(label, left + plotWidth + 20, height, "stacked");
        var bottom = top + rows.Count * rowHeight;
        foreach (var tick in new double[] { 0, 25, 50, 75, 100 })
        {
            var x = left + plotWidth * tick / 100;
            Line(svg, x, top, x, bottom, "grid");
            Text(svg, x, bottom + 16, N(tick) + "%", "tick", "middle");
        }
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            var y = top + i * rowHeight;
            LabelAbove(svg, left, y + 12, row.Label, 100);
            var total = row.Counts?.Sum() ?? 0;
            if (row.Counts is null || total <= 0)
            {
                Text(svg, left + 4, y + 29, row.Missing, "missing");
                continue;
            }
            double x = left;
            var levelClasses = LevelClasses(row.Counts.Count);
            for (var k = 0; k < row.Counts.Count; k++)
            {
                var width = plotWidth * row.Counts[k] / total;
                if (width > 0) Rect(svg, x, y + 17, width, rowHeight - 21, levelClasses[Math.Min(k, levelClasses.Count - 1)]);
                x += width;
            }
        }
        return new HtmlString(svg.Append("</svg>").ToString());
    }

    /// <summary>CSS classes of the levels 1..K: likert5 lvl-1..lvl-5; likert3 (not satisfied, satisfied, very) lvl-2, lvl-4, lvl-5.</summary>
    public static IReadOnlyList<string> LevelClasses(int levels) =>
        levels == 3 ? ["lvl-2", "lvl-4", "lvl-5"] : Enumerable.Range(1, Math.Max(1, levels)).Select(k => $"lvl-{Math.Min(k, 5)}").ToList();

    /// <summary>
    /// A trend on a percent axis ending at 100: the values as a polyline with their interval as a band, broken into separate
    /// segments where a value is missing (suppressed), so that a gap is visible and never bridged.
    /// </summary>
    public static IHtmlContent Trend(string label, IReadOnlyList<TrendPoint> points, string missing, Func<double, string>? axisNote = null)
    {
        const double left = 44, plotWidth = 560, right = 16, top = 10, plotHeight = 200;
        // Shares mostly sit between 70 and 100 %: from 0 the line would be flat at the top. The axis starts at a round
        // ten below the lowest value or interval end shown (0 when that is under 30) and says so under the chart.
        var lows = points.SelectMany(p => new[] { p.Value, p.Lo }).OfType<double>().Where(double.IsFinite).ToList();
        var from = lows.Count == 0 ? 0 : Math.Clamp(Math.Floor((lows.Min() - 5) / 10) * 10, 0, 90);
        if (from < 30) from = 0;
        var axis = from > 0 && axisNote is not null ? 58.0 : 40;
        var svg = Open(label, left + plotWidth + right, top + plotHeight + axis, "trend");
        double Y(double v) => top + plotHeight * (1 - Clamp(v - from, 100 - from) / (100 - from));
        var step = points.Count > 1 ? plotWidth / (points.Count - 1) : 0;
        double X(int i) => points.Count > 1 ? left + i * step : left + plotWidth / 2;
        foreach (var tick in NiceTicks(100, from))
        {
            Line(svg, left, Y(tick), left + plotWidth, Y(tick), "grid");
            Text(svg, left - 6, Y(tick) + 4, N(tick) + "%", "tick", "end");
        }
        if (from > 0 && axisNote is not null) Text(svg, left, top + plotHeight + 52, axisNote(from), "tick axis-note");
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
