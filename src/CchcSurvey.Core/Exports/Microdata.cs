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
/// Replaces submission ids by pseudonyms: the id's 16 bytes encrypted with AES-128 under a key drawn at random for
/// each export (a keyed pseudorandom permutation), cut to 64 bits and written as 16 hex digits. Within one file a
/// respondent keeps one pseudonym; across files and against receipts (<c>/r/{submissionId}</c>) nothing links,
/// because the key is thrown away with the export, and without it the pseudonyms are indistinguishable from random.
/// </summary>
/// <remarks>
/// One AES block per row through an encryptor that is set up once: ~0.15 µs, where HMAC-SHA256 (used before, with
/// the same properties) cost ~0.6 µs through OpenSSL, about a tenth of a microdata row. Not thread-safe, like an
/// export, which is one sequential stream.
/// </remarks>
public sealed class Pseudonymizer : IDisposable
{
    private readonly Aes _aes;
    private readonly ICryptoTransform _encryptor;
    private readonly byte[] _block = new byte[16];
    private readonly byte[] _cipher = new byte[16];

    /// <param name="key">16 bytes; a fresh random key when null.</param>
    public Pseudonymizer(byte[]? key = null)
    {
        if (key is { Length: not 16 }) throw new ArgumentException("The pseudonym key is 16 bytes.", nameof(key));
        _aes = Aes.Create();
        _aes.Key = key ?? RandomNumberGenerator.GetBytes(16);
        // ECB on exactly one block: each id is encrypted on its own, the same id always to the same block.
        _aes.Mode = CipherMode.ECB;
        _aes.Padding = PaddingMode.None;
        _encryptor = _aes.CreateEncryptor();
    }

    public string Of(Guid submissionId)
    {
        submissionId.TryWriteBytes(_block);
        _encryptor.TransformBlock(_block, 0, 16, _cipher, 0);
        return Convert.ToHexStringLower(_cipher, 0, 8);
    }

    public void Dispose()
    {
        _encryptor.Dispose();
        _aes.Dispose();
    }
}

/// <summary>
/// The columns of the anonymised microdata (<c>responses</c>) export and how a response fills them.
/// Fixed columns first: respondent (pseudonym), unit, counter, instrument, version, channel, date (local date; the
/// hour is left out on purpose: date + counter + hour can point at one visitor), flags; then one column per item.
/// With one instrument the item columns are the item codes (the union over its versions, current first); with
/// several they are INSTRUMENT.ITEM. Values: likert/yes-no as numbers, choice and points as the option code,
/// multi as the codes separated by spaces, text as stored (already scrubbed of personal data at submission).
/// </summary>
/// <remarks>
/// Filling runs once per exported row (10 million for a large export), so it allocates nothing per row but the
/// texts of text answers: answers are parsed from UTF-8 into a reused buffer, item names are matched as bytes in
/// the order canonical answers have (<see cref="AnswerCodec"/> sorts them), and option codes, joined multi answers
/// and dates come from caches. One layout serves one export at a time (the buffers are not thread-safe).
/// </remarks>
public sealed class MicrodataLayout
{
    public static readonly IReadOnlyList<string> FixedColumns = ["respondent", "unit", "counter", "instrument", "version", "channel", "date", "flags"];

