using System.Reflection;
using PdfSharp.Fonts;

namespace CchcSurvey.Core.Paper;

/// <summary>
/// Serves Noto Sans (SIL Open Font License, shipped as an embedded resource) to PDFsharp for every family it is
/// asked for: paper forms must print every Vietnamese letter the same on every server, so no system font is ever
/// looked up.
/// </summary>
public sealed class PaperFonts : IFontResolver
{
    public const string Family = "Noto Sans";
    private static readonly Lock Gate = new();
    private static bool _installed;

    /// <summary>Makes PDFsharp use these fonts (once per process; PDFsharp's resolver is global).</summary>
    public static void Install()
    {
        lock (Gate)
        {
            if (_installed) return;
            if (GlobalFontSettings.FontResolver is null) GlobalFontSettings.FontResolver = new PaperFonts();
            _installed = true;
        }
    }

    public FontResolverInfo ResolveTypeface(string familyName, bool bold, bool italic) =>
        new(bold ? "NotoSans-Bold" : "NotoSans-Regular");

    public byte[] GetFont(string faceName)
    {
        var name = $"CchcSurvey.Core.Paper.Fonts.{(faceName == "NotoSans-Bold" ? "NotoSans-Bold" : "NotoSans-Regular")}.ttf";
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The font resource {name} is missing from the build.");
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return memory.ToArray();
    }
}
