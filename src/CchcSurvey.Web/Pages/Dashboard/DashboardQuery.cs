using System.Globalization;
using CchcSurvey.Core.Indices;
using CchcSurvey.Web.Indices;
using Microsoft.AspNetCore.WebUtilities;

namespace CchcSurvey.Web.Pages.Dashboard;

/// <summary>
/// The dashboard's view as it lives in the URL, so a view can be shared and every drill-down link keeps the
/// filters: <c>/dashboard?unit=VQ&amp;from=2026-01-01&amp;to=2026-03-31&amp;instrument=SIPAS-DV&amp;channel=&amp;includeFlagged=true&amp;trend=quarter</c>.
/// The filters are read by <see cref="FigureFilter"/>, the parser of every figure view (old links with
/// <c>flagged</c> and <c>period=month|quarter</c> still work). Links always carry the dates explicitly, so a shared
/// link shows the same period tomorrow.
/// </summary>
public sealed record DashboardQuery(string? Unit, DateOnly From, DateOnly To, string Instrument, string? Channel, bool IncludeFlagged, string Period,
    string Units = HistoricalUnits.Now, bool WeightProfile = false)
{

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
    /// Reads the query string with <see cref="FigureFilter.Parse"/>; missing dates: the current year. Bad values give
    /// the names of the parameters in <paramref name="errors"/>, never an exception.
    /// </summary>
    public static DashboardQuery Parse(IQueryCollection query, DateOnly today, List<string> errors, string defaultInstrument)
    {
        var problems = new List<FilterError>();
        var filter = FigureFilter.Parse(query, CalendarPeriod.OfYear(today.Year), problems);
        errors.AddRange(problems.Select(p => p.Field));
        // All time has no dates: the dashboard always shows a month, a quarter or a year.
        var period = filter.Period.From is null ? CalendarPeriod.OfYear(today.Year) : filter.Period;
        var instrument = query["instrument"].ToString() is { Length: > 0 } i ? i : defaultInstrument;
        var unit = query["unit"].ToString() is { Length: > 0 } u ? u : null;
        return new DashboardQuery(unit, period.From!.Value, period.To!.Value, instrument, filter.Channel, filter.IncludeFlagged, filter.Trend, filter.Units,
            filter.WeightProfile);
    }

    /// <summary>The dashboard URL of this view for another unit (or this one), every filter kept.</summary>
    public string Url(string? unit = null) => QueryHelpers.AddQueryString("/dashboard", new Dictionary<string, string?>
    {
        ["unit"] = unit ?? Unit,
        ["from"] = From.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        ["to"] = To.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        ["instrument"] = Instrument,
        ["channel"] = Channel ?? "",
        ["includeFlagged"] = IncludeFlagged ? "true" : "false",
        ["trend"] = Period,
        // Only when not the default, so that the links of the usual view stay as they were.
        ["units"] = Units == HistoricalUnits.Now ? null : Units,
        ["weight"] = WeightProfile ? "profile" : null,
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
