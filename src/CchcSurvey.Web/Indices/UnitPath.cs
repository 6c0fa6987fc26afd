using System.Globalization;
using System.Linq.Expressions;

namespace CchcSurvey.Web.Indices;

/// <summary>
/// The materialised path of a unit, "/1/4/9/": the ids from the root down to the unit, each followed by "/". One place
/// for "is in the subtree of", "ancestors of" and "depth", so that no caller tests a bare prefix: "/1/2" is a prefix of
/// "/1/23/" too, while "/1/2/" is not. In memory use the plain methods; in EF queries use <see cref="Within{T}"/>, which
/// translates to a parameterised <c>LIKE 'prefix%'</c> on SQLite and PostgreSQL (and uses the index on Path).
/// </summary>
public static class UnitPath
{
    /// <summary>The path of a unit with this id under a parent path (null: a root unit).</summary>
    public static string Of(string? parentPath, int id) =>
        Normalise(parentPath ?? "/") + id.ToString(CultureInfo.InvariantCulture) + "/";

    /// <summary>The path of the ids given root first.</summary>
    public static string Of(IEnumerable<int> idsFromRoot) =>
        "/" + string.Concat(idsFromRoot.Select(id => id.ToString(CultureInfo.InvariantCulture) + "/"));

    /// <summary>The ids of a materialised path "/1/4/9/": the root first, the unit itself last.</summary>
    public static int[] Ids(string path) =>
        path.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToArray();

    /// <summary>The ids of the unit's ancestors, root first, without the unit itself.</summary>
    public static int[] AncestorIds(string path) => Ids(path)[..^1];

    /// <summary>0 for a root unit, 1 for its children, and so on (an empty or "/" path counts as a root).</summary>
    public static int Depth(string path) => Math.Max(0, path.Count(c => c == '/') - 2);

    /// <summary>Whether the unit at <paramref name="path"/> is the unit at <paramref name="rootPath"/> or below it.</summary>
    public static bool IsWithin(string path, string rootPath) => path.StartsWith(Normalise(rootPath), StringComparison.Ordinal);

    /// <summary>Whether the unit at <paramref name="path"/> is strictly below the unit at <paramref name="rootPath"/>.</summary>
    public static bool IsBelow(string path, string rootPath) => IsWithin(path, rootPath) && path.Length > Normalise(rootPath).Length;

    /// <summary>
    /// <see cref="IsWithin"/> for an EF query: <c>db.Units.Where(UnitPath.Within&lt;Unit&gt;(u =&gt; u.Path, root.Path))</c>,
    /// <c>db.Counters.Where(UnitPath.Within&lt;Counter&gt;(c =&gt; c.Unit.Path, prefix))</c>. The root path becomes a
    /// query parameter (one cached query plan for every root).
    /// </summary>
    public static Expression<Func<T, bool>> Within<T>(Expression<Func<T, string>> path, string rootPath)
    {
        var prefix = new Prefix(Normalise(rootPath));
        // A member of a closure object, not a constant: EF sends it as a parameter instead of inlining the text.
        var value = Expression.Property(Expression.Constant(prefix), nameof(Prefix.Value));
        var call = Expression.Call(path.Body, StartsWith, value);
        return Expression.Lambda<Func<T, bool>>(call, path.Parameters);
    }

    private static readonly System.Reflection.MethodInfo StartsWith = typeof(string).GetMethod(nameof(string.StartsWith), [typeof(string)])!;

    private sealed record Prefix(string Value);

    /// <summary>A path always ends in "/": that is what keeps "/1/2/" from matching "/1/23/".</summary>
    private static string Normalise(string path) => path.EndsWith('/') ? path : path + "/";
}
