using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using CsvHelper;
using SpreadCheetah;
using SpreadCheetah.Worksheets;

namespace CchcSurvey.Core.Exports;

public enum ExportFormat
{
    Csv,
    Xlsx,
    Json,
}

public static class ExportFormats
{
    public static bool TryParse(string extension, out ExportFormat format)
    {
        switch (extension)
        {
            case "csv": format = ExportFormat.Csv; return true;
            case "xlsx": format = ExportFormat.Xlsx; return true;
            case "json": format = ExportFormat.Json; return true;
            default: format = default; return false;
        }
    }

    public static string Extension(ExportFormat format) => format switch
    {
        ExportFormat.Csv => "csv",
        ExportFormat.Xlsx => "xlsx",
        _ => "json",
    };

    public static string ContentType(ExportFormat format) => format switch
    {
        ExportFormat.Csv => "text/csv; charset=utf-8",
        ExportFormat.Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _ => "application/json; charset=utf-8",
    };

    /// <summary>A writer of that format on the stream; the stream may be non-seekable (an HTTP response body).</summary>
    public static ITableWriter Create(ExportFormat format, Stream output) => format switch
    {
        ExportFormat.Csv => new CsvTableWriter(output),
        ExportFormat.Xlsx => new XlsxTableWriter(output),
        _ => new JsonTableWriter(output),
    };
}

/// <summary>
/// Writes tables row by row to a stream, in constant memory: nothing but the current row and a small output
/// buffer is held, and the buffer goes out with asynchronous writes only (an ASP.NET Core response body
/// forbids synchronous I/O). CSV and JSON hold one table; XLSX holds several (one sheet each).
/// </summary>
public interface ITableWriter : IAsyncDisposable
{
    /// <summary>True when the format can hold a second table (XLSX: another sheet).</summary>
    bool SupportsManyTables { get; }

    ValueTask StartTableAsync(string name, IReadOnlyList<string> columns, CancellationToken ct = default);

    /// <summary>One row, as many cells as the table has columns.</summary>
    ValueTask WriteRowAsync(ReadOnlyMemory<ExportCell> cells, CancellationToken ct = default);

    /// <summary>Ends the file and flushes everything; the writer can't be used afterwards.</summary>
    ValueTask CompleteAsync(CancellationToken ct = default);
}

/// <summary>
/// RFC 4180 CSV through CsvHelper, UTF-8 with a byte order mark (Excel otherwise reads UTF-8 as the ANSI code
/// page and mangles Vietnamese), CRLF line ends, numbers in invariant culture, text cells neutralised
/// (<see cref="FormulaGuard"/>). CsvHelper writes into a memory buffer that is drained asynchronously.
/// </summary>
public sealed class CsvTableWriter : ITableWriter
{
    private const int DrainAt = 64 * 1024;
    private static readonly byte[] Bom = [0xEF, 0xBB, 0xBF];

    private readonly Stream _output;
    private readonly MemoryStream _buffer = new(DrainAt * 2);
    private readonly CsvWriter _csv;
    private bool _started;
    private int _columns;
    private int _sinceFlush;

    public CsvTableWriter(Stream output)
    {
        _output = output;
        // Injection is handled by FormulaGuard so that CSV and XLSX share one rule.
        _csv = CsvWriter.Create(_buffer, new CsvWriterOptions { NewLine = "\r\n", WriteByteOrderMark = false, FormatProvider = CultureInfo.InvariantCulture }, true);
    }

    public bool SupportsManyTables => false;

    public async ValueTask StartTableAsync(string name, IReadOnlyList<string> columns, CancellationToken ct = default)
    {
        if (_started) throw new InvalidOperationException("A CSV file holds one table.");
        _started = true;
        _columns = columns.Count;
        await _output.WriteAsync(Bom, ct);
        foreach (var column in columns) _csv.WriteField(FormulaGuard.Neutralise(column));
        _csv.EndRecord();
    }

