using ZXing;
using ZXing.Common;
using ZXing.QrCode;

namespace CchcSurvey.Core.Paper;

public enum MarkState { Empty, Filled, Uncertain }

/// <summary>What the reader saw in one answer box: its ink (0 paper … 1 as dark as the printed border) and decision.</summary>
public sealed record BoxMark(string Item, string Value, double Ink, double RingInk, MarkState State);

public enum PageStatus
{
    /// <summary>QR code, corners and every box measured.</summary>
    Read,
    /// <summary>No QR code could be decoded: the page cannot be matched to a sheet.</summary>
    NoQr,
    /// <summary>The QR code was read but the four corner marks were not found.</summary>
    NoCorners,
    /// <summary>The QR code names an instrument or page the caller does not know.</summary>
    UnknownForm,
}

/// <summary>The reading of one page. <see cref="Transform"/> maps page millimetres to image pixels (null unless read).</summary>
public sealed record PageReading(PageStatus Status, PaperQr? Qr, IReadOnlyList<BoxMark> Marks, Homography? Transform);

/// <summary>
/// Reads a scanned or photographed page of a printed form: finds the four solid corner marks, solves the
/// homography from the page's millimetres to the image (any rotation, scale, perspective), reads the QR code
/// from its rectified square (which also tells which corner is the top-left), then measures each box's ink
/// relative to the box's own printed border and the paper around it, so that a pale scan, a dark photocopy or a
/// shadow on a phone photo are judged on their own terms. Decisions err towards "uncertain": a person settles
/// those; a wrong answer is never stored without one.
/// </summary>
public static class MarkReader
{
    /// <summary>Below this ink a box is empty, above <see cref="FilledInk"/> filled; in between a person decides.</summary>
    public const double EmptyInk = 0.07, FilledInk = 0.17;

    /// <summary>A heavily inked box with this much ink in the paper around it was scribbled over (crossed out).</summary>
    public const double CrossedOutRing = 0.12, CrossedOutInk = 0.45;

    /// <summary>This much ink around an empty box (a circle drawn around it) makes it uncertain.</summary>
    public const double CircledRing = 0.06;

    /// <summary>Reads a page; <paramref name="layoutOf"/> gives the layout page named by a QR code (null: unknown form).</summary>
    public static PageReading Read(GrayImage image, Func<PaperQr, PaperPageLayout?> layoutOf)
    {
        var marks = FindCornerMarks(image);
        if (marks is null)
        {
            // Without corners the page cannot be measured, but its QR code still says which sheet it belongs to.
            var found = DecodeWholeImage(image);
            return new PageReading(found is null ? PageStatus.NoQr : PageStatus.NoCorners, found, [], null);
        }
        var page = PaperLayout.MarkCentres;
        // Try the page upright first, then upside down, then on its sides: the QR code decides.
        foreach (var rotation in new[] { 0, 2, 1, 3 })
        {
            var to = Enumerable.Range(0, 4).Select(i => marks[(i + rotation) % 4]).ToArray();
            var h = Homography.Solve(page, to);
            if (h is null) continue;
            var qr = DecodeQr(image, h);
            if (qr is null) continue;
            var layout = layoutOf(qr);
            if (layout is null) return new PageReading(PageStatus.UnknownForm, qr, [], h);
            return new PageReading(PageStatus.Read, qr, MeasureBoxes(image, h, layout), h);
        }
        return new PageReading(PageStatus.NoQr, DecodeWholeImage(image), [], null);
    }

    // ------------------------------------------------------------------ corner marks

    /// <summary>Image positions of the four marks' centres, clockwise from the image's top-left; null when one is missing.</summary>
    internal static (double X, double Y)[]? FindCornerMarks(GrayImage image)
    {
        // The marks are 8 mm squares: at about 4 pixels a millimetre they are still 30 pixels wide, so the search runs on
        // the page reduced to that (block means), a ninth of a 300-dpi page's pixels; the centres are then refined at
        // full resolution.
        var fullScale = Math.Max(image.Width, image.Height) / PaperLayout.Height;
        var factor = Math.Max(1, (int)(fullScale / 4));
        var small = factor == 1 ? image : Reduce(image, factor);
        var found = FindCornerMarksAt(small);
        if (found is null || factor == 1) return found;
        for (var i = 0; i < 4; i++) found[i] = Refine(image, found[i].X * factor, found[i].Y * factor, PaperLayout.MarkSize * fullScale);
        return found;
    }

