using Microsoft.AspNetCore.Html;

namespace CchcSurvey.Web.Pages.Survey;

/// <summary>
/// Drawn faces for the quick rating (1 = very unhappy … 5 = very happy): drawn, not emoji, so that they look
/// the same on every phone and kiosk whatever fonts it has. Presentation attributes only (the CSP forbids style).
/// </summary>
public static class Faces
{
    private static readonly HtmlString[] Svg = Enumerable.Range(1, 5).Select(Draw).ToArray();

    public static HtmlString For(int level) => Svg[Math.Clamp(level, 1, 5) - 1];

    private static HtmlString Draw(int level)
    {
        var (fill, mouth) = level switch
        {
            1 => ("#ef9a9a", "M12 29 Q20 20 28 29"),
            2 => ("#ffcc80", "M13 28 Q20 24 27 28"),
            3 => ("#fff59d", "M13 27 L27 27"),
            4 => ("#c5e1a5", "M13 25 Q20 30 27 25"),
            _ => ("#a5d6a7", "M12 24 Q20 34 28 24"),
        };
        return new HtmlString(
            $"<svg class=\"face\" viewBox=\"0 0 40 40\" width=\"40\" height=\"40\" aria-hidden=\"true\" focusable=\"false\">" +
            $"<circle cx=\"20\" cy=\"20\" r=\"18\" fill=\"{fill}\" stroke=\"#333\" stroke-width=\"1.5\"/>" +
            "<circle cx=\"14\" cy=\"16\" r=\"2.3\" fill=\"#222\"/><circle cx=\"26\" cy=\"16\" r=\"2.3\" fill=\"#222\"/>" +
            $"<path d=\"{mouth}\" fill=\"none\" stroke=\"#222\" stroke-width=\"2.4\" stroke-linecap=\"round\"/></svg>");
    }
}
