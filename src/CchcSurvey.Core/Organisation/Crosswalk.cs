using CsvHelper;

namespace CchcSurvey.Core.Organisation;

/// <summary>One row of a crosswalk file: <c>old,new,new_parent,new_name</c>, with its line for error messages.</summary>
public sealed record CrosswalkRow(int Line, string Old, string New, string? NewParent, string? NewName);

/// <summary>A unit as it stands before the reorganisation.</summary>
public sealed record UnitSnapshot(string Code, string Name, string? Parent, bool Active, string? Successor, string LevelName = "");

/// <summary>A counter and the unit it belongs to.</summary>
public sealed record CounterSnapshot(string Code, string Unit);

/// <summary>An official with a scope unit (administrators, who have none, are never affected).</summary>
public sealed record OfficialSnapshot(string Id, string Email, string ScopeUnit);

/// <summary>
/// Something led by a unit (a plan task): the reorganisation hands it to the unit's successor. The web app passes
/// none until plans exist; the planner already lists their changes so that the preview shows them.
/// </summary>
public sealed record LeadSnapshot(string Id, string Description, string LeadUnit);

/// <summary>Reads crosswalk files. Every row is checked; an error names its line.</summary>
public static class Crosswalk
{
    public static readonly string[] Header = ["old", "new", "new_parent", "new_name"];

    public const int MaxName = 200;

    /// <summary>Parses a crosswalk; <paramref name="errors"/> lists the format problems by line (then the rows must not be used).</summary>
    public static IReadOnlyList<CrosswalkRow> Parse(TextReader reader, out IReadOnlyList<string> errors)
    {
        var rows = new List<CrosswalkRow>();
        var problems = new List<string>();
        errors = problems;
        var options = new CsvReaderOptions { HasHeader = true, Separator = ',', TrackLineNumbers = true, FieldCountMismatch = CsvFieldCountHandling.Allow, SkipEmptyLines = true };
        using var csv = CsvReader.Create(reader, options, true);
        var header = csv.Headers?.Select(h => h.Trim().TrimStart('\uFEFF').ToLowerInvariant()).ToArray() ?? [];
        if (!header.SequenceEqual(Header))
        {
            problems.Add($"line 1: the header must be {string.Join(',', Header)}");
            return rows;
        }
        while (csv.Read())
        {
            var line = (int)csv.LineNumber;
            if (csv.FieldCount != Header.Length)
            {
                problems.Add($"line {line}: expected {Header.Length} fields, found {csv.FieldCount}");
                continue;
            }
            string Field(int i) => csv.GetString(i)?.Trim() ?? "";
            string? Optional(int i) => Field(i) is { Length: > 0 } value ? value : null;
            var row = new CrosswalkRow(line, Field(0), Field(1), Optional(2), Optional(3));
            if (!IsValidCode(row.Old)) problems.Add($"line {line}: old code '{row.Old}' must be 1–32 letters, digits, '-' or '_'");
            if (!IsValidCode(row.New)) problems.Add($"line {line}: new code '{row.New}' must be 1–32 letters, digits, '-' or '_'");
            if (row.NewParent is { } parent && !IsValidCode(parent)) problems.Add($"line {line}: new parent '{parent}' must be 1–32 letters, digits, '-' or '_'");
            if (row.NewName is { Length: > MaxName }) problems.Add($"line {line}: new name longer than {MaxName} characters");
            rows.Add(row);
        }
        if (rows.Count == 0 && problems.Count == 0) problems.Add("line 2: the file has no rows");
        return rows;
    }

    /// <summary>The same rule as unit codes everywhere else.</summary>
    public static bool IsValidCode(string code) =>
        code.Length is > 0 and <= 32 && code.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