    public async ValueTask WriteRowAsync(ReadOnlyMemory<ExportCell> cells, CancellationToken ct = default)
    {
        if (cells.Length != _columns) throw new ArgumentException($"expected {_columns} cells, got {cells.Length}", nameof(cells));
        foreach (ref readonly var cell in cells.Span)
        {
            if (cell.Number is double number) _csv.WriteField(number, default, CultureInfo.InvariantCulture);
            else _csv.WriteField(FormulaGuard.Neutralise(cell.Text) ?? "");
        }
        _csv.EndRecord();
        if (++_sinceFlush >= 256)
        {
            _sinceFlush = 0;
            _csv.Flush();
            if (_buffer.Length >= DrainAt) await DrainAsync(ct);
        }
    }

    public async ValueTask CompleteAsync(CancellationToken ct = default)
    {
        _csv.Flush();
        await DrainAsync(ct);
        await _output.FlushAsync(ct);
    }

    private async ValueTask DrainAsync(CancellationToken ct)
    {
        await _output.WriteAsync(_buffer.GetBuffer().AsMemory(0, (int)_buffer.Length), ct);
        _buffer.SetLength(0);
    }

    public ValueTask DisposeAsync()
    {
        _csv.Dispose();
        _buffer.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// XLSX through SpreadCheetah, which streams the zip to any stream (no seeking, nothing held in memory but its
/// buffer). Text cells are inline strings and neutralised like CSV; numbers are numeric cells; the header row is
/// frozen. A sheet holds at most 1,048,576 rows (Excel's limit): a longer table continues on "name (2)", "name (3)"
/// … each with the header again.
/// </summary>
public sealed class XlsxTableWriter(Stream output, int maxDataRowsPerSheet = XlsxTableWriter.ExcelMaxDataRows) : ITableWriter
{
    // The zip library writes some records (data descriptors, the central directory) synchronously; a response
    // body refuses that, so everything goes through a buffer that is drained with asynchronous writes.
    private readonly DrainBuffer _buffer = new(output);

    /// <summary>1,048,576 rows per sheet, one of them the header.</summary>
    public const int ExcelMaxDataRows = 1_048_575;

    private Spreadsheet? _spreadsheet;
    private readonly HashSet<string> _sheetNames = new(StringComparer.OrdinalIgnoreCase);
    private string _name = "";
    private DataCell[] _header = [];
    private DataCell[] _row = [];
    private int _rowsInSheet;
    private int _part;

    public bool SupportsManyTables => true;

    public async ValueTask StartTableAsync(string name, IReadOnlyList<string> columns, CancellationToken ct = default)
    {
        _spreadsheet ??= await Spreadsheet.CreateNewAsync(_buffer, new SpreadCheetahOptions { CompressionLevel = SpreadCheetahCompressionLevel.Optimal }, ct);
        _name = name;
        _part = 1;
        _header = columns.Select(c => new DataCell(FormulaGuard.Neutralise(c))).ToArray();
        _row = new DataCell[columns.Count];
        await StartSheetAsync(name, ct);
    }

    private async ValueTask StartSheetAsync(string name, CancellationToken ct)
    {
        var sheetName = SheetName(name);
        await _spreadsheet!.StartWorksheetAsync(sheetName, new WorksheetOptions { FrozenRows = 1 }, ct);
        await _spreadsheet.AddRowAsync(_header, ct);
        _rowsInSheet = 0;
    }

    /// <summary>Excel sheet names: at most 31 characters, none of []:*?/\, unique.</summary>
    private string SheetName(string name)
    {
        var clean = new string(name.Select(c => "[]:*?/\\".Contains(c) ? '_' : c).ToArray());
        if (clean.Length > 31) clean = clean[..31];
        var candidate = clean;
        for (var i = 2; !_sheetNames.Add(candidate); i++)
            candidate = (clean.Length > 26 ? clean[..26] : clean) + $" ({i})";
        return candidate;
    }

    public async ValueTask WriteRowAsync(ReadOnlyMemory<ExportCell> cells, CancellationToken ct = default)
    {
        if (cells.Length != _row.Length) throw new ArgumentException($"expected {_row.Length} cells, got {cells.Length}", nameof(cells));
        if (_rowsInSheet >= maxDataRowsPerSheet)
        {
            _part++;
            await StartSheetAsync($"{_name} ({_part})", ct);
        }
        var span = cells.Span;
        for (var i = 0; i < span.Length; i++)
            _row[i] = span[i].Number is double number ? new DataCell(number)
                : span[i].Text is string text ? new DataCell(FormulaGuard.Neutralise(text))
                : default;
        await _spreadsheet!.AddRowAsync(_row, ct);
        _rowsInSheet++;
        await _buffer.DrainIfFullAsync(ct);
    }

    public async ValueTask CompleteAsync(CancellationToken ct = default)
    {
        if (_spreadsheet is null) throw new InvalidOperationException("An XLSX file needs at least one sheet.");
        await _spreadsheet.FinishAsync(ct);
        await _spreadsheet.DisposeAsync();
        _spreadsheet = null;
        await _buffer.DrainAsync(ct);
        await output.FlushAsync(ct);
    }

    public ValueTask DisposeAsync() => _spreadsheet?.DisposeAsync() ?? ValueTask.CompletedTask;
}

/// <summary>
/// A write-only, non-seekable stream that keeps what is written (synchronously or not) in memory until
/// <see cref="DrainAsync"/> copies it to the real output with an asynchronous write.
/// </summary>
internal sealed class DrainBuffer(Stream output) : Stream
{
    private const int DrainAt = 64 * 1024;
    private readonly MemoryStream _buffer = new(DrainAt * 2);
    private long _position;

    public async ValueTask DrainIfFullAsync(CancellationToken ct)
    {
        if (_buffer.Length >= DrainAt) await DrainAsync(ct);
    }

    public async ValueTask DrainAsync(CancellationToken ct)
    {
        if (_buffer.Length == 0) return;
        await output.WriteAsync(_buffer.GetBuffer().AsMemory(0, (int)_buffer.Length), ct);
        _buffer.SetLength(0);
    }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _position; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        _buffer.Write(buffer);
        _position += buffer.Length;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        Write(buffer.AsSpan(offset, count));
        return Task.CompletedTask;
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _buffer.Dispose();
        base.Dispose(disposing);
    }
}

/// <summary>
/// A JSON array of objects, one per row, keyed by column name; empty cells are null, numbers are numbers.
/// Vietnamese text is written as is (UTF-8, no \u escapes). Texts are not formula-neutralised (data for programs).
/// </summary>
/// <remarks>
/// The bytes are those of <see cref="Utf8JsonWriter"/> with the relaxed encoder (the tests compare both), but each
/// column's <c>"name":</c> and <c>"name":null</c> are encoded once, and a text is escaped only when the encoder
/// finds a character to escape: a microdata row is a hundred properties, mostly null, and the writer's
/// per-property cost was about half of the JSON export's CPU. Rows go into one buffer drained with an asynchronous
/// write at 64 KB.
/// </remarks>
public sealed class JsonTableWriter : ITableWriter
{
    private const int DrainAt = 64 * 1024;
    private const int MaxNumberBytes = 32;
    private static readonly JavaScriptEncoder Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    private readonly Stream _output;
    private readonly ArrayBufferWriter<byte> _escaped = new();
    private readonly Utf8JsonWriter _escaper;
    private byte[] _buffer = new byte[DrainAt * 2];
    private int _length;
    private byte[][] _names = [];
    private byte[][] _nulls = [];
    private int _reserve;
    private bool _started;
    private long _rows;

