namespace CchcSurvey.Web.Pages.Dashboard;

/// <summary>
/// Which lead department (cơ quan chủ trì tham mưu) answers for each SIPAS-DV element, shown beside the element
/// on the dashboard. Configuration, not data: <c>Dashboard:ElementLeads:{element}</c> replaces a default for
/// everyone, <c>Dashboard:ElementLeads:{unitCode}:{element}</c> for one unit and its subtree (the nearest
/// ancestor with a setting wins). The defaults follow the seed plan (METHODOLOGY.md, <c>seed/</c>, Văn Quan 2023):
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
public sealed class ElementLeads(IConfiguration configuration)
{
    public const string Section = "Dashboard:ElementLeads";

    public static readonly IReadOnlyDictionary<string, string> Defaults = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["TC"] = "Văn phòng HĐND và UBND",
        ["TT"] = "Văn phòng HĐND và UBND",
        ["CC"] = "Phòng Nội vụ",
        ["KQ"] = "Văn phòng HĐND và UBND",
        ["PA"] = "Văn phòng HĐND và UBND; Thanh tra",
    };

    /// <summary>The lead department of an element for a unit, given the unit's codes from itself up to the root.</summary>
    public string? For(string element, IReadOnlyList<string> unitAndAncestors)
    {
        var section = configuration.GetSection(Section);
        foreach (var code in unitAndAncestors)
            if (section.GetSection(code)[element] is { Length: > 0 } configured) return configured;
        if (section[element] is { Length: > 0 } global) return global;
        return Defaults.GetValueOrDefault(element);
    }
}
