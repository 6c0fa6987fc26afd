using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace CchcSurvey.Core.Instruments;

/// <summary>
/// Canonical JSON for a response's answers: compact, keys in ordinal order, integers as JSON numbers, codes and
/// texts as strings, multi answers as arrays in the order given (the validator puts them in option order).
/// The same answers always give the same string, so the web app can hash it to detect a replayed submission id
/// with a different payload.
/// </summary>
public static class AnswerCodec
{
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Indented = false,
        // Relaxed escaping keeps Vietnamese text readable; the output is stored, never embedded in HTML unescaped.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Serialize(IReadOnlyDictionary<string, AnswerValue> answers)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            foreach (var (code, value) in answers.OrderBy(a => a.Key, StringComparer.Ordinal))
            {
                writer.WritePropertyName(code);
                if (value.Number is int number) writer.WriteNumberValue(number);
                else if (value.Code is string option) writer.WriteStringValue(option);
                else if (value.Codes is { } codes)
                {
                    writer.WriteStartArray();
                    foreach (var c in codes) writer.WriteStringValue(c);
                    writer.WriteEndArray();
                }
                else writer.WriteStringValue(value.Text ?? "");
            }
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>
    /// Reads what <see cref="Serialize"/> wrote. The definition tells an option code from a text (both are strings).
    /// Throws <see cref="FormatException"/> on an unknown item or a value of the wrong JSON kind; it does not
    /// re-validate ranges (stored answers were validated when they arrived).
    /// </summary>
    public static IReadOnlyDictionary<string, AnswerValue> Deserialize(string json, InstrumentDefinition def)
    {
        using var document = JsonDocument.Parse(json);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
            throw new FormatException("Stored answers must be a JSON object.");
        var answers = new Dictionary<string, AnswerValue>(StringComparer.Ordinal);
        foreach (var property in document.RootElement.EnumerateObject())
        {
            var item = def.FindItem(property.Name)
                ?? throw new FormatException($"{property.Name}: not an item of {def.Code} v{def.Version}");
            var raw = property.Value;
            answers[item.Code] = (item.Type, raw.ValueKind) switch
            {
                (AnswerType.Likert5 or AnswerType.Likert3 or AnswerType.YesNo, JsonValueKind.Number) => AnswerValue.FromNumber(raw.GetInt32()),
                (AnswerType.Choice or AnswerType.Points, JsonValueKind.String) => AnswerValue.FromCode(raw.GetString()!),
                (AnswerType.Multi, JsonValueKind.Array) => AnswerValue.FromCodes(raw.EnumerateArray().Select(e => e.GetString() ?? throw new FormatException($"{item.Code}: null in array")).ToArray()),
                (AnswerType.Text, JsonValueKind.String) => AnswerValue.FromText(raw.GetString()!),
                _ => throw new FormatException($"{item.Code}: a {raw.ValueKind} cannot hold a {item.Type} answer"),
            };
        }
        return answers;
    }
}
