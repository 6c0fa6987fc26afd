using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CchcSurvey.Core.Instruments;

namespace CchcSurvey.Core.Exports;

/// <summary>One stored response as the microdata export reads it (no time of day: the date only).</summary>
public readonly record struct MicrodataRecord(
    Guid SubmissionId, string UnitCode, string? CounterCode, string Instrument, int Version,
    string Channel, DateOnly Date, int Flags, string AnswersJson);

/// <summary>
/// Replaces submission ids by pseudonyms: HMAC-SHA256 of the id under a key drawn at random for each export,
/// cut to 16 hex digits. Within one file a respondent keeps one pseudonym; across files and against receipts
/// (<c>/r/{submissionId}</c>) nothing links, because the key is thrown away with the export.
/// </summary>
public sealed class Pseudonymizer : IDisposable
{
    // One HMAC instance keeps the key schedule: several times faster than the one-shot HashData per row.
    // Not thread-safe, like an export, which is one sequential stream.
    private readonly HMACSHA256 _hmac;

    public Pseudonymizer(byte[]? key = null) => _hmac = new HMACSHA256(key ?? RandomNumberGenerator.GetBytes(32));

    public string Of(Guid submissionId)
    {
        Span<byte> id = stackalloc byte[16];
        submissionId.TryWriteBytes(id);
        Span<byte> hash = stackalloc byte[32];
        _hmac.TryComputeHash(id, hash, out _);
        return Convert.ToHexStringLower(hash[..8]);
    }

    public void Dispose() => _hmac.Dispose();
}

/// <summary>
/// The columns of the anonymised microdata (<c>responses</c>) export and how a response fills them.
/// Fixed columns first: respondent (pseudonym), unit, counter, instrument, version, channel, date (local date; the
/// hour is left out on purpose: date + counter + hour can point at one visitor), flags; then one column per item.
/// With one instrument the item columns are the item codes (the union over its versions, current first); with
/// several they are INSTRUMENT.ITEM. Values: likert/yes-no as numbers, choice and points as the option code,
/// multi as the codes separated by spaces, text as stored (already scrubbed of personal data at submission).
/// </summary>
public sealed class MicrodataLayout
{
    public static readonly IReadOnlyList<string> FixedColumns = ["respondent", "unit", "counter", "instrument", "version", "channel", "date", "flags"];

