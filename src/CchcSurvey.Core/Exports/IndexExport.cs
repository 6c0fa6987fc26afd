using CchcSurvey.Core.Indices;
using CchcSurvey.Core.Instruments;

namespace CchcSurvey.Core.Exports;

/// <summary>A unit of the exported subtree; ParentCode is null for the top of the export.</summary>
public sealed record ExportUnit(string Code, string Name, string Level, string? ParentCode);

public enum Suppression
{
    None,
    /// <summary>n &lt; MinN (docs/methodology.md §4.9).</summary>
    Primary,
    /// <summary>Published n ≥ MinN but hidden so that a primary cell can't be recovered as parent − siblings.</summary>
    Complementary,
}

/// <summary>
/// One figure of one unit's subtree for one instrument. <see cref="Figure"/> is share (likert item, satisfied
/// share with Wilson interval and counts c1..cK), score (likert item 0–100), element, index, group, total,
/// indicator, dimension, aggregate, count (option, reason or band counts: value = count, n = the base) or
/// responses (n only, never suppressed: n is always shown).
/// </summary>
public sealed class IndexExportRow
{
    public required ExportUnit Unit { get; init; }
    public required string Instrument { get; init; }
    public required string Figure { get; init; }
    public string Key { get; init; } = "";
    public long N { get; init; }
    public double? Value { get; set; }
    public double? Lo { get; set; }
    public double? Hi { get; set; }
    public long[]? Counts { get; set; }
    public Suppression Suppression { get; set; }
    public bool Suppressed => Suppression != Suppression.None;

    internal void Hide(Suppression why)
    {
        Suppression = why;
        Value = Lo = Hi = null;
        Counts = null;
    }
}

/// <summary>
/// The aggregated <c>indices</c> export: the figures of <see cref="IndexCalculator"/> flattened to one row per unit ×
/// instrument × figure, with primary suppression (n &lt; MinN, from the calculator) and complementary suppression.
/// </summary>
public static class IndexExport
{
    public static readonly IReadOnlyList<string> Columns =
        ["unit", "unit_name", "level", "parent", "instrument", "figure", "key", "n", "value", "lo", "hi", "c1", "c2", "c3", "c4", "c5", "suppressed", "suppression"];

    /// <summary>
    /// The rows of one unit's report, in a stable order. The definition names the rows: its overall, "priorities" and
    /// "reasons" items and their option codes (listed even when their counts are suppressed).
    /// </summary>
    public static IEnumerable<IndexExportRow> RowsOf(ExportUnit unit, InstrumentDefinition definition, InstrumentReport report)
    {
        var instrument = definition.Code;
        var overall = definition.OverallItem?.Code ?? "";
        var priorities = definition.ItemWithRole("priorities");
        var reasons = definition.ItemWithRole("reasons");
        IndexExportRow Row(string figure, string key, long n, bool suppressed, double? value, double? lo = null, double? hi = null, IReadOnlyList<long>? counts = null) => new()
        {
            Unit = unit, Instrument = instrument, Figure = figure, Key = key, N = n,
            Value = suppressed ? null : value, Lo = suppressed ? null : lo, Hi = suppressed ? null : hi,
            Counts = suppressed ? null : counts?.ToArray(),
            Suppression = suppressed ? Suppression.Primary : Suppression.None,
        };
        IEnumerable<IndexExportRow> Items(IReadOnlyDictionary<string, ItemFigure> items, string shareFigure = "share")
        {
            foreach (var (code, f) in items)
            {
                yield return Row(shareFigure, code, f.N, f.Suppressed, f.P, f.PLo, f.PHi, f.Counts);
                if (shareFigure == "share") yield return Row("score", code, f.N, f.Suppressed, f.Score, f.ScoreLo, f.ScoreHi);
            }
        }
        IEnumerable<IndexExportRow> Counts(string item, long n, IReadOnlyDictionary<string, long>? counts, IEnumerable<string> keys)
        {
            foreach (var key in keys) yield return Row("count", $"{item}:{key}", n, counts is null, counts?.GetValueOrDefault(key));
        }

        yield return Row("responses", "", report.Responses, false, null);
        switch (report)
        {
            case SipasServiceReport s:
                yield return Row("index", "", s.Index.N, s.Index.Suppressed, s.Index.Value, s.Index.Lo, s.Index.Hi);
                foreach (var r in Items(s.Elements, "element")) yield return r;
                foreach (var r in Items(s.Items)) yield return r;
                if (priorities is not null)
                    foreach (var r in Counts(priorities.Code, s.Responses, s.Priorities, priorities.Options.Select(o => o.Code))) yield return r;
                break;
            case SipasPolicyReport p:
                yield return Row("index", "", p.Index.N, p.Index.Suppressed, p.Index.Value, p.Index.Lo, p.Index.Hi);
                foreach (var (g, f) in p.Groups) yield return Row("group", g, f.N, f.Suppressed, f.Value, f.Lo, f.Hi);
                foreach (var r in Items(p.Items)) yield return r;
                break;
            case Tt01Report t:
                yield return Row("total", "", t.Total.N, t.Total.Suppressed, t.Total.Mean, t.Total.Lo, t.Total.Hi);
                foreach (var r in Counts("band", t.Total.N, t.Bands, Tt01BandThresholds.BandKeys)) yield return r;
                foreach (var (c, f) in t.Indicators) yield return Row("indicator", c, f.N, f.Suppressed, f.MeanPoints);
                foreach (var r in Items(new Dictionary<string, ItemFigure> { [overall] = t.Overall })) yield return r;
                break;
            case QuickRatingReport q:
                foreach (var r in Items(new Dictionary<string, ItemFigure> { [overall] = q.Overall })) yield return r;
                if (reasons is not null)
                    foreach (var r in Counts(reasons.Code, q.Overall.N, q.Reasons, reasons.Options.Select(o => o.Code))) yield return r;
                break;
            case PapiReport a:
                yield return Row("aggregate", "", a.Responses, a.Aggregate.Suppressed, a.Aggregate.Score);
                foreach (var (d, f) in a.Dimensions) yield return Row("dimension", d, f.N, f.Suppressed, f.Score, f.Lo, f.Hi);
                break;
        }
    }

