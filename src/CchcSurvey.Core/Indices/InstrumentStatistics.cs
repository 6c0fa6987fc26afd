using System.Text.Json;
using System.Text.Json.Serialization;
using CchcSurvey.Core.Instruments;

namespace CchcSurvey.Core.Indices;

/// <summary>
/// Mergeable sufficient statistics of one instrument over any set of responses (a unit, a subtree, a day, a
/// channel, flagged or not). Every figure of docs/methodology.md §4 is computed from these alone, so the web app can
/// persist one accumulator per (unit, instrument version, day, channel, flag), add them up with
/// <see cref="Merge"/> for any roll-up (§4.8), and never rescan raw responses.
/// <list type="bullet">
/// <item>likert items: counts c_1..c_K (<see cref="LevelCounts"/>);</item>
/// <item>points items (TT01): counts of 0, 1, 2 points (<see cref="PointCounts"/>);</item>
/// <item>choice and multi items: counts per option code (<see cref="OptionCounts"/>);</item>
/// <item>the service index of an instrument with elements: moments of r_i (§4.4); α: complete-case sums per element (§4.12);</item>
/// <item>SIPAS-CS: moments of q_iG per group and of the per-respondent policy score (§4.5);</item>
/// <item>TT01: distribution of complete totals 0..2·(indicators) (§4.6; bands and moments derive from it, so band
/// thresholds can change after the fact);</item>
/// <item>PAPI-M: moments of the per-respondent dimension value in [0, 1] (§4.7);</item>
/// <item>the overall item's satisfied counts per profile cell, for post-stratification (§4.13).</item>
/// </list>
/// Serialise with <see cref="ToJson"/> and read back with <see cref="FromJson"/>.
/// </summary>
public sealed class InstrumentStatistics
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    private InstrumentDefinition _definition = null!;
    private InstrumentShape _shape = null!;

    /// <summary>For the JSON deserialiser only; use <see cref="For"/> or <see cref="FromJson"/>.</summary>
    [JsonConstructor]
    public InstrumentStatistics() { }

    /// <summary>An empty accumulator for this instrument.</summary>
    public static InstrumentStatistics For(InstrumentDefinition definition)
    {
        var statistics = new InstrumentStatistics { Instrument = definition.Code, LowComments = 0 };
        statistics.Attach(definition);
        return statistics;
    }

    /// <summary>Reads an accumulator written by <see cref="ToJson"/>; the definition must have the same code.</summary>
    public static InstrumentStatistics FromJson(string json, InstrumentDefinition definition)
    {
        // Read by hand, not by the deserialiser: the hot path of every figure page (InstrumentStatisticsReader).
        var statistics = InstrumentStatisticsReader.Read(json);
        if (statistics.Instrument != definition.Code)
            throw new FormatException($"accumulator is for {statistics.Instrument}, not {definition.Code}");
        statistics.Attach(definition);
        return statistics;
    }

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    [JsonIgnore] public InstrumentDefinition Definition => _definition;

    public string Instrument { get; set; } = "";

    /// <summary>Number of responses added.</summary>
    public long Responses { get; set; }

    public Dictionary<string, long[]> LevelCounts { get; set; } = new(StringComparer.Ordinal);
    public Dictionary<string, long[]> PointCounts { get; set; } = new(StringComparer.Ordinal);
    public Dictionary<string, Dictionary<string, long>> OptionCounts { get; set; } = new(StringComparer.Ordinal);
    public MomentSums ServiceIndex { get; set; } = new();
    public Dictionary<string, AlphaSums> Alpha { get; set; } = new(StringComparer.Ordinal);
    public Dictionary<string, MomentSums> PolicyGroups { get; set; } = new(StringComparer.Ordinal);
    public MomentSums PolicyIndex { get; set; } = new();
    public long[] Tt01Totals { get; set; } = [];
    public Dictionary<string, MomentSums> Dimensions { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Satisfied counts of the overall item per profile cell; the key joins the answers to the profile items
    /// (<see cref="ProfileItems"/>, in definition order) with '|', an unanswered item giving an empty part.
    /// </summary>
    public Dictionary<string, SatisfiedCount> OverallByProfile { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The profile item codes behind the keys of <see cref="OverallByProfile"/>.</summary>
    public string[] ProfileItems { get; set; } = [];

    /// <summary>The overall satisfaction item (role "overall"), or null.</summary>
    public string? OverallItem { get; set; }

    /// <summary>
    /// Responses with a comment (an item with role "comment" answered with text) and a low overall rating
    /// (<see cref="ItemDefinition.IsLow"/>): the dashboard counts the low comments waiting from the cells, not by reading
    /// every response. Null in accumulators stored before it was counted, and in any pool that merges one (the
    /// dashboard then counts from the responses; <c>stats rebuild</c> fills it).
    /// </summary>
    public long? LowComments { get; set; }

    /// <summary>Adds one validated response (missing items simply absent).</summary>
    public void Add(IReadOnlyDictionary<string, AnswerValue> answers)
    {
        Responses++;
        foreach (var item in _shape.LikertItems)
            if (Level(answers, item.Code) is int level) LevelCounts[item.Code][level - 1]++;
        foreach (var item in _shape.PointItems)
            if (Points(answers, item) is int points) PointCounts[item.Code][points]++;
        foreach (var item in _shape.OptionItems)
        {
            if (!answers.TryGetValue(item.Code, out var value)) continue;
            var counts = OptionCounts[item.Code];
            if (value.Codes is { } codes)
            {
                foreach (var code in codes) CountOption(counts, code);
            }
            else if (value.Code is string single) CountOption(counts, single);
        }
        AddServiceIndex(answers);
        AddAlpha(answers);
        AddPolicy(answers);
        AddTt01Total(answers);
        AddDimensions(answers);
        AddProfile(answers);
        if (LowComments is not null && IsLowComment(answers)) LowComments++;
    }

    /// <summary>Adds another accumulator of the same instrument (any version with the same code) into this one.</summary>
    public void Merge(InstrumentStatistics other) => Combine(other, 1);

    /// <summary>
    /// Takes away an accumulator that was merged into this one (a subtree moving out of an ancestor's cell). Every
    /// count is an integer sum, so counts come out exact; Σx and Σx² of the moments are sums of doubles, so they come
    /// out within rounding (relative 1e-16 per operation, far below the 1e-9 the figures are checked to), and a moment
    /// left with n = 0 is set to exactly zero so that no residue survives an emptied cell.
    /// </summary>
    public void Subtract(InstrumentStatistics other)
    {
        Combine(other, -1);
        ZeroEmptyMoments();
    }

    private void Combine(InstrumentStatistics other, long sign)
    {
        if (other.Instrument != Instrument) throw new InvalidOperationException($"cannot merge {other.Instrument} into {Instrument}");
        Responses += sign * other.Responses;
        LowComments = LowComments is long mineLow && other.LowComments is long otherLow ? mineLow + sign * otherLow : null;
        MergeArrays(LevelCounts, other.LevelCounts, sign);
        MergeArrays(PointCounts, other.PointCounts, sign);
        foreach (var (item, counts) in other.OptionCounts)
        {
            var mine = OptionCounts.TryGetValue(item, out var m) ? m : OptionCounts[item] = new(StringComparer.Ordinal);
            foreach (var (code, count) in counts) mine[code] = mine.GetValueOrDefault(code) + sign * count;
        }
        ServiceIndex.Merge(other.ServiceIndex, sign);
        foreach (var (group, sums) in other.Alpha)
            if (Alpha.TryGetValue(group, out var mine)) mine.Merge(sums, sign); else { Alpha[group] = AlphaSums.ForItems(sums.Sums.Length); Alpha[group].Merge(sums, sign); }
        MergeMoments(PolicyGroups, other.PolicyGroups, sign);
        PolicyIndex.Merge(other.PolicyIndex, sign);
        var totals = Tt01Totals;
        if (other.Tt01Totals.Length > totals.Length) { Array.Resize(ref totals, other.Tt01Totals.Length); Tt01Totals = totals; }
        for (var t = 0; t < other.Tt01Totals.Length; t++) Tt01Totals[t] += sign * other.Tt01Totals[t];
        MergeMoments(Dimensions, other.Dimensions, sign);
        if (!other.ProfileItems.SequenceEqual(ProfileItems)) throw new InvalidOperationException("cannot merge accumulators with different profile items");
        foreach (var (cell, count) in other.OverallByProfile)
        {
            if (!OverallByProfile.TryGetValue(cell, out var mine)) OverallByProfile[cell] = mine = new SatisfiedCount();
            mine.Merge(count, sign);
            if (mine.N == 0 && mine.Satisfied == 0) OverallByProfile.Remove(cell);
        }
    }

    private void ZeroEmptyMoments()
    {
        foreach (var sums in PolicyGroups.Values.Concat(Dimensions.Values).Append(ServiceIndex).Append(PolicyIndex))
            if (sums.N == 0) { sums.Sum = 0; sums.SumOfSquares = 0; }
        foreach (var sums in Alpha.Values)
            if (sums.N == 0) sums.Clear();
    }

    /// <summary>True when every count is zero or more (a subtraction took away only what had been merged in).</summary>
    public bool IsNonNegative() =>
        Responses >= 0 && LowComments is null or >= 0
        && LevelCounts.Values.All(c => c.All(x => x >= 0)) && PointCounts.Values.All(c => c.All(x => x >= 0))
        && OptionCounts.Values.All(c => c.Values.All(x => x >= 0)) && Tt01Totals.All(x => x >= 0)
        && PolicyGroups.Values.Concat(Dimensions.Values).Append(ServiceIndex).Append(PolicyIndex).All(m => m.N >= 0)
        && Alpha.Values.All(a => a.N >= 0) && OverallByProfile.Values.All(c => c.N >= 0 && c.Satisfied >= 0);

    /// <summary>A deep copy, bound to the same definition.</summary>
    public InstrumentStatistics Clone()
    {
        var copy = For(_definition);
        copy.Merge(this);
        return copy;
    }

    /// <summary>Merges many accumulators of one instrument into a new one (the roll-up of §4.8).</summary>
    public static InstrumentStatistics Pool(InstrumentDefinition definition, IEnumerable<InstrumentStatistics> parts)
    {
        var pooled = For(definition);
        foreach (var part in parts) pooled.Merge(part);
        return pooled;
    }

    /// <summary>Counts a known option code; codes no version of the item offers are not counted.</summary>
    private static void CountOption(Dictionary<string, long> counts, string code)
    {
        ref var count = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrNullRef(counts, code);
        if (!System.Runtime.CompilerServices.Unsafe.IsNullRef(ref count)) count++;
    }

    // ------------------------------------------------------------------ per-respondent derived values

    private void AddServiceIndex(IReadOnlyDictionary<string, AnswerValue> answers)
    {
        // §4.4: r_i = share of the respondent's answered element-satisfaction items that are satisfied.
        var answered = 0;
        var satisfied = 0;
        foreach (var item in _shape.ElementSatisfactionItems)
        {
            if (Level(answers, item.Code) is not int level) continue;
            answered++;
            if (item.IsSatisfied(level)) satisfied++;
        }
        if (answered > 0) ServiceIndex.Add((double)satisfied / answered);
    }

    private void AddAlpha(IReadOnlyDictionary<string, AnswerValue> answers)
    {
        foreach (var (group, items) in _shape.StatementGroups)
        {
            var values = new double[items.Count];
            var complete = true;
            for (var j = 0; j < items.Count && complete; j++)
            {
                if (Level(answers, items[j].Code) is int level) values[j] = level;
                else complete = false;
            }
            if (complete) Alpha[group].Add(values);
        }
    }

    private void AddPolicy(IReadOnlyDictionary<string, AnswerValue> answers)
    {
        // §4.5: q_iG = satisfied share over the respondent's answered items of group G. The respondent's policy
        // score is the mean of their q_iG, summed in group order (no list: this runs for every response and cell).
        var scoreSum = 0.0;
        var scoreCount = 0;
        foreach (var (group, items) in _shape.PolicyGroups)
        {
            var answered = 0;
            var satisfied = 0;
            foreach (var item in items)
            {
                if (Level(answers, item.Code) is not int level) continue;
                answered++;
                if (item.IsSatisfied(level)) satisfied++;
            }
            if (answered == 0) continue;
            var q = (double)satisfied / answered;
            PolicyGroups[group].Add(q);
            scoreSum += q;
            scoreCount++;
        }
        if (scoreCount > 0) PolicyIndex.Add(scoreSum / scoreCount);
    }

    private void AddTt01Total(IReadOnlyDictionary<string, AnswerValue> answers)
    {
        // §4.6: only responses with every indicator answered get a total.
        if (_shape.IndicatorItems.Count == 0) return;
        var total = 0;
        foreach (var item in _shape.IndicatorItems)
        {
            if (Points(answers, item) is not int points) return;
            total += points;
        }
        Tt01Totals[total]++;
    }

    private void AddDimensions(IReadOnlyDictionary<string, AnswerValue> answers)
    {
        // §4.7: item → [0, 1] (reversed where agreement is unfavourable); sub-dimension = mean of its answered
        // items; dimension = mean of its answered sub-dimensions.
        foreach (var (dimension, subDimensions) in _shape.DimensionItems)
        {
            var subSum = 0.0;
            var subCount = 0;
            foreach (var items in subDimensions)
            {
                var sum = 0.0;
                var count = 0;
                foreach (var item in items)
                {
                    if (UnitValue(answers, item) is not double value) continue;
                    sum += value;
                    count++;
                }
                if (count == 0) continue;
                subSum += sum / count;
                subCount++;
            }
            if (subCount > 0) Dimensions[dimension].Add(subSum / subCount);
        }
    }

    private void AddProfile(IReadOnlyDictionary<string, AnswerValue> answers)
    {
        if (_shape.OverallItem is not { } overall || Level(answers, overall.Code) is not int level) return;
        var cell = ProfileItems.Length == 0 ? "" : string.Join('|', ProfileItems.Select(code => answers.TryGetValue(code, out var v) ? v.Code ?? "" : ""));
        if (!OverallByProfile.TryGetValue(cell, out var count)) OverallByProfile[cell] = count = new SatisfiedCount();
        count.Add(overall.IsSatisfied(level));
    }

    private bool IsLowComment(IReadOnlyDictionary<string, AnswerValue> answers)
    {
        if (_shape.OverallItem is not { } overall || Level(answers, overall.Code) is not int level || !overall.IsLow(level)) return false;
        foreach (var item in _shape.CommentItems)
            if (answers.TryGetValue(item.Code, out var value) && !string.IsNullOrEmpty(value.Text)) return true;
        return false;
    }

    private static double? UnitValue(IReadOnlyDictionary<string, AnswerValue> answers, ItemDefinition item)
    {
        if (Level(answers, item.Code) is not int answer) return null;
        double value = item.Type switch
        {
            AnswerType.YesNo => answer,
            AnswerType.Likert5 => (answer - 1) / 4.0,
            AnswerType.Likert3 => (answer - 1) / 2.0,
            _ => double.NaN,
        };
        if (double.IsNaN(value)) return null;
        return item.Reverse ? 1 - value : value;
    }

    private static int? Level(IReadOnlyDictionary<string, AnswerValue> answers, string code) =>
        answers.TryGetValue(code, out var value) ? value.Number : null;

    private static int? Points(IReadOnlyDictionary<string, AnswerValue> answers, ItemDefinition item) =>
        answers.TryGetValue(item.Code, out var value) && value.Code is string code ? item.FindOption(code)?.Points : null;

    private static void MergeArrays(Dictionary<string, long[]> mine, Dictionary<string, long[]> other, long sign)
    {
        foreach (var (key, counts) in other)
        {
            if (!mine.TryGetValue(key, out var target)) mine[key] = target = new long[counts.Length];
            if (target.Length != counts.Length) throw new InvalidOperationException($"{key}: cannot merge counts of different lengths");
            for (var k = 0; k < counts.Length; k++) target[k] += sign * counts[k];
        }
    }

    private static void MergeMoments(Dictionary<string, MomentSums> mine, Dictionary<string, MomentSums> other, long sign)
    {
        foreach (var (key, sums) in other)
        {
            if (!mine.TryGetValue(key, out var target)) mine[key] = target = new MomentSums();
            target.Merge(sums, sign);
        }
    }

    // ------------------------------------------------------------------ binding to the definition

    private void Attach(InstrumentDefinition definition)
    {
        _definition = definition;
        _shape = InstrumentShape.Of(definition);
        foreach (var item in _shape.LikertItems)
            if (!LevelCounts.ContainsKey(item.Code)) LevelCounts[item.Code] = new long[AnswerRules.LevelCount(item.Type)];
        foreach (var item in _shape.PointItems)
            if (!PointCounts.ContainsKey(item.Code)) PointCounts[item.Code] = new long[3];
        foreach (var item in _shape.OptionItems)
        {
            var counts = OptionCounts.TryGetValue(item.Code, out var c) ? c : OptionCounts[item.Code] = new(StringComparer.Ordinal);
            foreach (var option in item.Options) counts.TryAdd(option.Code, 0);
        }
        foreach (var (group, items) in _shape.StatementGroups)
            if (!Alpha.ContainsKey(group)) Alpha[group] = AlphaSums.ForItems(items.Count);
        foreach (var group in _shape.PolicyGroups.Keys) PolicyGroups.TryAdd(group, new MomentSums());
        foreach (var dimension in _shape.DimensionItems.Keys) Dimensions.TryAdd(dimension, new MomentSums());
        var maxTotal = _shape.IndicatorItems.Sum(i => i.Options.Max(o => o.Points ?? 0));
        if (Tt01Totals.Length < maxTotal + 1 && _shape.IndicatorItems.Count > 0)
        {
            var totals = Tt01Totals;
            Array.Resize(ref totals, maxTotal + 1);
            Tt01Totals = totals;
        }
        if (ProfileItems.Length == 0) ProfileItems = _shape.ProfileItems.Select(i => i.Code).ToArray();
        OverallItem ??= _shape.OverallItem?.Code;
    }
}

/// <summary>The items of a definition grouped the way the formulas need them (computed once per definition).</summary>
internal sealed class InstrumentShape
{
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<InstrumentDefinition, InstrumentShape> Cache = new();

    public required IReadOnlyList<ItemDefinition> LikertItems { get; init; }
    public required IReadOnlyList<ItemDefinition> PointItems { get; init; }
    public required IReadOnlyList<ItemDefinition> OptionItems { get; init; }
    public required IReadOnlyList<ItemDefinition> ElementSatisfactionItems { get; init; }
    public required IReadOnlyList<(string Group, IReadOnlyList<ItemDefinition> Items)> StatementGroups { get; init; }
    public required IReadOnlyDictionary<string, IReadOnlyList<ItemDefinition>> PolicyGroups { get; init; }
    public required IReadOnlyList<ItemDefinition> IndicatorItems { get; init; }
    public required IReadOnlyDictionary<string, IReadOnlyList<IReadOnlyList<ItemDefinition>>> DimensionItems { get; init; }
    public required IReadOnlyList<ItemDefinition> ProfileItems { get; init; }
    public required ItemDefinition? OverallItem { get; init; }
    public required IReadOnlyList<ItemDefinition> CommentItems { get; init; }

    public static InstrumentShape Of(InstrumentDefinition definition) => Cache.GetValue(definition, Build);

    private static InstrumentShape Build(InstrumentDefinition definition)
    {
        var items = definition.Items.ToList();
        static bool IsLikert(ItemDefinition i) => i.Type is AnswerType.Likert5 or AnswerType.Likert3;
        string GroupOf(ItemDefinition i) => i.Group ?? "";
        return new InstrumentShape
        {
            LikertItems = items.Where(IsLikert).ToList(),
            PointItems = items.Where(i => i.Type == AnswerType.Points).ToList(),
            OptionItems = items.Where(i => i.Type is AnswerType.Multi or AnswerType.Choice).ToList(),
            ElementSatisfactionItems = definition.Elements.Select(e => e.Satisfaction).ToList(),
            StatementGroups = items.Where(i => i.Role == "statement" && IsLikert(i)).GroupBy(GroupOf)
                .Select(g => (g.Key, (IReadOnlyList<ItemDefinition>)g.ToList())).ToList(),
            PolicyGroups = items.Where(i => i.Role == "policy" && IsLikert(i)).GroupBy(GroupOf)
                .ToDictionary(g => g.Key, g => (IReadOnlyList<ItemDefinition>)g.ToList()),
            IndicatorItems = items.Where(i => i.Role == "indicator" && i.Type == AnswerType.Points).ToList(),
            DimensionItems = items.Where(i => i.Role == "dimension").GroupBy(GroupOf).ToDictionary(g => g.Key,
                g => (IReadOnlyList<IReadOnlyList<ItemDefinition>>)g.GroupBy(i => i.SubGroup ?? i.Code).Select(s => (IReadOnlyList<ItemDefinition>)s.ToList()).ToList()),
            ProfileItems = items.Where(i => i.Role == "profile" && i.Type == AnswerType.Choice).ToList(),
            OverallItem = definition.OverallItem,
            CommentItems = items.Where(i => i.Role == "comment").ToList(),
        };
    }
}