    /// <summary>The image reduced by an integer factor, each pixel the mean of its block.</summary>
    private static GrayImage Reduce(GrayImage image, int factor)
    {
        var w = image.Width / factor;
        var h = image.Height / factor;
        var sums = new int[w];
        var pixels = new byte[w * h];
        var source = image.Pixels;
        var area = factor * factor;
        for (var y = 0; y < h; y++)
        {
            Array.Clear(sums);
            for (var dy = 0; dy < factor; dy++)
            {
                var row = (y * factor + dy) * image.Width;
                for (var x = 0; x < w; x++)
                {
                    var i = row + x * factor;
                    var sum = 0;
                    for (var dx = 0; dx < factor; dx++) sum += source[i + dx];
                    sums[x] += sum;
                }
            }
            for (var x = 0; x < w; x++) pixels[y * w + x] = (byte)(sums[x] / area);
        }
        return new GrayImage(w, h, pixels);
    }

    /// <summary>
    /// The centre of the dark square near a rough centre, at full resolution: the ink-weighted centroid of a window one
    /// and a half marks wide, ink measured from the window's paper (its brightest tenth) down to the mark's black.
    /// </summary>
    private static (double X, double Y) Refine(GrayImage image, double cx, double cy, double markPixels)
    {
        var half = (int)Math.Ceiling(markPixels * 0.75);
        int x0 = Math.Max(0, (int)cx - half), x1 = Math.Min(image.Width - 1, (int)cx + half);
        int y0 = Math.Max(0, (int)cy - half), y1 = Math.Min(image.Height - 1, (int)cy + half);
        Span<int> histogram = stackalloc int[256];
        for (var y = y0; y <= y1; y++)
            for (var x = x0; x <= x1; x++) histogram[image.Pixels[y * image.Width + x]]++;
        var count = (x1 - x0 + 1) * (y1 - y0 + 1);
        int black = 0, paper = 255, seen = 0;
        for (var v = 0; v < 256; v++) { seen += histogram[v]; if (seen >= count / 20) { black = v; break; } }
        seen = 0;
        for (var v = 255; v >= 0; v--) { seen += histogram[v]; if (seen >= count / 10) { paper = v; break; } }
        if (paper - black < 30) return (cx, cy);
        var mid = (paper + black) / 2.0;
        double sx = 0, sy = 0, sw = 0;
        for (var y = y0; y <= y1; y++)
            for (var x = x0; x <= x1; x++)
            {
                var g = image.Pixels[y * image.Width + x];
                if (g >= mid) continue;
                var weight = Math.Min(1.0, (paper - g) / (paper - (double)black));
                sx += weight * (x + 0.5); sy += weight * (y + 0.5); sw += weight;
            }
        return sw > 0 ? (sx / sw, sy / sw) : (cx, cy);
    }

    private static (double X, double Y)[]? FindCornerMarksAt(GrayImage image)
    {
        var w = image.Width;
        var h = image.Height;
        // Pixels per millimetre if the page filled the image; a photo's page may be smaller.
        var full = Math.Max(w, h) / PaperLayout.Height;
        var minSide = PaperLayout.MarkSize * full * 0.35;
        var maxSide = PaperLayout.MarkSize * full * 1.25;
        var rw = (int)(w * 0.38);
        var rh = (int)(h * 0.32);
        (int X0, int Y0, int CornerX, int CornerY)[] regions = [(0, 0, 0, 0), (w - rw, 0, w, 0), (w - rw, h - rh, w, h), (0, h - rh, 0, h)];
        var dark = Threshold(image, Math.Max(15, (int)(full * 30)), regions.Select(r => (r.X0, r.Y0, rw, rh)).ToArray());
        var result = new (double, double)[4];
        for (var r = 0; r < 4; r++)
        {
            var (x0, y0, cx, cy) = regions[r];
            var best = double.MaxValue;
            (double X, double Y)? found = null;
            foreach (var c in Components(dark, w, x0, y0, rw, rh))
            {
                var bw = c.MaxX - c.MinX + 1;
                var bh = c.MaxY - c.MinY + 1;
                if (bw < minSide || bh < minSide || bw > maxSide * 1.2 || bh > maxSide * 1.2) continue;
                var aspect = bw / (double)bh;
                if (aspect is < 0.6 or > 1.67) continue;
                if (c.Count < 0.7 * bw * bh) continue; // a solid square, not a QR finder pattern or a letter
                var mx = c.SumX / (double)c.Count;
                var my = c.SumY / (double)c.Count;
                var distance = Math.Sqrt((mx - cx) * (mx - cx) + (my - cy) * (my - cy));
                if (distance < best) { best = distance; found = (mx + 0.5, my + 0.5); }
            }
            if (found is null) return null;
            result[r] = found.Value;
        }
        return result;
    }

