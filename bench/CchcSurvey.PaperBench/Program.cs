using System.Diagnostics;
using System.Globalization;
using CchcSurvey.Core.Paper;
using CchcSurvey.Core.Tests.Paper;
using PdfSharp.Drawing;
using PdfSharp.Pdf;

// Paper reader benchmark: per degradation, generated SIPAS-DV sheets (3 pages) marked in every style people use,
// read by MarkReader. Reports the share of boxes read right, wrong answers that would be stored without review
// (a certain sheet whose answers differ from what the person meant: the target is 0), sheets sent to review, and
// speed two ways (generation is never timed):
// - "1 thread": decoding each page image + MarkReader, one after the other, with the time of each stage;
// - "batch path": the degradation's pages as one scanner PDF (JPEG q90 page images) read the way the app reads a
//   batch: PageImages.ReadAhead (the next page decoded on a second thread) + MarkReader, without the database.
// Usage: dotnet run -c Release --project bench/CchcSurvey.PaperBench -- [sheets per degradation, default 6]
// On a shared machine hold the build lock while measuring: flock /tmp/cchc-build.lock dotnet bench/…/CchcSurvey.PaperBench.dll 6
var sheetsPer = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 6;
if (sheetsPer < 1) { Console.Error.WriteLine("sheets per degradation must be at least 1"); return 2; }
if (!PaperCorpus.PdftoppmAvailable) { Console.Error.WriteLine("pdftoppm (poppler-utils) is needed"); return 1; }
using var corpus = new PaperCorpus();
var styles = Enum.GetValues<FillStyle>();
Console.WriteLine($"{Environment.ProcessorCount} cores, {sheetsPer} sheets per degradation");
Console.WriteLine("| degradation | dpi | sheets | boxes right | wrong answers stored | sheets to review | decode ms/page | read ms/page | sheets/min (1 thread) | sheets/min (batch path) |");
Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|");
foreach (var degradation in Enum.GetValues<Degradation>())
{
    int right = 0, boxes = 0, wrongStored = 0, review = 0, pagesRead = 0;
    TimeSpan decoding = TimeSpan.Zero, reading = TimeSpan.Zero;
    var allPages = new List<byte[]>();
    for (var s = 0; s < sheetsPer; s++)
    {
        var sheet = corpus.Fill(PaperQr.NewSerial(), 7000 + s * 13 + (int)degradation, PaperCorpus.DpiOf(degradation), styles);
        var marks = new Dictionary<int, IReadOnlyList<BoxMark>>();
        var unreadable = false;
        for (var p = 0; p < sheet.Pages.Count; p++)
        {
            var bytes = PaperCorpus.Degrade(sheet.Pages[p], degradation, s * 31 + p);
            allPages.Add(bytes);
            var watch = Stopwatch.StartNew();
            using var bitmap = SkiaSharp.SKBitmap.Decode(bytes);
            var image = GrayImage.FromBitmap(bitmap);
            decoding += watch.Elapsed;
            watch.Restart();
            var page = MarkReader.Read(image, qr => corpus.Layout.Pages[qr.Page - 1]);
            reading += watch.Elapsed;
            pagesRead++;
            if (page.Status != PageStatus.Read) { unreadable = true; boxes += corpus.Layout.Pages[p].Boxes.Count; continue; }
            marks[p + 1] = page.Marks;
            foreach (var m in page.Marks)
            {
                boxes++;
                var meant = sheet.Intended.TryGetValue(m.Item, out var cell) && cell.Split(' ').Contains(m.Value);
                if (m.State != MarkState.Uncertain && (m.State == MarkState.Filled) == meant) right++;
            }
        }
        if (unreadable) { review++; continue; }
        var combined = SheetReading.Combine(corpus.Definition, marks);
        if (!combined.IsCertain) { review++; continue; }
        var intended = sheet.Intended;
        if (combined.Cells.Count != intended.Count || combined.Cells.Any(c => !intended.TryGetValue(c.Key, out var v) || v != c.Value)) wrongStored++;
    }

    // The batch path: one scanner PDF of all the degradation's pages.
    var pdf = Path.Combine(Path.GetTempPath(), $"cchc-paperbench-{Guid.NewGuid():N}.pdf");
    WriteScannerPdf(pdf, allPages);
    var batch = Stopwatch.StartNew();
    var batchRead = 0;
    foreach (var page in PageImages.ReadAhead(pdf))
    {
        if (page.Image is not null && MarkReader.Read(page.Image, qr => corpus.Layout.Pages[qr.Page - 1]).Status == PageStatus.Read) batchRead++;
    }
    var batchTime = batch.Elapsed;
    File.Delete(pdf);

    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {degradation} | {PaperCorpus.DpiOf(degradation)} | {sheetsPer} | {100.0 * right / boxes:F2} % | {wrongStored} | {100.0 * review / sheetsPer:F0} % | " +
        $"{decoding.TotalMilliseconds / pagesRead:F0} | {reading.TotalMilliseconds / pagesRead:F0} | {sheetsPer / (decoding + reading).TotalMinutes:F0} | " +
        $"{sheetsPer / batchTime.TotalMinutes:F0}{(batchRead == allPages.Count ? "" : $" ({allPages.Count - batchRead} pages unread)")} |"));
}
return 0;

static void WriteScannerPdf(string path, IReadOnlyList<byte[]> pages)
{
    using var document = new PdfDocument();
    foreach (var bytes in pages)
    {
        using var bitmap = SkiaSharp.SKBitmap.Decode(bytes);
        using var jpeg = bitmap.Encode(SkiaSharp.SKEncodedImageFormat.Jpeg, 90);
        var page = document.AddPage();
        page.Width = XUnitPt.FromMillimeter(210);
        page.Height = XUnitPt.FromMillimeter(297);
        using var g = XGraphics.FromPdfPage(page);
        using var image = XImage.FromStream(new MemoryStream(jpeg.ToArray()));
        g.DrawImage(image, 0, 0, page.Width.Point, page.Height.Point);
    }
    document.Save(path);
}
