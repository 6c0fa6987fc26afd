using CchcSurvey.Core.Plans;

namespace CchcSurvey.Web.Data;

/// <summary>
/// An improvement plan (kế hoạch nâng cao chỉ số) issued by a unit for a year: criteria grouped by index, each with
/// its lead and implementers, an optional numeric target and the platform figure that measures it; tasks under
/// each criterion with lead units, a deadline and a status history (the README "Improvement plans").
/// </summary>
public sealed class Plan
{
    public int Id { get; set; }

    /// <summary>Stable code, e.g. VQ-2023; the URL of the plan.</summary>
    public required string Code { get; set; }

    public required string Title { get; set; }
    public int UnitId { get; set; }
    public Unit Unit { get; set; } = null!;
    public int Year { get; set; }

    /// <summary>When the plan was issued: the "figure at the plan's start" is read up to this date.</summary>
    public DateOnly StartDate { get; set; }

    /// <summary>The plan's overall deadline (a task may carry its own).</summary>
    public DateOnly Deadline { get; set; }

    public DateTime CreatedUtc { get; set; }
    public required string CreatedBy { get; set; }
    public List<PlanCriterion> Criteria { get; set; } = [];
}

/// <summary>A criterion (tiêu chí) of one index: PAR, SIPAS or PAPI.</summary>
public sealed class PlanCriterion
{
    public int Id { get; set; }
    public int PlanId { get; set; }
    public Plan Plan { get; set; } = null!;

    /// <summary>The plan's own numbering, e.g. PAR-1.2.7.1; unique within the plan.</summary>
    public required string Code { get; set; }

    /// <summary>PAR, SIPAS or PAPI.</summary>
    public required string Index { get; set; }

    public required string Title { get; set; }

    /// <summary>The lead (cơ quan chủ trì) as the plan writes it; <see cref="Units"/> holds what it resolved to.</summary>
    public string LeadText { get; set; } = "";

    public string ImplementersText { get; set; } = "";

    /// <summary>The target as written ("Cấp huyện 60%; cấp xã 55%"), if any.</summary>
    public string? TargetText { get; set; }

    /// <summary>The numeric target, when the criterion has one; always with <see cref="TargetUnit"/>.</summary>
    public double? TargetValue { get; set; }

    public string? TargetUnit { get; set; }

    /// <summary>The platform figure measuring it: <c>INSTRUMENT:index</c>, <c>INSTRUMENT:ELEMENT</c>, <c>PAPI-M:Dk</c>, <c>TT01:C1</c>, <c>NHANH:share</c>.</summary>
    public string? MeasuredBy { get; set; }

    public int SortOrder { get; set; }
    public List<PlanCriterionUnit> Units { get; set; } = [];
    public List<PlanTask> Tasks { get; set; } = [];
    public List<PlanCriterionValue> Values { get; set; } = [];
}

public enum PlanRole : byte
{
    Lead = 0,
    Implementer = 1,
}

/// <summary>A unit a criterion names as lead or implementer (collectives expanded).</summary>
public sealed class PlanCriterionUnit
{
    public int CriterionId { get; set; }
    public PlanCriterion Criterion { get; set; } = null!;
    public int UnitId { get; set; }
    public Unit Unit { get; set; } = null!;
    public PlanRole Role { get; set; }
}

/// <summary>A task (nhiệm vụ, giải pháp) under a criterion.</summary>
public sealed class PlanTask
{
    public int Id { get; set; }
    public int CriterionId { get; set; }
    public PlanCriterion Criterion { get; set; } = null!;

    /// <summary>Unique within the plan, e.g. PAR-1.2.1-1; the API's <c>{task}</c>.</summary>
    public required string Code { get; set; }

    public required string Title { get; set; }
    public string LeadText { get; set; } = "";
    public DateOnly Deadline { get; set; }
    public int SortOrder { get; set; }
    public List<PlanTaskUnit> Units { get; set; } = [];
    public List<PlanTaskProgress> Progress { get; set; } = [];

    /// <summary>When the last reminder of an approaching deadline and of being overdue was e-mailed.</summary>
    public DateTime? ReminderSentUtc { get; set; }

    public DateTime? OverdueNoticeSentUtc { get; set; }

    /// <summary>When the <c>plan.task.overdue</c> webhook event was staged (independent of e-mail being configured).</summary>
    public DateTime? OverdueEventUtc { get; set; }
}

/// <summary>A lead unit of a task (collectives expanded); its managers report progress.</summary>
public sealed class PlanTaskUnit
{
    public int TaskId { get; set; }
    public PlanTask Task { get; set; } = null!;
    public int UnitId { get; set; }
    public Unit Unit { get; set; } = null!;
}

/// <summary>One progress report of a task: the status history the buckets are computed from.</summary>
public sealed class PlanTaskProgress
{
    public long Id { get; set; }
    public int TaskId { get; set; }
    public PlanTask Task { get; set; } = null!;
    public ProgressStatus Status { get; set; }
    public string Note { get; set; } = "";

    /// <summary>The local date the report is for (defaults to today).</summary>
    public DateOnly Date { get; set; }

    /// <summary>E-mail of the official (or api-token:{id}) who reported it.</summary>
    public required string Author { get; set; }

    public DateTime RecordedUtc { get; set; }
    public List<PlanEvidence> Evidence { get; set; } = [];
}

/// <summary>
/// An evidence file of a progress report. The bytes live outside the web root under a random name
/// (<see cref="StoredName"/>), and are served only through the plan page to officials in scope.
/// </summary>
public sealed class PlanEvidence
{
    public long Id { get; set; }
    public long ProgressId { get; set; }
    public PlanTaskProgress Progress { get; set; } = null!;
    public required string FileName { get; set; }
    public required string ContentType { get; set; }
    public long Size { get; set; }
    public required string StoredName { get; set; }

    /// <summary>SHA-256 of the bytes (hex), to detect a file changed on disk.</summary>
    public required string Sha256 { get; set; }
}

/// <summary>The value of a criterion with a numeric target for one period (e.g. digitisation 58.2 % in 2023-Q3).</summary>
public sealed class PlanCriterionValue
{
    public long Id { get; set; }
    public int CriterionId { get; set; }
    public PlanCriterion Criterion { get; set; } = null!;

    /// <summary>yyyy-Qn, or yyyy for the year.</summary>
    public required string Period { get; set; }

    public double Value { get; set; }
    public string Note { get; set; } = "";
    public required string Author { get; set; }
    public DateTime RecordedUtc { get; set; }
}
