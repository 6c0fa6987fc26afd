using System.Globalization;
using System.Text.RegularExpressions;
using CchcSurvey.Core.Instruments;
using CchcSurvey.Core.Plans;
using CchcSurvey.Web.Data;
using CsvHelper;

namespace CchcSurvey.Web.Plans;

/// <summary>A criterion read from a file or a form, its lead and implementer texts resolved to unit ids.</summary>
public sealed record CriterionDraft(
    string Code, string Index, string Title, string Lead, string Implementers, string? TargetText, double? TargetValue, string? TargetUnit,
    string? MeasuredBy, IReadOnlyList<int> LeadUnits, IReadOnlyList<int> ImplementerUnits);

/// <summary>A task read from a file, with its resolved lead units.</summary>
public sealed record TaskDraft(string Criterion, string Code, string Title, string Lead, DateOnly Deadline, IReadOnlyList<int> Units);

/// <summary>
/// Reads a plan from two CSV files: the criteria in the format of <c>data/demo/van-quan-2023-plan.csv</c>
/// (<c>code,index,title,lead,implementers,target,measured_by</c>, optionally <c>target_value,target_unit</c>) and
/// the tasks (<c>criterion,code,title,lead,units,deadline</c>; <c>units</c> optional unit codes separated by spaces
/// or ';' that replace what the lead text resolves to; <c>deadline</c> optional, yyyy-MM-dd, default the plan's).
/// Every row is checked first; each error is a Vietnamese sentence naming the file, line and column, and
/// with any error nothing is returned to store.
/// </summary>
public static partial class PlanImport
{
    public static readonly string[] Indices = ["PAR", "SIPAS", "PAPI"];
    private static readonly string[] CriteriaColumns = ["code", "index", "title", "lead", "implementers", "target", "measured_by"];
    private static readonly string[] TaskColumns = ["criterion", "code", "title", "lead"];

    [GeneratedRegex(@"(\d+(?:[.,]\d+)?)\s*%", RegexOptions.CultureInvariant)]
    private static partial Regex Percent();

    /// <summary>
    /// The figures a criterion may be measured by, <c>INSTRUMENT:KEY</c>, as the instruments declare them (PlanService
    /// reads the same keys from the reports): an instrument with elements its index, elements and rating items; with
    /// policy groups its index and groups; with dimensions those and the aggregate; with indicators the total and
    /// each indicator; one with only an overall item its share.
    /// </summary>
    public static IReadOnlySet<string> Measures(IEnumerable<InstrumentDefinition> instruments)
    {
        var measures = new HashSet<string>(StringComparer.Ordinal);
        foreach (var d in instruments)
        {
            IEnumerable<string> keys = d.Figures switch
            {
                var f when f.HasFlag(InstrumentFigures.Elements) => ["index", .. d.Elements.Select(e => e.Code), .. d.Items.Where(i => i.IsLikert).Select(i => i.Code)],
                var f when f.HasFlag(InstrumentFigures.Policy) => ["index", .. d.Items.Where(i => i.Role == "policy").Select(i => i.Group ?? "")],
                var f when f.HasFlag(InstrumentFigures.Indicators) => ["total", .. d.Items.Where(i => i.Role == "indicator").Select(i => i.Code)],
                var f when f.HasFlag(InstrumentFigures.Dimensions) => ["aggregate", .. d.Items.Where(i => i.Role == "dimension").Select(i => i.Group ?? "")],
                var f when f.HasFlag(InstrumentFigures.Overall) => ["share"],
                _ => [],
            };
            foreach (var key in keys) measures.Add($"{d.Code}:{key}");
        }
        return measures;
    }

    /// <summary>Parses a number written either way ("58.2" or "58,2").</summary>
    public static bool TryParseNumber(string? text, out double value)
    {
        value = 0;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var t = text.Trim().Replace(',', '.');
        return double.TryParse(t, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value)
            && double.IsFinite(value);
    }

    /// <summary>yyyy-MM-dd or dd/MM/yyyy.</summary>
    public static bool TryParseDate(string? text, out DateOnly date) =>
        DateOnly.TryParseExact(text?.Trim(), ["yyyy-MM-dd", "dd/MM/yyyy", "d/M/yyyy"], CultureInfo.InvariantCulture, DateTimeStyles.None, out date);

