namespace CchcSurvey.Web.Data;

/// <summary>
/// An official's note on one response's comment (GOP_Y): free-form tags and whether it has been dealt with.
/// Keyed by the response id; a response without a note is "chưa xử lý" with no tags.
/// </summary>
public sealed class CommentNote
{
    public long ResponseId { get; set; }
    public Response Response { get; set; } = null!;

    /// <summary>Normalised tags, lower case, stored as ",tag one,tag two," so that one tag is one LIKE match.</summary>
    public string Tags { get; set; } = "";

    public bool Handled { get; set; }

    /// <summary>E-mail of the official who marked it handled.</summary>
    public string? HandledBy { get; set; }

    public DateTime? HandledUtc { get; set; }

    public IReadOnlyList<string> TagList => Tags.Split(',', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Parses free text ("thái độ, chờ lâu") into the stored form; at most 10 tags of 40 characters.</summary>
    public static string NormaliseTags(string? text)
    {
        var tags = (text ?? "").Split([',', ';', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(t => t.ToLowerInvariant())
            .Select(t => t.Length > 40 ? t[..40] : t)
            .Distinct(StringComparer.Ordinal).Take(10).ToList();
        return tags.Count == 0 ? "" : "," + string.Join(',', tags) + ",";
    }
}

public static class AlertKinds
{
    /// <summary>A rating of 1–2 (or 1 on a three-level scale) with a comment.</summary>
    public const string LowRating = "low-rating";

    /// <summary>A unit's weekly satisfied share (NHANH or SIPAS-DV overall item) below the threshold.</summary>
    public const string WeeklyShare = "weekly-share";
}

/// <summary>Something an official should look at; raised by the alert scanner, acknowledged by a manager.</summary>
public sealed class Alert
{
    public long Id { get; set; }

    /// <summary>Deduplication key: one alert per response ("low:{id}") or per unit, instrument and week.</summary>
    public required string Key { get; set; }

    public int UnitId { get; set; }
    public Unit Unit { get; set; } = null!;
    public required string Kind { get; set; }
    public long? ResponseId { get; set; }

    /// <summary>Monday of the local week the alert is about.</summary>
    public DateOnly WeekStart { get; set; }

    public required string Message { get; set; }
    public DateTime CreatedUtc { get; set; }
    public DateTime? AcknowledgedUtc { get; set; }
    public string? AcknowledgedBy { get; set; }

    /// <summary>When the unit's managers were e-mailed; null when not (yet) sent or SMTP is not configured.</summary>
    public DateTime? EmailedUtc { get; set; }
}

public enum CaseStatus : byte
{
    Open = 0,
    InProgress = 1,
    Answered = 2,
}

/// <summary>A follow-up case (phản ánh, kiến nghị) opened from a comment.</summary>
public sealed class FollowUpCase
{
    public int Id { get; set; }
    public long ResponseId { get; set; }
    public Response Response { get; set; } = null!;
    public int UnitId { get; set; }
    public Unit Unit { get; set; } = null!;
    public required string Title { get; set; }
    public CaseStatus Status { get; set; }
    public DateTime OpenedUtc { get; set; }
    public required string OpenedBy { get; set; }

    /// <summary>15 working days after the opening date (weekends and configured holidays skipped).</summary>
    public DateOnly DueDate { get; set; }

    public string? AssigneeId { get; set; }
    public Official? Assignee { get; set; }

    /// <summary>Internal notes, newest last; never shown to the public.</summary>
    public string InternalNotes { get; set; } = "";

    /// <summary>The answer the citizen may read on the unit's public page once the case is answered.</summary>
    public string? PublicAnswer { get; set; }

    public DateTime? AnsweredUtc { get; set; }
}

/// <summary>
/// Published results of one unit for one quarter. The figures are frozen as JSON at publish time (only those
/// with n ≥ MinN), so a published report does not change under the reader when late responses arrive.
/// </summary>
public sealed class Publication
{
    public int Id { get; set; }
    public int UnitId { get; set; }
    public Unit Unit { get; set; } = null!;
    public int Year { get; set; }
    public int Quarter { get; set; }
    public DateTime PublishedUtc { get; set; }
    public required string PublishedBy { get; set; }
    public required string FiguresJson { get; set; }
}
