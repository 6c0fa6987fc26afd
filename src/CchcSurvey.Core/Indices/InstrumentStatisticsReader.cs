using System.Buffers;
using System.Text;
using System.Text.Json;

namespace CchcSurvey.Core.Indices;

/// <summary>
/// Reads the JSON that <see cref="InstrumentStatistics.ToJson"/> writes, with a forward-only <see cref="Utf8JsonReader"/>
/// instead of the reflection-based deserialiser. Why: every figure page parses thousands of statistics cells (a commune's
/// family for a year is about 9,000), and the deserialiser took about 30 µs a cell, the bulk of a page's time, where this
/// takes a few (docs/performance.md, "Cell parsing"). It reads exactly what the writer writes (camelCase property
/// names, numbers as JSON numbers, doubles in round-trip form), skips properties it does not know, as the deserialiser
/// does, and is checked against the deserialiser on every bundled instrument (InstrumentStatisticsReaderTests).
/// </summary>
internal static class InstrumentStatisticsReader
{
    public static InstrumentStatistics Read(string json)
    {
        var max = Encoding.UTF8.GetMaxByteCount(json.Length);
        var rented = ArrayPool<byte>.Shared.Rent(max);
        try
        {
            var length = Encoding.UTF8.GetBytes(json, rented);
            var reader = new Utf8JsonReader(rented.AsSpan(0, length));
            return ReadStatistics(ref reader);
        }
        catch (JsonException e)
        {
            throw new FormatException($"accumulator JSON is malformed: {e.Message}", e);
        }
        catch (InvalidOperationException e)
        {
            // Utf8JsonReader's typed getters throw this on a token of the wrong kind (a string where a number belongs).
            throw new FormatException($"accumulator JSON is malformed: {e.Message}", e);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static InstrumentStatistics ReadStatistics(ref Utf8JsonReader reader)
    {
        Next(ref reader);
        if (reader.TokenType == JsonTokenType.Null) throw new FormatException("accumulator JSON is null");
        Expect(ref reader, JsonTokenType.StartObject);
        var statistics = new InstrumentStatistics();
        while (Next(ref reader) == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("instrument"u8)) { Next(ref reader); statistics.Instrument = reader.GetString() ?? ""; }
            else if (reader.ValueTextEquals("responses"u8)) { Next(ref reader); statistics.Responses = reader.GetInt64(); }
            else if (reader.ValueTextEquals("levelCounts"u8)) statistics.LevelCounts = ReadCountArrays(ref reader);
            else if (reader.ValueTextEquals("pointCounts"u8)) statistics.PointCounts = ReadCountArrays(ref reader);
            else if (reader.ValueTextEquals("optionCounts"u8)) statistics.OptionCounts = ReadOptionCounts(ref reader);
            else if (reader.ValueTextEquals("serviceIndex"u8)) statistics.ServiceIndex = ReadMoments(ref reader);
            else if (reader.ValueTextEquals("alpha"u8)) statistics.Alpha = ReadAlpha(ref reader);
            else if (reader.ValueTextEquals("policyGroups"u8)) statistics.PolicyGroups = ReadMomentsByKey(ref reader);
            else if (reader.ValueTextEquals("policyIndex"u8)) statistics.PolicyIndex = ReadMoments(ref reader);
            else if (reader.ValueTextEquals("tt01Totals"u8)) { Next(ref reader); statistics.Tt01Totals = ReadLongs(ref reader); }
            else if (reader.ValueTextEquals("dimensions"u8)) statistics.Dimensions = ReadMomentsByKey(ref reader);
            else if (reader.ValueTextEquals("overallByProfile"u8)) statistics.OverallByProfile = ReadSatisfiedByKey(ref reader);
            else if (reader.ValueTextEquals("profileItems"u8)) statistics.ProfileItems = ReadStrings(ref reader);
            else if (reader.ValueTextEquals("lowComments"u8)) { Next(ref reader); statistics.LowComments = reader.TokenType == JsonTokenType.Null ? null : reader.GetInt64(); }
            else if (reader.ValueTextEquals("overallItem"u8)) { Next(ref reader); statistics.OverallItem = reader.TokenType == JsonTokenType.Null ? null : reader.GetString(); }
            else { Next(ref reader); reader.Skip(); }
        }
        Expect(ref reader, JsonTokenType.EndObject);
        return statistics;
    }

    private static Dictionary<string, long[]> ReadCountArrays(ref Utf8JsonReader reader)
    {
        Next(ref reader);
        Expect(ref reader, JsonTokenType.StartObject);
        var result = new Dictionary<string, long[]>(StringComparer.Ordinal);
        while (Next(ref reader) == JsonTokenType.PropertyName)
        {
            var key = reader.GetString()!;
            Next(ref reader);
            result[key] = ReadLongs(ref reader);
        }
        return result;
    }

    private static Dictionary<string, Dictionary<string, long>> ReadOptionCounts(ref Utf8JsonReader reader)
    {
        Next(ref reader);
        Expect(ref reader, JsonTokenType.StartObject);
        var result = new Dictionary<string, Dictionary<string, long>>(StringComparer.Ordinal);
        while (Next(ref reader) == JsonTokenType.PropertyName)
        {
            var item = reader.GetString()!;
            Next(ref reader);
            Expect(ref reader, JsonTokenType.StartObject);
            var counts = new Dictionary<string, long>(StringComparer.Ordinal);
            while (Next(ref reader) == JsonTokenType.PropertyName)
            {
                var code = reader.GetString()!;
                Next(ref reader);
                counts[code] = reader.GetInt64();
            }
            result[item] = counts;
        }
        return result;
    }

    private static Dictionary<string, MomentSums> ReadMomentsByKey(ref Utf8JsonReader reader)
    {
        Next(ref reader);
        Expect(ref reader, JsonTokenType.StartObject);
        var result = new Dictionary<string, MomentSums>(StringComparer.Ordinal);
        while (Next(ref reader) == JsonTokenType.PropertyName)
        {
            var key = reader.GetString()!;
            result[key] = ReadMoments(ref reader);
        }
        return result;
    }

    private static MomentSums ReadMoments(ref Utf8JsonReader reader)
    {
        Next(ref reader);
        Expect(ref reader, JsonTokenType.StartObject);
        var sums = new MomentSums();
        while (Next(ref reader) == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("n"u8)) { Next(ref reader); sums.N = reader.GetInt64(); }
            else if (reader.ValueTextEquals("sum"u8)) { Next(ref reader); sums.Sum = reader.GetDouble(); }
            else if (reader.ValueTextEquals("sumOfSquares"u8)) { Next(ref reader); sums.SumOfSquares = reader.GetDouble(); }
            else { Next(ref reader); reader.Skip(); }
        }
        return sums;
    }

