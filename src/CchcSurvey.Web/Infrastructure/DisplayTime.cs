using System.Globalization;

namespace CchcSurvey.Web.Infrastructure;

/// <summary>
/// The one way pages write dates and times: dd/MM/yyyy, and times in the organisation's zone (Asia/Ho_Chi_Minh,
/// UTC+7, from <see cref="SurveyOptions.TimeZone"/>) with the zone named, so nobody reads a UTC time as local.
/// Times are only for officials' own actions (audit entries, tokens, tablets, publications); responses and
/// comments are shown by date only (METHODOLOGY §6: an answer's time of day could point at the person).
/// </summary>
public sealed class DisplayTime(LocalClock clock)
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>"GMT+7" (from the zone's offset at that instant, so a configured zone with summer time stays right).</summary>
    public string ZoneLabel(DateTime utc)
    {
        var offset = clock.Zone.GetUtcOffset(System.DateTime.SpecifyKind(utc, DateTimeKind.Utc));
        var sign = offset < TimeSpan.Zero ? "-" : "+";
        var abs = offset.Duration();
        return abs.Minutes == 0
            ? string.Create(Invariant, $"GMT{sign}{abs.Hours}")
            : string.Create(Invariant, $"GMT{sign}{abs.Hours}:{abs.Minutes:00}");
    }

    public string Date(DateOnly date) => date.ToString("dd/MM/yyyy", Invariant);

    /// <summary>A local calendar date, as it is (plans, deadlines, response dates).</summary>
    public string Date(DateOnly? date, string none = "—") => date is { } d ? Date(d) : none;

    /// <summary>The date of a time already converted to local.</summary>
    public string LocalDate(DateTime local) => local.ToString("dd/MM/yyyy", Invariant);

    /// <summary>The local date of a UTC instant.</summary>
    public string DateOf(DateTime utc) => clock.ToLocal(utc).ToString("dd/MM/yyyy", Invariant);

    /// <summary>A UTC instant as local "dd/MM/yyyy HH:mm" (officials' own actions only).</summary>
    public string Time(DateTime utc) => clock.ToLocal(utc).ToString("dd/MM/yyyy HH:mm", Invariant);

    public string Time(DateTime? utc, string none) => utc is { } u ? Time(u) : none;

    /// <summary>With seconds, where ordering within a minute matters (the audit log, webhook attempts).</summary>
    public string TimeSeconds(DateTime utc) => clock.ToLocal(utc).ToString("dd/MM/yyyy HH:mm:ss", Invariant);

    /// <summary>The machine-readable instant for a &lt;time datetime&gt; attribute (ISO 8601 with its offset).</summary>
    public string Iso(DateTime utc)
    {
        var u = System.DateTime.SpecifyKind(utc, DateTimeKind.Utc);
        return new DateTimeOffset(clock.ToLocal(u), clock.Zone.GetUtcOffset(u)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", Invariant);
    }
}
