using System.Globalization;

namespace CchcSurvey.Core.Indices;

public enum PeriodKind
{
    All,
    Year,
    Quarter,
    Month,
}

/// <summary>
/// The only periods officials and the public may ask figures for (METHODOLOGY §6, No differencing): a calendar
/// month, quarter or year of local dates, or all time. Arbitrary days or runs of days are never a period: a day
/// with one visitor would show that visitor's answers. Written <c>2026-03</c>, <c>2026-Q1</c>, <c>2026</c> (all time:
/// empty); the same periods as from/to dates are exactly their first and last day.
/// </summary>
public sealed record CalendarPeriod(PeriodKind Kind, int Year = 0, int Number = 0)
{
    public static readonly CalendarPeriod AllTime = new(PeriodKind.All);

    public const string Allowed =
        "a calendar month (period=2026-03, or from=2026-03-01&to=2026-03-31), a quarter (period=2026-Q1, or from=2026-01-01&to=2026-03-31), " +
        "a year (period=2026, or from=2026-01-01&to=2026-12-31), or nothing for all time; arbitrary days are not allowed (METHODOLOGY §6, No differencing)";

    public static CalendarPeriod OfMonth(int year, int month) => new(PeriodKind.Month, year, month);
    public static CalendarPeriod OfQuarter(int year, int quarter) => new(PeriodKind.Quarter, year, quarter);
    public static CalendarPeriod OfYear(int year) => new(PeriodKind.Year, year);

    /// <summary>The first local date, or null for all time.</summary>
    public DateOnly? From => Kind switch
    {
        PeriodKind.Year => new DateOnly(Year, 1, 1),
        PeriodKind.Quarter => new DateOnly(Year, (Number - 1) * 3 + 1, 1),
        PeriodKind.Month => new DateOnly(Year, Number, 1),
        _ => null,
    };

    /// <summary>The last local date (inclusive), or null for all time.</summary>
    public DateOnly? To => Kind switch
    {
        PeriodKind.Year => new DateOnly(Year, 12, 31),
        PeriodKind.Quarter => new DateOnly(Year, Number * 3, 1).AddMonths(1).AddDays(-1),
        PeriodKind.Month => new DateOnly(Year, Number, 1).AddMonths(1).AddDays(-1),
        _ => null,
    };

    /// <summary>The period just before this one, of the same kind (null for all time).</summary>
    public CalendarPeriod? Previous => Kind switch
    {
        PeriodKind.Year => OfYear(Year - 1),
        PeriodKind.Quarter => Number == 1 ? OfQuarter(Year - 1, 4) : OfQuarter(Year, Number - 1),
        PeriodKind.Month => Number == 1 ? OfMonth(Year - 1, 12) : OfMonth(Year, Number - 1),
        _ => null,
    };

    /// <summary>The calendar period holding a month (its quarter, year, all time): the month's ancestors.</summary>
    public static CalendarPeriod QuarterOf(DateOnly month) => OfQuarter(month.Year, (month.Month - 1) / 3 + 1);

    /// <summary>Whether a local month (its first day) lies in this period.</summary>
    public bool Contains(DateOnly month) => Kind switch
    {
        PeriodKind.All => true,
        PeriodKind.Year => month.Year == Year,
        PeriodKind.Quarter => month.Year == Year && (month.Month - 1) / 3 + 1 == Number,
        _ => month.Year == Year && month.Month == Number,
    };

    public override string ToString() => Kind switch
    {
        PeriodKind.Year => Year.ToString("0000", CultureInfo.InvariantCulture),
        PeriodKind.Quarter => string.Create(CultureInfo.InvariantCulture, $"{Year:0000}-Q{Number}"),
        PeriodKind.Month => string.Create(CultureInfo.InvariantCulture, $"{Year:0000}-{Number:00}"),
        _ => "",
    };

    /// <summary>Parses 2026-03, 2026-Q1, 2026 (years 2000–2100); empty is all time.</summary>
    public static bool TryParse(string? text, out CalendarPeriod period)
    {
        period = AllTime;
        text = text?.Trim() ?? "";
        if (text.Length == 0) return true;
        if (text.Length == 4 && Year4(text, out var y)) { period = OfYear(y); return true; }
        if (text.Length == 7 && text[4] == '-' && Year4(text[..4], out y))
        {
            if (text[5] is 'Q' or 'q' && text[6] is >= '1' and <= '4') { period = OfQuarter(y, text[6] - '0'); return true; }
            if (int.TryParse(text[5..], NumberStyles.None, CultureInfo.InvariantCulture, out var m) && m is >= 1 and <= 12) { period = OfMonth(y, m); return true; }
        }
        return false;

        static bool Year4(string s, out int year) =>
            int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out year) && year is >= 2000 and <= 2100;
    }

    /// <summary>The calendar period whose first and last days are exactly these (both null: all time); false otherwise.</summary>
    public static bool TryFromDates(DateOnly? from, DateOnly? to, out CalendarPeriod period)
    {
        period = AllTime;
        if (from is null && to is null) return true;
        if (from is not DateOnly f || to is not DateOnly t || f.Day != 1 || f.Year is < 2000 or > 2100) return false;
        foreach (var candidate in new[] { OfMonth(f.Year, f.Month), f.Month % 3 == 1 ? QuarterOf(f) : null, f.Month == 1 ? OfYear(f.Year) : null })
        {
            if (candidate is not null && candidate.To == t)
            {
                period = candidate;
                return true;
            }
        }
        return false;
    }
}