    private readonly Dictionary<(string Instrument, string Item), int> _index = new();
    private readonly Dictionary<string, Dictionary<string, int>> _columnsByInstrument = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Instrument, int Version), InstrumentDefinition> _definitions = new();
    private readonly List<string> _columns = [.. FixedColumns];
    private readonly List<(string Column, string Instrument, ItemDefinition Item)> _items = [];

    private readonly Dictionary<string, AnswerColumns> _answerColumns = new(StringComparer.Ordinal);
    private readonly ValueCache?[] _caches;
    private readonly Dictionary<int, string> _dates = new();
    private byte[] _utf8 = new byte[1024];
    private char[] _chars = new char[256];

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

        foreach (var (code, columns) in _columnsByInstrument) _answerColumns[code] = new AnswerColumns(columns);
        // Option codes (choice, points) and multi answers repeat endlessly: one string each, seeded with the codes of
        // every version. Texts are free and mostly unique, so they are not cached.
        _caches = new ValueCache?[_columns.Count];
        foreach (var versions in byCode)
            foreach (var definition in versions)
                foreach (var item in definition.Items)
                {
                    var column = _index[(definition.Code, item.Code)];
                    if (item.Type is not (AnswerType.Choice or AnswerType.Points or AnswerType.Multi)) continue;
                    var cache = _caches[column] ??= new ValueCache();
                    foreach (var option in item.Options) cache.Seed(option.Code);
                }
    }

    public IReadOnlyList<string> Columns => _columns;

    /// <summary>The item columns: column name, instrument and the item (from the highest version that has it).</summary>
    public IReadOnlyList<(string Column, string Instrument, ItemDefinition Item)> ItemColumns => _items;

    public ExportCell[] NewRow() => new ExportCell[_columns.Count];

    /// <summary>Fills <paramref name="cells"/> (length <see cref="Columns"/>.Count) for one response.</summary>
    public void Fill(in MicrodataRecord record, string respondent, ExportCell[] cells)
    {
        cells.AsSpan().Clear(); // default is ExportCell.Empty
        cells[0] = ExportCell.Of(respondent);
        cells[1] = ExportCell.Of(record.UnitCode);
        cells[2] = ExportCell.Of(record.CounterCode);
        cells[3] = ExportCell.Of(record.Instrument);
        cells[4] = ExportCell.Of((long)record.Version);
        cells[5] = ExportCell.Of(record.Channel);
        cells[6] = ExportCell.Of(DateText(record.Date));
        cells[7] = ExportCell.Of((long)record.Flags);

        var json = record.AnswersJson;
        var length = Encoding.UTF8.GetMaxByteCount(json.Length);
        if (_utf8.Length < length) _utf8 = new byte[Math.Max(length, _utf8.Length * 2)];
        var used = Encoding.UTF8.GetBytes(json, _utf8);
        ReadAnswers(record.Instrument, _utf8.AsSpan(0, used), cells);
    }

    private string DateText(DateOnly date)
    {
        if (_dates.TryGetValue(date.DayNumber, out var text)) return text;
        text = date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        // Bounded: an export spans a few years of days at most; anything beyond is formatted each time.
        if (_dates.Count < 100_000) _dates[date.DayNumber] = text;
        return text;
    }

    private void ReadAnswers(string instrument, ReadOnlySpan<byte> json, ExportCell[] cells)
    {
        // Canonical answers (AnswerCodec): one flat object of numbers, strings and arrays of strings, keys in
        // ordinal order. Keys are matched against the instrument's sorted item names with a cursor that only moves
        // forward, so a row costs one byte comparison per key or skipped item; a key out of that order, escaped,
        // or unknown (an item of no exported version) falls back to a lookup by name.
        _answerColumns.TryGetValue(instrument, out var items);
        var cursor = 0;
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) throw new FormatException("Stored answers must be a JSON object.");
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var column = items is null ? -1 : Column(items, ref reader, ref cursor);
            var name = reader.ValueSpan; // a slice of json: still valid for an error message once the reader moves on
            reader.Read();
            switch (reader.TokenType)
            {
                case JsonTokenType.Number:
                    if (column >= 0) cells[column] = ExportCell.Of((long)reader.GetInt32());
                    break;
                case JsonTokenType.String:
                    if (column >= 0) cells[column] = ExportCell.Of(_caches[column] is { } cache ? cache.Get(Chars(ref reader)) : reader.GetString());
                    break;
                case JsonTokenType.StartArray:
                    var codes = JoinArray(ref reader);
                    if (column >= 0) cells[column] = ExportCell.Of(_caches[column] is { } multi ? multi.Get(codes) : new string(codes));
                    break;
                default:
                    throw new FormatException($"{Encoding.UTF8.GetString(name)}: unexpected {reader.TokenType} in stored answers");
            }
        }
    }

    private int Column(AnswerColumns items, ref Utf8JsonReader reader, ref int cursor)
    {
        if (!reader.ValueIsEscaped)
        {
            var name = reader.ValueSpan;
            var names = items.Names;
            while (cursor < names.Length)
            {
                var order = names[cursor].AsSpan().SequenceCompareTo(name);
                if (order == 0) return items.Columns[cursor++];
                if (order > 0) break;
                cursor++;
            }
        }
        return items.ByName.TryGetValue(Chars(ref reader), out var column) ? column : -1;
    }

    /// <summary>The current string token, unescaped, in the reused character buffer.</summary>
    private ReadOnlySpan<char> Chars(ref Utf8JsonReader reader)
    {
        // UTF-8 never has fewer bytes than UTF-16 code units, and unescaping only shortens.
        var most = reader.ValueSpan.Length;
        if (_chars.Length < most) _chars = new char[Math.Max(most, _chars.Length * 2)];
        return _chars.AsSpan(0, reader.CopyString(_chars));
    }

    /// <summary>
    /// An array of codes, joined with spaces in the reused character buffer. The separator goes before an element
    /// only when something was written already, and a null element adds nothing, as StringBuilder appends of
    /// <see cref="Utf8JsonReader.GetString"/> did; any other element is an error, as it was.
    /// </summary>
    private ReadOnlySpan<char> JoinArray(ref Utf8JsonReader reader)
    {
        var length = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType == JsonTokenType.Null)
            {
                if (length > 0) Append(ref length, " ");
                continue;
            }
            if (reader.TokenType != JsonTokenType.String)
                throw new InvalidOperationException($"Cannot get the value of a token type '{reader.TokenType}' as a string.");
            var most = length + 1 + reader.ValueSpan.Length;
            if (_chars.Length < most) Array.Resize(ref _chars, Math.Max(most, _chars.Length * 2));
            if (length > 0) _chars[length++] = ' ';
            length += reader.CopyString(_chars.AsSpan(length));
        }
        return _chars.AsSpan(0, length);
    }

    private void Append(ref int length, ReadOnlySpan<char> text)
    {
        if (_chars.Length < length + text.Length) Array.Resize(ref _chars, Math.Max(length + text.Length, _chars.Length * 2));
        text.CopyTo(_chars.AsSpan(length));
        length += text.Length;
    }

    /// <summary>The codebook: one row per column of this layout, see <see cref="Codebook"/>.</summary>
    public IEnumerable<ExportCell[]> CodebookRows() => Codebook.Rows(this);

    /// <summary>One instrument's item columns: UTF-8 names in ordinal order with their columns, and a lookup by name.</summary>
    private sealed class AnswerColumns
    {
        public AnswerColumns(Dictionary<string, int> columns)
        {
            var sorted = columns.OrderBy(c => c.Key, StringComparer.Ordinal).ToArray();
            Names = sorted.Select(c => Encoding.UTF8.GetBytes(c.Key)).ToArray();
            Columns = sorted.Select(c => c.Value).ToArray();
            ByName = columns.GetAlternateLookup<ReadOnlySpan<char>>();
        }

        public byte[][] Names { get; }
        public int[] Columns { get; }
        public Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> ByName { get; }
    }

    /// <summary>The strings of one column's repeated values, looked up by their characters; bounded.</summary>
    private sealed class ValueCache
    {
        private const int MaxEntries = 4096;
        private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
        private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _lookup;

        public ValueCache() => _lookup = _values.GetAlternateLookup<ReadOnlySpan<char>>();

        public void Seed(string value) => _values.TryAdd(value, value);

        public string Get(ReadOnlySpan<char> value)
        {
            if (_lookup.TryGetValue(value, out var known)) return known;
            var text = new string(value);
            if (_values.Count < MaxEntries) _values[text] = text;
            return text;
        }
    }
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
        ("respondent", "text", "Mã ẩn danh của phiếu", "Pseudonym of the response", "16 hex digits: the submission id encrypted (AES-128, cut to 64 bits) under a key drawn for this export only: stable within one file, unlinkable across files and to receipts"),
        ("unit", "text", "Mã đơn vị", "Unit code", "the unit the response belongs to"),
        ("counter", "text", "Mã quầy", "Counter code", "empty for paper and household surveys filed on a unit"),
        ("instrument", "text", "Mã bộ câu hỏi", "Instrument code", "the published instrument's code (docs/instruments.md)"),
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
