using System.Globalization;
using CchcSurvey.Core.Plans;
using CchcSurvey.Web.Data;

namespace CchcSurvey.Web.Plans;

/// <summary>
/// The progress report of a plan as of a date ("Báo cáo kết quả thực hiện kế hoạch"), built once from the same
/// <see cref="PlanView"/> as the plan page, so the page, the printable report and the .docx hold the same numbers.
/// </summary>
public sealed record PlanReport(PlanView View, DateOnly Today)
{
    public sealed record CountRow(string Label, IReadOnlyDictionary<TaskBucket, int> Counts)
    {
        public int Total => Counts.Values.Sum();
    }

    public sealed record CriterionRow(string Code, string Index, string Title, string Lead, string Target, string Value, string Figure, string FigureAtStart);

    public sealed record OpenTaskRow(string Code, string Title, string Owners, DateOnly Deadline, TaskBucket Bucket, string Status);

    public sealed record NoteRow(string Task, string Owners, DateOnly Date, string Status, string Note);

    public static readonly IReadOnlyDictionary<string, string> IndexNames = new Dictionary<string, string>
    {
        ["PAR"] = "Chỉ số cải cách hành chính (PAR INDEX)",
        ["SIPAS"] = "Chỉ số hài lòng về sự phục vụ hành chính (SIPAS)",
        ["PAPI"] = "Chỉ số hiệu quả quản trị và hành chính công (PAPI)",
    };

    public DateOnly From => View.Plan.StartDate;
    public DateOnly AsOf => View.AsOf;

    public CountRow Total => new("Tổng số", View.Summary);

    public IReadOnlyList<CountRow> ByIndex =>
        PlanImport.Indices.Select(i => new CountRow(IndexNames[i], PlanView.Count(View.Tasks.Where(t => t.Criterion.Index == i)))).Where(r => r.Total > 0).ToList();

    /// <summary>Per lead unit: a task led by several units counts once for each (its row in each unit's follow-up).</summary>
    public IReadOnlyList<CountRow> ByUnit =>
        View.Tasks.SelectMany(t => t.Units.Select(u => (Unit: u, Task: t)))
            .GroupBy(x => x.Unit.Id)
            .Select(g => (Unit: g.First().Unit, Row: new CountRow(g.First().Unit.Name, PlanView.Count(g.Select(x => x.Task)))))
            .OrderBy(x => x.Unit.SortOrder).ThenBy(x => x.Unit.Code, StringComparer.Ordinal)
            .Select(x => x.Row).ToList();

    public IReadOnlyList<CriterionRow> Criteria => View.Criteria.Select(c =>
    {
        var k = c.Criterion;
        var value = c.LatestValue(AsOf);
        return new CriterionRow(k.Code, k.Index, k.Title, k.LeadText,
            k.TargetValue is double t ? $"{Number(t)} {k.TargetUnit}" + (k.TargetText is null ? "" : $" ({k.TargetText})") : k.TargetText ?? "–",
            value is null ? "–" : $"{Number(value.Value)} {k.TargetUnit} ({value.Period})",
            FigureText(c.Now), FigureText(c.AtStart));
    }).ToList();

    /// <summary>Tasks not done as of the date, overdue first.</summary>
    public IReadOnlyList<OpenTaskRow> OpenTasks => View.Tasks.Where(t => t.Bucket is TaskBucket.OpenOverdue or TaskBucket.OpenInTime)
        .OrderByDescending(t => t.Bucket).ThenBy(t => t.Task.Deadline)
        .Select(t => new OpenTaskRow(t.Task.Code, t.Task.Title, Owners(t), t.Task.Deadline, t.Bucket, TaskBuckets.StatusLabel(t.Status))).ToList();

    /// <summary>The latest note of every task that has one, as of the date.</summary>
    public IReadOnlyList<NoteRow> Notes => View.Tasks
        .Select(t => (Task: t, Last: t.History.LastOrDefault(h => h.Note.Length > 0)))
        .Where(x => x.Last is not null)
        .Select(x => new NoteRow(x.Task.Task.Code, Owners(x.Task), x.Last!.Date, TaskBuckets.StatusLabel(x.Last.Status), x.Last.Note)).ToList();

    public static string Owners(TaskView task) => task.Units.Count switch
    {
        0 => task.Task.LeadText,
        <= 3 => string.Join("; ", task.Units.Select(u => u.Name)),
        _ => $"{task.Task.LeadText} ({task.Units.Count} đơn vị)",
    };

    public static string Number(double value) => value.ToString("0.#", CultureInfo.GetCultureInfo("vi"));

    public static string FigureText(PlanFigure? figure) => figure switch
    {
        null => "–",
        { Value: null } => $"chưa đủ dữ liệu (n = {figure.N})",
        { Lo: double lo, Hi: double hi } => $"{Number(figure.Value!.Value)} [{Number(lo)}–{Number(hi)}] {figure.Scale}, n = {figure.N}",
        _ => $"{Number(figure.Value!.Value)} {figure.Scale}, n = {figure.N}",
    };
}
