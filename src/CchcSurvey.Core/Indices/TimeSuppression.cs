using CchcSurvey.Core.Exports;

namespace CchcSurvey.Core.Indices;

/// <summary>
/// Complementary suppression in time (METHODOLOGY §6, No differencing). Officials may ask one unit's figures for
/// any calendar month, quarter, year or all time; a month hidden by §4.9 (0 &lt; n &lt; MinN) must then not be
/// recoverable as its quarter, year or all time minus the periods shown, nor a hidden quarter or year likewise.
///
/// The periods form a tree (months in quarters in years in all time). For every figure (instrument × figure × key)
/// separately, each shown period must have no hidden child or at least two: when exactly one child is hidden, the
/// smallest-n shown sibling is hidden too (the rule across units), and a sibling that is a quarter or year is
/// hidden down to one of its months, so that it cannot be summed back from its own children; when the hidden child
/// has no shown sibling, the parent is hidden instead. Processed from quarters up, so a parent hidden this way
/// counts one level higher.
///
/// Why that is enough: every hidden period then holds at least one hidden month not inside any shown period below
/// it; a shown period minus its shown descendants leaves the hidden months of at least two of its hidden children,
/// and these remainders of different shown periods are disjoint. Every sum an official can form from shown periods
/// is a sum of such remainders, so it never isolates one hidden period. Decisions depend on the whole tree of the
/// unit (all its months with responses), never on the period asked for, so every request sees the same hidden set.
/// Values, intervals and level counts of a figure are hidden together; n is always shown.
/// </summary>
public sealed class TimeSuppression
{
    private sealed class Node(CalendarPeriod period, Node? parent)
    {
        public CalendarPeriod Period { get; } = period;
        public Node? Parent { get; } = parent;
        public List<Node> Children { get; } = [];
        public InstrumentStatistics? Statistics { get; set; }
        public Dictionary<(string Figure, string Key), IndexExportRow> Rows { get; } = [];
        public HashSet<(string Figure, string Key)> Hidden { get; } = [];
    }

    private readonly Dictionary<CalendarPeriod, Node> _nodes = [];
    private readonly Node _root;

    /// <param name="months">The unit's statistics per local month (first day), for every month with responses.</param>
    /// <param name="empty">A new empty accumulator of the instrument (its current definition).</param>
    /// <param name="instrument">The instrument's code (the figures' rows name it).</param>
    /// <param name="options">MinN and the interval settings of the figures.</param>
    public TimeSuppression(IReadOnlyDictionary<DateOnly, InstrumentStatistics> months, Func<InstrumentStatistics> empty, string instrument, IndexOptions options)
    {
        _root = Add(CalendarPeriod.AllTime, null, empty);
        foreach (var (month, statistics) in months.OrderBy(m => m.Key))
        {
            var year = _nodes.GetValueOrDefault(CalendarPeriod.OfYear(month.Year)) ?? Add(CalendarPeriod.OfYear(month.Year), _root, empty);
            var quarterPeriod = CalendarPeriod.QuarterOf(month);
            var quarter = _nodes.GetValueOrDefault(quarterPeriod) ?? Add(quarterPeriod, year, empty);
            var node = Add(CalendarPeriod.OfMonth(month.Year, month.Month), quarter, empty);
            node.Statistics!.Merge(statistics);
            quarter.Statistics!.Merge(statistics);
            year.Statistics!.Merge(statistics);
            _root.Statistics!.Merge(statistics);
        }
        var unit = new ExportUnit("", "", "", null);
        foreach (var node in _nodes.Values)
        {
            foreach (var row in IndexExport.RowsOf(unit, node.Statistics!.Definition, IndexCalculator.Report(node.Statistics!, options)))
            {
                if (row.Figure == "responses") continue;
                node.Rows[(row.Figure, row.Key)] = row;
                if (row.Suppressed && row.N > 0) node.Hidden.Add((row.Figure, row.Key));
            }
            node.Statistics = null;
        }
        foreach (var key in _root.Rows.Keys) Protect(key);
    }

    private Node Add(CalendarPeriod period, Node? parent, Func<InstrumentStatistics> empty)
    {
        var node = new Node(period, parent) { Statistics = empty() };
        parent?.Children.Add(node);
        _nodes[period] = node;
        return node;
    }

    /// <summary>The figures (figure, key as in <see cref="IndexExport.RowsOf"/>) hidden in a period, by §4.9 or by this rule.</summary>
    public IReadOnlySet<(string Figure, string Key)> HiddenIn(CalendarPeriod period) =>
        _nodes.TryGetValue(period, out var node) ? node.Hidden : new HashSet<(string, string)>();

