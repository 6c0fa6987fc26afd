using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace CchcSurvey.Web.Webhooks;

/// <summary>An event a receiver may subscribe to, with what it means (Vietnamese first, English on the admin page).</summary>
public sealed record WebhookEvent(string Name, string Vi, string En, Type DataType);

/// <summary>
/// The events. The list is data: the admin page, the subscription check, the OpenAPI <c>webhooks</c> section and the
/// guide all read it, so a new event is one line here plus the call to <see cref="WebhookOutbox.StageAsync"/> where it
/// happens.
/// </summary>
public static class WebhookEvents
{
    public const string AlertRaised = "alert.raised";
    public const string CaseOpened = "case.opened";
    public const string CaseAnswered = "case.answered";
    public const string PublicationPublished = "publication.published";
    public const string PlanTaskOverdue = "plan.task.overdue";

    public static readonly IReadOnlyList<WebhookEvent> All =
    [
        new(AlertRaised, "Có cảnh báo mới (đánh giá thấp kèm góp ý, tỷ lệ hài lòng tuần dưới ngưỡng)", "A new alert (low rating with a comment, weekly share below the threshold)", typeof(AlertRaisedData)),
        new(CaseOpened, "Mở hồ sơ theo dõi phản ánh, kiến nghị", "A follow-up case was opened", typeof(CaseOpenedData)),
        new(CaseAnswered, "Hồ sơ theo dõi đã được trả lời", "A follow-up case was answered", typeof(CaseAnsweredData)),
        new(PublicationPublished, "Công bố kết quả của một đơn vị trong một quý", "A unit's quarter was published", typeof(PublicationPublishedData)),
        new(PlanTaskOverdue, "Nhiệm vụ của kế hoạch quá hạn mà chưa hoàn thành", "A plan task passed its deadline without being done", typeof(PlanTaskOverdueData)),
    ];

    public static bool IsKnown(string name) => All.Any(e => e.Name == name);
}

/// <summary>
/// The body of every delivery. Dates only, never a time (docs/methodology.md §6: a time would narrow down who answered);
/// no comment text, nothing about a citizen beyond what officials' pages show (unit, date, rating level, case id).
/// </summary>
/// <param name="Id">The delivery id, also in the <c>Cchc-Webhook-Id</c> header: the same on every attempt; drop repeats.</param>
/// <param name="Event">The event name.</param>
/// <param name="Date">The local date (yyyy-MM-dd) the event happened.</param>
/// <param name="Data">The event's facts (one of the *Data shapes).</param>
public sealed record WebhookEnvelope<T>(
    [property: JsonPropertyName("id")] Guid Id,
    [property: JsonPropertyName("event")] string Event,
    [property: JsonPropertyName("date")] string Date,
    [property: JsonPropertyName("data")] T Data);

/// <param name="Alert">The alert's opaque identifier, as on /dashboard/alerts (row ids would tell the order of arrival).</param>
/// <param name="Kind">low-rating or weekly-share.</param>
/// <param name="Unit">The unit's code.</param>
/// <param name="UnitName">The unit's name.</param>
/// <param name="Date">low-rating: the local date of the response; weekly-share: the Monday of the week.</param>
/// <param name="Instrument">The questionnaire code.</param>
/// <param name="Rating">low-rating: the rating level (1–5, or 1 on a three-level scale); otherwise null.</param>
/// <param name="Path">The alerts page, relative to the platform's address.</param>
public sealed record AlertRaisedData(string Alert, string Kind, string Unit, string UnitName, string Date, string? Instrument, int? Rating, string Path);

/// <param name="Case">The case id (as on /dashboard/cases/{id}).</param>
/// <param name="Unit">The unit's code.</param>
/// <param name="UnitName">The unit's name.</param>
/// <param name="Opened">The local date the case was opened.</param>
/// <param name="Due">The due date (working days after opening).</param>
/// <param name="Instrument">The questionnaire code of the comment's response.</param>
/// <param name="Rating">The response's rating level, when it has one.</param>
/// <param name="Path">The case's page, relative to the platform's address.</param>
public sealed record CaseOpenedData(int Case, string Unit, string UnitName, string Opened, string Due, string Instrument, int? Rating, string Path);

/// <param name="Case">The case id.</param>
/// <param name="Unit">The unit's code.</param>
/// <param name="UnitName">The unit's name.</param>
/// <param name="Answered">The local date the case was answered.</param>
/// <param name="Due">The due date.</param>
/// <param name="Path">The case's page, relative to the platform's address.</param>
public sealed record CaseAnsweredData(int Case, string Unit, string UnitName, string Answered, string Due, string Path);

/// <param name="Unit">The unit's code.</param>
/// <param name="UnitName">The unit's name.</param>
/// <param name="Quarter">The quarter, yyyy-Qn.</param>
/// <param name="Path">The public page, relative to the platform's address.</param>
public sealed record PublicationPublishedData(string Unit, string UnitName, string Quarter, string Path);

public static class WebhookJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}

/// <param name="Plan">The plan's code.</param>
/// <param name="Task">The task's code within the plan.</param>
/// <param name="Title">The task's title.</param>
/// <param name="Lead">The codes of the task's lead units.</param>
/// <param name="Deadline">The task's deadline (yyyy-MM-dd).</param>
/// <param name="Path">The plan's page, relative to the platform's address.</param>
public sealed record PlanTaskOverdueData(string Plan, string Task, string Title, IReadOnlyList<string> Lead, string Deadline, string Path);
