namespace CchcSurvey.Web.Workspace;

/// <summary>Working-day arithmetic for case deadlines: Saturdays, Sundays and the given holidays do not count.</summary>
public static class WorkingDays
{
    public static bool IsWorkingDay(DateOnly date, IReadOnlySet<DateOnly> holidays) =>
        date.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday) && !holidays.Contains(date);

    /// <summary>
    /// The date <paramref name="days"/> working days after <paramref name="start"/> (the start day itself is
    /// day 0, as a case received on a Friday has Monday as its first working day).
    /// </summary>
    public static DateOnly Add(DateOnly start, int days, IReadOnlySet<DateOnly> holidays)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(days);
        var date = start;
        while (days > 0)
        {
            date = date.AddDays(1);
            if (IsWorkingDay(date, holidays)) days--;
        }
        return date;
    }
}