    /// <summary>Dark pixels against the local mean (integral image): a shadow or a grey photocopy keeps its marks.</summary>
    private static bool[] Threshold(GrayImage image, int radius, (int X0, int Y0, int W, int H)[] regions)
    {
        var w = image.Width;
        var h = image.Height;
        var integral = new long[(w + 1) * (h + 1)];
        for (var y = 0; y < h; y++)
        {
            long row = 0;
            for (var x = 0; x < w; x++)
            {
                row += image.Pixels[y * w + x];
                integral[(y + 1) * (w + 1) + x + 1] = integral[y * (w + 1) + x + 1] + row;
            }
        }
        var dark = new bool[w * h];
        foreach (var region in regions)
        for (var y = region.Y0; y < region.Y0 + region.H; y++)
        {
            var ya = Math.Max(0, y - radius); var yb = Math.Min(h, y + radius + 1);
            for (var x = region.X0; x < region.X0 + region.W; x++)
            {
                var xa = Math.Max(0, x - radius); var xb = Math.Min(w, x + radius + 1);
                var sum = integral[yb * (w + 1) + xb] - integral[ya * (w + 1) + xb] - integral[yb * (w + 1) + xa] + integral[ya * (w + 1) + xa];
                var mean = sum / (double)((xb - xa) * (yb - ya));
                dark[y * w + x] = image.Pixels[y * w + x] < mean * 0.7 && image.Pixels[y * w + x] < 170;
            }
        }
        return dark;
    }

    private sealed record Component(int Count, long SumX, long SumY, int MinX, int MinY, int MaxX, int MaxY);

    private static List<Component> Components(bool[] dark, int stride, int x0, int y0, int rw, int rh)
    {
        var seen = new bool[rw * rh];
        var list = new List<Component>();
        var stack = new Stack<int>();
        for (var y = 0; y < rh; y++)
            for (var x = 0; x < rw; x++)
            {
                if (seen[y * rw + x] || !dark[(y + y0) * stride + x + x0]) continue;
                int count = 0, minX = x, maxX = x, minY = y, maxY = y;
                long sx = 0, sy = 0;
                seen[y * rw + x] = true;
                stack.Push(y * rw + x);
                while (stack.Count > 0)
                {
                    var p = stack.Pop();
                    int px = p % rw, py = p / rw;
                    count++; sx += px; sy += py;
                    if (px < minX) minX = px; if (px > maxX) maxX = px;
                    if (py < minY) minY = py; if (py > maxY) maxY = py;
                    if (px > 0) Visit(p - 1, px - 1, py);
                    if (px < rw - 1) Visit(p + 1, px + 1, py);
                    if (py > 0) Visit(p - rw, px, py - 1);
                    if (py < rh - 1) Visit(p + rw, px, py + 1);
                }
                list.Add(new Component(count, sx + (long)x0 * count, sy + (long)y0 * count, minX + x0, minY + y0, maxX + x0, maxY + y0));
            }
        return list;

        void Visit(int q, int qx, int qy)
        {
            if (seen[q] || !dark[(qy + y0) * stride + qx + x0]) return;
            seen[q] = true;
            stack.Push(q);
        }
    }

    // ------------------------------------------------------------------ QR code

    private const double QrMargin = 2.5;

    /// <summary>
    /// Decodes the QR code from its square rectified through the homography (upright, undistorted). Tried at a few
    /// sampling scales, then sharpened to black and white at the square's own mid-grey: a blurred or low-resolution
    /// module grid that one scale loses another keeps.
    /// </summary>
    private static PaperQr? DecodeQr(GrayImage image, Homography h)
    {
        foreach (var pixelsPerMm in new[] { 8.0, 6.0, 11.0 })
        {
            var (pixels, n) = Rectify(image, h, pixelsPerMm, QrMargin);
            if (Decode(pixels, n, n) is { } qr) return qr;
            Sharpen(pixels);
            if (Decode(pixels, n, n) is { } sharpened) return sharpened;
        }
        // Last, the code's own square (QRCoder's quiet zone is inside it) read as a pure code: see Decode.
        foreach (var pixelsPerMm in new[] { 8.0, 11.0 })
        {
            var (pixels, n) = Rectify(image, h, pixelsPerMm, 0);
            Sharpen(pixels);
            if (Decode(pixels, n, n, pure: true) is { } pure) return pure;
        }
        return null;
    }

