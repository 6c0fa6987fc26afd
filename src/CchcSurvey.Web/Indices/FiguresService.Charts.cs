using CchcSurvey.Core.Indices;
using CchcSurvey.Web.Data;

namespace CchcSurvey.Web.Indices;

// Figures the dashboard's charts need beyond the shared ones: the ranking of children split by the kind of unit.
public sealed partial class FiguresService
{
    /// <summary>One kind of child unit (departments, communes …) with its own ranking.</summary>
    public sealed record KindRanking(string Kind, IReadOnlyList<Unit> Units, RankingResult Ranking);

    /// <summary>
    /// The ranking of <paramref name="children"/> done separately for each kind of unit (<see cref="UnitKind"/>):
    /// a commune's one-stop section and a district department serve different citizens for different procedures,
    /// so placing one above the other says nothing about either, and the empirical-Bayes prior of one kind must not
    /// shrink the other towards its mean. Kinds come in the order of their first unit among
    /// <paramref name="children"/>. With one kind this is exactly <see cref="Rank"/>.
    /// </summary>
    public IReadOnlyList<KindRanking> RankByKind(Protected figures, IReadOnlyList<Unit> children, string item) =>
        children.GroupBy(c => UnitKind(c.LevelName), StringComparer.Ordinal)
            .Select(g => new KindRanking(g.Key, g.ToList(), Rank(figures, g.ToList(), item)))
            .ToList();

    private static readonly HashSet<string> CommuneLevels = new(["xã", "phường", "thị trấn", "đặc khu"], StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// The kind of a unit from its level name (data, not code): the commune-level names (xã, phường, thị trấn,
    /// đặc khu) are one kind, "Xã, phường, thị trấn"; any other level name is its own kind; an empty one is "".
    /// </summary>
    public static string UnitKind(string levelName)
    {
        var level = levelName.Trim();
        return CommuneLevels.Contains(level) ? "Xã, phường, thị trấn" : level;
    }
}
