using System.Diagnostics;
using CchcSurvey.Core.Instruments;
using CchcSurvey.Core.Paper;
using SkiaSharp;

namespace CchcSurvey.Core.Tests.Paper;

/// <summary>How a person marks a box.</summary>
public enum FillStyle { Full, Cross, Tick, LightPencil, OverBorder }

/// <summary>How a sheet is damaged between the person and the reader.</summary>
public enum Degradation { None, Dpi150, Dpi200, Rotate, Noise, Blur, Jpeg50, Photocopy, PhonePhoto }

/// <summary>One generated sheet: its page images and the answers the person meant (item → cell, reference CSV format).</summary>
public sealed record CorpusSheet(string Serial, IReadOnlyList<SKBitmap> Pages, IReadOnlyDictionary<string, string> Intended, bool Corrected, bool Circled);

/// <summary>
/// A test corpus made by program (shared by the tests and bench/CchcSurvey.PaperBench): prints forms with the
/// app's own PDF writer, rasterises them with poppler's pdftoppm (never our own renderer, so the reader is tested
/// on someone else's pixels), marks boxes the way people do, then degrades the images.
/// </summary>
public sealed class PaperCorpus : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "cchc-paper-corpus-" + Guid.NewGuid().ToString("N"));
    private readonly Dictionary<(string Serial, int Dpi), List<SKBitmap>> _rasters = new();

    public InstrumentDefinition Definition { get; }
    public PaperLayout Layout { get; }

    public PaperCorpus(string instrument = "SIPAS-DV")
    {
        Directory.CreateDirectory(_dir);
        Definition = InstrumentCatalog.FindBuiltIn(instrument)!;
        Layout = PaperLayout.Build(Definition, "vi");
    }

    public static bool PdftoppmAvailable => File.Exists("/usr/bin/pdftoppm");

    /// <summary>Prints one sheet per serial to a PDF.</summary>
    public byte[] Print(IReadOnlyList<string> serials)
    {
        using var output = new MemoryStream();
        PaperFormPdf.Write(output, Definition, Layout, "vi", "Quầy thử nghiệm", serials.Select(s => new PaperSheetToPrint(s)).ToList());
        return output.ToArray();
    }

    /// <summary>The blank pages of a sheet at a resolution (cached).</summary>
    public IReadOnlyList<SKBitmap> Blank(string serial, int dpi)
    {
        if (_rasters.TryGetValue((serial, dpi), out var cached)) return cached;
        var pdf = Path.Combine(_dir, serial + ".pdf");
        File.WriteAllBytes(pdf, Print([serial]));
        var prefix = Path.Combine(_dir, $"{serial}-{dpi}");
        using (var process = Process.Start(new ProcessStartInfo("pdftoppm", ["-r", dpi.ToString(), "-gray", "-png", pdf, prefix]) { RedirectStandardError = true })!)
        {
            process.WaitForExit();
            if (process.ExitCode != 0) throw new InvalidOperationException("pdftoppm failed: " + process.StandardError.ReadToEnd());
        }
        var pages = Directory.GetFiles(_dir, $"{serial}-{dpi}-*.png").Order(StringComparer.Ordinal).Select(f =>
        {
            using var decoded = SKBitmap.Decode(f);
            return decoded.Copy(SKColorType.Rgba8888);
        }).ToList();
        _rasters[(serial, dpi)] = pages;
        return pages;
    }

    /// <summary>
    /// A filled sheet: random answers (some items left blank), each marked in a random style from
    /// <paramref name="styles"/>. A corrected sheet has one item whose first choice is scribbled over and another
    /// box marked; a circled sheet has one answer circled instead of marked (both must go to review).
    /// </summary>
    public CorpusSheet Fill(string serial, int seed, int dpi, FillStyle[] styles, bool corrected = false, bool circled = false)
    {
        var random = new Random(seed);
        var blank = Blank(serial, dpi);
        var pages = blank.Select(b => b.Copy()).ToList();
        var intended = new Dictionary<string, string>(StringComparer.Ordinal);
        var scale = dpi / 25.4;
        var byItem = Layout.AllBoxes().GroupBy(b => b.Box.Item).ToList();
        var correctedItem = corrected ? byItem[random.Next(byItem.Count)].Key : null;
        var circledItem = circled ? byItem.Where(g => g.Key != correctedItem).ElementAt(random.Next(byItem.Count - 1)).Key : null;
        foreach (var group in byItem)
        {
            var item = Definition.FindItem(group.Key)!;
            var boxes = group.ToList();
            if (random.NextDouble() < 0.08 && group.Key != correctedItem && group.Key != circledItem) continue; // left blank
            var chosen = item.Type == AnswerType.Multi
                ? boxes.Where(_ => random.NextDouble() < 0.4).DefaultIfEmpty(boxes[0]).ToList()
                : [boxes[random.Next(boxes.Count)]];
            intended[group.Key] = string.Join(' ', chosen.Select(c => c.Box.Value));
            foreach (var (page, box) in chosen)
            {
                using var canvas = new SKCanvas(pages[page - 1]);
                if (group.Key == circledItem) Circle(canvas, box, scale, random);
                else Mark(canvas, box, scale, styles[random.Next(styles.Length)], random);
            }
            if (group.Key == correctedItem)
            {
                // The first choice was another box, filled then scribbled over.
                var (page, other) = boxes.First(b => !chosen.Contains(b));
                using var canvas = new SKCanvas(pages[page - 1]);
                Mark(canvas, other, scale, FillStyle.Full, random);
                Scribble(canvas, other, scale, random);
            }
        }
        return new CorpusSheet(serial, pages, intended, corrected, circled);
    }

    private static SKPaint Pen(byte gray, double widthMm, double scale) => new()
    {
        Color = new SKColor(gray, gray, gray), StrokeWidth = (float)(widthMm * scale), IsAntialias = true,
        Style = SKPaintStyle.Stroke, StrokeCap = SKStrokeCap.Round,
    };

    public static void Mark(SKCanvas canvas, PaperBox box, double scale, FillStyle style, Random random)
    {
        float X(double mm) => (float)((box.X + mm + (random.NextDouble() - 0.5) * 0.3) * scale);
        float Y(double mm) => (float)((box.Y + mm + (random.NextDouble() - 0.5) * 0.3) * scale);
        var ink = (byte)random.Next(10, 60);
        switch (style)
        {
            case FillStyle.Full:
            {
                using var paint = new SKPaint { Color = new SKColor(ink, ink, ink), Style = SKPaintStyle.Fill, IsAntialias = true };
                canvas.DrawRect(SKRect.Create(X(0.4), Y(0.4), (float)(4.2 * scale), (float)(4.2 * scale)), paint);
                break;
            }
            case FillStyle.OverBorder:
            {
                using var paint = new SKPaint { Color = new SKColor(ink, ink, ink), Style = SKPaintStyle.Fill, IsAntialias = true };
                canvas.DrawRect(SKRect.Create(X(-0.7), Y(-0.6), (float)(6.3 * scale), (float)(6.2 * scale)), paint);
                break;
            }
            case FillStyle.LightPencil:
            {
                var gray = (byte)random.Next(120, 160);
                using var paint = Pen(gray, 0.45, scale);
                for (var y = 0.7; y < 4.4; y += 0.45) canvas.DrawLine(X(0.5), Y(y), X(4.5), Y(y + 0.3), paint);
                break;
            }
            case FillStyle.Cross:
            {
                using var paint = Pen(ink, 0.45, scale);
                canvas.DrawLine(X(0.5), Y(0.5), X(4.5), Y(4.5), paint);
                canvas.DrawLine(X(4.5), Y(0.5), X(0.5), Y(4.5), paint);
                break;
            }
            case FillStyle.Tick:
            {
                using var paint = Pen(ink, 0.5, scale);
                canvas.DrawLine(X(0.8), Y(2.6), X(2.0), Y(4.3), paint);
                canvas.DrawLine(X(2.0), Y(4.3), X(4.6), Y(0.6), paint);
                break;
            }
        }
    }

    private static void Scribble(SKCanvas canvas, PaperBox box, double scale, Random random)
    {
        using var paint = Pen((byte)random.Next(10, 50), 0.5, scale);
        var y = box.Y - 2.0;
        var left = true;
        while (y < box.Y + box.H + 2.0)
        {
            var x1 = (left ? box.X - 2.2 : box.X + box.W + 2.2) * scale;
            var x2 = (left ? box.X + box.W + 2.2 : box.X - 2.2) * scale;
            canvas.DrawLine((float)x1, (float)(y * scale), (float)x2, (float)((y + 0.8) * scale), paint);
            y += 0.8;
            left = !left;
        }
    }

    private static void Circle(SKCanvas canvas, PaperBox box, double scale, Random random)
    {
        using var paint = Pen((byte)random.Next(10, 50), 0.45, scale);
        canvas.DrawOval((float)((box.X + box.W / 2) * scale), (float)((box.Y + box.H / 2) * scale), (float)(4.2 * scale), (float)(3.8 * scale), paint);
    }

    /// <summary>The dpi a degradation is rasterised at.</summary>
    public static int DpiOf(Degradation d) => d switch { Degradation.Dpi150 => 150, Degradation.Dpi200 => 200, Degradation.PhonePhoto => 200, _ => 300 };

    /// <summary>A degraded copy of a page, as the bytes a scanner or phone would send (PNG, or JPEG for photos and q50).</summary>
    public static byte[] Degrade(SKBitmap page, Degradation degradation, int seed)
    {
        var random = new Random(seed);
        using var bitmap = degradation switch
        {
            Degradation.Rotate => Transform(page, SKMatrix.CreateRotationDegrees((float)((random.NextDouble() * 2 - 1) * 5), page.Width / 2f, page.Height / 2f), page.Width, page.Height),
            Degradation.PhonePhoto => Photo(page, random),
            _ => page.Copy(SKColorType.Rgba8888),
        };
        switch (degradation)
        {
            case Degradation.Noise: AddNoise(bitmap, random, 22); break;
            case Degradation.Photocopy: Photocopy(bitmap); break;
            case Degradation.PhonePhoto: Shadow(bitmap); AddNoise(bitmap, random, 8); break;
        }
        if (degradation == Degradation.Blur)
        {
            using var blurred = new SKBitmap(bitmap.Info);
            using (var canvas = new SKCanvas(blurred))
            using (var paint = new SKPaint { ImageFilter = SKImageFilter.CreateBlur(1.6f, 1.6f) })
                canvas.DrawBitmap(bitmap, 0, 0, paint);
            return Encode(blurred, SKEncodedImageFormat.Png, 100);
        }
        return degradation is Degradation.Jpeg50 or Degradation.PhonePhoto
            ? Encode(bitmap, SKEncodedImageFormat.Jpeg, degradation == Degradation.Jpeg50 ? 50 : 80)
            : Encode(bitmap, SKEncodedImageFormat.Png, 100);
    }

    private static byte[] Encode(SKBitmap bitmap, SKEncodedImageFormat format, int quality)
    {
        using var rgba = bitmap.Copy(SKColorType.Rgba8888);
        using var data = rgba.Encode(format, quality);
        return data.ToArray();
    }

    private static SKBitmap Transform(SKBitmap page, SKMatrix matrix, int width, int height)
    {
        var result = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using var canvas = new SKCanvas(result);
        canvas.Clear(new SKColor(235, 235, 230));
        canvas.SetMatrix(matrix);
        using var paint = new SKPaint { IsAntialias = true };
        using var image = SKImage.FromBitmap(page);
        canvas.DrawImage(image, 0, 0, new SKSamplingOptions(SKFilterMode.Linear), paint);
        return result;
    }

    /// <summary>A phone photo: the page smaller than the frame, tilted, in perspective (top farther than bottom), on a grey desk.</summary>
    private static SKBitmap Photo(SKBitmap page, Random random)
    {
        var w = page.Width; var h = page.Height;
        var src = new[] { new SKPoint(0, 0), new SKPoint(w, 0), new SKPoint(w, h), new SKPoint(0, h) };
        float J() => (float)((random.NextDouble() - 0.5) * 0.04 * w);
        var inset = 0.07f * w;
        var dst = new[]
        {
            new SKPoint(inset * 1.6f + J(), inset + J()), new SKPoint(w - inset * 1.6f + J(), inset + J()),
            new SKPoint(w - inset * 0.6f + J(), h - inset + J()), new SKPoint(inset * 0.6f + J(), h - inset + J()),
        };
        return Transform(page, PerspectiveMatrix(src, dst), w, h);
    }

    /// <summary>The 3×3 perspective matrix mapping four points to four points (solved by MathNet, as the reader does).</summary>
    private static SKMatrix PerspectiveMatrix(SKPoint[] src, SKPoint[] dst)
    {
        var a = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(8, 8);
        var b = MathNet.Numerics.LinearAlgebra.Vector<double>.Build.Dense(8);
        for (var i = 0; i < 4; i++)
        {
            double x = src[i].X, y = src[i].Y, u = dst[i].X, v = dst[i].Y;
            a.SetRow(2 * i, new[] { x, y, 1, 0, 0, 0, -u * x, -u * y });
            a.SetRow(2 * i + 1, new[] { 0, 0, 0, x, y, 1, -v * x, -v * y });
            b[2 * i] = u; b[2 * i + 1] = v;
        }
        var h = a.Solve(b);
        return new SKMatrix((float)h[0], (float)h[1], (float)h[2], (float)h[3], (float)h[4], (float)h[5], (float)h[6], (float)h[7], 1);
    }

    private static void AddNoise(SKBitmap bitmap, Random random, double sigma) => Map(bitmap, (v, _, _) =>
    {
        // Sum of three uniforms: close enough to Gaussian noise, and cheap for millions of pixels.
        var g = (random.NextDouble() + random.NextDouble() + random.NextDouble() - 1.5) * 2;
        return v + g * sigma;
    });

    /// <summary>A dark, low-contrast photocopy: grey paper, black not quite black.</summary>
    private static void Photocopy(SKBitmap bitmap) => Map(bitmap, (v, _, _) => 70 + v * 0.62);

    /// <summary>A shadow across the page, from one side (half the light at its darkest).</summary>
    private static void Shadow(SKBitmap bitmap) => Map(bitmap, (v, x, _) => v * (0.5 + 0.5 * Math.Min(1, x / (0.8 * bitmap.Width))));

    private static void Map(SKBitmap bitmap, Func<double, int, int, double> f)
    {
        // Every corpus bitmap is RGBA (see Blank); grey in, grey out.
        var span = bitmap.GetPixelSpan();
        var bytes = System.Runtime.InteropServices.MemoryMarshal.CreateSpan(ref System.Runtime.InteropServices.MemoryMarshal.GetReference(span), span.Length);
        for (var y = 0; y < bitmap.Height; y++)
            for (var x = 0; x < bitmap.Width; x++)
            {
                var i = (y * bitmap.Width + x) * 4;
                var v = (byte)Math.Clamp(f(bytes[i], x, y), 0, 255);
                bytes[i] = bytes[i + 1] = bytes[i + 2] = v;
                bytes[i + 3] = 255;
            }
    }

    public void Dispose()
    {
        foreach (var pages in _rasters.Values) foreach (var p in pages) p.Dispose();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
