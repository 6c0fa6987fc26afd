using System.Globalization;
using System.Text;
using System.Text.Json;
using CchcSurvey.Core.Exports;
using CsvHelper;

namespace CchcSurvey.Core.Tests.Exports;

/// <summary>
/// The export code as it was before it was made fast (commit 4f651bc), kept as the oracle of the differential tests:
/// the answer parsing of MicrodataLayout.Fill (Utf8JsonReader with a string per code and a StringBuilder per multi
/// answer), the CSV writer through CsvHelper and the JSON writer through Utf8JsonWriter. The fast code must give
/// the same cells and the same bytes.
/// </summary>
public static class ReferenceExport
{
    /// <summary>The old MicrodataLayout.Fill, on the columns of <paramref name="layout"/>.</summary>
    public static ExportCell[] Fill(MicrodataLayout layout, in MicrodataRecord record, string respondent)
    {
        var cells = new ExportCell[layout.Columns.Count];
        Array.Fill(cells, ExportCell.Empty);
        cells[0] = ExportCell.Of(respondent);
        cells[1] = ExportCell.Of(record.UnitCode);
        cells[2] = ExportCell.Of(record.CounterCode);
        cells[3] = ExportCell.Of(record.Instrument);
        cells[4] = ExportCell.Of((long)record.Version);
        cells[5] = ExportCell.Of(record.Channel);
        cells[6] = ExportCell.Of(record.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        cells[7] = ExportCell.Of((long)record.Flags);
        var byInstrument = new Dictionary<string, Dictionary<string, int>>(StringComparer.Ordinal);
        for (var i = 0; i < layout.ItemColumns.Count; i++)
        {
            var (_, instrument, item) = layout.ItemColumns[i];
            if (!byInstrument.TryGetValue(instrument, out var columns)) byInstrument[instrument] = columns = new(StringComparer.Ordinal);
            columns[item.Code] = MicrodataLayout.FixedColumns.Count + i;
        }
        ReadAnswers(byInstrument, record.Instrument, Encoding.UTF8.GetBytes(record.AnswersJson), cells);
        return cells;
    }

    private static void ReadAnswers(Dictionary<string, Dictionary<string, int>> byInstrument, string instrument, ReadOnlySpan<byte> json, ExportCell[] cells)
    {
        var columns = byInstrument.TryGetValue(instrument, out var found) ? found.GetAlternateLookup<ReadOnlySpan<char>>() : default;
        Span<char> name = stackalloc char[64];
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) throw new FormatException("Stored answers must be a JSON object.");
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var length = reader.HasValueSequence || reader.ValueSpan.Length > name.Length ? -1 : reader.CopyString(name);
            var item = length < 0 ? reader.GetString()!.AsSpan() : name[..length];
            reader.Read();
            var column = found is not null && columns.TryGetValue(item, out var c) ? c : -1;
            switch (reader.TokenType)
            {
                case JsonTokenType.Number:
                    if (column >= 0) cells[column] = ExportCell.Of((long)reader.GetInt32());
                    break;
                case JsonTokenType.String:
                    if (column >= 0) cells[column] = ExportCell.Of(reader.GetString());
                    break;
                case JsonTokenType.StartArray:
                    var codes = new StringBuilder();
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        if (codes.Length > 0) codes.Append(' ');
                        codes.Append(reader.GetString());
                    }
                    if (column >= 0) cells[column] = ExportCell.Of(codes.ToString());
                    break;
                default:
                    throw new FormatException($"{item.ToString()}: unexpected {reader.TokenType} in stored answers");
            }
        }
    }

    /// <summary>The old CsvTableWriter: the same table through CsvHelper.</summary>
    public static byte[] Csv(IReadOnlyList<string> columns, IEnumerable<ExportCell[]> rows)
    {
        using var buffer = new MemoryStream();
        buffer.Write([0xEF, 0xBB, 0xBF]);
        using (var csv = CsvWriter.Create(buffer, new CsvWriterOptions { NewLine = "\r\n", WriteByteOrderMark = false, FormatProvider = CultureInfo.InvariantCulture }, true))
        {
            foreach (var column in columns) csv.WriteField(FormulaGuard.Neutralise(column));
            csv.EndRecord();
            foreach (var row in rows)
            {
                foreach (var cell in row)
                {
                    if (cell.Number is double number) csv.WriteField(number, default, CultureInfo.InvariantCulture);
                    else csv.WriteField(FormulaGuard.Neutralise(cell.Text) ?? "");
                }
                csv.EndRecord();
            }
            csv.Flush();
        }
        return buffer.ToArray();
    }

    /// <summary>The old JsonTableWriter: the same table through Utf8JsonWriter with the relaxed encoder.</summary>
    public static byte[] Json(IReadOnlyList<string> columns, IEnumerable<ExportCell[]> rows)
    {
        var options = new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping, Indented = false, SkipValidation = true };
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, options))
        {
            var names = columns.Select(c => JsonEncodedText.Encode(c, options.Encoder)).ToArray();
            json.WriteStartArray();
            foreach (var cells in rows)
            {
                json.WriteStartObject();
                for (var i = 0; i < cells.Length; i++)
                {
                    if (cells[i].Number is double number) json.WriteNumber(names[i], number);
                    else if (cells[i].Text is string text) json.WriteString(names[i], text);
                    else json.WriteNull(names[i]);
                }
                json.WriteEndObject();
            }
            json.WriteEndArray();
        }
        return buffer.ToArray();
    }
}
