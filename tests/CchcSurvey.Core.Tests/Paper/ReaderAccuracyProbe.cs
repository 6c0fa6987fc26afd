using CchcSurvey.Core.Paper;
using Xunit.Abstractions;

namespace CchcSurvey.Core.Tests.Paper;

public sealed class ReaderAccuracyProbe(ITestOutputHelper output)
{
    [Fact]
    public void Probe()
    {
        using var corpus = new PaperCorpus();
        for (var s = 0; s < 17; s++)
        {
            var sheet = corpus.Fill("PRB" + s.ToString("0000000"), 1000 + s, 150, [FillStyle.Full, FillStyle.Cross, FillStyle.OverBorder]);
            for (var p = 0; p < sheet.Pages.Count; p++)
            {
                using var data = sheet.Pages[p].Encode(SkiaSharp.SKEncodedImageFormat.Jpeg, 85);
                var image = MarkReaderTests.DecodeAny(data.ToArray());
                var reading = MarkReader.Read(image, qr => corpus.Layout.Pages[qr.Page - 1]);
                if (reading.Status != PageStatus.Read) output.WriteLine($"{s} p{p + 1}: {reading.Status}");
                foreach (var m in reading.Marks)
                {
                    var meant = sheet.Intended.TryGetValue(m.Item, out var v) && v.Split(' ').Contains(m.Value);
                    if (m.State == MarkState.Uncertain || (m.State == MarkState.Filled) != meant) output.WriteLine($"{s} p{p + 1} {m} meant={meant}");
                }
            }
        }
    }
}
