using CchcSurvey.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace CchcSurvey.Web.Indices;

/// <summary>Where a unit's lead department for an element comes from.</summary>
public enum LeadSource
{
    /// <summary>The unit's own setting (database, edited on <c>/admin/units/{code}</c>).</summary>
    Unit,

    /// <summary>The setting of the nearest ancestor that has one (database).</summary>
    Ancestor,

    /// <summary><c>Dashboard:ElementLeads:{unitCode}:{element}</c> of the unit or an ancestor.</summary>
    UnitConfiguration,

    /// <summary><c>Dashboard:ElementLeads:{element}</c>.</summary>
    Configuration,

    Default,
    None,
}

/// <param name="From">The unit whose setting applies (database or per-unit configuration), else null.</param>
public sealed record Lead(string? Department, LeadSource Source, Unit? From);

/// <summary>
/// Which lead department (cơ quan chủ trì tham mưu) answers for each element, shown beside the element
/// on the dashboard. The first of these wins:
/// <list type="number">
/// <item>the unit's own setting, stored by an administrator (<see cref="UnitElementLead"/>);</item>
/// <item>the nearest ancestor's stored setting — an administrator at a province sets it once for the province;</item>
/// <item>configuration: <c>Dashboard:ElementLeads:{unitCode}:{element}</c> of the unit or its nearest ancestor
/// with one, then <c>Dashboard:ElementLeads:{element}</c> for everyone (kept for installations that set it
/// before it could be edited; any stored setting above beats it);</item>
/// <item>the defaults of the seed plan (docs/methodology.md, <c>seed/</c>, Văn Quan 2023).</item>
/// </list>
/// The defaults:
/// <list type="bullet">
/// <item>TC, access (seats and equipment of the one-stop section): Văn phòng HĐND và UBND, which leads the
/// one-stop mechanism and checks the one-stop sections (II.1.2.3(1), II.2.2);</item>
/// <item>TT, procedures: Văn phòng HĐND và UBND (II.1.1 "cải cách thủ tục hành chính", II.1.2.3);</item>
/// <item>CC, civil servants: Phòng Nội vụ (II.1.1 "cải cách chế độ công vụ", II.1.2.5; Thanh tra for discipline);</item>
/// <item>KQ, results on time and correct: Văn phòng HĐND và UBND (II.1.2.3(2) dossiers settled on time);</item>
/// <item>PA, feedback and complaints: Văn phòng HĐND và UBND for feedback on procedures (II.2.2, II.3.8(b)),
/// with Thanh tra for complaints and accountability (II.3.3(b)).</item>
/// </list>
/// </summary>
public sealed class ElementLeads(SurveyDbContext db, IConfiguration configuration)
{
    public const string Section = "Dashboard:ElementLeads";

    /// <summary>The longest lead department text an administrator may store.</summary>
    public const int MaxLength = Data.Configurations.UnitElementLeadConfiguration.DepartmentLength;

    public static readonly IReadOnlyDictionary<string, string> Defaults = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["TC"] = "Văn phòng HĐND và UBND",
        ["TT"] = "Văn phòng HĐND và UBND",
        ["CC"] = "Phòng Nội vụ",
        ["KQ"] = "Văn phòng HĐND và UBND",
        ["PA"] = "Văn phòng HĐND và UBND; Thanh tra",
    };

    /// <summary>The unit first, then its ancestors up to the root (from the materialised path).</summary>
    public static async Task<IReadOnlyList<Unit>> UnitAndAncestorsAsync(SurveyDbContext db, Unit unit, CancellationToken ct)
    {
        var ids = UnitPath.Ids(unit.Path).ToList();
        var found = await db.Units.AsNoTracking().Where(u => ids.Contains(u.Id)).ToListAsync(ct);
        var chain = Enumerable.Reverse(ids).Select(id => found.FirstOrDefault(u => u.Id == id)).OfType<Unit>().ToList();
        if (chain.Count == 0 || chain[0].Id != unit.Id) chain.Insert(0, unit);
        return chain;
    }

    /// <summary>
    /// The lead of each of <paramref name="elements"/> (codes of the default instrument's elements) for the first unit of <paramref name="unitAndAncestors"/>. With
    /// <paramref name="inheritedOnly"/> the unit's own stored settings are skipped: what it would get if its
    /// field were empty.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, Lead>> ResolveAsync(IReadOnlyList<Unit> unitAndAncestors, IReadOnlyList<string> elements, bool inheritedOnly, CancellationToken ct)
    {
        var ids = unitAndAncestors.Select(u => u.Id).ToList();
        var stored = await db.UnitElementLeads.AsNoTracking().Where(l => ids.Contains(l.UnitId))
            .Select(l => new { l.UnitId, l.Element, l.Department }).ToListAsync(ct);
        var result = new Dictionary<string, Lead>(StringComparer.Ordinal);
        foreach (var element in elements)
        {
            Lead? lead = null;
            for (var i = inheritedOnly ? 1 : 0; i < unitAndAncestors.Count && lead is null; i++)
                if (stored.FirstOrDefault(s => s.UnitId == unitAndAncestors[i].Id && s.Element == element) is { } row)
                    lead = new Lead(row.Department, i == 0 ? LeadSource.Unit : LeadSource.Ancestor, unitAndAncestors[i]);
            result[element] = lead ?? FromConfiguration(element, unitAndAncestors);
        }
        return result;
    }

    /// <summary>The configuration rules and the defaults, below any stored setting.</summary>
    private Lead FromConfiguration(string element, IReadOnlyList<Unit> unitAndAncestors)
    {
        var section = configuration.GetSection(Section);
        foreach (var unit in unitAndAncestors)
            if (section.GetSection(unit.Code)[element] is { Length: > 0 } configured) return new Lead(configured, LeadSource.UnitConfiguration, unit);
        if (section[element] is { Length: > 0 } global) return new Lead(global, LeadSource.Configuration, null);
        return Defaults.TryGetValue(element, out var fallback) ? new Lead(fallback, LeadSource.Default, null) : new Lead(null, LeadSource.None, null);
    }
}
