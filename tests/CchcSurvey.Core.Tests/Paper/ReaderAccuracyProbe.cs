using CchcSurvey.Core.Paper;
using Xunit.Abstractions;

namespace CchcSurvey.Core.Tests.Paper;

public sealed class ReaderAccuracyProbe(ITestOutputHelper output)
{
    [Fact]
    public void Probe()
    {
        using var corpus = new PaperCorpus();
        var styles = Enum.GetValues<FillStyle>();
        foreach (var degradation in Enum.GetValues<Degradation>())
        {
            int right = 0, wrong = 0, unc = 0;
            for (var s = 0; s < 2; s++)
            {
                var serial = "TESTSER00" + s;
                var sheet = corpus.Fill(serial, s + 10, PaperCorpus.DpiOf(degradation), styles);
                var marks = new Dictionary<int, IReadOnlyList<BoxMark>>();
                for (var p = 0; p < sheet.Pages.Count; p++)
                {
                    var image = GrayImage.DecodePng(PaperCorpus.Degrade(sheet.Pages[p], degradation, s * 7 + p))!;
                    var reading = MarkReader.Read(image, qr => corpus.Layout.Pages[qr.Page - 1]);
                    output.WriteLine($"{degradation} {serial} p{p + 1}: {reading.Status} {reading.Qr}");
                    marks[p + 1] = reading.Marks;
                    foreach (var m in reading.Marks)
                    {
                        var meant = sheet.Intended.TryGetValue(m.Item, out var v) && v.Split(' ').Contains(m.Value);
                        if (m.State == MarkState.Uncertain) { unc++; output.WriteLine($"  ? {m}"); }
                        else if ((m.State == MarkState.Filled) == meant) right++;
                        else { wrong++; output.WriteLine($"  WRONG {m} meant={meant}"); }
                    }
                }
            }
            output.WriteLine($"== {degradation}: right {right} wrong {wrong} uncertain {unc}");
        }
    }
}