    private readonly Dictionary<(string Instrument, string Item), int> _index = new();
    private readonly Dictionary<string, Dictionary<string, int>> _columnsByInstrument = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Instrument, int Version), InstrumentDefinition> _definitions = new();
    private readonly List<string> _columns = [.. FixedColumns];
    private readonly List<(string Column, string Instrument, ItemDefinition Item)> _items = [];

    /// <param name="definitions">Every version that can appear, any order; the highest version of a code names its items first.</param>
    public MicrodataLayout(IEnumerable<InstrumentDefinition> definitions)
    {
        var byCode = definitions.GroupBy(d => d.Code).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
        var prefix = byCode.Count > 1;
        foreach (var versions in byCode)
        {
            foreach (var definition in versions.OrderByDescending(d => d.Version))
            {
                _definitions[(definition.Code, definition.Version)] = definition;
                foreach (var item in definition.Items)
                {
                    if (_index.ContainsKey((definition.Code, item.Code))) continue;
                    var column = prefix ? $"{definition.Code}.{item.Code}" : item.Code;
                    _index[(definition.Code, item.Code)] = _columns.Count;
                    if (!_columnsByInstrument.TryGetValue(definition.Code, out var columns))
                        _columnsByInstrument[definition.Code] = columns = new Dictionary<string, int>(StringComparer.Ordinal);
                    columns[item.Code] = _columns.Count;
                    _columns.Add(column);
                    _items.Add((column, definition.Code, item));
                }
            }
        }
    }

    public IReadOnlyList<string> Columns => _columns;

    /// <summary>The item columns: column name, instrument and the item (from the highest version that has it).</summary>
    public IReadOnlyList<(string Column, string Instrument, ItemDefinition Item)> ItemColumns => _items;

    public ExportCell[] NewRow() => new ExportCell[_columns.Count];

    /// <summary>Fills <paramref name="cells"/> (length <see cref="Columns"/>.Count) for one response.</summary>
    public void Fill(in MicrodataRecord record, string respondent, ExportCell[] cells)
    {
        Array.Fill(cells, ExportCell.Empty);
        cells[0] = ExportCell.Of(respondent);
        cells[1] = ExportCell.Of(record.UnitCode);
        cells[2] = ExportCell.Of(record.CounterCode);
        cells[3] = ExportCell.Of(record.Instrument);
        cells[4] = ExportCell.Of((long)record.Version);
        cells[5] = ExportCell.Of(record.Channel);
        cells[6] = ExportCell.Of(record.Date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        cells[7] = ExportCell.Of((long)record.Flags);

        var length = Encoding.UTF8.GetMaxByteCount(record.AnswersJson.Length);
        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var used = Encoding.UTF8.GetBytes(record.AnswersJson, rented);
            ReadAnswers(record.Instrument, rented.AsSpan(0, used), cells);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private void ReadAnswers(string instrument, ReadOnlySpan<byte> json, ExportCell[] cells)
    {
        // Canonical answers (AnswerCodec): one flat object of numbers, strings and arrays of strings.
        // Item names are looked up as spans: no string per answer, only per text or code value.
        var columns = _columnsByInstrument.TryGetValue(instrument, out var found) ? found.GetAlternateLookup<ReadOnlySpan<char>>() : default;
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

    /// <summary>The codebook: one row per column of this layout, see <see cref="Codebook"/>.</summary>
    public IEnumerable<ExportCell[]> CodebookRows() => Codebook.Rows(this);
}

/// <summary>
/// Describes every column of a microdata export: column, instrument, type, question (vi, en) and the meaning of
/// each value. Rows are written with the same writers (CSV, XLSX sheet "codebook", JSON).
/// </summary>
public static class Codebook
{
    public static readonly IReadOnlyList<string> Columns = ["column", "instrument", "type", "label_vi", "label_en", "values"];

    private static readonly string[] Likert5 = ["Rất không hài lòng", "Không hài lòng", "Bình thường", "Hài lòng", "Rất hài lòng"];
    private static readonly string[] Likert3 = ["Không hài lòng", "Hài lòng", "Rất hài lòng"];

    private static readonly (string Column, string Type, string Vi, string En, string Values)[] Fixed =
    [
        ("respondent", "text", "Mã ẩn danh của phiếu", "Pseudonym of the response", "16 hex digits, HMAC of the submission id under a key drawn for this export only: stable within one file, unlinkable across files and to receipts"),
        ("unit", "text", "Mã đơn vị", "Unit code", "the unit the response belongs to"),
        ("counter", "text", "Mã quầy", "Counter code", "empty for paper and household surveys filed on a unit"),
        ("instrument", "text", "Mã bộ câu hỏi", "Instrument code", "SIPAS-DV, SIPAS-CS, TT01, NHANH, PAPI-M"),
        ("version", "number", "Phiên bản bộ câu hỏi", "Instrument version", "the exact published version answered"),
        ("channel", "text", "Kênh", "Channel", "qr, kiosk, paper, web"),
        ("date", "date", "Ngày (giờ địa phương)", "Local date", "yyyy-MM-dd; no time of day is exported"),
        ("flags", "number", "Cờ nghi vấn", "Suspicion flags", "bit set, 0 = none; flagged responses are kept, never deleted"),
    ];

    internal static IEnumerable<ExportCell[]> Rows(MicrodataLayout layout)
    {
        foreach (var f in Fixed)
            yield return [ExportCell.Of(f.Column), ExportCell.Empty, ExportCell.Of(f.Type), ExportCell.Of(f.Vi), ExportCell.Of(f.En), ExportCell.Of(f.Values)];
        foreach (var (column, instrument, item) in layout.ItemColumns)
            yield return [ExportCell.Of(column), ExportCell.Of(instrument), ExportCell.Of(TypeName(item.Type)), ExportCell.Of(item.Text.Vi), ExportCell.Of(item.Text.En), ExportCell.Of(Values(item))];
    }

    private static string TypeName(AnswerType type) => JsonSerializer.Serialize(type).Trim('"');

    public static string Values(ItemDefinition item)
    {
        string Scale(string[] defaults) => string.Join("; ", Enumerable.Range(0, defaults.Length)
            .Select(i => $"{i + 1}={(item.Scale is { } s && i < s.Count ? s[i].Vi : defaults[i])}"));
        string Options(bool points) => string.Join("; ", item.Options.Select(o =>
            $"{o.Code}={o.Label.Vi}{(points && o.Points is int p ? $" ({p} điểm)" : "")}"));
        return item.Type switch
        {
            AnswerType.Likert5 => Scale(Likert5) + "; empty = missing",
            AnswerType.Likert3 => Scale(Likert3) + "; empty = missing",
            AnswerType.YesNo => "0=Không; 1=Có; empty = missing",
            AnswerType.Points => Options(true) + "; empty = missing",
            AnswerType.Choice => Options(false) + "; empty = missing",
            AnswerType.Multi => "option codes separated by spaces: " + Options(false) + "; empty = missing",
            _ => $"free text (≤ {ItemDefinition.MaxTextLength} characters), scrubbed of phone, ID, e-mail and dossier numbers at submission; in CSV/XLSX a text starting with = + - @ tab CR LF gets a leading '",
        };
    }
}
