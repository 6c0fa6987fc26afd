using CchcSurvey.Core.Exports;
using CchcSurvey.Core.Instruments;

namespace CchcSurvey.Core.Tests.Exports;

/// <summary>The microdata layout: pseudonyms, one column per item, codes and texts, the codebook.</summary>
public sealed class MicrodataTests
{
    private static InstrumentDefinition Nhanh => InstrumentCatalog.LoadBuiltIn().Single(d => d.Code == "NHANH");

    [Fact]
    public void A_response_fills_the_fixed_columns_and_one_column_per_item()
    {
        var layout = new MicrodataLayout([Nhanh]);
        Assert.Equal(["respondent", "unit", "counter", "instrument", "version", "channel", "date", "flags", "HL", "LY_DO", "GOP_Y"], layout.Columns);

        var id = Guid.NewGuid();
        var record = new MicrodataRecord(id, "VQ-AS", "VQ-AS-Q1", "NHANH", 1, "kiosk", new DateOnly(2026, 3, 9), 0,
            """{"GOP_Y":"=HYPERLINK(\"http://x\")","HL":2,"LY_DO":["cho_lau","thai_do"]}""");
        var cells = layout.NewRow();
        var pseudonyms = new Pseudonymizer();
        layout.Fill(record, pseudonyms.Of(id), cells);

        Assert.Equal(16, cells[0].Text!.Length);
        Assert.DoesNotContain(id.ToString("N")[..8], cells[0].Text!, StringComparison.Ordinal);
        Assert.Equal(pseudonyms.Of(id), cells[0].Text);
        Assert.NotEqual(new Pseudonymizer().Of(id), cells[0].Text); // a new key per export
        Assert.Equal(["VQ-AS", "VQ-AS-Q1", "NHANH", "1", "kiosk", "2026-03-09", "0", "2", "cho_lau thai_do", "=HYPERLINK(\"http://x\")"],
            cells[1..].Select(c => c.ToString()));
        Assert.Equal(2d, cells[8].Number); // numbers stay numbers
    }

    [Fact]
    public void Several_instruments_prefix_item_columns_and_leave_other_instruments_cells_empty()
    {
        var definitions = InstrumentCatalog.LoadBuiltIn();
        var layout = new MicrodataLayout(definitions);
        Assert.Contains("NHANH.HL", layout.Columns);
        Assert.Contains("TT01.HL", layout.Columns);
        var cells = layout.NewRow();
        layout.Fill(new MicrodataRecord(Guid.NewGuid(), "VQ", null, "TT01", 1, "paper", new DateOnly(2026, 1, 1), 1, """{"C1":"som","HL":3}"""), "p", cells);
        Assert.Equal(3d, cells[layout.Columns.ToList().IndexOf("TT01.HL")].Number);
        Assert.True(cells[layout.Columns.ToList().IndexOf("NHANH.HL")].IsEmpty);
        Assert.True(cells[2].IsEmpty); // no counter for paper filed on a unit
    }

    [Fact]
    public void The_codebook_describes_every_column_with_labels_and_values()
    {
        var layout = new MicrodataLayout([Nhanh]);
        var rows = layout.CodebookRows().ToList();
        Assert.Equal(layout.Columns, rows.Select(r => r[0].Text));
        var hl = rows.Single(r => r[0].Text == "HL");
        Assert.Equal("likert5", hl[2].Text);
        Assert.Contains("1=", hl[5].Text, StringComparison.Ordinal);
        var reasons = rows.Single(r => r[0].Text == "LY_DO");
        Assert.Contains("cho_lau=", reasons[5].Text, StringComparison.Ordinal);
        Assert.Contains("separated by spaces", reasons[5].Text, StringComparison.Ordinal);
    }
}
