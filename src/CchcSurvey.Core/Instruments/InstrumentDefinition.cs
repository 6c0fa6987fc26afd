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

    /// <summary>SIPAS-DV element (TC, TT, CC, KQ, PA), SIPAS-CS policy group, or PAPI dimension (D1..D8).</summary>
    public string? Group { get; init; }

    /// <summary>PAPI sub-dimension (e.g. D1_1); items coded D1_1b belong to sub-dimension D1_1.</summary>
    public string? SubGroup { get; init; }

    /// <summary>
    /// The role of the item in the formulas: "statement", "element-satisfaction", "overall",
    /// "profile", "policy", "indicator", "dimension", "reasons", "priorities" (SIPAS-DV MONG_DOI), "comment", or null.
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
}
