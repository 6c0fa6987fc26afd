using System.Text.RegularExpressions;
using CchcSurvey.Web.Data;
using CchcSurvey.Web.Surveys;

namespace CchcSurvey.Web.Pages.Admin;

/// <summary>One QR code to print: where it hangs and where it leads.</summary>
public sealed partial record QrPoster(string UnitName, string UnitCode, string CounterName, string CounterCode, bool IsActive, string SurveyUrl, string Svg)
{
    /// <summary>The instruction line printed under every code.</summary>
    public const string Instruction = "Quét mã QR bằng camera điện thoại để đánh giá sự phục vụ — ẩn danh, dưới 1 phút.";

    /// <summary>
    /// The trust panel of the citizen pages in one line. Printed with the site's domain in large type, so that a
    /// citizen can check where the code leads before scanning (QR scams paste their own code over real ones).
    /// </summary>
    public static string TrustLine(string runBy) =>
        $"Do {runBy} tổ chức · miễn phí · không hỏi tên, số điện thoại · cán bộ tại quầy không xem được ai trả lời thế nào. Mã đúng chỉ dẫn tới:";

    /// <summary>The host the code leads to (e.g. khaosat.langson.gov.vn), printed large under the trust line.</summary>
    public string Domain => Uri.TryCreate(SurveyUrl, UriKind.Absolute, out var uri) ? uri.Authority : SurveyUrl;

    public static QrPoster For(Counter counter, Unit unit, QrCodes qr, HttpRequest request)
    {
        var url = qr.SurveyUrl(request, counter.Code);
        return new QrPoster(unit.Name, unit.Code, counter.Name, counter.Code, counter.IsActive && unit.IsActive, url, ScalableSvg(QrCodes.CounterSvg(url)));
    }

    /// <summary>
    /// QRCoder's SVG with its fixed pixel width and height removed from the root element (it keeps its
    /// viewBox), so that CSS sizes it in millimetres for print; no XML declaration, as it goes inline.
    /// Any <c>style="…"</c> attribute becomes presentation attributes (<c>fill="…"</c>): the page's CSP
    /// forbids inline styles.
    /// </summary>
    public static string ScalableSvg(string svg)
    {
        svg = XmlDeclaration().Replace(svg, "");
        svg = StyleAttribute().Replace(svg, m => PresentationAttributes(m.Groups[1].Value));
        var start = svg.IndexOf("<svg", StringComparison.Ordinal);
        if (start < 0) return svg;
        var end = svg.IndexOf('>', start);
        if (end < 0) return svg;
        var root = svg[start..(end + 1)];
        if (!root.Contains("viewBox", StringComparison.Ordinal))
        {
            var w = Attribute("width").Match(root);
            var h = Attribute("height").Match(root);
            if (!w.Success || !h.Success) return svg;
            root = root.Replace("<svg", $"<svg viewBox=\"0 0 {w.Groups[1].Value} {h.Groups[1].Value}\"");
        }
        root = Attribute("width").Replace(root, "", 1);
        root = Attribute("height").Replace(root, "", 1);
        root = root.Replace("<svg", "<svg role=\"img\" aria-label=\"QR\" class=\"qr-code\"");
        return svg[..start] + root + svg[(end + 1)..];
    }

    private static readonly Regex Width = new("\\swidth=\"([0-9.]+)(?:px)?\"", RegexOptions.CultureInvariant);
    private static readonly Regex Height = new("\\sheight=\"([0-9.]+)(?:px)?\"", RegexOptions.CultureInvariant);
    private static Regex Attribute(string name) => name == "width" ? Width : Height;

    private static readonly HashSet<string> SvgPresentation = new(StringComparer.Ordinal)
    {
        "fill", "fill-opacity", "fill-rule", "stroke", "stroke-width", "stroke-opacity", "opacity", "shape-rendering",
    };

    /// <summary><c>fill:#000;stroke:none</c> → <c> fill="#000" stroke="none"</c>; unknown properties are dropped.</summary>
    private static string PresentationAttributes(string style)
    {
        var attributes = new System.Text.StringBuilder();
        foreach (var declaration in style.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var colon = declaration.IndexOf(':');
            if (colon <= 0) continue;
            var name = declaration[..colon].Trim().ToLowerInvariant();
            var value = declaration[(colon + 1)..].Trim();
            if (!SvgPresentation.Contains(name) || value.Length == 0 || value.IndexOfAny(['"', '<', '>', '&']) >= 0) continue;
            attributes.Append(' ').Append(name).Append("=\"").Append(value).Append('"');
        }
        return attributes.ToString();
    }

    [GeneratedRegex("\\sstyle=\"([^\"]*)\"", RegexOptions.CultureInvariant)]
    private static partial Regex StyleAttribute();

    [GeneratedRegex(@"<\?xml[^>]*\?>\s*")]
    private static partial Regex XmlDeclaration();
}
