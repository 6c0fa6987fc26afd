using System.Text.Json.Serialization;

namespace CchcSurvey.Core.Instruments;

/// <summary>The answer types of docs/methodology.md §3.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<AnswerType>))]
public enum AnswerType
{
    /// <summary>1..5, satisfied when 4 or 5.</summary>
    [JsonStringEnumMemberName("likert5")] Likert5,
    /// <summary>1..3, satisfied when 2 or 3.</summary>
    [JsonStringEnumMemberName("likert3")] Likert3,
    /// <summary>One option code; each option is worth 0, 1 or 2 points (TT01 indicators).</summary>
    [JsonStringEnumMemberName("points")] Points,
    /// <summary>0 or 1.</summary>
    [JsonStringEnumMemberName("yesno")] YesNo,
    /// <summary>One option code.</summary>
    [JsonStringEnumMemberName("choice")] Choice,
    /// <summary>A list of distinct option codes.</summary>
    [JsonStringEnumMemberName("multi")] Multi,
    /// <summary>Free text of at most <see cref="ItemDefinition.MaxTextLength"/> characters.</summary>
    [JsonStringEnumMemberName("text")] Text,
}

/// <summary>A text in Vietnamese (the default) and English.</summary>
public sealed record LocalizedText(string Vi, string En)
{
    public string For(string? culture) =>
        culture is not null && culture.StartsWith("en", StringComparison.OrdinalIgnoreCase) && En.Length > 0 ? En : Vi;

    public override string ToString() => Vi;
}

/// <summary>
/// Shows an item only when another item's integer answer lies in [Min, Max]
/// (e.g. NHANH asks for reasons only when HL ≤ 3).
/// </summary>
public sealed record ItemCondition(string Item, int? Min = null, int? Max = null)
{
    public bool IsMetBy(int? value) =>
        value is int v && (Min is null || v >= Min) && (Max is null || v <= Max);
}

/// <summary>An answer option of a choice, multi or points item.</summary>
public sealed record OptionDefinition(string Code, LocalizedText Label, int? Points = null);

/// <summary>One question of an instrument.</summary>
public sealed record ItemDefinition
{
    public const int MaxTextLength = 1000;

    public required string Code { get; init; }
    public required AnswerType Type { get; init; }
    public required LocalizedText Text { get; init; }
    public IReadOnlyList<OptionDefinition> Options { get; init; } = [];

    /// <summary>Labels of the scale points for likert items (index 0 = level 1); null means the default satisfaction wording.</summary>
    public IReadOnlyList<LocalizedText>? Scale { get; init; }

    /// <summary>The element (statements and element-satisfaction item), policy group or PAPI dimension the item belongs to.</summary>
    public string? Group { get; init; }

    /// <summary>PAPI sub-dimension (e.g. D1_1); items coded D1_1b belong to sub-dimension D1_1.</summary>
    public string? SubGroup { get; init; }

    /// <summary>
    /// The role of the item in the formulas: "statement", "element-satisfaction", "overall",
    /// "profile", "policy", "indicator", "dimension", "reasons", "priorities", "comment", or null.
    /// The index engine finds the items each formula needs by role and <see cref="Group"/>.
    /// </summary>
    public string? Role { get; init; }

    /// <summary>True where agreement is the unfavourable answer (PAPI `rev`).</summary>
    public bool Reverse { get; init; }

    /// <summary>The item is shown (and may be answered) only when this holds.</summary>
    public ItemCondition? ShowWhen { get; init; }

    /// <summary>
    /// Wording of the form's skip choice for this item ("Không biết" for a fact, "Không muốn trả lời" for the
    /// profile); null means "Không ý kiến". Presentation only: the value posted and stored is always "na".
    /// </summary>
    public LocalizedText? NoOpinion { get; init; }

    public OptionDefinition? FindOption(string code) => Options.FirstOrDefault(o => o.Code == code);

    /// <summary>
    /// Lowest level that counts as satisfied (§4.1), from the item's scale: likert5 4, likert3 2; null for other types.
    /// Every share, index, ranking and alert asks the item rather than its type.
    /// </summary>
    [JsonIgnore]
    public int? SatisfiedFrom => Type switch { AnswerType.Likert5 => 4, AnswerType.Likert3 => 2, _ => null };

    /// <summary>
    /// Highest level that counts as a low rating (the comments page's "đánh giá thấp"): likert5 2, likert3 1 — on a
    /// three-level scale 2 is "bình thường", not dissatisfied; null for other types.
    /// </summary>
    [JsonIgnore]
    public int? LowUpTo => Type switch { AnswerType.Likert5 => 2, AnswerType.Likert3 => 1, _ => null };

    public bool IsSatisfied(int level) => SatisfiedFrom is int from && level >= from;

    public bool IsLow(int level) => LowUpTo is int upTo && level <= upTo;

    [JsonIgnore]
    public bool IsLikert => Type is AnswerType.Likert5 or AnswerType.Likert3;
}

/// <summary>A titled group of items, shown as one step of a long questionnaire.</summary>
public sealed record SectionDefinition
{
    public required string Code { get; init; }
    public required LocalizedText Title { get; init; }
    public required IReadOnlyList<ItemDefinition> Items { get; init; }
}