    /// <summary>
    /// Complementary suppression. A parent unit's figure pools its children's responses, so its n, counts and
    /// sums are the children's added up (plus any responses filed on the parent itself). When exactly one child
    /// of a published parent is hidden, the hidden figure could be worked out as parent − the other children; so
    /// the smallest-n published sibling (ties: the first in export order) is hidden too. When the hidden child
    /// has no published sibling, the parent itself is hidden. Repeats until nothing changes, because hiding a
    /// parent can leave it the only hidden child one level up. Applies per instrument × figure × key, i.e. to
    /// values, intervals and the per-level counts alike; the responses row (n only) is never hidden.
    /// Returns the number of rows hidden by this rule.
    /// </summary>
    public static int ApplyComplementarySuppression(IReadOnlyList<IndexExportRow> rows)
    {
        var candidates = rows.Where(r => r.Figure != "responses").ToList();
        var byUnit = candidates.ToDictionary(r => (r.Instrument, r.Figure, r.Key, r.Unit.Code));
        var groups = candidates.Where(r => r.Unit.ParentCode is not null)
            .GroupBy(r => (r.Instrument, r.Figure, r.Key, Parent: r.Unit.ParentCode!))
            .Select(g => (Parent: byUnit.GetValueOrDefault((g.Key.Instrument, g.Key.Figure, g.Key.Key, g.Key.Parent)), Children: g.ToList()))
            .Where(g => g.Parent is not null)
            .ToList();
        var hidden = 0;
        for (var changed = true; changed;)
        {
            changed = false;
            foreach (var (parent, children) in groups)
            {
                if (parent!.Suppressed || children.Count(c => c.Suppressed) != 1) continue;
                var sibling = children.Where(c => !c.Suppressed).OrderBy(c => c.N).FirstOrDefault();
                (sibling ?? parent).Hide(Suppression.Complementary);
                hidden++;
                changed = true;
            }
        }
        return hidden;
    }

    /// <summary>
    /// Complementary suppression in time (<see cref="TimeSuppression"/>): hides the rows whose figure is hidden in the
    /// exported period for their unit and instrument, so that an export shows what the API shows for each unit.
    /// Run before <see cref="ApplyComplementarySuppression"/>. Returns the number of rows hidden by this rule.
    /// </summary>
    public static int ApplyTimeSuppression(IEnumerable<IndexExportRow> rows, Func<string, string, IReadOnlySet<(string Figure, string Key)>> hiddenOf)
    {
        var hidden = 0;
        foreach (var row in rows)
        {
            if (row.Suppressed || row.Figure == "responses") continue;
            if (!hiddenOf(row.Unit.Code, row.Instrument).Contains((row.Figure, row.Key))) continue;
            row.Hide(Suppression.Complementary);
            hidden++;
        }
        return hidden;
    }

    /// <summary>The cells of a row, in <see cref="Columns"/> order.</summary>
    public static void Fill(IndexExportRow row, ExportCell[] cells)
    {
        cells[0] = ExportCell.Of(row.Unit.Code);
        cells[1] = ExportCell.Of(row.Unit.Name);
        cells[2] = ExportCell.Of(row.Unit.Level);
        cells[3] = ExportCell.Of(row.Unit.ParentCode);
        cells[4] = ExportCell.Of(row.Instrument);
        cells[5] = ExportCell.Of(row.Figure);
        cells[6] = ExportCell.Of(row.Key);
        cells[7] = ExportCell.Of(row.N);
        cells[8] = ExportCell.Of(row.Value);
        cells[9] = ExportCell.Of(row.Lo);
        cells[10] = ExportCell.Of(row.Hi);
        for (var k = 0; k < 5; k++)
            cells[11 + k] = row.Counts is { } counts && k < counts.Length ? ExportCell.Of(counts[k]) : ExportCell.Empty;
        cells[16] = ExportCell.Of(row.Suppressed);
        cells[17] = ExportCell.Of(row.Suppression switch { Suppression.Primary => "n<MinN", Suppression.Complementary => "complementary", _ => "" });
    }
}
