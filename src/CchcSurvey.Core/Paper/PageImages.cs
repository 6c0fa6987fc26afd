using BitMiracle.LibTiff.Classic;
using PdfSharp.Pdf;
using PdfSharp.Pdf.Advanced;
using PdfSharp.Pdf.IO;
using SkiaSharp;

namespace CchcSurvey.Core.Paper;

/// <summary>A page as 8-bit grey levels (0 black, 255 white), row by row.</summary>
public sealed class GrayImage(int width, int height, byte[] pixels)
{
    public int Width { get; } = width;
    public int Height { get; } = height;
    public byte[] Pixels { get; } = pixels;

    public byte this[int x, int y] => Pixels[y * Width + x];

    /// <summary>Bilinear grey level at a real position; outside the image counts as white paper.</summary>
    public double Sample(double x, double y)
    {
        if (x < 0 || y < 0 || x > Width - 1.001 || y > Height - 1.001) return 255;
        var x0 = (int)x; var y0 = (int)y;
        var fx = x - x0; var fy = y - y0;
        var i = y0 * Width + x0;
        double a = Pixels[i], b = Pixels[i + 1], c = Pixels[i + Width], d = Pixels[i + Width + 1];
        return a + (b - a) * fx + (c - a) * fy + (a - b - c + d) * fx * fy;
    }

    /// <summary>From an SKBitmap of any colour type (luma of sRGB, BT.601 weights).</summary>
    public static GrayImage FromBitmap(SKBitmap bitmap)
    {
        // Scanners' pages are mostly grey already: copied row by row, no conversion (a 300-dpi page is 8.7 Mpixels,
        // and converting it through RGBA cost more than reading its marks).
        if (bitmap.ColorType == SKColorType.Gray8)
        {
            var gray = new byte[bitmap.Width * bitmap.Height];
            var source = bitmap.GetPixelSpan();
            for (var y = 0; y < bitmap.Height; y++)
                source.Slice(y * bitmap.RowBytes, bitmap.Width).CopyTo(gray.AsSpan(y * bitmap.Width, bitmap.Width));
            return new GrayImage(bitmap.Width, bitmap.Height, gray);
        }
        var bgra = bitmap.ColorType == SKColorType.Bgra8888;
        using var rgba = bitmap.ColorType is SKColorType.Rgba8888 or SKColorType.Bgra8888 ? null : bitmap.Copy(SKColorType.Rgba8888);
        var converted = rgba ?? bitmap;
        var opaque = converted.AlphaType == SKAlphaType.Opaque;
        var bytes = converted.GetPixelSpan();
        var width = converted.Width;
        var pixels = new byte[width * converted.Height];
        // Integer weights 77/150/29 (/256) are BT.601's 0.299/0.587/0.114 to within 0.3 %.
        int rw = bgra ? 29 : 77, bw = bgra ? 77 : 29;
        for (var y = 0; y < converted.Height; y++)
        {
            var row = bytes.Slice(y * converted.RowBytes, width * 4);
            var target = pixels.AsSpan(y * width, width);
            for (int x = 0, j = 0; x < width; x++, j += 4)
            {
                var luma = (row[j] * rw + row[j + 1] * 150 + row[j + 2] * bw) >> 8;
                // Transparent pixels are paper.
                if (!opaque) { var alpha = row[j + 3]; luma = (luma * alpha + 255 * (255 - alpha)) / 255; }
                target[x] = (byte)luma;
            }
        }
        return new GrayImage(width, converted.Height, pixels);
    }

    /// <summary>A PNG of the image, scaled so its longer side is at most <paramref name="maxSide"/> pixels (for review screens).</summary>
    public byte[] ToPng(int maxSide)
    {
        var scale = Math.Min(1.0, maxSide / (double)Math.Max(Width, Height));
        using var bitmap = new SKBitmap(new SKImageInfo(Width, Height, SKColorType.Gray8, SKAlphaType.Opaque));
        System.Runtime.InteropServices.Marshal.Copy(Pixels, 0, bitmap.GetPixels(), Pixels.Length);
        using var scaled = scale < 1 ? bitmap.Resize(new SKImageInfo(Math.Max(1, (int)(Width * scale)), Math.Max(1, (int)(Height * scale)), SKColorType.Gray8, SKAlphaType.Opaque), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear)) : null;
        using var data = (scaled ?? bitmap).Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    public static GrayImage? DecodePng(byte[] bytes)
    {
        using var bitmap = SKBitmap.Decode(bytes);
        return bitmap is null ? null : FromBitmap(bitmap);
    }
}

/// <summary>One page of an uploaded file: its image, or why there is none.</summary>
public sealed record UploadedPage(int Number, GrayImage? Image, string? Problem);

