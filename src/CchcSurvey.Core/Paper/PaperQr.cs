using System.Globalization;
using System.Text.RegularExpressions;

namespace CchcSurvey.Core.Paper;

/// <summary>
/// What the QR code of every printed page says: the sheet's serial, the instrument, its version and the page
/// number, e.g. <c>CCHC1|P7K3M9Q2XW|SIPAS-DV|1|2</c>. Nothing about the citizen; the counter is found from the
/// serial, which was stored when the sheet was printed.
/// </summary>
public sealed partial record PaperQr(string Serial, string Instrument, int Version, int Page)
{
    private const string Prefix = "CCHC1";

    public string Encode() => string.Create(CultureInfo.InvariantCulture, $"{Prefix}|{Serial}|{Instrument}|{Version}|{Page}");

    public static PaperQr? TryParse(string? text)
    {
        if (text is null) return null;
        var parts = text.Split('|');
        if (parts.Length != 5 || parts[0] != Prefix || !SerialPattern().IsMatch(parts[1]) || parts[2].Length is 0 or > 40
            || !int.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out var version)
            || !int.TryParse(parts[4], NumberStyles.None, CultureInfo.InvariantCulture, out var page) || page is < 1 or > 99)
            return null;
        return new PaperQr(parts[1], parts[2], version, page);
    }

    public static bool IsSerial(string? text) => text is not null && SerialPattern().IsMatch(text);

    // Crockford-style alphabet: no I, L, O, U, so a serial read aloud or typed is not mistaken.
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    /// <summary>A new random serial: 10 characters, 50 bits.</summary>
    public static string NewSerial()
    {
        Span<char> chars = stackalloc char[10];
        for (var i = 0; i < chars.Length; i++) chars[i] = Alphabet[System.Security.Cryptography.RandomNumberGenerator.GetInt32(Alphabet.Length)];
        return new string(chars);
    }

    [GeneratedRegex("^[0-9A-HJKMNP-TV-Z]{10}$")]
    private static partial Regex SerialPattern();
}
