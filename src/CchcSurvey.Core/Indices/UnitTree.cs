namespace CchcSurvey.Core.Indices;

/// <summary>
/// A minimal unit tree (code → parent) for roll-ups (§4.8): enough to enumerate a subtree and the children of a
/// unit. The web app keeps its own tree in the database; this one serves the reference tests and batch tools.
/// </summary>
public sealed class UnitTree
{
    private readonly Dictionary<string, string?> _parents = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];

    /// <summary>Builds the tree from (code, parent) pairs; an empty or null parent marks a root. Keeps input order for children.</summary>
    public UnitTree(IEnumerable<(string Code, string? Parent)> units)
    {
        foreach (var (code, parent) in units)
        {
            if (!_parents.TryAdd(code, string.IsNullOrEmpty(parent) ? null : parent))
                throw new ArgumentException($"unit {code} appears twice", nameof(units));
            _order.Add(code);
        }
        foreach (var (code, parent) in _parents)
            if (parent is not null && !_parents.ContainsKey(parent))
                throw new ArgumentException($"unit {code} has unknown parent {parent}", nameof(units));
        foreach (var code in _order)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var c = (string?)code; c is not null; c = _parents[c])
                if (!seen.Add(c)) throw new ArgumentException($"unit {code} is in a cycle", nameof(units));
        }
    }

    /// <summary>All unit codes in input order.</summary>
    public IReadOnlyList<string> Units => _order;

    public bool Contains(string code) => _parents.ContainsKey(code);

    public string? ParentOf(string code) => _parents[code];

    public IReadOnlyList<string> ChildrenOf(string code) => _order.Where(c => _parents[c] == code).ToList();

    public bool IsLeaf(string code) => !_parents.Values.Contains(code);

    /// <summary>The unit and all its descendants, in input order.</summary>
    public IReadOnlyList<string> Subtree(string code) => _order.Where(c => IsInSubtree(c, code)).ToList();

    /// <summary>True when <paramref name="code"/> is <paramref name="root"/> or one of its descendants.</summary>
    public bool IsInSubtree(string code, string root)
    {
        for (var c = (string?)code; c is not null; c = _parents[c])
            if (c == root) return true;
        return false;
    }
}
