using System.Text.Json;
using System.Text.RegularExpressions;

namespace CchcSurvey.Core.Instruments;

/// <summary>The texts of one item in another language: its question, its scale labels (likert), its options' labels.</summary>
public sealed record TranslatedItem(string Text, IReadOnlyList<string>? Scale, IReadOnlyDictionary<string, string>? Options);

/// <summary>
/// An instrument version's texts in a language beyond vi and en (ISO 639 code: Tày <c>tyz</c>, Nùng <c>nut</c>): data an
/// administrator adds, never code. Complete or refused: the title, the intro (when the instrument has one), every
/// section title, every item's text, every option's label and every scale label of a likert item must have a text, and
/// nothing may name an item or option the version does not have. JSON:
/// <code>{"language":"tyz","name":"Tày","title":"…","intro":"…","sections":{"CODE":"…"},
///  "items":{"HL":{"text":"…","scale":["…","…","…","…","…"]},"LY_DO":{"text":"…","options":{"cho_lau":"…"}}}}</code>
/// </summary>
public sealed partial record InstrumentTranslation(
    string Language, string Name, string Title, string? Intro,
    IReadOnlyDictionary<string, string> Sections, IReadOnlyDictionary<string, TranslatedItem> Items)
{
    public const int MaxText = 2000;

    /// <summary>Lower-case ISO 639-1 or 639-3 code; vi and en are the instrument's own languages.</summary>
    public static bool IsLanguageCode(string? code) => code is not null && LanguagePattern().IsMatch(code) && code is not ("vi" or "en");

    public string ItemText(ItemDefinition item) => Items.TryGetValue(item.Code, out var t) ? t.Text : item.Text.Vi;

    public string? ScaleLabel(ItemDefinition item, int level) =>
        Items.TryGetValue(item.Code, out var t) && t.Scale is { } scale && level >= 1 && level <= scale.Count ? scale[level - 1] : null;

    public string OptionLabel(ItemDefinition item, OptionDefinition option) =>
        Items.TryGetValue(item.Code, out var t) && t.Options is { } o && o.TryGetValue(option.Code, out var label) ? label : option.Label.Vi;

    public string SectionTitle(SectionDefinition section) => Sections.TryGetValue(section.Code, out var t) ? t : section.Title.Vi;

    /// <summary>Number of scale points of a likert item (5 or 3), else 0.</summary>
    public static int ScalePoints(ItemDefinition item) => item.Type switch { AnswerType.Likert5 => 5, AnswerType.Likert3 => 3, _ => 0 };

    /// <summary>Parses and checks a translation against the version it translates; the problems, or none.</summary>
    public static InstrumentTranslation? Parse(string json, InstrumentDefinition definition, out IReadOnlyList<string> problems)
    {
        var errors = new List<string>();
        problems = errors;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 8, AllowDuplicateProperties = false });
        }
        catch (JsonException e)
        {
            errors.Add($"not valid JSON: {e.Message}");
            return null;
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) { errors.Add("the translation must be a JSON object"); return null; }
            foreach (var p in root.EnumerateObject())
                if (p.Name is not ("language" or "name" or "title" or "intro" or "sections" or "items" or "instrument" or "version"))
                    errors.Add($"unknown field '{p.Name}'");
            var language = Str(root, "language", "language", errors);
            if (language is not null && !IsLanguageCode(language))
                errors.Add($"language must be a lower-case ISO 639 code other than vi and en (e.g. tyz, nut), not '{language}'");
            var name = Str(root, "name", "name", errors);
            var title = Str(root, "title", "title", errors);
            string? intro = null;
            if (definition.Intro is not null) intro = Str(root, "intro", "intro", errors);
            else if (root.TryGetProperty("intro", out _)) errors.Add("intro: the instrument has no intro");

            var sections = new Dictionary<string, string>(StringComparer.Ordinal);
            var sectionsJson = Obj(root, "sections", errors);
            foreach (var section in definition.Sections)
                if (Str(sectionsJson, section.Code, $"sections.{section.Code}", errors) is { } t) sections[section.Code] = t;
            if (sectionsJson is { } sj)
                foreach (var p in sj.EnumerateObject())
                    if (definition.Sections.All(s => s.Code != p.Name)) errors.Add($"sections.{p.Name}: no such section");

            var items = new Dictionary<string, TranslatedItem>(StringComparer.Ordinal);
            var itemsJson = Obj(root, "items", errors);
            foreach (var item in definition.Items)
            {
                var path = $"items.{item.Code}";
                JsonElement? element = itemsJson is { } ij && ij.TryGetProperty(item.Code, out var e) ? e : null;
                if (element is not { ValueKind: JsonValueKind.Object } itemJson)
                {
                    errors.Add($"{path}: missing");
                    continue;
                }
                foreach (var p in itemJson.EnumerateObject())
                    if (p.Name is not ("text" or "scale" or "options")) errors.Add($"{path}.{p.Name}: unknown field");
                var text = Str(itemJson, "text", $"{path}.text", errors);
                List<string>? scale = null;
                var points = ScalePoints(item);
                if (points > 0)
                {
                    if (!itemJson.TryGetProperty("scale", out var s) || s.ValueKind != JsonValueKind.Array || s.GetArrayLength() != points
                        || s.EnumerateArray().Any(x => x.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(x.GetString()) || x.GetString()!.Length > MaxText))
                        errors.Add($"{path}.scale: {points} texts, one per level from 1 to {points}");
                    else scale = s.EnumerateArray().Select(x => x.GetString()!.Trim()).ToList();
                }
                else if (itemJson.TryGetProperty("scale", out _)) errors.Add($"{path}.scale: the item has no scale");
                Dictionary<string, string>? options = null;
                if (item.Options.Count > 0)
                {
                    options = new Dictionary<string, string>(StringComparer.Ordinal);
                    var oj = Obj(itemJson, "options", errors, $"{path}.options");
                    foreach (var option in item.Options)
                        if (Str(oj, option.Code, $"{path}.options.{option.Code}", errors) is { } label) options[option.Code] = label;
                    if (oj is { } o)
                        foreach (var p in o.EnumerateObject())
                            if (item.FindOption(p.Name) is null) errors.Add($"{path}.options.{p.Name}: no such option");
                }
                else if (itemJson.TryGetProperty("options", out _)) errors.Add($"{path}.options: the item has no options");
                if (text is not null) items[item.Code] = new TranslatedItem(text, scale, options);
            }
            if (itemsJson is { } all)
                foreach (var p in all.EnumerateObject())
                    if (definition.FindItem(p.Name) is null) errors.Add($"items.{p.Name}: no such item");

            if (errors.Count > 0 || language is null || name is null || title is null) return null;
            return new InstrumentTranslation(language, name, title, intro, sections, items);
        }
    }

    private static JsonElement? Obj(JsonElement? parent, string name, List<string> errors, string? path = null)
    {
        if (parent is not { ValueKind: JsonValueKind.Object } p || !p.TryGetProperty(name, out var e) || e.ValueKind != JsonValueKind.Object)
        {
            errors.Add($"{path ?? name}: missing (an object)");
            return null;
        }
        return e;
    }

    private static string? Str(JsonElement? parent, string name, string path, List<string> errors)
    {
        if (parent is not { ValueKind: JsonValueKind.Object } p) return null; // the missing parent is reported once
        if (!p.TryGetProperty(name, out var e) || e.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(e.GetString()))
        {
            errors.Add($"{path}: missing text");
            return null;
        }
        var value = e.GetString()!.Trim();
        if (value.Length > MaxText) { errors.Add($"{path}: longer than {MaxText} characters"); return null; }
        return value;
    }

    [GeneratedRegex("^[a-z]{2,3}$")]
    private static partial Regex LanguagePattern();
}
