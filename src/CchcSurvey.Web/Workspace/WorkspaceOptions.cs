using System.Globalization;

namespace CchcSurvey.Web.Workspace;

/// <summary><c>Alerts:*</c> — when the alert scanner raises an alert.</summary>
public sealed class AlertOptions
{
    public const string Section = "Alerts";

    public bool Enabled { get; set; } = true;

    /// <summary>A unit's weekly satisfied share (percent) below this raises an alert, if the week's n ≥ MinN.</summary>
    public double WeeklyShareThreshold { get; set; } = 70;

    /// <summary>Minutes between two scans of the background service.</summary>
    public int IntervalMinutes { get; set; } = 15;

    /// <summary>How far back (days) the scanner looks for low ratings with a comment.</summary>
    public int LookbackDays { get; set; } = 8;
}

/// <summary><c>Smtp:*</c> — e-mail of alerts to the unit's managers; nothing is sent while Host is empty.</summary>
public sealed class SmtpOptions
{
    public const string Section = "Smtp";

    public string? Host { get; set; }
    public int Port { get; set; } = 587;
    public bool EnableSsl { get; set; } = true;
    public string? UserName { get; set; }
    public string? Password { get; set; }
    public string From { get; set; } = "khaosat@localhost";

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Host);
}

/// <summary><c>Cases:*</c> — follow-up cases (phản ánh, kiến nghị).</summary>
public sealed class CaseOptions
{
    public const string Section = "Cases";

    /// <summary>Working days a case has before it is overdue (15 by the rules on handling petitions).</summary>
    public int WorkingDays { get; set; } = 15;

    /// <summary>Public holidays as yyyy-MM-dd; they are skipped like weekends.</summary>
    public List<string> Holidays { get; set; } = [];

    public IReadOnlySet<DateOnly> HolidayDates() => Holidays
        .Select(h => DateOnly.TryParseExact(h.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : (DateOnly?)null)
        .OfType<DateOnly>().ToHashSet();
}