    public static (IReadOnlyList<CriterionDraft> Criteria, IReadOnlyList<TaskDraft> Tasks, IReadOnlyList<string> Errors) Read(
        TextReader criteriaFile, TextReader? tasksFile, DateOnly planDeadline, IReadOnlyList<Unit> candidates, IReadOnlySet<string> measures)
    {
        var errors = new List<string>();
        var leadCandidates = candidates.Select(u => new LeadCandidate(u.Code, u.Name, u.LevelName)).ToList();
        var ids = candidates.ToDictionary(u => u.Code, u => u.Id, StringComparer.Ordinal);
        IReadOnlyList<int> Resolve(string text) => LeadUnits.Resolve(text, leadCandidates).Select(c => ids[c]).ToList();

        var criteria = new List<CriterionDraft>();
        foreach (var (line, field) in Rows(criteriaFile, "tiêu chí", CriteriaColumns, errors))
        {
            var where = $"Tệp tiêu chí, dòng {line}";
            var code = field("code");
            var index = field("index").ToUpperInvariant();
            var title = field("title");
            var lead = field("lead");
            var target = field("target");
            var measured = field("measured_by");
            var targetValueText = field("target_value");
            var targetUnit = field("target_unit");
            if (!IsValidTaskCode(code) || code.Length > 32) errors.Add($"{where}, cột code: mã '{code}' phải gồm 1–32 chữ cái, chữ số, '-', '.' hoặc '_'.");
            else if (criteria.Any(c => c.Code == code)) errors.Add($"{where}, cột code: mã '{code}' bị trùng.");
            if (!Indices.Contains(index)) errors.Add($"{where}, cột index: '{field("index")}' phải là PAR, SIPAS hoặc PAPI.");
            if (title.Length is 0 or > 500) errors.Add($"{where}, cột title: tên tiêu chí phải có từ 1 đến 500 ký tự.");
            if (lead.Length is 0 or > 500) errors.Add($"{where}, cột lead: cần ghi cơ quan chủ trì (tối đa 500 ký tự).");
            if (measured.Length > 0 && !measures.Contains(measured))
                errors.Add($"{where}, cột measured_by: '{measured}' không phải số liệu của hệ thống (ví dụ: {string.Join(", ", measures.Order(StringComparer.Ordinal).Take(5))}).");
            double? targetValue = null;
            string? unit = targetUnit.Length > 0 ? targetUnit : null;
            if (targetValueText.Length > 0)
            {
                if (!TryParseNumber(targetValueText, out var v)) errors.Add($"{where}, cột target_value: '{targetValueText}' không phải là số.");
                else if (unit is null) errors.Add($"{where}, cột target_unit: mục tiêu {targetValueText} chưa có đơn vị tính (ví dụ %).");
                else targetValue = v;
            }
            else if (unit is not null) errors.Add($"{where}, cột target_value: có đơn vị tính '{unit}' nhưng không có giá trị mục tiêu.");
            else if (Percent().Match(target) is { Success: true } percent && TryParseNumber(percent.Groups[1].Value, out var p))
            {
                // The seed writes numeric targets in words ("Giải ngân từ 90% trở lên"): the first percentage is the target.
                targetValue = p;
                unit = "%";
            }
            criteria.Add(new CriterionDraft(code, index, title, lead, field("implementers"), target.Length > 0 ? target : null, targetValue, unit,
                measured.Length > 0 ? measured : null, Resolve(lead), Resolve(field("implementers"))));
        }

        var tasks = new List<TaskDraft>();
        if (tasksFile is not null)
            foreach (var (line, field) in Rows(tasksFile, "nhiệm vụ", TaskColumns, errors))
            {
                var where = $"Tệp nhiệm vụ, dòng {line}";
                var criterion = field("criterion");
                var code = field("code");
                var title = field("title");
                var lead = field("lead");
                if (!criteria.Any(c => c.Code == criterion)) errors.Add($"{where}, cột criterion: không có tiêu chí '{criterion}' trong tệp tiêu chí.");
                if (!IsValidTaskCode(code)) errors.Add($"{where}, cột code: mã '{code}' phải gồm 1–40 chữ cái, chữ số, '-', '.' hoặc '_'.");
                else if (tasks.Any(t => t.Code == code)) errors.Add($"{where}, cột code: mã '{code}' bị trùng.");
                if (title.Length is 0 or > 4000) errors.Add($"{where}, cột title: nội dung nhiệm vụ phải có từ 1 đến 4.000 ký tự.");
                var deadline = planDeadline;
                var deadlineText = field("deadline");
                if (deadlineText.Length > 0 && !TryParseDate(deadlineText, out deadline))
                    errors.Add($"{where}, cột deadline: '{deadlineText}' không phải là ngày (yyyy-MM-dd).");
                IReadOnlyList<int> units;
                var explicitCodes = field("units").Split([' ', ';', ','], StringSplitOptions.RemoveEmptyEntries);
                if (explicitCodes.Length > 0)
                {
                    var unknown = explicitCodes.Where(c => !ids.ContainsKey(c)).ToList();
                    if (unknown.Count > 0) errors.Add($"{where}, cột units: không có đơn vị {string.Join(", ", unknown)} trong phạm vi của kế hoạch.");
                    units = explicitCodes.Where(ids.ContainsKey).Select(c => ids[c]).Distinct().ToList();
                }
                else
                {
                    units = Resolve(lead);
                    if (lead.Length > 0 && units.Count == 0)
                        errors.Add($"{where}, cột lead: không nhận ra đơn vị nào trong '{lead}'; ghi mã đơn vị ở cột units.");
                }
                if (lead.Length is 0 or > 500) errors.Add($"{where}, cột lead: cần ghi đơn vị chủ trì (tối đa 500 ký tự).");
                tasks.Add(new TaskDraft(criterion, code, title, lead, deadline, units));
            }
        if (errors.Count == 0 && criteria.Count == 0) errors.Add("Tệp tiêu chí không có dòng nào.");
        return (criteria, tasks, errors);
    }

