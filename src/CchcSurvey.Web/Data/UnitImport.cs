using System.Globalization;
using CsvHelper;
using Microsoft.EntityFrameworkCore;

namespace CchcSurvey.Web.Data;

/// <summary>A row of a unit file: <c>code,parent,name</c> and, in the demo file, <c>level,counters</c>.</summary>
public sealed record UnitRow(int Line, string Code, string? Parent, string Name, string? Level, IReadOnlyList<string> CounterNames);

/// <summary>
/// Creates or updates units from CSV (the reference <c>units.csv</c> format or the demo file with
/// levels and counters). All rows are checked before anything is written; an error names its line.
/// </summary>
public static class UnitImport
{
    public static IReadOnlyList<UnitRow> Read(TextReader reader, out IReadOnlyList<string> errors)
    {
        var rows = new List<UnitRow>();
        var problems = new List<string>();
        var options = new CsvReaderOptions { HasHeader = true, Separator = ',', TrackLineNumbers = true, FieldCountMismatch = CsvFieldCountHandling.Allow, SkipEmptyLines = true };
        using var csv = CsvReader.Create(reader, options, true);
        var header = csv.Headers?.Select(h => h.Trim().ToLowerInvariant()).ToArray() ?? [];
        foreach (var required in new[] { "code", "parent", "name" })
            if (!header.Contains(required))
                problems.Add($"line 1: missing column '{required}' (expected a header code,parent,name)");
        if (problems.Count > 0) { errors = problems; return rows; }

        var column = header.Select((name, index) => (name, index)).ToDictionary(c => c.name, c => c.index);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (csv.Read())
        {
            var line = (int)csv.LineNumber;
            if (csv.FieldCount != header.Length)
            {
                problems.Add($"line {line}: expected {header.Length} fields, found {csv.FieldCount}");
                continue;
            }
            string? Field(string name) => column.TryGetValue(name, out var i) ? csv.GetString(i)?.Trim() : null;
            var code = Field("code") ?? "";
            var parent = Field("parent");
            var name = Field("name") ?? "";
            var level = Field("level");
            var counters = Field("counters") ?? "";
            if (!IsValidCode(code)) problems.Add($"line {line}: code '{code}' must be 1–32 letters, digits, '-' or '_'");
            else if (!seen.Add(code)) problems.Add($"line {line}: code '{code}' appears twice");
            if (string.IsNullOrWhiteSpace(name) || name.Length > 200) problems.Add($"line {line}: name must be 1–200 characters");
            rows.Add(new UnitRow(line, code, string.IsNullOrWhiteSpace(parent) ? null : parent, name,
                string.IsNullOrWhiteSpace(level) ? null : level,
                counters.Split('|', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)));
        }
        errors = problems;
        return rows;
    }

    public static bool IsValidCode(string code) =>
        code.Length is > 0 and <= 32 && code.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    /// <summary>
    /// Applies rows in one transaction. Parents must exist in the file or the database. Leaves without a
    /// counter get one counter <c>{code}-Q1</c> (or the named counters) offering every instrument given.
    /// Returns the number of units created and updated, or the errors (and then nothing is written).
    /// </summary>
    public static async Task<(int Created, int Updated, IReadOnlyList<string> Errors)> ApplyAsync(
        SurveyDbContext db, IReadOnlyList<UnitRow> rows, IReadOnlyList<string> instruments, CancellationToken ct)
    {
        var existing = await db.Units.Include(u => u.Counters).ToDictionaryAsync(u => u.Code, StringComparer.Ordinal, ct);
        var inFile = rows.ToDictionary(r => r.Code, StringComparer.Ordinal);
        var errors = new List<string>();
        foreach (var row in rows)
        {
            if (row.Parent is null) continue;
            if (row.Parent == row.Code) errors.Add($"line {row.Line}: unit '{row.Code}' cannot be its own parent");
            else if (!inFile.ContainsKey(row.Parent) && !existing.ContainsKey(row.Parent))
                errors.Add($"line {row.Line}: parent '{row.Parent}' is neither in the file nor in the database");
        }
        // Cycles within the file.
        foreach (var row in rows)
        {
            var steps = 0;
            for (var p = row.Parent; p is not null && inFile.TryGetValue(p, out var parentRow); p = parentRow.Parent)
                if (++steps > rows.Count) { errors.Add($"line {row.Line}: unit '{row.Code}' is part of a parent cycle"); break; }
        }
        if (errors.Count > 0) return (0, 0, errors);

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        int created = 0, updated = 0, order = await db.Units.CountAsync(ct);
        foreach (var row in rows)
        {
            if (!existing.TryGetValue(row.Code, out var unit))
            {
                unit = new Unit { Code = row.Code, Name = row.Name, LevelName = row.Level ?? "", SortOrder = order++ };
                db.Units.Add(unit);
                existing[row.Code] = unit;
                created++;
            }
            else
            {
                unit.Name = row.Name;
                if (row.Level is not null) unit.LevelName = row.Level;
                updated++;
            }
        }
        foreach (var row in rows)
            existing[row.Code].Parent = row.Parent is null ? null : existing[row.Parent];
        await db.SaveChangesAsync(ct);
        await UnitTree.RebuildPathsAsync(db, ct);

        var parents = rows.Where(r => r.Parent is not null).Select(r => r.Parent!).ToHashSet(StringComparer.Ordinal);
        parents.UnionWith(await db.Units.Where(u => u.ParentId != null).Select(u => u.Parent!.Code).ToListAsync(ct));
        var offered = string.Join(' ', instruments);
        var defaultInstrument = instruments.Contains("NHANH") ? "NHANH" : instruments.FirstOrDefault() ?? "NHANH";
        foreach (var row in rows)
        {
            var unit = existing[row.Code];
            var names = row.CounterNames.Count > 0 ? row.CounterNames : parents.Contains(row.Code) ? [] : ["Quầy 1"];
            for (var i = 0; i < names.Count; i++)
            {
                var code = $"{row.Code}-Q{i + 1}";
                if (unit.Counters.Any(c => c.Code == code) || await db.Counters.AnyAsync(c => c.Code == code, ct)) continue;
                db.Counters.Add(new Counter { Code = code, Name = names[i], UnitId = unit.Id, Instruments = offered, DefaultInstrument = defaultInstrument });
            }
        }
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return (created, updated, []);
    }

    public static async Task ImportDemoAsync(SurveyDbContext db, string file, IReadOnlyList<string> instruments, CancellationToken ct)
    {
        using var reader = new StreamReader(file);
        var rows = Read(reader, out var errors);
        if (errors.Count > 0) throw new InvalidOperationException("Demo organisation file is invalid: " + string.Join("; ", errors));
        var result = await ApplyAsync(db, rows, instruments, ct);
        if (result.Errors.Count > 0) throw new InvalidOperationException("Demo organisation could not be imported: " + string.Join("; ", result.Errors));
    }
}

public static class UnitTree
{
    /// <summary>Recomputes every unit's materialised path from the parent links (after imports and moves).</summary>
    public static async Task RebuildPathsAsync(SurveyDbContext db, CancellationToken ct)
    {
        var units = await db.Units.ToListAsync(ct);
        var byId = units.ToDictionary(u => u.Id);
        string PathOf(Unit unit)
        {
            var ids = new Stack<int>();
            for (Unit? u = unit; u is not null && ids.Count <= units.Count; u = u.ParentId is int p ? byId[p] : null) ids.Push(u.Id);
            return Indices.UnitPath.Of(ids);
        }
        foreach (var unit in units) unit.Path = PathOf(unit);
        await db.SaveChangesAsync(ct);
    }
}
