using System.Globalization;
using CchcSurvey.Core.Indices;
using CchcSurvey.Web.Indices;
using CchcSurvey.Web.Surveys;
using Microsoft.AspNetCore.WebUtilities;

namespace CchcSurvey.Web.Pages.Dashboard;

/// <summary>
/// The dashboard's view as it lives in the URL, so a view can be shared and every drill-down link keeps the
/// filters: <c>/dashboard?unit=VQ&amp;from=2026-01-01&amp;to=2026-03-31&amp;instrument=NHANH&amp;channel=&amp;flagged=true&amp;period=quarter</c>.
/// Links always carry the dates explicitly, so a shared link shows the same period tomorrow.
/// </summary>
public sealed record DashboardQuery(string? Unit, DateOnly From, DateOnly To, string Instrument, string? Channel, bool IncludeFlagged, string Period)
{
    public static readonly string[] Periods = ["month", "quarter"];

    public IndexFilter Filter => new(From, To, Channel, IncludeFlagged);

    /// <summary>The calendar month, quarter or year shown (METHODOLOGY §6, No differencing).</summary>
    public CalendarPeriod CalendarPeriod => CalendarPeriod.TryFromDates(From, To, out var period) ? period : CalendarPeriod.OfYear(From.Year);

    /// <summary>The calendar period of the same kind just before this one (§4.10 change against the previous period).</summary>
    public IndexFilter PreviousFilter
    {
        get
        {
            var previous = CalendarPeriod.Previous ?? CalendarPeriod;
            return new IndexFilter(previous.From, previous.To, Channel, IncludeFlagged);
        }
    }

    /// <summary>
    /// Reads the query string. The dates must be exactly a calendar month, quarter or year (never arbitrary days:
    /// METHODOLOGY §6, No differencing); missing dates: the current year. Bad values give messages, never an exception.
    /// </summary>
    public static DashboardQuery Parse(IQueryCollection query, DateOnly today, List<string> errors, string defaultInstrument)
    {
        DateOnly? Date(string name)
        {
            var text = query[name].ToString();
            if (text.Length == 0) return null;
            if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)) return date;
            errors.Add(name);
            return null;
        }
        var givenTo = Date("to");
        var givenFrom = Date("from");
        var from = new DateOnly(today.Year, 1, 1);
        var to = new DateOnly(today.Year, 12, 31);
        if (givenFrom is not null || givenTo is not null)
        {
            if (CalendarPeriod.TryFromDates(givenFrom, givenTo, out var calendar)) (from, to) = (calendar.From!.Value, calendar.To!.Value);
            else if (errors.Count == 0) errors.Add("calendar");
        }
        var channel = query["channel"].ToString();
        if (channel.Length > 0 && !Channels.IsValid(channel)) errors.Add("channel");
        var flaggedText = query["flagged"].ToString();
        // Flagged responses are left out unless the official ticks the box (METHODOLOGY §6).
        var includeFlagged = false;
        if (flaggedText.Length > 0 && !bool.TryParse(flaggedText, out includeFlagged)) errors.Add("flagged");
        var period = query["period"].ToString() is { Length: > 0 } p ? p : "month";
        if (!Periods.Contains(period, StringComparer.Ordinal)) errors.Add("period");
        var instrument = query["instrument"].ToString() is { Length: > 0 } i ? i : defaultInstrument;
        var unit = query["unit"].ToString() is { Length: > 0 } u ? u : null;
        return new DashboardQuery(unit, from, to, instrument, channel.Length > 0 ? channel : null, includeFlagged, period);
    }

    /// <summary>The dashboard URL of this view for another unit (or this one), every filter kept.</summary>
    public string Url(string? unit = null) => QueryHelpers.AddQueryString("/dashboard", new Dictionary<string, string?>
    {
        ["unit"] = unit ?? Unit,
        ["from"] = From.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        ["to"] = To.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        ["instrument"] = Instrument,
        ["channel"] = Channel ?? "",
        ["flagged"] = IncludeFlagged ? "true" : "false",
        ["period"] = Period,
    }.Where(p => p.Value is not null));

    /// <summary>The trend's buckets: the 12 months (or 4 quarters) ending with the one holding <see cref="To"/>, each a whole calendar period.</summary>
    public IReadOnlyList<(string Label, DateOnly From, DateOnly To)> TrendBuckets()
    {
        var buckets = new List<(string, DateOnly, DateOnly)>();
        var months = Period == "quarter" ? 3 : 1;
        var count = Period == "quarter" ? 4 : 12;
        var last = new DateOnly(To.Year, Period == "quarter" ? (To.Month - 1) / 3 * 3 + 1 : To.Month, 1);
        for (var i = count - 1; i >= 0; i--)
        {
            var start = last.AddMonths(-i * months);
            // Whole calendar buckets, never cut at To: a cut bucket would be an arbitrary run of days.
            var end = start.AddMonths(months).AddDays(-1);
            var label = Period == "quarter"
                ? $"Q{(start.Month - 1) / 3 + 1}/{start.Year}"
                : start.ToString("MM/yy", CultureInfo.InvariantCulture);
            buckets.Add((label, start, end));
        }
        return buckets;
    }
}
