using System.Globalization;

namespace CchcSurvey.Core.Integrity;

/// <summary>
/// A counter's opening hours as a short text, e.g. <c>Mon-Fri 07:30-11:30,13:30-17:00; Sat 07:30-11:30</c>:
/// groups separated by ';', each a day or day range (Mon … Sun) and comma-separated HH:mm-HH:mm intervals
/// (end exclusive). Evaluated at hour granularity, because a response keeps only its hour: a local hour is
/// open when it overlaps any interval of its day.
/// </summary>
public sealed class OpeningHours
{
    private static readonly string[] DayNames = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

    private readonly List<(DayOfWeek Day, TimeOnly From, TimeOnly To)> _intervals;

    private OpeningHours(List<(DayOfWeek, TimeOnly, TimeOnly)> intervals) => _intervals = intervals;

    public static bool TryParse(string? text, out OpeningHours? hours, out string error)
    {
        hours = null;
        error = "";
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "empty opening hours";
            return false;
        }
        var intervals = new List<(DayOfWeek, TimeOnly, TimeOnly)>();
        foreach (var group in text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var space = group.IndexOf(' ');
            if (space <= 0) { error = $"'{group}': expected days then times, e.g. 'Mon-Fri 07:30-11:30'"; return false; }
            var days = ParseDays(group[..space]);
            if (days is null) { error = $"'{group[..space]}': days must be Mon … Sun or a range like Mon-Fri"; return false; }
            foreach (var range in group[(space + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var parts = range.Split('-', StringSplitOptions.TrimEntries);
                if (parts.Length != 2 || Time(parts[0]) is not { } from || Time(parts[1]) is not { } to || to <= from)
                {
                    error = $"'{range}': times must be HH:mm-HH:mm with the end after the start";
                    return false;
                }
                foreach (var day in days) intervals.Add((day, from, to));
            }
        }
        if (intervals.Count == 0) { error = "no opening interval"; return false; }
        hours = new OpeningHours(intervals);
        return true;
    }

    /// <summary>Parses, or null for null/empty text (always open); throws on a bad text.</summary>
    public static OpeningHours? ParseOrAlways(string? text) =>
        string.IsNullOrWhiteSpace(text) ? null
        : TryParse(text, out var hours, out var error) ? hours : throw new FormatException(error);

    /// <summary>Whether the local hour starting at <paramref name="localHourStart"/> overlaps an opening interval.</summary>
    public bool IsOpenDuringHour(DateTime localHourStart)
    {
        var start = TimeOnly.FromDateTime(localHourStart);
        var hourStart = new TimeOnly(start.Hour, 0);
        var hourEnd = start.Hour == 23 ? TimeOnly.MaxValue : new TimeOnly(start.Hour + 1, 0);
        return _intervals.Any(i => i.Day == localHourStart.DayOfWeek && i.From < hourEnd && hourStart < i.To);
    }

    /// <summary>HH:mm; "24:00" is the end of the day.</summary>
    private static TimeOnly? Time(string text) =>
        text == "24:00" ? TimeOnly.MaxValue
        : TimeOnly.TryParseExact(text, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var time) ? time : null;

    private static List<DayOfWeek>? ParseDays(string text)
    {
        var result = new List<DayOfWeek>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var range = part.Split('-');
            var first = Day(range[0]);
            var last = range.Length == 2 ? Day(range[1]) : range.Length == 1 ? first : null;
            if (first is null || last is null) return null;
            // Mon=1 … Sun=7, so that Mon-Sun and Sat-Sun read naturally.
            int a = Iso(first.Value), b = Iso(last.Value);
            if (b < a) return null;
            for (var d = a; d <= b; d++) result.Add((DayOfWeek)(d % 7));
        }
        return result.Count > 0 ? result : null;

        static DayOfWeek? Day(string name)
        {
            var index = Array.FindIndex(DayNames, d => d.Equals(name.Trim(), StringComparison.OrdinalIgnoreCase));
            return index < 0 ? null : (DayOfWeek)index;
        }
        static int Iso(DayOfWeek day) => day == DayOfWeek.Sunday ? 7 : (int)day;
    }
}
