using System.Globalization;
using System.Text.Json;
using CchcSurvey.Core.Anonymisation;

namespace CchcSurvey.Core.Instruments;

/// <summary>One problem with one answer. <see cref="Message"/> is English and starts with the item code.</summary>
public sealed record AnswerError(string Item, string Message)
{
    public override string ToString() => Message;
}

/// <summary>The outcome of validating one response: the clean answers (missing ones left out) and the errors.</summary>
public sealed record AnswerValidationResult(IReadOnlyDictionary<string, AnswerValue> Answers, IReadOnlyList<AnswerError> Errors)
{
    public bool IsValid => Errors.Count == 0;
}

/// <summary>
/// Checks answers against an instrument definition (docs/methodology.md §3) for the three ways answers arrive:
/// the JSON API, an HTML form, and paper CSV cells. The rules are the same; only the raw encoding differs.
/// Missing answers (absent, null, empty, "Không ý kiến") are left out of <see cref="AnswerValidationResult.Answers"/>.
/// Multi answers are put in the definition's option order so equal answers encode equally (<see cref="AnswerCodec"/>).
/// Text answers are scrubbed of personal data (<see cref="TextScrubber"/>).
/// </summary>
public static class AnswerValidator
{
    /// <summary>The form value for "Không ý kiến / không áp dụng": treated as missing.</summary>
    public const string NoOpinionValue = "na";

    // ---------------------------------------------------------------- JSON API

