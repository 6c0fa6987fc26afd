using CchcSurvey.Core.Plans;

namespace CchcSurvey.Core.Tests.Plans;

public sealed class TaskBucketsTests
{
    private static readonly DateOnly Deadline = new(2023, 11, 20);

    private static ProgressEntry Done(string date) => new(DateOnly.Parse(date), ProgressStatus.Done);
    private static ProgressEntry Working(string date) => new(DateOnly.Parse(date), ProgressStatus.InProgress);

    [Fact]
    public void Done_on_the_deadline_is_on_time() =>
        Assert.Equal(TaskBucket.DoneOnTime, TaskBuckets.Classify(Deadline, [Done("2023-11-20")], new DateOnly(2023, 12, 31)));

    [Fact]
    public void Done_a_day_late_is_late() =>
        Assert.Equal(TaskBucket.DoneLate, TaskBuckets.Classify(Deadline, [Working("2023-10-01"), Done("2023-11-21")], new DateOnly(2023, 12, 31)));

    [Fact]
    public void Open_on_the_deadline_is_in_time_and_overdue_the_day_after()
    {
        Assert.Equal(TaskBucket.OpenInTime, TaskBuckets.Classify(Deadline, [Working("2023-09-01")], Deadline));
        Assert.Equal(TaskBucket.OpenOverdue, TaskBuckets.Classify(Deadline, [Working("2023-09-01")], Deadline.AddDays(1)));
        Assert.Equal(TaskBucket.OpenOverdue, TaskBuckets.Classify(Deadline, [], Deadline.AddDays(1)));
    }

    [Fact]
    public void As_of_before_the_plan_started_every_task_is_open_in_time_whatever_was_reported_later()
    {
        var before = new DateOnly(2023, 6, 1);
        Assert.Equal(TaskBucket.OpenInTime, TaskBuckets.Classify(Deadline, [Done("2023-08-01")], before));
        Assert.Equal(TaskBucket.OpenInTime, TaskBuckets.Classify(Deadline, [], before));
    }

    [Fact]
    public void A_report_dated_after_the_date_asked_about_is_not_yet_known()
    {
        // Done late on 25 November: as of 22 November the task was still open and overdue.
        Assert.Equal(TaskBucket.OpenOverdue, TaskBuckets.Classify(Deadline, [Done("2023-11-25")], new DateOnly(2023, 11, 22)));
        Assert.Equal(TaskBucket.DoneLate, TaskBuckets.Classify(Deadline, [Done("2023-11-25")], new DateOnly(2023, 11, 25)));
    }

    [Fact]
    public void A_task_reopened_after_done_is_open_and_the_last_done_date_counts()
    {
        Assert.Equal(TaskBucket.OpenOverdue, TaskBuckets.Classify(Deadline, [Done("2023-11-10"), Working("2023-11-15")], new DateOnly(2023, 11, 30)));
        Assert.Equal(TaskBucket.DoneLate, TaskBuckets.Classify(Deadline, [Done("2023-11-10"), Working("2023-11-15"), Done("2023-11-28")], new DateOnly(2023, 11, 30)));
    }

    [Theory]
    [InlineData("done", true)]
    [InlineData("in_progress", true)]
    [InlineData("Done", false)]
    [InlineData("open", false)]
    [InlineData("", false)]
    public void Only_the_contract_statuses_parse(string text, bool ok) => Assert.Equal(ok, TaskBuckets.TryParseStatus(text, out _));

    [Fact]
    public void Bucket_names_are_those_of_the_contract() =>
        Assert.Equal(["done_on_time", "done_late", "open_in_time", "open_overdue"], TaskBuckets.All.Select(TaskBuckets.Name));
}

public sealed class LeadUnitsTests
{
    private static readonly LeadCandidate[] Tree =
    [
        new("VQ-VP", "Văn phòng HĐND và UBND huyện", "Phòng"),
        new("VQ-NV", "Phòng Nội vụ", "Phòng"),
        new("VQ-TCKH", "Phòng Tài chính - Kế hoạch", "Phòng"),
        new("VQ-TT", "Thị trấn Văn Quan", "Thị trấn"),
        new("VQ-AS", "Xã An Sơn", "Xã"),
        new("VQ-BP", "Xã Bình Phúc", "Xã"),
    ];

    [Fact]
    public void The_communes_collective_expands_to_every_commune_and_the_town() =>
        Assert.Equal(["VQ-TT", "VQ-AS", "VQ-BP"], LeadUnits.Resolve("UBND các xã, thị trấn", Tree));

    [Fact]
    public void Departments_and_communes_together() =>
        Assert.Equal(["VQ-VP", "VQ-NV", "VQ-TCKH", "VQ-TT", "VQ-AS", "VQ-BP"], LeadUnits.Resolve("Các Phòng, ban, ngành huyện; UBND các xã, thị trấn", Tree));

    [Fact]
    public void Named_units_by_name_short_name_or_code()
    {
        Assert.Equal(["VQ-NV"], LeadUnits.Resolve("Phòng Nội vụ; Thanh tra huyện", Tree));
        Assert.Equal(["VQ-VP"], LeadUnits.Resolve("Văn phòng HĐND và UBND theo dõi, đôn đốc", Tree));
        Assert.Equal(["VQ-TCKH", "VQ-AS"], LeadUnits.Resolve("VQ-AS; phòng tài chính - kế hoạch", Tree));
    }

    [Fact]
    public void Units_the_tree_lacks_resolve_to_nothing()
    {
        Assert.Empty(LeadUnits.Resolve("Trung tâm Y tế", Tree));
        Assert.Empty(LeadUnits.Resolve("", Tree));
    }
}
