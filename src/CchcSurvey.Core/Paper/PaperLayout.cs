using System.Text.Json.Serialization;
using CchcSurvey.Core.Instruments;
using PdfSharp.Drawing;

namespace CchcSurvey.Core.Paper;

/// <summary>One answer box: the item, the answer value it stands for (level or option code), its place in mm from the page's top-left.</summary>
public sealed record PaperBox(
    [property: JsonPropertyName("item")] string Item,
    [property: JsonPropertyName("value")] string Value,
    [property: JsonPropertyName("x")] double X,
    [property: JsonPropertyName("y")] double Y,
    [property: JsonPropertyName("w")] double W,
    [property: JsonPropertyName("h")] double H);

/// <summary>A line of text to print (mm from the top-left, baseline-free: <see cref="Y"/> is the top of the line).</summary>
public sealed record PaperText(double X, double Y, string Text, double SizePt, bool Bold, double MaxWidth = 0);

/// <summary>A thin ruled line (for free text, which the machine does not read).</summary>
public sealed record PaperRule(double X1, double Y, double X2);

public sealed record PaperPageLayout(
    [property: JsonPropertyName("page")] int Page,
    [property: JsonPropertyName("boxes")] IReadOnlyList<PaperBox> Boxes,
    [property: JsonIgnore] IReadOnlyList<PaperText> Texts,
    [property: JsonIgnore] IReadOnlyList<PaperRule> Rules);

