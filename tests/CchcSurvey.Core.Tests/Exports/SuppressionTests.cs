using CchcSurvey.Core.Exports;
using CchcSurvey.Core.Indices;

namespace CchcSurvey.Core.Tests.Exports;

/// <summary>Primary (n &lt; MinN) and complementary suppression of the aggregated export, on crafted trees.</summary>
public sealed class SuppressionTests
{
    private static readonly IndexOptions Options = new() { MinN = 10 };

    /// <summary>A NHANH report whose HL answers are spread over the five levels as given.</summary>
    private static QuickRatingReport Nhanh(params long[] counts)
    {
        var figure = IndexCalculator.Item(counts, Options);
        var reasons = figure.Suppressed ? null : new Dictionary<string, long> { ["cho_lau"] = counts[0], ["huong_dan"] = counts[1], ["thai_do"] = 0, ["ho_so"] = 0, ["phi"] = 0, ["khac"] = 0 };
        return new QuickRatingReport(counts.Sum(), figure, reasons);
    }

    private static long[] Sum(params long[][] parts) => Enumerable.Range(0, 5).Select(k => parts.Sum(p => p[k])).ToArray();

    private static List<IndexExportRow> Rows(params (ExportUnit Unit, long[] Counts)[] units) =>
        units.SelectMany(u => IndexExport.RowsOf(u.Unit, CchcSurvey.Core.Instruments.InstrumentCatalog.FindBuiltIn("NHANH")!, Nhanh(u.Counts))).ToList();

    private static IndexExportRow Find(List<IndexExportRow> rows, string unit, string figure, string key) =>
        rows.Single(r => r.Unit.Code == unit && r.Figure == figure && r.Key == key);

    [Fact]
    public void A_parent_with_children_of_4_30_and_40_hides_the_4_and_also_the_30()
    {
        long[] a = [1, 1, 0, 1, 1], b = [3, 2, 5, 10, 10], c = [2, 3, 5, 15, 15];
        var p = new ExportUnit("P", "Huyện P", "Huyện", null);
        var rows = Rows((p, Sum(a, b, c)), (new("A", "Xã A", "Xã", "P"), a), (new("B", "Xã B", "Xã", "P"), b), (new("C", "Xã C", "Xã", "P"), c));
        Assert.Equal(4, Find(rows, "A", "share", "HL").N);
        Assert.Equal(Suppression.Primary, Find(rows, "A", "share", "HL").Suppression);
        Assert.Equal(Suppression.None, Find(rows, "B", "share", "HL").Suppression);

        var hidden = IndexExport.ApplyComplementarySuppression(rows);

        Assert.True(hidden > 0);
        foreach (var (figure, key) in new[] { ("share", "HL"), ("score", "HL"), ("count", "LY_DO:cho_lau"), ("count", "LY_DO:huong_dan") })
        {
            var rowA = Find(rows, "A", figure, key);
            var rowB = Find(rows, "B", figure, key);
            var rowC = Find(rows, "C", figure, key);
            var rowP = Find(rows, "P", figure, key);
            Assert.Equal(Suppression.Primary, rowA.Suppression);
            Assert.Equal(Suppression.Complementary, rowB.Suppression);
            Assert.Null(rowB.Value);
            Assert.Null(rowB.Lo);
            Assert.Null(rowB.Counts);
            Assert.Equal(30, rowB.N); // n itself is always shown (§4.9)
            Assert.Equal(Suppression.None, rowC.Suppression);
            Assert.NotNull(rowC.Value);
            Assert.Equal(Suppression.None, rowP.Suppression);
            Assert.NotNull(rowP.Value);
        }
        Assert.Equal(c, Find(rows, "C", "share", "HL").Counts);
        Assert.Equal(Sum(a, b, c), Find(rows, "P", "share", "HL").Counts);
        // With A and B hidden, P − C gives only A + B together: neither can be recovered.
        Assert.All(rows.Where(r => r.Figure == "responses"), r => Assert.False(r.Suppressed));

        var cells = new ExportCell[IndexExport.Columns.Count];
        IndexExport.Fill(Find(rows, "B", "share", "HL"), cells);
        Assert.Equal(["B", "30", "", "", "", "", "", "", "", "", "1", "complementary"],
            new[] { 0, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17 }.Select(i => cells[i].ToString()));
    }

    [Fact]
    public void Two_hidden_children_need_no_complementary_cell()
    {
        long[] a = [1, 1, 0, 1, 1], b = [1, 1, 1, 1, 1], c = [2, 3, 5, 15, 15];
        var rows = Rows((new("P", "P", "", null), Sum(a, b, c)), (new("A", "A", "", "P"), a), (new("B", "B", "", "P"), b), (new("C", "C", "", "P"), c));
        Assert.Equal(0, IndexExport.ApplyComplementarySuppression(rows));
        Assert.Equal(Suppression.None, Find(rows, "C", "share", "HL").Suppression);
    }

    [Fact]
    public void An_only_child_hidden_hides_its_parent_and_that_propagates_up_a_level()
    {
        // G → {T, U}; T → {X}. X has n = 4: T would equal X, so T is hidden; then T is G's only hidden child, so U is hidden.
        long[] x = [1, 1, 0, 1, 1], u = [5, 5, 10, 15, 15];
        // T also has 8 responses filed on itself (n = 12 ≥ MinN), so only the rule hides it.
        var rows = Rows((new("G", "G", "", null), Sum(x, u, [2, 2, 2, 1, 1])), (new("T", "T", "", "G"), Sum(x, [2, 2, 2, 1, 1])), (new("X", "X", "", "T"), x), (new("U", "U", "", "G"), u));
        Assert.Equal(Suppression.None, Find(rows, "T", "share", "HL").Suppression);

        IndexExport.ApplyComplementarySuppression(rows);

        Assert.Equal(Suppression.Primary, Find(rows, "X", "share", "HL").Suppression);
        Assert.Equal(Suppression.Complementary, Find(rows, "T", "share", "HL").Suppression);
        Assert.Equal(Suppression.Complementary, Find(rows, "U", "share", "HL").Suppression);
        Assert.Equal(Suppression.None, Find(rows, "G", "share", "HL").Suppression);
    }
}
