namespace CchcSurvey.Core.Plans;

/// <summary>A progress report's status: the task is being worked on, or it is done.</summary>
public enum ProgressStatus : byte
{
    InProgress = 1,
    Done = 2,
}

/// <summary>
/// The four buckets of Vietnamese task follow-up practice ("hoàn thành đúng hạn", "hoàn thành quá hạn",
/// "chưa hoàn thành, trong hạn", "chưa hoàn thành, quá hạn"). As of a date every task is in exactly one.
/// </summary>
public enum TaskBucket : byte
{
    DoneOnTime = 0,
    DoneLate = 1,
    OpenInTime = 2,
    OpenOverdue = 3,
}

/// <summary>One entry of a task's status history: what was reported and for which (local) date.</summary>
public readonly record struct ProgressEntry(DateOnly Date, ProgressStatus Status);

/// <summary>The bucket rule of the README "Improvement plans".</summary>
public static class TaskBuckets
{
    public static readonly IReadOnlyList<TaskBucket> All = [TaskBucket.DoneOnTime, TaskBucket.DoneLate, TaskBucket.OpenInTime, TaskBucket.OpenOverdue];

    /// <summary>The contract's name of a bucket (<c>done_on_time</c> …).</summary>
    public static string Name(TaskBucket bucket) => bucket switch
    {
        TaskBucket.DoneOnTime => "done_on_time",
        TaskBucket.DoneLate => "done_late",
        TaskBucket.OpenInTime => "open_in_time",
        _ => "open_overdue",
    };

    /// <summary>The Vietnamese label used on pages and in reports.</summary>
    public static string Label(TaskBucket bucket) => bucket switch
    {
        TaskBucket.DoneOnTime => "Hoàn thành đúng hạn",
        TaskBucket.DoneLate => "Hoàn thành quá hạn",
        TaskBucket.OpenInTime => "Chưa hoàn thành, còn hạn",
        _ => "Chưa hoàn thành, quá hạn",
    };

    /// <summary>
    /// The task's status as of <paramref name="asOf"/>: the latest entry dated on or before it (entries on one
    /// date keep their order, the later wins); no entry yet means open. Reports dated after
    /// <paramref name="asOf"/> are ignored, so a report as of an earlier date reads what was known then.
    /// </summary>
    public static ProgressEntry? StatusAsOf(IEnumerable<ProgressEntry> history, DateOnly asOf)
    {
        ProgressEntry? latest = null;
        foreach (var entry in history)
            if (entry.Date <= asOf && (latest is null || entry.Date >= latest.Value.Date))
                latest = entry;
        return latest;
    }

    /// <summary>
    /// Done tasks by their last done date against the deadline (on the deadline is on time); open tasks by the
    /// date asked about (on the deadline is still in time). A task re-opened after "done" counts as open.
    /// </summary>
    public static TaskBucket Classify(DateOnly deadline, IEnumerable<ProgressEntry> history, DateOnly asOf)
    {
        var status = StatusAsOf(history, asOf);
        if (status is { Status: ProgressStatus.Done } done)
            return done.Date <= deadline ? TaskBucket.DoneOnTime : TaskBucket.DoneLate;
        return asOf <= deadline ? TaskBucket.OpenInTime : TaskBucket.OpenOverdue;
    }

    /// <summary>Parses the API's status text (<c>in_progress</c>, <c>done</c>).</summary>
    public static bool TryParseStatus(string? text, out ProgressStatus status)
    {
        status = text switch { "in_progress" => ProgressStatus.InProgress, "done" => ProgressStatus.Done, _ => 0 };
        return status != 0;
    }

    public static string StatusName(ProgressStatus? status) => status switch
    {
        ProgressStatus.Done => "done",
        ProgressStatus.InProgress => "in_progress",
        _ => "open",
    };

    public static string StatusLabel(ProgressStatus? status) => status switch
    {
        ProgressStatus.Done => "Đã hoàn thành",
        ProgressStatus.InProgress => "Đang thực hiện",
        _ => "Chưa báo cáo",
    };
}
