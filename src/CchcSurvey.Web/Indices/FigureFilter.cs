using System.Globalization;
using CchcSurvey.Core.Indices;
using CchcSurvey.Web.Surveys;

namespace CchcSurvey.Web.Indices;

/// <summary>One bad query value: the parameter's name and a message saying what is allowed.</summary>
public sealed record FilterError(string Field, string Message);

/// <summary>
/// The filters every figure view takes — the dashboard, the report and the indices/ranking API — read by one
/// parser, so a filter has one name everywhere (README, "Figures"):
/// <list type="bullet">
/// <item><c>period</c>: a calendar month, quarter or year (<c>2026-03</c>, <c>2026-Q1</c>, <c>2026</c>), or
/// <c>from</c>/<c>to</c> (yyyy-MM-dd) that are exactly such a period's first and last days (METHODOLOGY §6,
/// No differencing: never arbitrary days). <c>quarter</c> (the report's old name) is read as <c>period</c>.</item>
/// <item><c>channel</c>: qr, kiosk, paper or web.</item>
/// <item><c>includeFlagged</c>: true or false (<c>flagged</c>, the dashboard's old name, is read the same).</item>
/// <item><c>trend</c>: month or quarter, the dashboard's trend buckets (old dashboard links say <c>period=month</c>
/// or <c>period=quarter</c>; those two values of <c>period</c> are read as <c>trend</c>).</item>
/// <item><c>units</c>: now or then, the units as they are now or as they were in the period (<see cref="HistoricalUnits"/>).</item>
/// <item><c>weight</c>: <c>profile</c> adds the post-stratified share (§4.13) next to the unweighted one; <c>none</c> or
/// nothing: unweighted only (<see cref="ParseWeight"/>).</item>
/// </list>
/// </summary>
public sealed record FigureFilter(CalendarPeriod Period, string? Channel, bool IncludeFlagged, string Trend,
    string Units = HistoricalUnits.Now, bool WeightProfile = false)
{
    public static readonly string[] Trends = ["month", "quarter"];

    public IndexFilter IndexFilter => new(Period.From, Period.To, Channel, IncludeFlagged);

    /// <summary>
    /// Reads the filters; missing ones take the defaults given (the period: the view's own default, e.g. the current
    /// year on the dashboard, all time in the API). Every bad value is listed in <paramref name="errors"/>; never throws.
    /// </summary>
    public static FigureFilter Parse(IQueryCollection query, CalendarPeriod defaultPeriod, List<FilterError> errors)
    {
        var period = defaultPeriod;
        var trend = "month";
        var periodText = query["period"].ToString();
        if (Trends.Contains(periodText, StringComparer.Ordinal))
        {
            // An old dashboard link: period meant the trend's buckets.
            trend = periodText;
            periodText = "";
        }
        if (periodText.Length == 0) periodText = query["quarter"].ToString();
        var fromText = query["from"].ToString();
        var toText = query["to"].ToString();
        if (periodText.Length > 0)
        {
            if (fromText.Length > 0 || toText.Length > 0)
                errors.Add(new("period", "Give either period or from/to, not both. Allowed: " + CalendarPeriod.Allowed + "."));
            else if (CalendarPeriod.TryParse(periodText, out var parsed)) period = parsed;
            else errors.Add(new("period", $"period '{periodText}' is not a calendar period. Allowed: {CalendarPeriod.Allowed}."));
        }
        else if (fromText.Length > 0 || toText.Length > 0)
        {
            DateOnly? from = null, to = null;
            var bad = false;
            foreach (var (name, text) in new[] { ("from", fromText), ("to", toText) })
            {
                if (text.Length == 0) continue;
                if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
                {
                    errors.Add(new(name, $"{name} must be a date yyyy-MM-dd. Allowed: {CalendarPeriod.Allowed}."));
                    bad = true;
                }
                else if (name == "from") from = date;
                else to = date;
            }
            if (!bad)
            {
                if (CalendarPeriod.TryFromDates(from, to, out var calendar)) period = calendar;
                else errors.Add(new(from is null ? "to" : "from", $"from/to must cover exactly one calendar period. Allowed: {CalendarPeriod.Allowed}."));
            }
        }

        var channel = query["channel"].ToString();
        if (channel.Length > 0 && !Channels.IsValid(channel))
            errors.Add(new("channel", $"channel must be one of {string.Join(", ", Channels.All)}."));

        // Flagged responses count only when asked for (METHODOLOGY §6).
        var includeFlagged = false;
        var (flaggedName, flaggedText) = query.ContainsKey("includeFlagged") ? ("includeFlagged", query["includeFlagged"].ToString()) : ("flagged", query["flagged"].ToString());
        if (flaggedText.Length > 0 && !bool.TryParse(flaggedText, out includeFlagged))
            errors.Add(new(flaggedName, $"{flaggedName} must be true or false."));

        if (query["trend"].ToString() is { Length: > 0 } trendText)
        {
            if (Trends.Contains(trendText, StringComparer.Ordinal)) trend = trendText;
            else errors.Add(new("trend", "trend must be month or quarter."));
        }

        var units = HistoricalUnits.Parse(query["units"].ToString(), errors);
        return new FigureFilter(period, channel.Length > 0 && Channels.IsValid(channel) ? channel : null, includeFlagged, trend,
            Units: units, WeightProfile: ParseWeight(query, errors));
    }

    /// <summary>The weightings <c>weight</c> takes: none (the default) or profile (post-stratification, §4.13).</summary>
    public static readonly string[] Weights = ["none", "profile"];

    /// <summary>Reads <c>weight</c>: true for <c>profile</c>; a value not in <see cref="Weights"/> is listed in <paramref name="errors"/>.</summary>
    public static bool ParseWeight(IQueryCollection query, List<FilterError> errors)
    {
        var text = query["weight"].ToString();
        if (text.Length == 0 || text == "none") return false;
        if (text == "profile") return true;
        errors.Add(new("weight", "weight must be none or profile."));
        return false;
    }

    /// <summary>The calendar period of the same kind just before this one (§4.10 change against the previous period).</summary>
    public CalendarPeriod PreviousPeriod => Period.Previous ?? Period;
}
