using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;

namespace CchcSurvey.Web.Plans;

/// <summary>
/// A small builder of Word documents (DocumentFormat.OpenXml) in the shape of a Vietnamese administrative
/// report: the two-column header (issuing body, national motto), a centred upper-case title, numbered
/// sections, plain tables and the signature block; A4, Times New Roman 13 pt, so the office can edit it
/// before it is signed.
/// </summary>
public sealed class DocxWriter
{
    private readonly Body _body = new();

    public DocxWriter Header(string issuer, DateOnly date)
    {
        var table = new Table(new TableProperties(new TableWidth { Width = "5000", Type = TableWidthUnitValues.Pct }));
        table.Append(new TableRow(
            Cell([Run(issuer.ToUpperInvariant(), bold: true), Break(), Run("Số: ....../BC")], JustificationValues.Center),
            Cell([Run("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold: true), Break(), Run("Độc lập – Tự do – Hạnh phúc", bold: true), Break(),
                Run($"......, ngày {date.Day} tháng {date.Month} năm {date.Year}", italic: true)], JustificationValues.Center)));
        _body.Append(table);
        return this;
    }

    public DocxWriter Title(string text, string? subtitle = null)
    {
        _body.Append(Paragraph([Run(text.ToUpperInvariant(), bold: true)], JustificationValues.Center, spaceBefore: 240));
        if (subtitle is not null) _body.Append(Paragraph([Run(subtitle, bold: true)], JustificationValues.Center));
        return this;
    }

    public DocxWriter Heading(string text)
    {
        _body.Append(Paragraph([Run(text, bold: true)], JustificationValues.Left, spaceBefore: 200));
        return this;
    }

    public DocxWriter Text(string text)
    {
        _body.Append(Paragraph([Run(text)], JustificationValues.Both));
        return this;
    }

    /// <summary>A table with a bold header row; every cell is text (numbers already formatted as on the page).</summary>
    public DocxWriter Table(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        var border = new TableBorders(
            new TopBorder { Val = BorderValues.Single, Size = 4 }, new BottomBorder { Val = BorderValues.Single, Size = 4 },
            new LeftBorder { Val = BorderValues.Single, Size = 4 }, new RightBorder { Val = BorderValues.Single, Size = 4 },
            new InsideHorizontalBorder { Val = BorderValues.Single, Size = 4 }, new InsideVerticalBorder { Val = BorderValues.Single, Size = 4 });
        var table = new Table(new TableProperties(new TableWidth { Width = "5000", Type = TableWidthUnitValues.Pct }, border));
        table.Append(new TableRow(header.Select(h => Cell([Run(h, bold: true, size: 22)], JustificationValues.Center)).ToArray()));
        foreach (var row in rows)
            table.Append(new TableRow(row.Select(c => Cell([Run(c, size: 22)], JustificationValues.Left)).ToArray()));
        _body.Append(table);
        return this;
    }

    public DocxWriter Signature(string role)
    {
        _body.Append(Paragraph([Run(role, bold: true)], JustificationValues.Right, spaceBefore: 400));
        return this;
    }

    public byte[] ToBytes()
    {
        using var stream = new MemoryStream();
        using (var document = WordprocessingDocument.Create(stream, WordprocessingDocumentType.Document))
        {
            var main = document.AddMainDocumentPart();
            var styles = main.AddNewPart<StyleDefinitionsPart>();
            styles.Styles = new Styles(new DocDefaults(new RunPropertiesDefault(new RunPropertiesBaseStyle(
                new RunFonts { Ascii = "Times New Roman", HighAnsi = "Times New Roman", ComplexScript = "Times New Roman" },
                new FontSize { Val = "26" }, new Languages { Val = "vi-VN" }))));
            _body.Append(new SectionProperties(
                new PageSize { Width = 11906, Height = 16838 },
                new PageMargin { Top = 1134, Bottom = 1134, Left = 1701, Right = 1134, Header = 720, Footer = 720, Gutter = 0 }));
            main.Document = new Document(_body);
            main.Document.Save();
        }
        return stream.ToArray();
    }

    private static Run Run(string text, bool bold = false, bool italic = false, int? size = null)
    {
        var properties = new RunProperties();
        if (bold) properties.Append(new Bold());
        if (italic) properties.Append(new Italic());
        if (size is int s) properties.Append(new FontSize { Val = s.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        return new Run(properties, new Text(text) { Space = SpaceProcessingModeValues.Preserve });
    }

    private static Run Break() => new(new Break());

    private static Paragraph Paragraph(IEnumerable<Run> runs, JustificationValues justification, int spaceBefore = 60)
    {
        var paragraph = new Paragraph(new ParagraphProperties(new Justification { Val = justification },
            new SpacingBetweenLines { Before = spaceBefore.ToString(System.Globalization.CultureInfo.InvariantCulture), After = "60" }));
        foreach (var run in runs) paragraph.Append(run);
        return paragraph;
    }

    private static TableCell Cell(IEnumerable<Run> runs, JustificationValues justification) =>
        new(Paragraph(runs, justification, spaceBefore: 0));
}