/// <summary>
/// A published, immutable version of a questionnaire (docs/methodology.md §3). An edit makes a new version;
/// every response records the version it answered.
/// </summary>
public sealed record InstrumentDefinition
{
    public required string Code { get; init; }
    public required int Version { get; init; }
    public required LocalizedText Title { get; init; }
    public LocalizedText? Intro { get; init; }

    /// <summary>
    /// The plain title citizens see (e.g. "Góp ý về lần làm thủ tục hôm nay"); <see cref="Title"/> stays the
    /// official name that cites the legal basis, for officials and reports. Null: citizens see <see cref="Title"/>.
    /// </summary>
    public LocalizedText? CitizenTitle { get; init; }

    public required IReadOnlyList<SectionDefinition> Sections { get; init; }

    [JsonIgnore]
    public IEnumerable<ItemDefinition> Items => Sections.SelectMany(s => s.Items);

    public ItemDefinition? FindItem(string code) => Items.FirstOrDefault(i => i.Code == code);

    /// <summary>
    /// The overall satisfaction item: the first likert item with role "overall" (SIPAS-DV HL_CHUNG, NHANH and TT01 HL),
    /// or null. The one rule for it: rankings, alerts, comments, the statistics cells and post-stratification ask here.
    /// </summary>
    [JsonIgnore]
    public ItemDefinition? OverallItem => InstrumentFacts.Of(this).OverallItem;

    /// <summary>
    /// The elements (docs/methodology.md §4.3): one per group that has an item with role "element-satisfaction",
    /// in questionnaire order, titled by the section holding that item. Empty when the instrument declares none.
    /// </summary>
    [JsonIgnore]
    public IReadOnlyList<ElementDefinition> Elements => InstrumentFacts.Of(this).Elements;

    /// <summary>Which figures of docs/methodology.md §4 the instrument's items make possible.</summary>
    [JsonIgnore]
    public InstrumentFigures Figures => InstrumentFacts.Of(this).Figures;

    /// <summary>The first item with this role (e.g. "priorities", "reasons", "comment"), or null.</summary>
    public ItemDefinition? ItemWithRole(string role) => Items.FirstOrDefault(i => i.Role == role);

    /// <summary>The element with this code, or null.</summary>
    public ElementDefinition? FindElement(string code) => Elements.FirstOrDefault(e => e.Code == code);
}

/// <summary>
/// An element of a satisfaction instrument (§4.3): its statements (role "statement", same group), the item asking
/// how satisfied the respondent is with the element as a whole (role "element-satisfaction"), and its title in every
/// language of the definition (vi, en).
/// </summary>
public sealed record ElementDefinition(string Code, LocalizedText Title, IReadOnlyList<ItemDefinition> Statements, ItemDefinition Satisfaction);

/// <summary>The families of figures an instrument has, derived from its items' roles (an instrument may have several).</summary>
[Flags]
public enum InstrumentFigures
{
    None = 0,
    /// <summary>Element-satisfaction items: element figures and the service index (§4.3–4.4), α per element (§4.12).</summary>
    Elements = 1,
    /// <summary>Policy items grouped: group indices and the policy index (§4.5).</summary>
    Policy = 2,
    /// <summary>Points indicators: the total and its bands (§4.6).</summary>
    Indicators = 4,
    /// <summary>Dimension items: PAPI-style dimension scores and aggregate (§4.7).</summary>
    Dimensions = 8,
    /// <summary>An overall likert item: its satisfied share (§4.1), rankings (§4.11).</summary>
    Overall = 16,
}

/// <summary>What is derived from a definition's items, computed once per (immutable) definition.</summary>
internal sealed class InstrumentFacts
{
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<InstrumentDefinition, InstrumentFacts> Cache = new();

    public required ItemDefinition? OverallItem { get; init; }
    public required IReadOnlyList<ElementDefinition> Elements { get; init; }
    public required InstrumentFigures Figures { get; init; }

    public static InstrumentFacts Of(InstrumentDefinition definition) => Cache.GetValue(definition, Build);

    private static InstrumentFacts Build(InstrumentDefinition definition)
    {
        var items = definition.Items.ToList();
        var overall = items.FirstOrDefault(i => i.Role == "overall" && i.IsLikert);
        var elements = new List<ElementDefinition>();
        foreach (var section in definition.Sections)
            foreach (var item in section.Items.Where(i => i.Role == "element-satisfaction" && i.IsLikert))
            {
                var code = item.Group ?? section.Code;
                if (elements.Any(e => e.Code == code)) continue;
                var statements = items.Where(i => i.Role == "statement" && i.IsLikert && (i.Group ?? "") == code).ToList();
                elements.Add(new ElementDefinition(code, section.Title, statements, item));
            }
        var figures = InstrumentFigures.None;
        if (elements.Count > 0) figures |= InstrumentFigures.Elements;
        if (items.Any(i => i.Role == "policy" && i.IsLikert)) figures |= InstrumentFigures.Policy;
        if (items.Any(i => i.Role == "indicator" && i.Type == AnswerType.Points)) figures |= InstrumentFigures.Indicators;
        if (items.Any(i => i.Role == "dimension")) figures |= InstrumentFigures.Dimensions;
        if (overall is not null) figures |= InstrumentFigures.Overall;
        return new InstrumentFacts { OverallItem = overall, Elements = elements, Figures = figures };
    }
}