/// <summary>
/// Where everything of one instrument's paper form is printed. The same on every sheet of the instrument and
/// language (the serial is only in the QR code and one printed line), so a reader needs only the layout of the
/// instrument's version and language named by the QR code. Serialised as the contract's <c>layout.json</c>.
/// </summary>
public sealed record PaperLayout(
    [property: JsonPropertyName("pageWidthMm")] double PageWidthMm,
    [property: JsonPropertyName("pageHeightMm")] double PageHeightMm,
    [property: JsonPropertyName("pages")] IReadOnlyList<PaperPageLayout> Pages)
{
    public const double Width = 210, Height = 297;

    /// <summary>Solid corner marks: side and top-left corners (mm). Their centres are the reader's reference points.</summary>
    public const double MarkSize = 8;
    public static readonly (double X, double Y)[] MarkCorners = [(10, 10), (Width - 18, 10), (Width - 18, Height - 18), (10, Height - 18)];

    /// <summary>Centres of the corner marks, clockwise from the top-left.</summary>
    public static (double X, double Y)[] MarkCentres => MarkCorners.Select(c => (c.X + MarkSize / 2, c.Y + MarkSize / 2)).ToArray();

    /// <summary>The QR code's square (mm), inside the top-right, clear of the corner mark.</summary>
    public const double QrX = 168, QrY = 20, QrSize = 24;

    public const double BoxSize = 5;
    public const double PointsPerMm = 72 / 25.4;
    private const double Left = 18, Right = 192, Top = 50, Bottom = 272;

    [JsonIgnore] public int PageCount => Pages.Count;

    /// <summary>The words printed on a form that do not come from the instrument, in one language.</summary>
    public sealed record Words(string Instructions, string Continued, string Page, string FreeText, string MultiHint, string[] Likert5, string[] Likert3, string Yes, string No)
    {
        public static Words For(string language) => language.StartsWith("en", StringComparison.OrdinalIgnoreCase)
            ? new("Mark with an X or fill the box completely. Leave blank if you have no opinion.", "(continued)", "Page", "(not read by machine)",
                "(several may be marked)",
                ["Very dissatisfied", "Dissatisfied", "Neutral", "Satisfied", "Very satisfied"], ["Dissatisfied", "Satisfied", "Very satisfied"], "Yes", "No")
            : new("Đánh dấu X hoặc tô kín ô. Để trống nếu không có ý kiến.", "(tiếp theo)", "Trang", "(máy không đọc phần này)",
                "(có thể chọn nhiều)",
                ["Rất không hài lòng", "Không hài lòng", "Bình thường", "Hài lòng", "Rất hài lòng"], ["Không hài lòng", "Hài lòng", "Rất hài lòng"], "Có", "Không");
    }

    /// <summary>The answer boxes of an item, in the order printed: (value, label).</summary>
    public static IReadOnlyList<(string Value, string Label)> Options(ItemDefinition item, string language, Words words) => item.Type switch
    {
        AnswerType.Likert5 or AnswerType.Likert3 => Enumerable.Range(1, item.Type == AnswerType.Likert5 ? 5 : 3).Select(level =>
            (level.ToString(System.Globalization.CultureInfo.InvariantCulture),
             item.Scale is { } scale && scale.Count == (item.Type == AnswerType.Likert5 ? 5 : 3) ? scale[level - 1].For(language)
                : (item.Type == AnswerType.Likert5 ? words.Likert5 : words.Likert3)[level - 1])).ToList(),
        AnswerType.YesNo => [("1", words.Yes), ("0", words.No)],
        AnswerType.Choice or AnswerType.Points or AnswerType.Multi => item.Options.Select(o => (o.Code, o.Label.For(language))).ToList(),
        _ => [],
    };

    /// <summary>Lays out an instrument on A4 pages in one language ("vi" or "en"); long instruments continue on further pages.</summary>
    public static PaperLayout Build(InstrumentDefinition definition, string language)
    {
        PaperFonts.Install();
        var words = Words.For(language);
        var measure = XGraphics.CreateMeasureContext(new XSize(Width * PointsPerMm, Height * PointsPerMm), XGraphicsUnit.Point, XPageDirection.Downwards);
        var pages = new List<(List<PaperBox> Boxes, List<PaperText> Texts, List<PaperRule> Rules)>();
        List<PaperBox> boxes = null!;
        List<PaperText> texts = null!;
        List<PaperRule> rules = null!;
        var y = 0.0;
        NewPage();

        void NewPage()
        {
            boxes = []; texts = []; rules = [];
            pages.Add((boxes, texts, rules));
            y = Top;
            if (pages.Count > 1)
            {
                var title = Wrap(measure, $"{definition.Title.For(language)} {words.Continued}", 11, true, QrX - Left - 4);
                for (var i = 0; i < title.Count; i++) texts.Add(new PaperText(Left, 20 + i * 5, title[i], 11, true));
            }
        }

        foreach (var section in definition.Sections)
        {
            var sectionTitle = Wrap(measure, section.Title.For(language), 10, true, Right - Left);
            var firstBlock = true;
            foreach (var item in section.Items)
            {
                var block = Block(measure, item, language, words);
                var titleHeight = firstBlock ? sectionTitle.Count * 4.6 + 1.5 : 0;
                if (y + titleHeight + block.Height > Bottom && y > Top) NewPage();
                if (firstBlock)
                {
                    foreach (var line in sectionTitle) { texts.Add(new PaperText(Left, y, line, 10, true)); y += 4.6; }
                    y += 1.5;
                    firstBlock = false;
                }
                foreach (var t in block.Texts) texts.Add(t with { Y = t.Y + y });
                foreach (var b in block.Boxes) boxes.Add(b with { Y = b.Y + y });
                foreach (var r in block.Rules) rules.Add(r with { Y = r.Y + y });
                y += block.Height;
            }
            y += 2;
        }
        return new PaperLayout(Width, Height, pages.Select((p, i) => new PaperPageLayout(i + 1, p.Boxes, p.Texts, p.Rules)).ToList());
    }

    private sealed record ItemBlock(double Height, List<PaperText> Texts, List<PaperBox> Boxes, List<PaperRule> Rules);

    /// <summary>One question, positioned from y = 0. Boxes keep 3 mm of clear paper around them (the reader looks there).</summary>
    private static ItemBlock Block(XGraphics measure, ItemDefinition item, string language, Words words)
    {
        var texts = new List<PaperText>();
        var boxes = new List<PaperBox>();
        var rules = new List<PaperRule>();
        var question = item.Text.For(language);
        if (item.Type == AnswerType.Multi && !question.Contains('(')) question += " " + words.MultiHint;
        var y = 0.0;
        foreach (var line in Wrap(measure, question, 9, false, Right - Left)) { texts.Add(new PaperText(Left, y, line, 9, false)); y += 4.1; }
        if (item.Type == AnswerType.Text)
        {
            texts.Add(new PaperText(Left, y, words.FreeText, 7, false));
            y += 3.5;
            for (var i = 0; i < 2; i++) { y += 6; rules.Add(new PaperRule(Left, y, Right)); }
            return new ItemBlock(y + 3, texts, boxes, rules);
        }
        y += 3; // clear paper above the boxes
        var options = Options(item, language, words);
        // One row when every label fits in its column on two lines; otherwise two columns, one option a row.
        var columns = options.Count <= 5 ? options.Count : 2;
        var columnWidth = (Right - Left) / Math.Max(columns, 3);
        var labelWidth = columnWidth - BoxSize - 4;
        var wrapped = options.Select(o => Wrap(measure, o.Label, 8, false, labelWidth)).ToList();
        if (options.Count <= 5 && wrapped.Any(w => w.Count > 2))
        {
            columns = 2;
            columnWidth = (Right - Left) / 2;
            labelWidth = columnWidth - BoxSize - 4;
            wrapped = options.Select(o => Wrap(measure, o.Label, 8, false, labelWidth)).ToList();
        }
        for (var start = 0; start < options.Count; start += columns)
        {
            var rowHeight = BoxSize;
            for (var c = 0; c < columns && start + c < options.Count; c++)
            {
                var index = start + c;
                var x = Left + c * columnWidth;
                boxes.Add(new PaperBox(item.Code, options[index].Value, x, y, BoxSize, BoxSize));
                var lines = wrapped[index];
                var textTop = y + (lines.Count == 1 ? 1.0 : -0.3);
                for (var l = 0; l < lines.Count; l++) texts.Add(new PaperText(x + BoxSize + 3.2, textTop + l * 3.4, lines[l], 8, false));
                rowHeight = Math.Max(rowHeight, lines.Count * 3.4);
            }
            y += rowHeight + 3.2;
        }
        return new ItemBlock(y + 0.8, texts, boxes, rules);
    }

    internal static XFont Font(double sizePt, bool bold) => new(PaperFonts.Family, sizePt, bold ? XFontStyleEx.Bold : XFontStyleEx.Regular);

    /// <summary>Greedy word wrap by measured width (mm).</summary>
    internal static List<string> Wrap(XGraphics measure, string text, double sizePt, bool bold, double width)
    {
        var font = Font(sizePt, bold);
        var lines = new List<string>();
        var current = "";
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = current.Length == 0 ? word : current + " " + word;
            if (current.Length > 0 && measure.MeasureString(candidate, font).Width / PointsPerMm > width)
            {
                lines.Add(current);
                current = word;
            }
            else current = candidate;
        }
        if (current.Length > 0 || lines.Count == 0) lines.Add(current);
        return lines;
    }

    /// <summary>The page of a box of an item, for readers that need to know where an item lives.</summary>
    public IEnumerable<(int Page, PaperBox Box)> AllBoxes() => Pages.SelectMany(p => p.Boxes.Select(b => (p.Page, b)));
}