    public bool SupportsManyTables => false;

    public JsonTableWriter(Stream output)
    {
        _output = output;
        _escaper = new Utf8JsonWriter(_escaped, new JsonWriterOptions { Encoder = Encoder, Indented = false, SkipValidation = true });
    }

    public ValueTask StartTableAsync(string name, IReadOnlyList<string> columns, CancellationToken ct = default)
    {
        if (_started) throw new InvalidOperationException("A JSON export holds one table.");
        _started = true;
        // Property i with what goes before it: "{" for the first, "," for the others.
        _names = columns.Select((c, i) => (byte[])[(byte)(i == 0 ? '{' : ','), (byte)'"', .. JsonEncodedText.Encode(c, Encoder).EncodedUtf8Bytes, (byte)'"', (byte)':']).ToArray();
        _nulls = _names.Select(n => (byte[])[.. n, .. "null"u8]).ToArray();
        _reserve = _nulls.Sum(n => n.Length) + columns.Count * MaxNumberBytes + 4;
        _buffer[_length++] = (byte)'[';
        return ValueTask.CompletedTask;
    }

    public ValueTask WriteRowAsync(ReadOnlyMemory<ExportCell> cells, CancellationToken ct = default)
    {
        if (cells.Length != _names.Length) throw new ArgumentException($"expected {_names.Length} cells, got {cells.Length}", nameof(cells));
        if (_buffer.Length - _length < _reserve) Grow(_reserve);
        if (_rows++ > 0) _buffer[_length++] = (byte)',';
        if (cells.Length == 0) _buffer[_length++] = (byte)'{';
        var span = cells.Span;
        for (var i = 0; i < span.Length; i++)
        {
            ref readonly var cell = ref span[i];
            if (cell.Text is { } text)
            {
                Copy(_names[i]);
                WriteString(text);
            }
            else if (cell.Number is double number)
            {
                Copy(_names[i]);
                number.TryFormat(_buffer.AsSpan(_length), out var written, default, CultureInfo.InvariantCulture);
                _length += written;
            }
            else
            {
                Copy(_nulls[i]);
            }
        }
        _buffer[_length++] = (byte)'}';
        return _length >= DrainAt ? DrainAsync(ct) : ValueTask.CompletedTask;
    }

