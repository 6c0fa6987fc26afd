using CchcSurvey.Core.Plans;

namespace CchcSurvey.Web.Plans;

/// <summary>The .docx of a plan's progress report: the same sections and numbers as <c>/plans/{code}/report</c>.</summary>
public static class PlanReportDocx
{
    public static byte[] Write(PlanReport report)
    {
        var plan = report.View.Plan;
        var buckets = TaskBuckets.All.Select(TaskBuckets.Label).ToList();
        IReadOnlyList<string> Counts(PlanReport.CountRow row) => [row.Label, .. TaskBuckets.All.Select(b => row.Counts[b].ToString("N0", System.Globalization.CultureInfo.GetCultureInfo("vi"))), row.Total.ToString("N0", System.Globalization.CultureInfo.GetCultureInfo("vi"))];
        var writer = new DocxWriter()
            .Header(report.View.Full ? plan.Unit.Name : report.View.FigureUnit.Name, report.Today)
            .Title("Báo cáo kết quả thực hiện kế hoạch", plan.Title)
            .Heading("1. Thời gian và phạm vi")
            .Text($"Từ ngày {report.From:dd/MM/yyyy} đến ngày {report.AsOf:dd/MM/yyyy}. Hạn hoàn thành các nhiệm vụ: {plan.Deadline:dd/MM/yyyy}.")
            .Heading("2. Kết quả thực hiện nhiệm vụ")
            .Table(["", .. buckets, "Tổng số"], [Counts(report.Total), .. report.ByIndex.Select(Counts)])
            .Heading("3. Kết quả theo cơ quan chủ trì")
            .Table(["Cơ quan, đơn vị", .. buckets, "Tổng số"], report.ByUnit.Select(Counts))
            .Heading("4. Kết quả các tiêu chí")
            .Table(["Mã", "Tiêu chí", "Cơ quan chủ trì", "Mục tiêu", "Giá trị đạt được", "Số liệu khảo sát hiện nay", "Khi bắt đầu kế hoạch"],
                report.Criteria.Select(c => (IReadOnlyList<string>)[c.Code, c.Title, c.Lead, c.Target, c.Value, c.Figure, c.FigureAtStart]))
            .Heading("5. Nhiệm vụ chưa hoàn thành")
            .Table(["Mã", "Nhiệm vụ", "Đơn vị chủ trì", "Hạn", "Tình trạng"],
                report.OpenTasks.Select(t => (IReadOnlyList<string>)[t.Code, t.Title, t.Owners, t.Deadline.ToString("dd/MM/yyyy"), TaskBuckets.Label(t.Bucket) + " – " + t.Status]))
            .Heading("6. Ý kiến, ghi chú của các đơn vị")
            .Table(["Nhiệm vụ", "Đơn vị", "Ngày", "Tình trạng", "Ghi chú"],
                report.Notes.Select(n => (IReadOnlyList<string>)[n.Task, n.Owners, n.Date.ToString("dd/MM/yyyy"), n.Status, n.Note]))
            .Signature("NGƯỜI LẬP BÁO CÁO");
        return writer.ToBytes();
    }
}
