using CchcSurvey.Core.Plans;
using CchcSurvey.Web.Data;
using CchcSurvey.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CchcSurvey.Web.Plans;

/// <summary>
/// The seed's own plan as the demo plan <c>VQ-2023</c>: the criteria of <c>data/demo/van-quan-2023-plan.csv</c>,
/// the "+" bullets of the seed (a), b) … under PAPI, and the one-sentence solutions) as tasks in
/// <c>van-quan-2023-plan-tasks.csv</c>, deadline 20 November 2023, and a plausible history: some tasks done on
/// time, some late, some still open, and the values of the criteria with numeric targets per quarter.
/// </summary>
public static class PlanDemo
{
    public const string Code = "VQ-2023";
    public const string Title = "Kế hoạch nâng cao Chỉ số PAPI, SIPAS và PAR INDEX tỉnh Lạng Sơn năm 2023 trên địa bàn huyện Văn Quan";
    public static readonly DateOnly Start = new(2023, 7, 10);
    public static readonly DateOnly Deadline = new(2023, 11, 20);
    private const string Author = "demo@vanquan.demo";

    private static readonly string[] Notes =
    [
        "Đã ban hành văn bản triển khai đến các bộ phận, phân công cán bộ theo dõi.",
        "Đang rà soát, tổng hợp số liệu; dự kiến hoàn thành trong tháng 11.",
        "Đã tổ chức kiểm tra, có biên bản kèm theo.",
        "Đã niêm yết công khai tại Bộ phận Một cửa và trên trang thông tin điện tử.",
        "Đã tổ chức hội nghị quán triệt cho cán bộ, công chức.",
        "Hoàn thành, đã báo cáo UBND huyện (qua Phòng Nội vụ).",
    ];

    public static async Task SeedAsync(SurveyDbContext db, PlanService plans, CancellationToken ct)
    {
        if (await db.Plans.AnyAsync(p => p.Code == Code, ct) || !await db.Units.AnyAsync(u => u.Code == "VQ", ct)) return;
        using var criteria = new StreamReader(RepositoryPaths.BundledFile("demo", "van-quan-2023-plan.csv"));
        using var tasks = new StreamReader(RepositoryPaths.BundledFile("demo", "van-quan-2023-plan-tasks.csv"));
        var (result, errors) = await plans.ImportAsync(null, Author, new PlanHeader(Code, Title, "VQ", 2023, Start, Deadline), criteria, tasks, ct);
        if (!result.Ok) throw new InvalidOperationException("The demo plan does not import: " + string.Join("; ", errors));

        var all = await db.PlanTasks.Where(t => t.Criterion.Plan.Code == Code)
            .OrderBy(t => t.Criterion.SortOrder).ThenBy(t => t.SortOrder).ToListAsync(ct);
        var recorded = new DateTime(2023, 11, 30, 3, 0, 0, DateTimeKind.Utc);
        void Report(PlanTask task, ProgressStatus status, DateOnly date, int note) => db.PlanTaskProgress.Add(new PlanTaskProgress
        {
            TaskId = task.Id, Status = status, Date = date, Note = Notes[note % Notes.Length], Author = Author, RecordedUtc = recorded,
        });
        for (var i = 0; i < all.Count; i++)
        {
            var task = all[i];
            switch (i % 6)
            {
                case 0: break;                                                                    // never reported: overdue
                case 1: Report(task, ProgressStatus.InProgress, new DateOnly(2023, 8, 15), i); break; // started, overdue
                case 2:
                case 3:
                    Report(task, ProgressStatus.InProgress, new DateOnly(2023, 8, 1), 4);
                    Report(task, ProgressStatus.Done, new DateOnly(2023, 10, 10 + i % 15), 5);       // on time
                    break;
                case 4: Report(task, ProgressStatus.Done, Deadline, 2); break;                     // on the deadline: on time
                default:
                    Report(task, ProgressStatus.InProgress, new DateOnly(2023, 9, 1), 1);
                    Report(task, ProgressStatus.Done, new DateOnly(2023, 11, 28), 5);               // late
                    break;
            }
        }

        // Quarterly values of the criteria with numeric targets (digitisation 58.2 % in Q3, as the example).
        var values = new (string Criterion, string Period, double Value, string Note)[]
        {
            ("PAR-1.2.7.1", "2023-Q2", 41.5, "Số hóa hồ sơ cấp huyện; cấp xã 36,0%."),
            ("PAR-1.2.7.1", "2023-Q3", 58.2, "Cấp huyện 58,2%; cấp xã 51,7%."),
            ("PAR-1.2.6.1", "2023-Q2", 38.6, "Giải ngân đến 30/6."),
            ("PAR-1.2.6.1", "2023-Q3", 71.4, "Giải ngân đến 30/9."),
            ("PAR-1.2.6.1", "2023", 92.3, "Ước giải ngân cả năm."),
            ("PAR-1.2.3.1", "2023-Q2", 96.8, "Hồ sơ cập nhật tiến độ, kết quả trên Hệ thống thông tin giải quyết TTHC."),
            ("PAR-1.2.3.1", "2023-Q3", 99.1, "Còn 14 hồ sơ cấp xã cập nhật chậm."),
        };
        var criteriaByCode = await db.PlanCriteria.Where(c => c.Plan.Code == Code).ToDictionaryAsync(c => c.Code, ct);
        foreach (var (criterion, period, value, note) in values)
            if (criteriaByCode.TryGetValue(criterion, out var c) && c.TargetValue is not null)
                db.PlanCriterionValues.Add(new PlanCriterionValue { CriterionId = c.Id, Period = period, Value = value, Note = note, Author = Author, RecordedUtc = recorded });
        await db.SaveChangesAsync(ct);
    }
}
