namespace CchcSurvey.Web.Infrastructure;

/// <summary>Converts between UTC and the organisation's local time; responses keep only the hour.</summary>
public sealed class LocalClock(TimeProvider time, Microsoft.Extensions.Options.IOptions<SurveyOptions> options)
{
    private readonly TimeZoneInfo _zone = FindZone(options.Value.TimeZone);

    public TimeZoneInfo Zone => _zone;

    /// <summary>Now, truncated to the hour, in UTC: the only time a response carries.</summary>
    public DateTime CurrentHourUtc()
    {
        var now = time.GetUtcNow().UtcDateTime;
        return new DateTime(now.Year, now.Month, now.Day, now.Hour, 0, 0, DateTimeKind.Utc);
    }

    public DateTime ToLocal(DateTime utc) => TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), _zone);

    public DateTime ToUtc(DateTime local) => TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), _zone);

    public DateOnly Today() => DateOnly.FromDateTime(ToLocal(time.GetUtcNow().UtcDateTime));

    /// <summary>The UTC instant at which a local date starts.</summary>
    public DateTime StartOfDayUtc(DateOnly date) => ToUtc(date.ToDateTime(TimeOnly.MinValue));

    private static TimeZoneInfo FindZone(string id)
    {
        try { return TimeZoneInfo.FindSystemTimeZoneById(id); }
        catch (TimeZoneNotFoundException) { return TimeZoneInfo.CreateCustomTimeZone(id, TimeSpan.FromHours(7), id, id); }
    }
}
