using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CchcSurvey.Core.Tests.Indices;

/// <summary>Walks an expected JSON tree and reports every difference in an actual one: numbers within a tolerance, everything else exactly, same keys.</summary>
internal static class JsonComparer
{
    public static List<string> Differences(JsonNode? expected, JsonNode? actual, Func<string, double> toleranceFor, string path = "$")
    {
        var differences = new List<string>();
        Walk(expected, actual, toleranceFor, path, differences);
        return differences;
    }

    private static void Walk(JsonNode? expected, JsonNode? actual, Func<string, double> tolerance, string path, List<string> differences)
    {
        switch (expected)
        {
            case null:
                if (actual is not null) differences.Add($"{path}: expected null, got {actual.ToJsonString()}");
                return;
            case JsonObject expectedObject:
                if (actual is not JsonObject actualObject) { differences.Add($"{path}: expected an object, got {Show(actual)}"); return; }
                foreach (var (key, value) in expectedObject)
                {
                    if (!actualObject.ContainsKey(key)) { differences.Add($"{path}.{key}: missing"); continue; }
                    Walk(value, actualObject[key], tolerance, $"{path}.{key}", differences);
                }
                foreach (var (key, _) in actualObject)
                    if (!expectedObject.ContainsKey(key)) differences.Add($"{path}.{key}: not in the expected shape");
                return;
            case JsonArray expectedArray:
                if (actual is not JsonArray actualArray) { differences.Add($"{path}: expected an array, got {Show(actual)}"); return; }
                if (expectedArray.Count != actualArray.Count) { differences.Add($"{path}: expected {expectedArray.Count} elements, got {actualArray.Count}"); return; }
                for (var i = 0; i < expectedArray.Count; i++) Walk(expectedArray[i], actualArray[i], tolerance, $"{path}[{i}]", differences);
                return;
            case JsonValue expectedValue:
                var kind = expectedValue.GetValueKind();
                if (actual is not JsonValue actualValue || actualValue.GetValueKind() != kind)
                {
                    differences.Add($"{path}: expected {expectedValue.ToJsonString()}, got {Show(actual)}");
                    return;
                }
                if (kind == JsonValueKind.Number)
                {
                    var e = expectedValue.GetValue<double>();
                    var a = actualValue.GetValue<double>();
                    if (!double.IsFinite(a) || Math.Abs(e - a) > tolerance(path))
                        differences.Add($"{path}: expected {e.ToString("R", CultureInfo.InvariantCulture)}, got {a.ToString("R", CultureInfo.InvariantCulture)}");
                }
                else if (expectedValue.ToJsonString() != actualValue.ToJsonString())
                    differences.Add($"{path}: expected {expectedValue.ToJsonString()}, got {actualValue.ToJsonString()}");
                return;
        }
    }

    private static string Show(JsonNode? node) => node?.ToJsonString() ?? "null";
}
