using System.Text.RegularExpressions;

namespace CchcSurvey.Core.Anonymisation;

/// <summary>
/// Removes personal data from free-text comments before they are stored (docs/methodology.md §6): e-mail addresses,
/// dossier codes, Vietnamese mobile and landline numbers, and 9- or 12-digit CMND/CCCD numbers are replaced by
/// placeholders. The patterns are deliberately narrow so ordinary numbers in comments survive ("chờ 45 phút",
/// "ngày 12/3/2024", "100.000 đồng"): a phone number must start with 0, 84 or +84 and have the right digit
/// count (mobile 10, old mobile 11, landline 11); an ID number is a bare run of exactly 9 or 12 digits, a
/// 12-digit CCCD grouped 3-3-3-3 / 4-4-4 / 6-6 (it starts with 0), or a grouped 9-digit CMND right after its
/// name. Nothing followed by a currency word is touched. Public hotlines (1900 …, 1800 …, 1022) are not
/// personal data and stay. Measured on tests/CchcSurvey.Core.Tests/Anonymisation/comments-corpus.tsv.
/// </summary>
public static partial class TextScrubber
{
    public const string PhonePlaceholder = "[số điện thoại]";
    public const string IdNumberPlaceholder = "[số giấy tờ]";
    public const string EmailPlaceholder = "[email]";
    public const string DossierCodePlaceholder = "[mã hồ sơ]";
    public const string WithheldPlaceholder = "[nội dung bị lược bỏ]";

    /// <summary>
    /// Every pattern gives up after this long on one text. The backreferences and lookbehinds rule out the
    /// non-backtracking engine, so a timeout bounds what a crafted comment can cost; a text that times out is
    /// withheld whole rather than stored unscrubbed.
    /// </summary>
    public const int MatchTimeoutMs = 200;

    // name@domain.tld
    [GeneratedRegex(@"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: MatchTimeoutMs)]
    private static partial Regex Email();

    // Dossier codes of the national one-stop systems: optional agency prefix (000.00.12.), a letter and two digits
    // (H36, optionally .25), then -yymmdd-serial: 000.00.12.H36-230101-0001, H36.25-230515-0012.
    [GeneratedRegex(@"(?<![\w.])(?:[0-9A-Za-z]{1,4}\.){0,4}[A-Za-z]\d{2}(?:\.\d{1,3})?-\d{6}-\d{3,6}(?![\w])", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: MatchTimeoutMs)]
    private static partial Regex DossierCode();

    // Not an amount of money: "150000000 đồng", "84.575.000.000 đ" stay.
    private const string NotMoney = @"(?!\s*(?:đồng|vn[dđ]|đ|triệu|nghìn|ngàn|k)(?!\p{L}))";

    // Mobile: 0 / 84 / +84 / (+84) (a stray 0 after the country code is tolerated), then 9 digits starting
    // 3, 5, 7, 8 or 9, optionally grouped by space, dot or dash; or an old 11-digit number 01[2689]x xxx xxxx.
    [GeneratedRegex(@"(?<![\w+])(?:(?:(?:\(\+?84\)|\+84|84)[\s.\-]?0?|0)[\s.\-]?[35789](?:[\s.\-]?\d){8}|0[\s.\-]?1[2689](?:[\s.\-]?\d){8})(?![\w])" + NotMoney, RegexOptions.CultureInvariant, matchTimeoutMilliseconds: MatchTimeoutMs)]
    private static partial Regex MobilePhone();

    // Landline: always 11 digits since 2017: area code 02x + 8 digits or 02xx + 7 digits, written 024 3825 1234,
    // (024) 3825 1234, (0205) 3870 123, 0205.3870.123, +84 24 3825 1234.
    [GeneratedRegex(@"(?:(?<![\w(])\(0?2\d\)[\s.\-]?\d(?:[\s.\-]?\d){7}|(?<![\w(])\(0?2\d\d\)[\s.\-]?\d(?:[\s.\-]?\d){6}|(?<![\w+])(?:\(\+84\)|\+84|84|0)[\s.\-]?2(?:[\s.\-]?\d){9})(?![\w])" + NotMoney, RegexOptions.CultureInvariant, matchTimeoutMilliseconds: MatchTimeoutMs)]
    private static partial Regex Landline();

    // CCCD (12 digits) grouped 3-3-3-3, 4-4-4 or 6-6: its first digit is always 0 (province code 001–096),
    // which no amount of money has.
    [GeneratedRegex(@"(?<![\w.,/+])0(?:\d\d([\s.\-])\d{3}\1\d{3}\1\d{3}|\d{3}([\s.\-])\d{4}\2\d{4}|\d{5}[\s.\-]\d{6})(?![\w/]|[.,]\d)", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: MatchTimeoutMs)]
    private static partial Regex GroupedCitizenId();

    // A 9-digit CMND written in groups (025 123 456, 271.234.567) looks like money, so only after its name.
    [GeneratedRegex(@"(?<=\b(?:cmnd|cmt|cccd|căn cước(?: công dân)?|chứng minh(?: nhân dân| thư)?|định danh)\s*(?:số|là|:)?\s*(?:số|là|:)?\s*)\d{3}([\s.\-])\d{3}\1\d{3}(?![\w/]|[.,]\d)", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase, matchTimeoutMilliseconds: MatchTimeoutMs)]
    private static partial Regex NamedIdNumber();

    // CMND (9 digits) or CCCD (12 digits), written as one bare run (not part of 1.000.000 or 12/3/2024).
    [GeneratedRegex(@"(?<![\w.,/])(?:\d{12}|\d{9})(?![\w/]|[.,]\d)" + NotMoney, RegexOptions.CultureInvariant, matchTimeoutMilliseconds: MatchTimeoutMs)]
    private static partial Regex IdNumber();

    /// <summary>The text with personal data replaced by placeholders; null or empty text is returned unchanged.</summary>
    public static string Scrub(string text)
    {
        if (string.IsNullOrEmpty(text)) return text;
        try
        {
            return ScrubAll(text);
        }
        catch (RegexMatchTimeoutException)
        {
            return WithheldPlaceholder;
        }
    }

    private static string ScrubAll(string text)
    {
        // Order matters: e-mails and dossier codes contain digit runs the later patterns would otherwise cut up.
        var scrubbed = Email().Replace(text, EmailPlaceholder);
        scrubbed = DossierCode().Replace(scrubbed, DossierCodePlaceholder);
        scrubbed = GroupedCitizenId().Replace(scrubbed, IdNumberPlaceholder);
        scrubbed = NamedIdNumber().Replace(scrubbed, IdNumberPlaceholder);
        scrubbed = MobilePhone().Replace(scrubbed, PhonePlaceholder);
        scrubbed = Landline().Replace(scrubbed, PhonePlaceholder);
        scrubbed = IdNumber().Replace(scrubbed, IdNumberPlaceholder);
        return scrubbed;
    }
}
