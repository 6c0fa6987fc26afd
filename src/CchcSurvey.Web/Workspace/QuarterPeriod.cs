using System.Globalization;
using System.Text.RegularExpressions;

namespace CchcSurvey.Web.Workspace;

/// <summary>A calendar quarter of local dates, written "2026-Q3".</summary>
public readonly partial record struct QuarterPeriod(int Year, int Quarter)
{
    public DateOnly From => new(Year, (Quarter - 1) * 3 + 1, 1);
    public DateOnly To => From.AddMonths(3).AddDays(-1);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Year}-Q{Quarter}");

    public static QuarterPeriod Of(DateOnly date) => new(date.Year, (date.Month - 1) / 3 + 1);

    public static bool TryParse(string? text, out QuarterPeriod quarter)
    {
        quarter = default;
        var match = text is null ? Match.Empty : Pattern().Match(text.Trim());
        if (!match.Success) return false;
        quarter = new QuarterPeriod(int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), match.Groups[2].Value[0] - '0');
        return true;
    }

    [GeneratedRegex("^(20[0-9]{2})-Q([1-4])$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
