using System.Reflection;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace CchcSurvey.Core.Instruments;

/// <summary>Thrown when an instrument definition is malformed or breaks a structural rule.</summary>
public sealed class InstrumentDefinitionException : Exception
{
    public InstrumentDefinitionException(string message) : base(message) { }
    public InstrumentDefinitionException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>
/// Loads, checks and writes instrument definitions. The five built-in instruments of docs/methodology.md §3 ship as
/// embedded JSON resources named <c>CchcSurvey.Core.Instruments.{CODE}.v{N}.json</c>.
/// </summary>
public static class InstrumentCatalog
{
    private const string ResourcePrefix = "CchcSurvey.Core.Instruments.";

    /// <summary>camelCase, nulls left out, Vietnamese kept readable (no \u escapes) so definitions diff well.</summary>
    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = true,
        RespectNullableAnnotations = true,
    };

    private static readonly Lazy<IReadOnlyList<InstrumentDefinition>> BuiltIn = new(LoadEmbedded);

    /// <summary>The built-in definitions, ordered by code then version. Parsed once and cached (definitions are immutable).</summary>
    public static IReadOnlyList<InstrumentDefinition> LoadBuiltIn() => BuiltIn.Value;

    /// <summary>The built-in definition with this code (latest version), or null.</summary>
    public static InstrumentDefinition? FindBuiltIn(string code) =>
        LoadBuiltIn().Where(d => d.Code == code).MaxBy(d => d.Version);

    /// <summary>Parses and validates a definition; throws <see cref="InstrumentDefinitionException"/> with the first problems found.</summary>
    public static InstrumentDefinition Parse(string json)
    {
        InstrumentDefinition? definition;
        try
        {
            definition = JsonSerializer.Deserialize<InstrumentDefinition>(json, JsonOptions);
        }
        catch (JsonException e)
        {
            throw new InstrumentDefinitionException($"Instrument definition is not valid JSON for the model: {e.Message}", e);
        }
        if (definition is null)
            throw new InstrumentDefinitionException("Instrument definition is null.");
        var problems = Check(definition);
        if (problems.Count > 0)
            throw new InstrumentDefinitionException($"Instrument {definition.Code} v{definition.Version} is invalid: " + string.Join("; ", problems));
        return definition;
    }

    /// <summary>Writes a definition in the same JSON shape <see cref="Parse"/> reads.</summary>
    public static string Serialize(InstrumentDefinition definition) => JsonSerializer.Serialize(definition, JsonOptions);

    /// <summary>Structural rules a definition must satisfy; returns the list of problems (empty when valid).</summary>
    public static IReadOnlyList<string> Check(InstrumentDefinition definition)
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(definition.Code)) problems.Add("code is empty");
        if (definition.Version < 1) problems.Add("version must be at least 1");
        if (definition.Sections.Count == 0) problems.Add("no sections");

        var sectionCodes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var section in definition.Sections)
        {
            if (!sectionCodes.Add(section.Code)) problems.Add($"section code {section.Code} is used twice");
            if (section.Items.Count == 0) problems.Add($"section {section.Code} has no items");
        }

        var itemsByCode = new Dictionary<string, ItemDefinition>(StringComparer.Ordinal);
        foreach (var item in definition.Items)
        {
            if (string.IsNullOrWhiteSpace(item.Code)) { problems.Add("an item has an empty code"); continue; }
            if (!itemsByCode.TryAdd(item.Code, item)) problems.Add($"item code {item.Code} is used twice");
            CheckOptions(item, problems);
            if (item.Scale is not null && item.Type is AnswerType.Likert5 or AnswerType.Likert3 && item.Scale.Count != AnswerRules.LevelCount(item.Type))
                problems.Add($"{item.Code}: scale has {item.Scale.Count} labels, expected {AnswerRules.LevelCount(item.Type)}");
        }

        // Elements (§4.3): one element-satisfaction item per group, which must be likert; a group's statements likert.
        foreach (var group in definition.Items.Where(i => i.Role == "element-satisfaction").GroupBy(i => i.Group ?? ""))
        {
            if (group.Count() > 1) problems.Add($"element {group.Key}: {group.Count()} items with role element-satisfaction, expected one");
            foreach (var item in group.Where(i => !i.IsLikert)) problems.Add($"{item.Code}: an element-satisfaction item must be likert5 or likert3");
        }
        foreach (var item in definition.Items.Where(i => i.Role is "statement" or "overall" && !i.IsLikert))
            problems.Add($"{item.Code}: role {item.Role} needs a likert5 or likert3 item");
        if (definition.Figures.HasFlag(InstrumentFigures.Indicators) && definition.OverallItem is null)
            problems.Add("points indicators need an overall item (role overall)");
        if (definition.Figures == InstrumentFigures.None)
            problems.Add("no figures: the instrument needs an overall item, element-satisfaction, policy, indicator or dimension items");

        foreach (var item in definition.Items.Where(i => i.ShowWhen is not null))
        {
            var condition = item.ShowWhen!;
            if (!itemsByCode.TryGetValue(condition.Item, out var controlling))
                problems.Add($"{item.Code}: showWhen refers to unknown item {condition.Item}");
            else if (controlling.Type is not (AnswerType.Likert5 or AnswerType.Likert3 or AnswerType.YesNo))
                problems.Add($"{item.Code}: showWhen item {condition.Item} must be likert or yesno");
            else if (condition.Item == item.Code)
                problems.Add($"{item.Code}: showWhen refers to itself");
            if (condition.Min is null && condition.Max is null)
                problems.Add($"{item.Code}: showWhen needs min or max");
        }
        return problems;
    }

    private static void CheckOptions(ItemDefinition item, List<string> problems)
    {
        var needsOptions = item.Type is AnswerType.Choice or AnswerType.Multi or AnswerType.Points;
        if (!needsOptions)
        {
            if (item.Options.Count > 0) problems.Add($"{item.Code}: type {item.Type} takes no options");
            return;
        }
        if (item.Options.Count == 0) { problems.Add($"{item.Code}: type {item.Type} needs options"); return; }
        var codes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var option in item.Options)
        {
            if (string.IsNullOrWhiteSpace(option.Code) || option.Code.Any(char.IsWhiteSpace))
                problems.Add($"{item.Code}: option code '{option.Code}' is empty or contains spaces");
            else if (!codes.Add(option.Code))
                problems.Add($"{item.Code}: option code {option.Code} is used twice");
            // "na" is the form's "Không ý kiến" value, so it cannot be an option code.
            if (option.Code == AnswerValidator.NoOpinionValue)
                problems.Add($"{item.Code}: option code 'na' is reserved");
            if (item.Type == AnswerType.Points && option.Points is not (>= 0 and <= 2))
                problems.Add($"{item.Code}: option {option.Code} must have points 0..2");
        }
    }

    private static IReadOnlyList<InstrumentDefinition> LoadEmbedded()
    {
        var assembly = typeof(InstrumentCatalog).Assembly;
        var definitions = new List<InstrumentDefinition>();
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal) && n.EndsWith(".json", StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)
                ?? throw new InstrumentDefinitionException($"Resource {name} cannot be opened.");
            using var reader = new StreamReader(stream);
            try
            {
                definitions.Add(Parse(reader.ReadToEnd()));
            }
            catch (InstrumentDefinitionException e)
            {
                throw new InstrumentDefinitionException($"Built-in definition {name}: {e.Message}", e);
            }
        }
        return definitions.OrderBy(d => d.Code, StringComparer.Ordinal).ThenBy(d => d.Version).ToList();
    }
}