/// <summary>
/// Turns an uploaded file into page images: a PDF's embedded page images (a scanner writes one image per page:
/// JPEG, or deflated grey/RGB/bilevel pixels), a PNG or JPEG (a scan or a phone photo), or every page of a TIFF.
/// A page that cannot be decoded is returned with its problem, never thrown: one bad page must not lose a batch.
/// </summary>
public static class PageImages
{
    public enum Kind { Pdf, Png, Jpeg, Tiff, Unknown }

    public static Kind Detect(ReadOnlySpan<byte> head) =>
        head.StartsWith("%PDF"u8) ? Kind.Pdf
        : head.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47]) ? Kind.Png
        : head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]) ? Kind.Jpeg
        : head.StartsWith("II*\0"u8) || head.StartsWith("MM\0*"u8) ? Kind.Tiff
        : Kind.Unknown;

    /// <summary>The number of pages without decoding their images (for progress), or null when the file is not readable.</summary>
    public static int? CountPages(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            Span<byte> head = stackalloc byte[8];
            var read = stream.Read(head);
            stream.Position = 0;
            switch (Detect(head[..read]))
            {
                case Kind.Pdf:
                    using (var document = PdfReader.Open(stream, PdfDocumentOpenMode.Import)) return document.PageCount;
                case Kind.Png or Kind.Jpeg: return 1;
                case Kind.Tiff:
                    using (var tiff = Tiff.ClientOpen("upload", "r", stream, new TiffStream())) return tiff?.NumberOfDirectories();
                default: return null;
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return null;
        }
    }

    /// <summary>The pages of a file, one at a time (a 500-page PDF is never held decoded in memory at once).</summary>
    public static IEnumerable<UploadedPage> Read(string path, int skip = 0)
    {
        byte[] head = new byte[8];
        using (var s = File.OpenRead(path)) _ = s.Read(head);
        var kind = Detect(head);
        return kind switch
        {
            Kind.Pdf => ReadPdf(path, skip),
            Kind.Png or Kind.Jpeg => skip > 0 ? [] : [DecodeOne(File.ReadAllBytes(path), 1)],
            Kind.Tiff => ReadTiff(path, skip),
            _ => [new UploadedPage(1, null, "not a PDF, PNG, JPEG or TIFF file")],
        };
    }

    /// <summary>
    /// <see cref="Read"/> with the next pages decoded on another thread while the caller reads the current one
    /// (decoding a 300-dpi page costs about as much as reading its marks). At most <paramref name="ahead"/> decoded
    /// pages wait, so memory stays bounded; disposing the enumerator stops the decoder.
    /// </summary>
    public static IEnumerable<UploadedPage> ReadAhead(string path, int skip = 0, int ahead = 2)
    {
        using var queue = new System.Collections.Concurrent.BlockingCollection<UploadedPage>(Math.Max(1, ahead));
        using var stop = new CancellationTokenSource();
        var decoder = Task.Run(() =>
        {
            try
            {
                foreach (var page in Read(path, skip))
                    if (!TryAdd(page)) return;
            }
            finally { queue.CompleteAdding(); }
        });
        try
        {
            foreach (var page in queue.GetConsumingEnumerable()) yield return page;
            decoder.GetAwaiter().GetResult();
        }
        finally
        {
            stop.Cancel();
            // Let the decoder see the cancellation before the queue is disposed.
            try { decoder.Wait(); } catch (AggregateException) { }
        }

        bool TryAdd(UploadedPage page)
        {
            try { queue.Add(page, stop.Token); return true; }
            catch (OperationCanceledException) { return false; }
        }
    }

    private static UploadedPage DecodeOne(byte[] bytes, int number)
    {
        try
        {
            using var bitmap = SKBitmap.Decode(bytes);
            return bitmap is null ? new UploadedPage(number, null, "the image cannot be decoded") : new UploadedPage(number, GrayImage.FromBitmap(bitmap), null);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return new UploadedPage(number, null, "the image cannot be decoded");
        }
    }

    private static IEnumerable<UploadedPage> ReadPdf(string path, int skip)
    {
        PdfDocument? document = null;
        string? problem = null;
        try { document = PdfReader.Open(path, PdfDocumentOpenMode.Import); }
        catch (Exception e) when (e is not OutOfMemoryException) { problem = "the PDF cannot be read: " + e.Message; }
        if (document is null)
        {
            yield return new UploadedPage(1, null, problem);
            yield break;
        }
        using (document)
        {
            for (var i = skip; i < document.PageCount; i++)
            {
                UploadedPage page;
                try { page = PdfPageImage(document.Pages[i], i + 1); }
                catch (Exception e) when (e is not OutOfMemoryException) { page = new UploadedPage(i + 1, null, "the page image cannot be read: " + e.Message); }
                yield return page;
            }
        }
    }

    /// <summary>The largest image drawn on the page (a scanner's page image).</summary>
    private static UploadedPage PdfPageImage(PdfPage page, int number)
    {
        var resources = page.Elements.GetDictionary("/Resources");
        var xObjects = resources?.Elements.GetDictionary("/XObject");
        PdfDictionary? best = null;
        var bestArea = 0L;
        if (xObjects is not null)
            foreach (var key in xObjects.Elements.Keys)
            {
                var item = xObjects.Elements[key];
                var dictionary = (item as PdfReference)?.Value as PdfDictionary ?? item as PdfDictionary;
                if (dictionary?.Elements.GetName("/Subtype") != "/Image") continue;
                var area = (long)dictionary.Elements.GetInteger("/Width") * dictionary.Elements.GetInteger("/Height");
                if (area > bestArea) { best = dictionary; bestArea = area; }
            }
        if (best?.Stream is null) return new UploadedPage(number, null, "the page holds no scanned image");

        var filter = best.Elements["/Filter"] switch
        {
            PdfName name => name.Value,
            PdfArray array when array.Elements.Count > 0 => (array.Elements[^1] as PdfName)?.Value,
            _ => null,
        };
        var width = best.Elements.GetInteger("/Width");
        var height = best.Elements.GetInteger("/Height");
        if (filter == "/DCTDecode") return DecodeOne(best.Stream.Value, number);
        if (filter is not (null or "/FlateDecode"))
            return new UploadedPage(number, null, $"page images compressed with {filter} are not supported; scan as JPEG or PNG");
        var bits = best.Elements.GetInteger("/BitsPerComponent");
        var raw = best.Stream.UnfilteredValue;
        var colorSpace = best.Elements["/ColorSpace"];
        var components = colorSpace switch
        {
            PdfName { Value: "/DeviceGray" } => 1,
            PdfName { Value: "/DeviceRGB" } => 3,
            PdfArray array when (array.Elements[0] as PdfName)?.Value == "/ICCBased" =>
                ((array.Elements[1] as PdfReference)?.Value as PdfDictionary)?.Elements.GetInteger("/N") ?? 3,
            _ => best.Elements.GetBoolean("/ImageMask") ? 1 : 0,
        };
        if (components is not (1 or 3) || bits is not (1 or 8))
            return new UploadedPage(number, null, "the page image's colour format is not supported");
        var pixels = new byte[width * height];
        if (bits == 8)
        {
            var stride = width * components;
            if (raw.Length < stride * height) return new UploadedPage(number, null, "the page image is truncated");
            for (var y = 0; y < height; y++)
                for (var x = 0; x < width; x++)
                {
                    var j = y * stride + x * components;
                    pixels[y * width + x] = components == 1 ? raw[j] : (byte)((raw[j] * 299 + raw[j + 1] * 587 + raw[j + 2] * 114) / 1000);
                }
        }
        else
        {
            var stride = (width + 7) / 8;
            if (raw.Length < stride * height) return new UploadedPage(number, null, "the page image is truncated");
            for (var y = 0; y < height; y++)
                for (var x = 0; x < width; x++)
                    pixels[y * width + x] = (raw[y * stride + x / 8] & (0x80 >> (x % 8))) != 0 ? (byte)255 : (byte)0;
        }
        return new UploadedPage(number, new GrayImage(width, height, pixels), null);
    }

    private static IEnumerable<UploadedPage> ReadTiff(string path, int skip)
    {
        Tiff.SetErrorHandler(new QuietTiffErrors());
        using var tiff = Tiff.Open(path, "r");
        if (tiff is null)
        {
            yield return new UploadedPage(1, null, "the TIFF file cannot be read");
            yield break;
        }
        var count = tiff.NumberOfDirectories();
        for (short i = (short)skip; i < count; i++)
        {
            UploadedPage page;
            try
            {
                tiff.SetDirectory(i);
                var width = tiff.GetField(TiffTag.IMAGEWIDTH)[0].ToInt();
                var height = tiff.GetField(TiffTag.IMAGELENGTH)[0].ToInt();
                var raster = new int[width * height];
                if (!tiff.ReadRGBAImageOriented(width, height, raster, Orientation.TOPLEFT))
                    page = new UploadedPage(i + 1, null, "the TIFF page cannot be decoded");
                else
                {
                    var pixels = new byte[width * height];
                    for (var k = 0; k < raster.Length; k++)
                    {
                        var v = raster[k];
                        pixels[k] = (byte)((Tiff.GetR(v) * 299 + Tiff.GetG(v) * 587 + Tiff.GetB(v) * 114) / 1000);
                    }
                    page = new UploadedPage(i + 1, new GrayImage(width, height, pixels), null);
                }
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                page = new UploadedPage(i + 1, null, "the TIFF page cannot be decoded");
            }
            yield return page;
        }
    }

    private sealed class QuietTiffErrors : TiffErrorHandler
    {
        public override void WarningHandler(Tiff tif, string method, string format, params object[] args) { }
        public override void WarningHandlerExt(Tiff tif, object clientData, string method, string format, params object[] args) { }
    }
}