    /// <summary>
    /// Validates an API answer object: likert/yesno as JSON integers, choice/points as option-code strings,
    /// multi as a non-empty array of distinct option codes, text as a string; null means missing. Unknown items
    /// are errors, and so is an answer to an item whose showWhen condition is not met.
    /// </summary>
    public static AnswerValidationResult Validate(InstrumentDefinition def, JsonElement answers)
    {
        var errors = new List<AnswerError>();
        var values = new Dictionary<string, AnswerValue>(StringComparer.Ordinal);
        if (answers.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new AnswerError("", $"answers must be a JSON object, not {answers.ValueKind}"));
            return new AnswerValidationResult(values, errors);
        }
        foreach (var property in answers.EnumerateObject())
        {
            var item = def.FindItem(property.Name);
            if (item is null) { errors.Add(Error(property.Name, "unknown item")); continue; }
            if (values.ContainsKey(item.Code)) { errors.Add(Error(item.Code, "answered twice")); continue; }
            var value = FromJson(item, property.Value, errors);
            if (value is { } v) values[item.Code] = v;
        }
        ApplyConditions(def, values, errors, dropSilently: false);
        // Nothing answered is nothing: an empty response would count in n and in the more-than-dossiers ceiling
        // while saying nothing (the form refuses it the same way).
        if (errors.Count == 0 && values.Count == 0)
            errors.Add(new AnswerError(NothingAnsweredItem, "no item is answered: a response needs at least one answer"));
        return new AnswerValidationResult(values, errors);
    }

    /// <summary>The error key of a response with no answered item.</summary>
    public const string NothingAnsweredItem = "answers";

    private static AnswerValue? FromJson(ItemDefinition item, JsonElement raw, List<AnswerError> errors)
    {
        if (raw.ValueKind == JsonValueKind.Null) return null;
        switch (item.Type)
        {
            case AnswerType.Likert5 or AnswerType.Likert3 or AnswerType.YesNo:
                if (raw.ValueKind != JsonValueKind.Number || !raw.TryGetInt32(out var number))
                {
                    errors.Add(Error(item.Code, $"expected an integer, got {Describe(raw)}"));
                    return null;
                }
                return CheckInteger(item, number, errors);
            case AnswerType.Choice or AnswerType.Points:
                if (raw.ValueKind != JsonValueKind.String)
                {
                    errors.Add(Error(item.Code, $"expected an option code string, got {Describe(raw)}"));
                    return null;
                }
                return CheckCode(item, raw.GetString()!, errors);
            case AnswerType.Multi:
                if (raw.ValueKind != JsonValueKind.Array || raw.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String))
                {
                    errors.Add(Error(item.Code, $"expected an array of option codes, got {Describe(raw)}"));
                    return null;
                }
                var codes = raw.EnumerateArray().Select(e => e.GetString()!).ToList();
                if (codes.Count == 0)
                {
                    errors.Add(Error(item.Code, "choose at least one option or leave the item out"));
                    return null;
                }
                return CheckCodes(item, codes, errors);
            case AnswerType.Text:
                if (raw.ValueKind != JsonValueKind.String)
                {
                    errors.Add(Error(item.Code, $"expected a string, got {Describe(raw)}"));
                    return null;
                }
                return CheckText(item, raw.GetString()!, errors);
            default:
                errors.Add(Error(item.Code, $"unsupported answer type {item.Type}"));
                return null;
        }
    }

    private static string Describe(JsonElement raw) => raw.ValueKind switch
    {
        JsonValueKind.Number => $"number {raw.GetRawText()}",
        JsonValueKind.String => "a string",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        _ => raw.ValueKind.ToString(),
    };

    // ---------------------------------------------------------------- HTML form

    /// <summary>
    /// Validates posted form fields (all strings). An empty string or "na" is missing; a multi item may have several
    /// values; other items at most one non-empty value. Fields not named like an item are ignored (the form carries
    /// other fields), and an answer to an item whose showWhen condition is not met is dropped, not an error
    /// (the browser may post hidden inputs).
    /// </summary>
    public static AnswerValidationResult ValidateForm(InstrumentDefinition def, IReadOnlyDictionary<string, IReadOnlyList<string>> fields)
    {
        var errors = new List<AnswerError>();
        var values = new Dictionary<string, AnswerValue>(StringComparer.Ordinal);
        foreach (var (name, rawValues) in fields)
        {
            var item = def.FindItem(name);
            if (item is null) continue;
            var given = rawValues.Where(v => !string.IsNullOrWhiteSpace(v) || item.Type == AnswerType.Text && !string.IsNullOrEmpty(v))
                .Select(v => item.Type == AnswerType.Text ? v : v.Trim()).ToList();
            if (given.Count == 0 || given.Count == 1 && given[0] == NoOpinionValue && item.Type != AnswerType.Text) continue;
            if (item.Type == AnswerType.Multi)
            {
                var value = CheckCodes(item, given, errors);
                if (value is { } v) values[item.Code] = v;
                continue;
            }
            if (given.Count > 1)
            {
                errors.Add(Error(item.Code, $"expected one value, got {given.Count}"));
                continue;
            }
            var single = FromString(item, given[0], errors);
            if (single is { } s) values[item.Code] = s;
        }
        ApplyConditions(def, values, errors, dropSilently: true);
        return new AnswerValidationResult(values, errors);
    }

    // ---------------------------------------------------------------- paper CSV cells

    /// <summary>
    /// Validates the cells of one paper-CSV row (reference format: multi as space-separated codes, points as option
    /// codes, empty = missing). A non-empty cell for an item the instrument does not have is an error, and so is an
    /// answer to an item whose showWhen condition is not met.
    /// </summary>
    public static AnswerValidationResult ValidateCells(InstrumentDefinition def, IReadOnlyDictionary<string, string> cells)
    {
        var errors = new List<AnswerError>();
        var values = new Dictionary<string, AnswerValue>(StringComparer.Ordinal);
        foreach (var (column, cell) in cells)
        {
            var item = def.FindItem(column);
            var trimmed = cell.Trim();
            if (item is null)
            {
                if (trimmed.Length > 0) errors.Add(Error(column, $"instrument {def.Code} has no item {column}, the cell must be empty"));
                continue;
            }
            if (trimmed.Length == 0) continue;
            AnswerValue? value = item.Type == AnswerType.Multi
                ? CheckCodes(item, trimmed.Split(' ', StringSplitOptions.RemoveEmptyEntries), errors)
                : FromString(item, item.Type == AnswerType.Text ? cell : trimmed, errors);
            if (value is { } v) values[item.Code] = v;
        }
        ApplyConditions(def, values, errors, dropSilently: false);
        return new AnswerValidationResult(values, errors);
    }

    // ---------------------------------------------------------------- shared rules

    private static AnswerValue? FromString(ItemDefinition item, string raw, List<AnswerError> errors)
    {
        switch (item.Type)
        {
            case AnswerType.Likert5 or AnswerType.Likert3 or AnswerType.YesNo:
                // Digits only: "4.0", "+4" or " 4x" are typing errors, not answers.
                if (raw.Length is 0 or > 9 || !raw.All(char.IsAsciiDigit) || !int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
                {
                    errors.Add(Error(item.Code, $"'{Shorten(raw)}' is not an integer"));
                    return null;
                }
                return CheckInteger(item, number, errors);
            case AnswerType.Choice or AnswerType.Points:
                return CheckCode(item, raw, errors);
            case AnswerType.Multi:
                return CheckCodes(item, [raw], errors);
            case AnswerType.Text:
                return CheckText(item, raw, errors);
            default:
                errors.Add(Error(item.Code, $"unsupported answer type {item.Type}"));
                return null;
        }
    }

    private static AnswerValue? CheckInteger(ItemDefinition item, int number, List<AnswerError> errors)
    {
        var (min, max) = AnswerRules.IntegerRange(item.Type);
        if (number < min || number > max)
        {
            errors.Add(Error(item.Code, $"value {number} is out of range {min}..{max}"));
            return null;
        }
        return AnswerValue.FromNumber(number);
    }

    private static AnswerValue? CheckCode(ItemDefinition item, string code, List<AnswerError> errors)
    {
        if (item.FindOption(code) is null)
        {
            errors.Add(Error(item.Code, $"'{Shorten(code)}' is not an option (expected {string.Join(", ", item.Options.Select(o => o.Code))})"));
            return null;
        }
        return AnswerValue.FromCode(code);
    }

    private static AnswerValue? CheckCodes(ItemDefinition item, IReadOnlyList<string> codes, List<AnswerError> errors)
    {
        var ok = true;
        foreach (var code in codes.Where(c => item.FindOption(c) is null))
        {
            errors.Add(Error(item.Code, $"'{Shorten(code)}' is not an option (expected {string.Join(", ", item.Options.Select(o => o.Code))})"));
            ok = false;
        }
        foreach (var duplicate in codes.GroupBy(c => c, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            errors.Add(Error(item.Code, $"option '{Shorten(duplicate.Key)}' is given twice"));
            ok = false;
        }
        if (!ok) return null;
        // Canonical order = the definition's option order, so the same choice always encodes the same way.
        var ordered = item.Options.Select(o => o.Code).Where(codes.Contains).ToArray();
        return AnswerValue.FromCodes(ordered);
    }

    private static AnswerValue? CheckText(ItemDefinition item, string text, List<AnswerError> errors)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var trimmed = text.Trim();
        if (trimmed.Length > ItemDefinition.MaxTextLength)
        {
            errors.Add(Error(item.Code, $"text has {trimmed.Length} characters, at most {ItemDefinition.MaxTextLength} are allowed"));
            return null;
        }
        return AnswerValue.FromText(TextScrubber.Scrub(trimmed));
    }

    private static void ApplyConditions(InstrumentDefinition def, Dictionary<string, AnswerValue> values, List<AnswerError> errors, bool dropSilently)
    {
        foreach (var item in def.Items.Where(i => i.ShowWhen is not null && values.ContainsKey(i.Code)))
        {
            var condition = item.ShowWhen!;
            int? controlling = values.TryGetValue(condition.Item, out var v) ? v.Number : null;
            if (condition.IsMetBy(controlling)) continue;
            values.Remove(item.Code);
            if (!dropSilently) errors.Add(Error(item.Code, $"only asked when {DescribeCondition(condition)}"));
        }
    }

    /// <summary>Human-readable condition, e.g. "HL ≤ 3", "HL ≥ 4" or "2 ≤ HL ≤ 3".</summary>
    public static string DescribeCondition(ItemCondition condition) => (condition.Min, condition.Max) switch
    {
        (int min, int max) => $"{min} ≤ {condition.Item} ≤ {max}",
        (null, int max) => $"{condition.Item} ≤ {max}",
        (int min, null) => $"{condition.Item} ≥ {min}",
        _ => $"{condition.Item} is answered",
    };

    private static AnswerError Error(string item, string message) => new(item, $"{item}: {message}");

    private static string Shorten(string raw) => raw.Length <= 40 ? raw : raw[..40] + "…";
}
