using CchcSurvey.Core.Paper;

namespace CchcSurvey.Core.Tests.Paper;

/// <summary>
/// About one QR code in 200 that QRCoder writes at level M carries data that ZXing's finder-pattern search rejects, though
/// the code is valid: page 2 of sheet V841ACVV1Z is one (a clean 300 dpi scan went to "unreadable" and its sheet to
/// review, found by the 50-page scan test). The reader then reads the code's own rectified square as a pure code.
/// </summary>
public sealed class MarkReaderQrTests
{
    [SkippableFact]
    public void A_code_the_finder_search_rejects_is_read_from_its_rectified_square()
    {
        Skip.IfNot(PaperCorpus.PdftoppmAvailable, "pdftoppm (poppler-utils) is not installed");
        using var corpus = new PaperCorpus();
        var sheet = corpus.Fill("V841ACVV1Z", 1001, 300, [FillStyle.Full, FillStyle.Cross, FillStyle.OverBorder]);
        for (var page = 0; page < sheet.Pages.Count; page++)
        {
            using var jpeg = sheet.Pages[page].Encode(SkiaSharp.SKEncodedImageFormat.Jpeg, 85);
            var reading = MarkReader.Read(MarkReaderTests.DecodeAny(jpeg.ToArray()),
                qr => qr.Serial == sheet.Serial ? corpus.Layout.Pages[qr.Page - 1] : null);
            Assert.True(reading.Status == PageStatus.Read, $"page {page + 1}: {reading.Status}");
        }
    }
}