    /// <summary>The QR square (and a margin around it, mm) sampled upright through the homography.</summary>
    private static (byte[] Pixels, int Size) Rectify(GrayImage image, Homography h, double pixelsPerMm, double margin)
    {
        var n = (int)((PaperLayout.QrSize + 2 * margin) * pixelsPerMm);
        var pixels = new byte[n * n];
        for (var y = 0; y < n; y++)
            for (var x = 0; x < n; x++)
            {
                var (u, v) = h.Map(PaperLayout.QrX - margin + (x + 0.5) / pixelsPerMm, PaperLayout.QrY - margin + (y + 0.5) / pixelsPerMm);
                pixels[y * n + x] = (byte)Math.Clamp(image.Sample(u, v), 0, 255);
            }
        return (pixels, n);
    }

    /// <summary>Black and white at the square's own mid-grey.</summary>
    private static void Sharpen(byte[] pixels)
    {
        var sorted = (byte[])pixels.Clone();
        Array.Sort(sorted);
        var mid = (sorted[sorted.Length / 10] + sorted[sorted.Length * 9 / 10]) / 2;
        for (var i = 0; i < pixels.Length; i++) pixels[i] = pixels[i] < mid ? (byte)0 : (byte)255;
    }

    /// <summary>The QR code found anywhere in the image (slower; only when the corners are not found).</summary>
    private static PaperQr? DecodeWholeImage(GrayImage image)
    {
        // ZXing works best on a page of a few megapixels; larger photos are reduced first.
        var scale = Math.Max(1, (int)Math.Ceiling(Math.Max(image.Width, image.Height) / 2000.0));
        if (scale == 1) return Decode(image.Pixels, image.Width, image.Height);
        var w = image.Width / scale;
        var h = image.Height / scale;
        var pixels = new byte[w * h];
        for (var y = 0; y < h; y++)
            for (var x = 0; x < w; x++)
                pixels[y * w + x] = image.Pixels[y * scale * image.Width + x * scale];
        return Decode(pixels, w, h);
    }

    /// <summary>The QR code of a grey image, or null.</summary>
    /// <param name="pixels">Grey levels, row by row.</param>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    /// <param name="pure">
    /// The image is the code alone, upright, in its quiet zone (the square rectified through the homography): ZXing then
    /// reads the module grid from the code's bounds instead of looking for its finder patterns. About one code in 200
    /// that QRCoder writes at level M has data that ZXing's finder-pattern search rejects (a printed sheet whose page
    /// was then never read, "V841ACVV1Z" page 2 among them: MarkReaderTests); read as a pure code it is read.
    /// </param>
    private static PaperQr? Decode(byte[] pixels, int width, int height, bool pure = false)
    {
        var source = new RGBLuminanceSource(pixels, width, height, RGBLuminanceSource.BitmapFormat.Gray8);
        var hints = new Dictionary<DecodeHintType, object> { [DecodeHintType.TRY_HARDER] = true, [DecodeHintType.POSSIBLE_FORMATS] = new[] { BarcodeFormat.QR_CODE } };
        if (pure) hints[DecodeHintType.PURE_BARCODE] = true;
        foreach (var binarizer in new Binarizer[] { new HybridBinarizer(source), new GlobalHistogramBinarizer(source) })
        {
            try
            {
                var result = new QRCodeReader().decode(new BinaryBitmap(binarizer), hints);
                if (PaperQr.TryParse(result?.Text) is { } qr) return qr;
            }
            catch (ReaderException) { }
        }
        return null;
    }

    // ------------------------------------------------------------------ boxes

    private static List<BoxMark> MeasureBoxes(GrayImage image, Homography h, PaperPageLayout layout)
    {
        var marks = new List<BoxMark>(layout.Boxes.Count);
        foreach (var box in layout.Boxes) marks.Add(Measure(image, h, box));
        return marks;
    }

