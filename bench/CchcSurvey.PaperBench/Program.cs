using System.Diagnostics;
using System.Globalization;
using CchcSurvey.Core.Paper;
using CchcSurvey.Core.Tests.Paper;

// Paper reader benchmark: per degradation, generated SIPAS-DV sheets (3 pages) marked in every style people use,
// read by MarkReader. Reports the share of boxes read right, wrong answers that would be stored without review
// (a certain sheet whose answers differ from what the person meant: the target is 0), sheets sent to review, and
// sheets per minute of reading (decoding the page image + MarkReader, one thread; generation is not timed).
// Usage: dotnet run -c Release --project bench/CchcSurvey.PaperBench -- [sheets per degradation, default 6]
var sheetsPer = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 6;
if (!PaperCorpus.PdftoppmAvailable) { Console.Error.WriteLine("pdftoppm (poppler-utils) is needed"); return 1; }
using var corpus = new PaperCorpus();
var styles = Enum.GetValues<FillStyle>();
Console.WriteLine("| degradation | dpi | sheets | boxes right | wrong answers stored | sheets to review | sheets/min (1 thread) |");
Console.WriteLine("|---|---|---|---|---|---|---|");
foreach (var degradation in Enum.GetValues<Degradation>())
{
    int right = 0, boxes = 0, wrongStored = 0, review = 0;
    var reading = TimeSpan.Zero;
    for (var s = 0; s < sheetsPer; s++)
    {
        var sheet = corpus.Fill(PaperQr.NewSerial(), 7000 + s * 13 + (int)degradation, PaperCorpus.DpiOf(degradation), styles);
        var marks = new Dictionary<int, IReadOnlyList<BoxMark>>();
        var unreadable = false;
        for (var p = 0; p < sheet.Pages.Count; p++)
        {
            var bytes = PaperCorpus.Degrade(sheet.Pages[p], degradation, s * 31 + p);
            var watch = Stopwatch.StartNew();
            using var bitmap = SkiaSharp.SKBitmap.Decode(bytes);
            var page = MarkReader.Read(GrayImage.FromBitmap(bitmap), qr => corpus.Layout.Pages[qr.Page - 1]);
            reading += watch.Elapsed;
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
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {degradation} | {PaperCorpus.DpiOf(degradation)} | {sheetsPer} | {100.0 * right / boxes:F2} % | {wrongStored} | {100.0 * review / sheetsPer:F0} % | {sheetsPer / reading.TotalMinutes:F0} |"));
}
return 0;