    private static Dictionary<string, AlphaSums> ReadAlpha(ref Utf8JsonReader reader)
    {
        Next(ref reader);
        Expect(ref reader, JsonTokenType.StartObject);
        var result = new Dictionary<string, AlphaSums>(StringComparer.Ordinal);
        while (Next(ref reader) == JsonTokenType.PropertyName)
        {
            var group = reader.GetString()!;
            Next(ref reader);
            Expect(ref reader, JsonTokenType.StartObject);
            var sums = new AlphaSums();
            while (Next(ref reader) == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("n"u8)) { Next(ref reader); sums.N = reader.GetInt64(); }
                else if (reader.ValueTextEquals("sums"u8)) { Next(ref reader); sums.Sums = ReadDoubles(ref reader); }
                else if (reader.ValueTextEquals("sumsOfSquares"u8)) { Next(ref reader); sums.SumsOfSquares = ReadDoubles(ref reader); }
                else if (reader.ValueTextEquals("totalSum"u8)) { Next(ref reader); sums.TotalSum = reader.GetDouble(); }
                else if (reader.ValueTextEquals("totalSumOfSquares"u8)) { Next(ref reader); sums.TotalSumOfSquares = reader.GetDouble(); }
                else { Next(ref reader); reader.Skip(); }
            }
            result[group] = sums;
        }
        return result;
    }

    private static Dictionary<string, SatisfiedCount> ReadSatisfiedByKey(ref Utf8JsonReader reader)
    {
        Next(ref reader);
        Expect(ref reader, JsonTokenType.StartObject);
        var result = new Dictionary<string, SatisfiedCount>(StringComparer.Ordinal);
        while (Next(ref reader) == JsonTokenType.PropertyName)
        {
            var key = reader.GetString()!;
            Next(ref reader);
            Expect(ref reader, JsonTokenType.StartObject);
            var count = new SatisfiedCount();
            while (Next(ref reader) == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("satisfied"u8)) { Next(ref reader); count.Satisfied = reader.GetInt64(); }
                else if (reader.ValueTextEquals("n"u8)) { Next(ref reader); count.N = reader.GetInt64(); }
                else { Next(ref reader); reader.Skip(); }
            }
            result[key] = count;
        }
        return result;
    }

    /// <summary>An array of integers; the reader is on its start.</summary>
    private static long[] ReadLongs(ref Utf8JsonReader reader)
    {
        Expect(ref reader, JsonTokenType.StartArray);
        Span<long> small = stackalloc long[16];
        List<long>? large = null;
        var count = 0;
        while (Next(ref reader) != JsonTokenType.EndArray)
        {
            var value = reader.GetInt64();
            if (large is null && count < small.Length) small[count] = value;
            else { large ??= [.. small]; large.Add(value); }
            count++;
        }
        return large is null ? small[..count].ToArray() : [.. large];
    }

    /// <summary>An array of doubles; the reader is on its start.</summary>
    private static double[] ReadDoubles(ref Utf8JsonReader reader)
    {
        Expect(ref reader, JsonTokenType.StartArray);
        var values = new List<double>(8);
        while (Next(ref reader) != JsonTokenType.EndArray) values.Add(reader.GetDouble());
        return [.. values];
    }

    private static string[] ReadStrings(ref Utf8JsonReader reader)
    {
        Next(ref reader);
        Expect(ref reader, JsonTokenType.StartArray);
        var values = new List<string>(4);
        while (Next(ref reader) != JsonTokenType.EndArray) values.Add(reader.GetString()!);
        return [.. values];
    }

    private static JsonTokenType Next(ref Utf8JsonReader reader)
    {
        if (!reader.Read()) throw new FormatException("accumulator JSON ends early");
        return reader.TokenType;
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType token)
    {
        if (reader.TokenType != token) throw new FormatException($"accumulator JSON: expected {token}, found {reader.TokenType}");
    }
}
