using CchcSurvey.Core.Instruments;
using PdfSharp.Drawing;
using PdfSharp.Pdf;
using QRCoder;

namespace CchcSurvey.Core.Paper;

/// <summary>One sheet to print: its serial (in the QR code of each of its pages and on one line).</summary>
public sealed record PaperSheetToPrint(string Serial);

/// <summary>
/// Writes printable questionnaires: every page of every sheet has the four solid corner marks, the QR code
/// (error correction M: a smudge or a staple hole still reads) with the sheet's serial, instrument, version and
/// page number, one line of instructions, and the questions with one square box per answer, as laid out by
/// <see cref="PaperLayout"/>. Vector drawing only; the embedded Noto Sans covers all of Vietnamese.
/// </summary>
public static class PaperFormPdf
{
    /// <summary>Writes the sheets to <paramref name="output"/>; the heading is a line under the title naming the counter (a place, never a person).</summary>
    public static void Write(Stream output, InstrumentDefinition definition, PaperLayout layout, string language, string heading,
        IReadOnlyList<PaperSheetToPrint> sheets)
    {
        PaperFonts.Install();
        var words = PaperLayout.Words.For(language);
        using var document = new PdfDocument();
        document.Info.Title = definition.Title.For(language);
        document.Info.Creator = "CchcSurvey";
        var pt = PaperLayout.PointsPerMm;
        foreach (var sheet in sheets)
        {
            foreach (var pageLayout in layout.Pages)
            {
                var page = document.AddPage();
                page.Width = XUnitPt.FromMillimeter(PaperLayout.Width);
                page.Height = XUnitPt.FromMillimeter(PaperLayout.Height);
                using var g = XGraphics.FromPdfPage(page);
                foreach (var (x, y) in PaperLayout.MarkCorners)
                    g.DrawRectangle(XBrushes.Black, x * pt, y * pt, PaperLayout.MarkSize * pt, PaperLayout.MarkSize * pt);
                DrawQr(g, new PaperQr(sheet.Serial, definition.Code, definition.Version, pageLayout.Page).Encode());

                if (pageLayout.Page == 1)
                {
                    var titleLines = Wrap(definition.Title.For(language), 12, true, PaperLayout.QrX - 22);
                    var ty = 20.0;
                    foreach (var line in titleLines) { Text(g, line, 18, ty, 12, true); ty += 5.4; }
                    Text(g, heading, 18, ty + 0.5, 9, false);
                    Text(g, words.Instructions, 18, ty + 5.5, 9, true);
                    DrawInstructionBoxes(g, 18, ty + 10.5, words);
                }
                Text(g, $"{definition.Code} v{definition.Version} · {sheet.Serial} · {words.Page} {pageLayout.Page}/{layout.PageCount}",
                    PaperLayout.QrX, PaperLayout.QrY + PaperLayout.QrSize + 1, 6.5, false);
                foreach (var t in pageLayout.Texts) Text(g, t.Text, t.X, t.Y, t.SizePt, t.Bold);
                var pen = new XPen(XColors.Black, 0.35 * pt);
                foreach (var b in pageLayout.Boxes) g.DrawRectangle(pen, b.X * pt, b.Y * pt, b.W * pt, b.H * pt);
                var rule = new XPen(XColors.Gray, 0.2 * pt);
                foreach (var r in pageLayout.Rules) g.DrawLine(rule, r.X1 * pt, r.Y * pt, r.X2 * pt, r.Y * pt);
                Text(g, $"{words.Page} {pageLayout.Page}/{layout.PageCount}", 95, 283, 8, false);
            }
        }
        document.Save(output, false);
    }

    /// <summary>Shows the two accepted marks beside the instruction (drawn far from any answer box).</summary>
    private static void DrawInstructionBoxes(XGraphics g, double x, double y, PaperLayout.Words words)
    {
        _ = words;
        var pt = PaperLayout.PointsPerMm;
        var pen = new XPen(XColors.Black, 0.3 * pt);
        var ink = new XPen(XColors.Black, 0.6 * pt);
        g.DrawRectangle(pen, x * pt, y * pt, 3.5 * pt, 3.5 * pt);
        g.DrawLine(ink, (x + 0.5) * pt, (y + 0.5) * pt, (x + 3) * pt, (y + 3) * pt);
        g.DrawLine(ink, (x + 3) * pt, (y + 0.5) * pt, (x + 0.5) * pt, (y + 3) * pt);
        g.DrawRectangle(pen, XBrushes.Black, (x + 6) * pt, y * pt, 3.5 * pt, 3.5 * pt);
    }

    private static void DrawQr(XGraphics g, string payload)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(payload, QRCodeGenerator.ECCLevel.M);
        var matrix = data.ModuleMatrix;
        // QRCoder's matrix includes a 4-module quiet zone; it is drawn white by leaving the paper blank.
        var modules = matrix.Count;
        var size = PaperLayout.QrSize / modules;
        var pt = PaperLayout.PointsPerMm;
        for (var row = 0; row < modules; row++)
            for (var col = 0; col < modules; col++)
                if (matrix[row][col])
                    g.DrawRectangle(XBrushes.Black, (PaperLayout.QrX + col * size) * pt, (PaperLayout.QrY + row * size) * pt, size * pt + 0.05, size * pt + 0.05);
    }

    private static void Text(XGraphics g, string text, double xMm, double yMm, double sizePt, bool bold) =>
        g.DrawString(text, PaperLayout.Font(sizePt, bold), XBrushes.Black,
            new XPoint(xMm * PaperLayout.PointsPerMm, yMm * PaperLayout.PointsPerMm), XStringFormats.TopLeft);

    private static List<string> Wrap(string text, double sizePt, bool bold, double widthMm)
    {
        var measure = XGraphics.CreateMeasureContext(new XSize(595, 842), XGraphicsUnit.Point, XPageDirection.Downwards);
        return PaperLayout.Wrap(measure, text, sizePt, bold, widthMm);
    }
}