    private long N(Node node, (string, string) key) => node.Rows.TryGetValue(key, out var row) ? row.N : 0;

    private void Protect((string Figure, string Key) key)
    {
        foreach (var level in new[] { PeriodKind.Quarter, PeriodKind.Year, PeriodKind.All })
        {
            foreach (var parent in _nodes.Values.Where(n => n.Period.Kind == level).OrderBy(n => n.Period.From ?? DateOnly.MinValue))
            {
                if (parent.Hidden.Contains(key)) continue;
                var children = parent.Children.Where(c => N(c, key) > 0).ToList();
                if (children.Count(c => c.Hidden.Contains(key)) != 1) continue;
                var sibling = children.Where(c => !c.Hidden.Contains(key)).OrderBy(c => N(c, key)).ThenBy(c => c.Period.From).FirstOrDefault();
                if (sibling is null) parent.Hidden.Add(key);
                else HideDown(sibling, key);
            }
        }
    }

    /// <summary>Hides a shown period so that it is not its shown children's sum: down to one of its months.</summary>
    private void HideDown(Node node, (string, string) key)
    {
        node.Hidden.Add(key);
        var children = node.Children.Where(c => N(c, key) > 0).ToList();
        if (children.Count == 0 || children.Any(c => c.Hidden.Contains(key))) return;
        HideDown(children.OrderBy(c => N(c, key)).ThenBy(c => c.Period.From).First(), key);
    }

    /// <summary>An item's figure suppressed: n kept, values, intervals and counts nulled.</summary>
    public static ItemFigure HideItem(ItemFigure f) => f with { Suppressed = true, P = null, PLo = null, PHi = null, Score = null, ScoreLo = null, ScoreHi = null, Counts = null };

    /// <summary>The report with the given figures suppressed (values, intervals and counts nulled; n kept).</summary>
    public static InstrumentReport Hide(InstrumentReport report, IReadOnlySet<(string Figure, string Key)> hidden)
    {
        if (hidden.Count == 0) return report;
        bool Is(string figure, string key) => hidden.Contains((figure, key));
        bool Item(string code) => Is("share", code) || Is("score", code);
        bool AnyCount(string prefix) => hidden.Any(h => h.Figure == "count" && h.Key.StartsWith(prefix + ":", StringComparison.Ordinal));
        static IndexFigure HideIndex(IndexFigure f) => f with { Suppressed = true, Value = null, Lo = null, Hi = null };
        IReadOnlyDictionary<string, ItemFigure> Items(IReadOnlyDictionary<string, ItemFigure> items, Func<string, bool> hide) =>
            items.ToDictionary(i => i.Key, i => hide(i.Key) ? HideItem(i.Value) : i.Value);

        return report switch
        {
            SipasServiceReport s => s with
            {
                Items = Items(s.Items, Item),
                Elements = Items(s.Elements, e => Is("element", e)),
                Index = Is("index", "") ? HideIndex(s.Index) : s.Index,
                Priorities = AnyCount("MONG_DOI") ? null : s.Priorities,
            },
            SipasPolicyReport p => p with
            {
                Items = Items(p.Items, Item),
                Groups = p.Groups.ToDictionary(g => g.Key, g => Is("group", g.Key) ? HideIndex(g.Value) : g.Value),
                Index = Is("index", "") ? HideIndex(p.Index) : p.Index,
            },
            Tt01Report t => t with
            {
                Total = Is("total", "") ? t.Total with { Suppressed = true, Mean = null, Lo = null, Hi = null } : t.Total,
                Bands = AnyCount("band") ? null : t.Bands,
                Indicators = t.Indicators.ToDictionary(i => i.Key, i => Is("indicator", i.Key) ? i.Value with { Suppressed = true, MeanPoints = null } : i.Value),
                Overall = Item("HL") ? HideItem(t.Overall) : t.Overall,
            },
            QuickRatingReport q => q with
            {
                Overall = Item("HL") ? HideItem(q.Overall) : q.Overall,
                Reasons = AnyCount("LY_DO") ? null : q.Reasons,
            },
            PapiReport a => a with
            {
                Aggregate = Is("aggregate", "") ? a.Aggregate with { Suppressed = true, Score = null } : a.Aggregate,
                Dimensions = a.Dimensions.ToDictionary(d => d.Key, d => Is("dimension", d.Key) ? d.Value with { Suppressed = true, Score = null, Lo = null, Hi = null } : d.Value),
            },
            _ => report,
        };
    }
}