    /// <summary>
    /// Finds the printed border near where the homography puts it (paper stretches, lenses bend: up to ±0.8 mm),
    /// then measures ink inside it on a 0.1 mm grid. Ink of a sample = how far it is from the paper's grey towards
    /// the border's grey; the box's ink is the mean inside, 0.9 mm in from the border.
    /// </summary>
    internal static BoxMark Measure(GrayImage image, Homography h, PaperBox box)
    {
        var (dx, dy) = Align(image, h, box);
        double Gray(double x, double y)
        {
            var (u, v) = h.Map(x + dx, y + dy);
            return image.Sample(u, v);
        }
        var x0 = box.X; var y0 = box.Y; var x1 = box.X + box.W; var y1 = box.Y + box.H;

        // The border's grey: the darkest sample across the line at each point along it, the median of those.
        var border = new List<double>();
        for (var t = 0.6; t <= box.W - 0.6; t += 0.25)
        {
            border.Add(MinAcross(x0 + t, y0, 0, 1)); border.Add(MinAcross(x0 + t, y1, 0, 1));
            border.Add(MinAcross(x0, y0 + t, 1, 0)); border.Add(MinAcross(x1, y0 + t, 1, 0));
        }
        border.Sort();
        var borderGray = border[border.Count / 2];

        // The paper's grey: the median of a ring 1.2–2.4 mm around the box (clear of text by the layout).
        var ring = new List<double>();
        for (var y = y0 - 2.4; y <= y1 + 2.4; y += 0.2)
            for (var x = x0 - 2.4; x <= x1 + 2.4; x += 0.2)
                if (x < x0 - 1.2 || x > x1 + 1.2 || y < y0 - 1.2 || y > y1 + 1.2) ring.Add(Gray(x, y));
        var sortedRing = ring.ToArray();
        Array.Sort(sortedRing);
        var paper = sortedRing[sortedRing.Length / 2];
        var contrast = paper - borderGray;
        if (contrast < 25) return new BoxMark(box.Item, box.Value, 0, 0, MarkState.Uncertain);

        double Ink(double g) => Math.Clamp((paper - g) / contrast, 0, 1);
        double inner = 0; var n = 0;
        for (var y = y0 + 0.9; y <= y1 - 0.9 + 1e-9; y += 0.1)
            for (var x = x0 + 0.9; x <= x1 - 0.9 + 1e-9; x += 0.1) { inner += Ink(Gray(x, y)); n++; }
        var ink = inner / n;
        var ringInk = ring.Average(Ink);

        var state = ink <= EmptyInk ? MarkState.Empty : ink >= FilledInk ? MarkState.Filled : MarkState.Uncertain;
        if (ink >= CrossedOutInk && ringInk >= CrossedOutRing) state = MarkState.Uncertain;
        // Ink around an empty box: a circled box, or a mark that missed it. A person decides.
        if (state == MarkState.Empty && ringInk >= CircledRing) state = MarkState.Uncertain;
        return new BoxMark(box.Item, box.Value, Math.Round(ink, 4), Math.Round(ringInk, 4), state);

        double MinAcross(double x, double y, double ax, double ay)
        {
            var min = 255.0;
            for (var s = -0.3; s <= 0.3 + 1e-9; s += 0.1) min = Math.Min(min, Gray(x + ax * s, y + ay * s));
            return min;
        }
    }

    /// <summary>The offset (mm) that puts the most ink on the box's four border lines.</summary>
    private static (double Dx, double Dy) Align(GrayImage image, Homography h, PaperBox box)
    {
        // Border samples are taken once in image space per offset; 0.2 mm steps over ±0.8 mm.
        var best = double.MaxValue;
        (double, double) offset = (0, 0);
        for (var dy = -0.8; dy <= 0.8 + 1e-9; dy += 0.2)
            for (var dx = -0.8; dx <= 0.8 + 1e-9; dx += 0.2)
            {
                double sum = 0;
                for (var t = 0.0; t <= box.W + 1e-9; t += 0.5)
                {
                    sum += At(box.X + t, box.Y) + At(box.X + t, box.Y + box.H) + At(box.X, box.Y + t) + At(box.X + box.W, box.Y + t);
                }
                // Prefer the predicted place when offsets tie (an evenly filled or empty page region).
                sum += (Math.Abs(dx) + Math.Abs(dy)) * 2;
                if (sum < best) { best = sum; offset = (dx, dy); }

                double At(double x, double y)
                {
                    var (u, v) = h.Map(x + dx, y + dy);
                    return image.Sample(u, v);
                }
            }
        return offset;
    }
}