    private void Copy(byte[] bytes)
    {
        bytes.CopyTo(_buffer, _length);
        _length += bytes.Length;
    }

    private void WriteString(string text)
    {
        // Room for the text as UTF-8 (3 bytes per UTF-16 unit at most) and its quotes, on top of the row's reserve.
        var most = text.Length * 3 + 2 + _reserve;
        if (_buffer.Length - _length < most) Grow(most);
        var start = _length;
        _buffer[_length++] = (byte)'"';
        var status = System.Text.Unicode.Utf8.FromUtf16(text, _buffer.AsSpan(_length), out _, out var written, replaceInvalidSequences: false);
        if (status == OperationStatus.Done && Encoder.FindFirstCharacterToEncodeUtf8(_buffer.AsSpan(_length, written)) < 0)
        {
            _length += written;
        }
        else
        {
            // Something to escape, or invalid UTF-16: Utf8JsonWriter's own handling, quotes included.
            _length = start;
            _escaped.Clear();
            _escaper.Reset(_escaped);
            _escaper.WriteStringValue(text);
            _escaper.Flush();
            var escaped = _escaped.WrittenSpan;
            if (_buffer.Length - _length < escaped.Length + _reserve) Grow(escaped.Length + _reserve);
            escaped.CopyTo(_buffer.AsSpan(_length));
            _length += escaped.Length;
            return;
        }
        _buffer[_length++] = (byte)'"';
    }

    private void Grow(int needed) => Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + needed));

    public async ValueTask CompleteAsync(CancellationToken ct = default)
    {
        if (!_started) _buffer[_length++] = (byte)'[';
        _buffer[_length++] = (byte)']';
        await DrainAsync(ct);
        await _output.FlushAsync(ct);
    }

    private async ValueTask DrainAsync(CancellationToken ct)
    {
        if (_length == 0) return;
        await _output.WriteAsync(_buffer.AsMemory(0, _length), ct);
        _length = 0;
    }

    public ValueTask DisposeAsync() => _escaper.DisposeAsync();
}
