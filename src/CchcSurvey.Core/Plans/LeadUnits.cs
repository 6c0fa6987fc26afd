using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace CchcSurvey.Core.Plans;

/// <summary>A unit a lead text may name: its code, name and level name (data of the tree, e.g. "Xã", "Phòng").</summary>
public sealed record LeadCandidate(string Code, string Name, string LevelName);

/// <summary>
/// Turns a plan's lead or implementer text ("Phòng Nội vụ; UBND các xã, thị trấn") into units of the tree.
/// Plans name collectives the way administrative documents do; each collective stands for every unit of the
/// matching level among the candidates (the plan unit's subtree):
/// "UBND các xã, (phường,) thị trấn" → levels Xã, Phường, Thị trấn; "các Phòng, ban, ngành", "các phòng
/// chuyên môn", "các cơ quan, đơn vị" → level Phòng. Other units are named by their name (case and
/// diacritics as written; a trailing "huyện"/"tỉnh" may be left out, as the seed does) or by their code.
/// Units the text names but the tree lacks (Thanh tra huyện, Trung tâm Y tế) stay in the text only.
/// </summary>
public static partial class LeadUnits
{
    private static readonly string[] CommuneLevels = ["xã", "phường", "thị trấn"];
    private static readonly string[] DepartmentLevels = ["phòng"];

    [GeneratedRegex(@"(ubnd|ủy ban nhân dân|uỷ ban nhân dân)\s+(các\s+)?xã", RegexOptions.CultureInvariant)]
    private static partial Regex Communes();

    [GeneratedRegex(@"các\s+(phòng,\s*ban,\s*ngành|phòng\s+chuyên\s+môn|cơ\s+quan,\s*đơn\s+vị)", RegexOptions.CultureInvariant)]
    private static partial Regex Departments();

    [GeneratedRegex(@"\s+(huyện|tỉnh)$", RegexOptions.CultureInvariant)]
    private static partial Regex LevelSuffix();

    /// <summary>Codes of the units the text names, in the candidates' order, each once.</summary>
    public static IReadOnlyList<string> Resolve(string? text, IReadOnlyList<LeadCandidate> candidates)
    {
        if (string.IsNullOrWhiteSpace(text)) return [];
        var lower = Normalise(text);
        var levels = new HashSet<string>(StringComparer.Ordinal);
        if (Communes().IsMatch(lower)) levels.UnionWith(CommuneLevels);
        if (Departments().IsMatch(lower)) levels.UnionWith(DepartmentLevels);
        var tokens = text.Split([';', ',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
        var found = new List<string>();
        foreach (var unit in candidates)
        {
            var name = Normalise(unit.Name);
            var shortName = LevelSuffix().Replace(name, "");
            var named = lower.Contains(name, StringComparison.Ordinal) || (shortName.Length >= 8 && lower.Contains(shortName, StringComparison.Ordinal));
            if (named || tokens.Contains(unit.Code) || levels.Contains(Normalise(unit.LevelName)))
                found.Add(unit.Code);
        }
        return found;
    }

    /// <summary>Lower case in composed form, whitespace collapsed.</summary>
    private static string Normalise(string text) =>
        string.Join(' ', text.Normalize(NormalizationForm.FormC).ToLower(CultureInfo.InvariantCulture).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