    public static bool IsValidTaskCode(string code) =>
        code.Length is > 0 and <= 40 && code.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    /// <summary>The data rows of a CSV file with a header, as (line, field by column name); header, row-length and quoting errors go to <paramref name="errors"/>.</summary>
    private static List<(int Line, Func<string, string> Field)> Rows(TextReader reader, string fileName, string[] required, List<string> errors)
    {
        var rows = new List<(int, Func<string, string>)>();
        var options = new CsvReaderOptions { HasHeader = true, Separator = ',', TrackLineNumbers = true, FieldCountMismatch = CsvFieldCountHandling.Allow, SkipEmptyLines = true };
        var line = 1;
        try
        {
            using var csv = CsvReader.Create(reader, options, true);
            var header = csv.Headers?.Select(h => h.Trim().TrimStart('\uFEFF').ToLowerInvariant()).ToArray() ?? [];
            var missing = required.Where(r => !header.Contains(r)).ToList();
            if (missing.Count > 0)
            {
                errors.Add($"Tệp {fileName}, dòng 1: thiếu cột {string.Join(", ", missing)} (cần dòng tiêu đề {string.Join(",", required)}).");
                return rows;
            }
            var column = header.Select((name, index) => (name, index)).GroupBy(c => c.name).ToDictionary(g => g.Key, g => g.First().index);
            while (csv.Read())
            {
                line = (int)csv.LineNumber;
                if (csv.FieldCount != header.Length)
                {
                    errors.Add($"Tệp {fileName}, dòng {line}: có {csv.FieldCount} cột, cần {header.Length} (dòng bị hỏng, kiểm tra dấu phẩy và dấu ngoặc kép).");
                    continue;
                }
                var values = Enumerable.Range(0, header.Length).Select(i => csv.GetString(i)?.Trim() ?? "").ToArray();
                rows.Add((line, name => column.TryGetValue(name, out var i) ? values[i] : ""));
            }
        }
        catch (Exception e) when (e is CsvFormatException or CsvValidationException or FormatException or InvalidOperationException)
        {
            errors.Add($"Tệp {fileName}, sau dòng {line}: không đọc được CSV ({e.Message.Split('\n')[0]}).");
        }
        return rows;
    }
}
