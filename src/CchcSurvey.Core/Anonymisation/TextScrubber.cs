using System.Text.RegularExpressions;

namespace CchcSurvey.Core.Anonymisation;

/// <summary>
/// Removes personal data from free-text comments before they are stored (METHODOLOGY.md §6): e-mail addresses,
/// dossier codes, Vietnamese mobile and landline numbers, and 9- or 12-digit CMND/CCCD numbers are replaced by
/// placeholders. The patterns are deliberately narrow so ordinary numbers in comments survive ("chờ 45 phút",
/// "ngày 12/3/2024", "100.000 đồng"): a phone number must start with 0, 84 or +84 and have the right digit
/// count; an ID number must be a bare run of exactly 9 or 12 digits.
/// </summary>
public static partial class TextScrubber
{
    public const string PhonePlaceholder = "[số điện thoại]";
    public const string IdNumberPlaceholder = "[số giấy tờ]";
    public const string EmailPlaceholder = "[email]";
    public const string DossierCodePlaceholder = "[mã hồ sơ]";

    // name@domain.tld
    [GeneratedRegex(@"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}", RegexOptions.CultureInvariant)]
    private static partial Regex Email();

    // Dossier codes of the national one-stop systems: optional agency prefix (000.00.12.), a letter and two digits
    // (H36, optionally .25), then -yymmdd-serial: 000.00.12.H36-230101-0001, H36.25-230515-0012.
    [GeneratedRegex(@"(?<![\w.])(?:[0-9A-Za-z]{1,4}\.){0,4}[A-Za-z]\d{2}(?:\.\d{1,3})?-\d{6}-\d{3,6}(?![\w])", RegexOptions.CultureInvariant)]
    private static partial Regex DossierCode();

    // Mobile: 0 / 84 / +84, then 9 digits starting 3, 5, 7, 8 or 9, optionally grouped by space, dot or dash.
    [GeneratedRegex(@"(?<![\w+])(?:\+84|84|0)[\s.\-]?[35789](?:[\s.\-]?\d){8}(?![\w])", RegexOptions.CultureInvariant)]
    private static partial Regex MobilePhone();

    // Landline: area code 02x or 02xx (written (024), 024, +84 24), then 7 or 8 digits in one or two groups.
    [GeneratedRegex(@"(?:(?<![\w(])\(0?2\d{1,2}\)|(?<![\w+])(?:\+84[\s.\-]?|0)2\d{1,2})[\s.\-]?\d{3,4}[\s.\-]?\d{3,4}(?![\w])", RegexOptions.CultureInvariant)]
    private static partial Regex Landline();

    // CMND (9 digits) or CCCD (12 digits), written as one bare run (not part of 1.000.000 or 12/3/2024).
    [GeneratedRegex(@"(?<![\w.,/])(?:\d{12}|\d{9})(?![\w/]|[.,]\d)", RegexOptions.CultureInvariant)]
    private static partial Regex IdNumber();

    /// <summary>The text with personal data replaced by placeholders; null or empty text is returned unchanged.</summary>
    public static string Scrub(string text)
    {
        if (string.IsNullOrEmpty(text)) return text;
        // Order matters: e-mails and dossier codes contain digit runs the later patterns would otherwise cut up.
        var scrubbed = Email().Replace(text, EmailPlaceholder);
        scrubbed = DossierCode().Replace(scrubbed, DossierCodePlaceholder);
        scrubbed = MobilePhone().Replace(scrubbed, PhonePlaceholder);
        scrubbed = Landline().Replace(scrubbed, PhonePlaceholder);
        scrubbed = IdNumber().Replace(scrubbed, IdNumberPlaceholder);
        return scrubbed;
    }
}
