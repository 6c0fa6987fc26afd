using CchcSurvey.Core.Paper;
using PdfSharp.Drawing;
using PdfSharp.Pdf;
using SkiaSharp;

namespace CchcSurvey.Core.Tests.Paper;

/// <summary>Page images as the reader gets them: the read-ahead gives exactly what reading one by one gives.</summary>
public sealed class PageImagesTests
{
    private static string ScannerPdf(int pages)
    {
        var path = Path.Combine(Path.GetTempPath(), $"cchc-pages-{Guid.NewGuid():N}.pdf");
        using var document = new PdfDocument();
        for (var i = 0; i < pages; i++)
        {
            using var bitmap = new SKBitmap(new SKImageInfo(120, 170, SKColorType.Gray8, SKAlphaType.Opaque));
            using (var canvas = new SKCanvas(bitmap))
            {
                canvas.Clear(SKColors.White);
                // A different dark square on each page, so that pages cannot be confused.
                using var paint = new SKPaint { Color = SKColors.Black };
                canvas.DrawRect(10 + i * 20, 10 + i * 25, 15, 15, paint);
            }
            using var jpeg = bitmap.Encode(SKEncodedImageFormat.Jpeg, 95);
            var page = document.AddPage();
            using var g = XGraphics.FromPdfPage(page);
            using var image = XImage.FromStream(new MemoryStream(jpeg.ToArray()));
            g.DrawImage(image, 0, 0, page.Width.Point, page.Height.Point);
        }
        document.Save(path);
        return path;
    }

    [Fact]
    public void Read_ahead_gives_the_same_pages_in_the_same_order_from_any_start_and_stops_when_left_early()
    {
        var path = ScannerPdf(5);
        try
        {
            var plain = PageImages.Read(path).ToList();
            var ahead = PageImages.ReadAhead(path, ahead: 2).ToList();
            Assert.Equal(5, ahead.Count);
            Assert.Equal(plain.Select(p => p.Number), ahead.Select(p => p.Number));
            for (var i = 0; i < plain.Count; i++) Assert.Equal(plain[i].Image!.Pixels, ahead[i].Image!.Pixels);
            Assert.Equal([4, 5], PageImages.ReadAhead(path, skip: 3).Select(p => p.Number));
            // Leaving after the first page (a batch stopped) ends the decoder instead of leaving it blocked.
            var first = PageImages.ReadAhead(path, ahead: 1).First();
            Assert.Equal(1, first.Number);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Grey_and_colour_bitmaps_of_one_page_give_the_same_grey_levels_within_one_level()
    {
        using var gray = new SKBitmap(new SKImageInfo(37, 11, SKColorType.Gray8, SKAlphaType.Opaque));
        for (var y = 0; y < 11; y++)
            for (var x = 0; x < 37; x++) gray.SetPixel(x, y, new SKColor((byte)(x * 7), (byte)(x * 7), (byte)(x * 7)));
        using var colour = gray.Copy(SKColorType.Rgba8888);
        var a = GrayImage.FromBitmap(gray);
        var b = GrayImage.FromBitmap(colour);
        Assert.Equal((37, 11), (a.Width, a.Height));
        for (var i = 0; i < a.Pixels.Length; i++) Assert.InRange(a.Pixels[i] - b.Pixels[i], -1, 1);
        Assert.Equal(7 * 36, a[36, 10]);
    }
}
