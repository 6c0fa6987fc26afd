using System.Globalization;
using CchcSurvey.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace CchcSurvey.Web.Integrity;

/// <summary>One imported figure: the dossiers a unit received in a local month.</summary>
public sealed record DossierCountRow(string Unit, DateOnly Month, int Count, int Line);

/// <summary>
/// Imports dossier counts (<c>unit,month,count</c>, month as yyyy-MM) from the CLI or the API. All rows are
/// checked first and written all or nothing; an existing unit and month is replaced.
/// </summary>
public static class DossierCounts
{
    public static bool TryParseMonth(string text, out DateOnly month)
    {
        month = default;
        if (!DateTime.TryParseExact(text.Trim(), "yyyy-MM", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)) return false;
        month = new DateOnly(date.Year, date.Month, 1);
        return true;
    }

    /// <summary>Reads CSV rows; an optional header line <c>unit,month,count</c> is skipped. Errors name the line.</summary>
    public static List<DossierCountRow> ReadCsv(TextReader reader, List<string> errors)
    {
        var rows = new List<DossierCountRow>();
        var number = 0;
        while (reader.ReadLine() is { } line)
        {
            number++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            var fields = line.Split(',').Select(f => f.Trim().Trim('"')).ToArray();
            if (number == 1 && fields.Length > 0 && fields[0].Equals("unit", StringComparison.OrdinalIgnoreCase)) continue;
            if (fields.Length != 3) { errors.Add($"line {number}: expected unit,month,count"); continue; }
            if (!TryParseMonth(fields[1], out var month)) { errors.Add($"line {number}: month must be yyyy-MM, not '{fields[1]}'"); continue; }
            if (!int.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var count)) { errors.Add($"line {number}: count must be a whole number ≥ 0, not '{fields[2]}'"); continue; }
            rows.Add(new DossierCountRow(fields[0], month, count, number));
        }
        if (rows.Count == 0 && errors.Count == 0) errors.Add("no rows");
        return rows;
    }

    /// <summary>
    /// Writes the rows when every unit exists and <paramref name="mayWrite"/> allows it (an official's scope);
    /// otherwise writes nothing and returns the errors.
    /// </summary>
    public static async Task<(int Written, List<string> Errors)> ApplyAsync(SurveyDbContext db, IReadOnlyList<DossierCountRow> rows, Func<Unit, bool> mayWrite,
        CancellationToken ct, Administration.AuditLog? audit = null, System.Security.Claims.ClaimsPrincipal? actor = null)
    {
        var errors = new List<string>();
        var codes = rows.Select(r => r.Unit).Distinct().ToList();
        var units = await db.Units.AsNoTracking().Where(u => codes.Contains(u.Code)).ToDictionaryAsync(u => u.Code, ct);
        foreach (var row in rows)
            if (!units.TryGetValue(row.Unit, out var unit) || !mayWrite(unit))
                errors.Add($"line {row.Line}: no unit with code '{row.Unit}'");
        if (errors.Count > 0) return (0, errors);

        var unitIds = units.Values.Select(u => u.Id).ToList();
        var existing = await db.DossierCounts.Where(d => unitIds.Contains(d.UnitId)).ToListAsync(ct);
        // The last row for a unit and month wins.
        foreach (var row in rows)
        {
            var unitId = units[row.Unit].Id;
            var current = existing.FirstOrDefault(d => d.UnitId == unitId && d.Month == row.Month);
            if (current is null)
            {
                current = new DossierCount { UnitId = unitId, Month = row.Month };
                db.DossierCounts.Add(current);
                existing.Add(current);
            }
            current.Count = row.Count;
        }
        // One entry per unit, naming it by code, in the same SaveChanges as the counts.
        foreach (var unit in rows.GroupBy(r => r.Unit))
            audit?.Add(actor is null ? Administration.AuditLog.System : Administration.AuditLog.ActorOf(actor), Administration.AuditActions.DossierCounts, unit.Key,
                string.Join(", ", unit.Select(r => $"{r.Month:yyyy-MM}: {r.Count}")));
        await db.SaveChangesAsync(ct);
        return (rows.Count, errors);
    }
}
