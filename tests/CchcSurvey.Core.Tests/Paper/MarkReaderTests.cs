using CchcSurvey.Core.Paper;

namespace CchcSurvey.Core.Tests.Paper;

/// <summary>
/// The reader on generated sheets: printed by the app, rasterised by poppler's pdftoppm, marked the way people
/// mark, degraded. Every box must be read right or sent to a person; a wrong answer is never certain.
/// </summary>
public sealed class MarkReaderTests : IClassFixture<MarkReaderTests.Corpus>
{
    public sealed class Corpus : IDisposable
    {
        public PaperCorpus Sheets { get; } = new();
        public void Dispose() => Sheets.Dispose();
    }

    private readonly PaperCorpus _corpus;

    public MarkReaderTests(Corpus corpus) => _corpus = corpus.Sheets;

    private static readonly FillStyle[] AllStyles = Enum.GetValues<FillStyle>();

    /// <summary>Reads page 1 of a filled sheet after a degradation; returns (right, wrong, uncertain) box counts.</summary>
    private (int Right, int Wrong, int Uncertain, PageReading Reading) ReadPage(CorpusSheet sheet, Degradation degradation, int page = 1)
    {
        var image = DecodeAny(PaperCorpus.Degrade(sheet.Pages[page - 1], degradation, 17));
        var reading = MarkReader.Read(image, qr => qr.Serial == sheet.Serial ? _corpus.Layout.Pages[qr.Page - 1] : null);
        int right = 0, wrong = 0, uncertain = 0;
        foreach (var mark in reading.Marks)
        {
            var meant = sheet.Intended.TryGetValue(mark.Item, out var cell) && cell.Split(' ').Contains(mark.Value);
            if (mark.State == MarkState.Uncertain) uncertain++;
            else if (mark.State == MarkState.Filled == meant) right++;
            else wrong++;
        }
        return (right, wrong, uncertain, reading);
    }

    internal static GrayImage DecodeAny(byte[] bytes)
    {
        using var bitmap = SkiaSharp.SKBitmap.Decode(bytes);
        return GrayImage.FromBitmap(bitmap);
    }

    [SkippableTheory]
    [InlineData(Degradation.None)]
    [InlineData(Degradation.Dpi150)]
    [InlineData(Degradation.Dpi200)]
    [InlineData(Degradation.Rotate)]
    [InlineData(Degradation.Noise)]
    [InlineData(Degradation.Blur)]
    [InlineData(Degradation.Jpeg50)]
    [InlineData(Degradation.Photocopy)]
    [InlineData(Degradation.PhonePhoto)]
    public void Every_box_is_read_right_after(Degradation degradation)
    {
        Skip.IfNot(PaperCorpus.PdftoppmAvailable, "pdftoppm (poppler-utils) is not installed");
        var sheet = _corpus.Fill("DEGRADE" + (int)degradation + "XY", 100 + (int)degradation, PaperCorpus.DpiOf(degradation), AllStyles);
        var (right, wrong, uncertain, reading) = ReadPage(sheet, degradation);
        Assert.Equal(PageStatus.Read, reading.Status);
        Assert.Equal(new PaperQr(sheet.Serial, "SIPAS-DV", CchcSurvey.Core.Instruments.InstrumentCatalog.FindBuiltIn("SIPAS-DV")!.Version, 1), reading.Qr);
        Assert.Equal(0, wrong);
        Assert.Equal(_corpus.Layout.Pages[0].Boxes.Count, right + uncertain);
        Assert.True(uncertain <= 1, $"{uncertain} boxes uncertain");
    }

    [SkippableFact]
    public void A_corrected_item_and_a_circled_box_go_to_a_person_never_guessed()
    {
        Skip.IfNot(PaperCorpus.PdftoppmAvailable, "pdftoppm (poppler-utils) is not installed");
        var sheet = _corpus.Fill("CRRCT0XYZ0", 5, 200, [FillStyle.Cross], corrected: true, circled: true);
        var marks = new Dictionary<int, IReadOnlyList<BoxMark>>();
        for (var page = 1; page <= sheet.Pages.Count; page++)
        {
            var (_, wrong, _, reading) = ReadPage(sheet, Degradation.None, page);
            Assert.Equal(PageStatus.Read, reading.Status);
            Assert.Equal(0, wrong);
            marks[page] = reading.Marks;
        }
        var combined = SheetReading.Combine(_corpus.Definition, marks);
        Assert.False(combined.IsCertain, string.Join("; ", marks.SelectMany(m => m.Value).Where(m => m.RingInk > 0.02 || m.Ink > 0.05)));
        Assert.Equal(2, combined.Uncertain.Count);
        // Everything else is read as meant.
        foreach (var (item, cell) in combined.Cells) Assert.Equal(sheet.Intended[item], cell);
    }

    [Fact]
    public void A_blank_image_has_no_qr_code()
    {
        var white = new GrayImage(600, 800, Enumerable.Repeat((byte)250, 600 * 800).ToArray());
        Assert.Equal(PageStatus.NoQr, MarkReader.Read(white, _ => null).Status);
    }

    [Fact]
    public void Qr_payload_round_trips_and_rejects_anything_else()
    {
        var qr = new PaperQr(PaperQr.NewSerial(), "SIPAS-DV", 2, 3);
        Assert.Equal(qr, PaperQr.TryParse(qr.Encode()));
        Assert.Null(PaperQr.TryParse("https://example.vn/s/VQ-AS-Q1"));
        Assert.Null(PaperQr.TryParse("CCHC1|ILLEGAL0OU|SIPAS-DV|1|1"));
        Assert.Null(PaperQr.TryParse("CCHC1|ABCDEFGH12|SIPAS-DV|x|1"));
    }

    [Fact]
    public void Layout_puts_every_answer_of_every_instrument_in_a_box_inside_the_page()
    {
        foreach (var definition in CchcSurvey.Core.Instruments.InstrumentCatalog.LoadBuiltIn())
        foreach (var language in new[] { "vi", "en" })
        {
            var layout = PaperLayout.Build(definition, language);
            var boxes = layout.AllBoxes().Select(b => b.Box).ToList();
            foreach (var item in definition.Items.Where(i => i.Type != CchcSurvey.Core.Instruments.AnswerType.Text))
                Assert.Equal(PaperLayout.Options(item, language, PaperLayout.Words.For(language)).Select(o => o.Value),
                    boxes.Where(b => b.Item == item.Code).Select(b => b.Value));
            Assert.All(boxes, b => Assert.True(b.X >= 18 && b.X + b.W <= 192 && b.Y > 45 && b.Y + b.H < 275, $"{definition.Code} {b}"));
        }
    }

    [Fact]
    public void Printed_pdf_embeds_noto_sans_and_has_a_page_per_layout_page_per_sheet()
    {
        var pdf = _corpus.Print(["AAAAAAAAAA", "BBBBBBBBBB"]);
        using var document = PdfSharp.Pdf.IO.PdfReader.Open(new MemoryStream(pdf), PdfSharp.Pdf.IO.PdfDocumentOpenMode.Import);
        Assert.Equal(2 * _corpus.Layout.PageCount, document.PageCount);
        var fonts = document.Pages[0].Resources.Elements.GetDictionary("/Font")!;
        var names = fonts.Elements.Values.Select(f => ((f as PdfSharp.Pdf.Advanced.PdfReference)?.Value as PdfSharp.Pdf.PdfDictionary)?.Elements.GetName("/BaseFont")).ToList();
        Assert.NotEmpty(names);
        Assert.All(names, n => Assert.Contains("Noto Sans", n));
    }
}
