using System.Text;
using System.Text.Json;
using CchcSurvey.Core.Exports;

namespace CchcSurvey.Core.Tests.Exports;

/// <summary>CSV, XLSX and JSON writers: encoding, formula neutralisation, numbers, sheet splitting.</summary>
public sealed class WriterTests
{
    private static readonly string[] Columns = ["unit_name", "comment", "n"];

    private static async Task<byte[]> WriteAsync(ExportFormat format, IEnumerable<ExportCell[]> rows, Func<Stream, ITableWriter>? create = null)
    {
        using var output = new NonSeekableStream();
        await using (var writer = create?.Invoke(output) ?? ExportFormats.Create(format, output))
        {
            await writer.StartTableAsync("data", Columns);
            foreach (var row in rows) await writer.WriteRowAsync(row);
            await writer.CompleteAsync();
        }
        return output.ToArray();
    }

    private static ExportCell[] Row(string name, string? comment, double? n) => [ExportCell.Of(name), ExportCell.Of(comment), ExportCell.Of(n)];

    [Fact]
    public async Task The_csv_starts_with_a_utf8_bom_and_holds_the_vietnamese_text_as_utf8_bytes()
    {
        var bytes = await WriteAsync(ExportFormat.Csv, [Row("Xã An Sơn", "Cán bộ nhiệt tình", 12)]);

        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        // "Xã An Sơn": ã = C3 A3, ơ = C6 A1.
        byte[] expected = [0x58, 0xC3, 0xA3, 0x20, 0x41, 0x6E, 0x20, 0x53, 0xC6, 0xA1, 0x6E];
        Assert.Equal(expected, Encoding.UTF8.GetBytes("Xã An Sơn"));
        Assert.True(bytes.AsSpan().IndexOf(expected) > 0);
        Assert.Equal("\uFEFFunit_name,comment,n\r\nXã An Sơn,Cán bộ nhiệt tình,12\r\n", Encoding.UTF8.GetString(bytes));
    }

    [Theory]
    [InlineData("=HYPERLINK(\"http://x\")")]
    [InlineData("+1+2")]
    [InlineData("-2+3")]
    [InlineData("@SUM(A1)")]
    [InlineData("\tcmd")]
    [InlineData("\rcmd")]
    [InlineData("\ncmd")]
    public async Task A_text_starting_with_a_formula_character_gets_a_leading_apostrophe_in_csv_and_xlsx(string comment)
    {
        Assert.Equal("'" + comment, FormulaGuard.Neutralise(comment));

        var csv = Encoding.UTF8.GetString(await WriteAsync(ExportFormat.Csv, [Row("A", comment, -3)]));
        var quoted = comment.Contains('"') || comment.Contains('\r') || comment.Contains('\n');
        var field = quoted ? "\"'" + comment.Replace("\"", "\"\"") + "\"" : "'" + comment;
        Assert.Contains($"A,{field},-3\r\n", csv, StringComparison.Ordinal);

        var xlsx = await WriteAsync(ExportFormat.Xlsx, [Row("A", comment, -3)]);
        var sheet = XlsxReader.Read(xlsx).Single();
        // XML reading turns a CR into LF (line-end normalisation); the apostrophe is what matters.
        Assert.Equal(["A", "'" + comment.Replace('\r', '\n'), "-3"], sheet.Rows[1]);
        Assert.Equal(["s", "s", "n"], XlsxReader.Types(xlsx, 0, 1)); // the negative number stays a number
    }

    [Theory]
    [InlineData("Bình thường")]
    [InlineData("a=b")]
    [InlineData("")]
    public void Harmless_texts_are_left_alone(string text) => Assert.Equal(text, FormulaGuard.Neutralise(text));

    [Fact]
    public async Task The_xlsx_opens_with_the_open_xml_sdk_and_shows_the_vietnamese_text_and_numbers()
    {
        var bytes = await WriteAsync(ExportFormat.Xlsx, [Row("Xã An Sơn", null, 12.5), Row("Thị trấn Văn Quan", "Rất hài lòng", 40)]);

        var sheet = XlsxReader.Read(bytes).Single();
        Assert.Equal("data", sheet.Name);
        Assert.Equal(["unit_name", "comment", "n"], sheet.Rows[0]);
        Assert.Equal("Xã An Sơn", sheet.Rows[1][0]);
        Assert.Equal("12.5", sheet.Rows[1][^1]);
        Assert.Equal(["Thị trấn Văn Quan", "Rất hài lòng", "40"], sheet.Rows[2]);
    }

    [Fact]
    public async Task A_table_longer_than_a_sheet_continues_on_numbered_sheets_with_the_header_again()
    {
        var rows = Enumerable.Range(1, 7).Select(i => Row($"u{i}", null, i));
        var bytes = await WriteAsync(ExportFormat.Xlsx, rows, s => new XlsxTableWriter(s, maxDataRowsPerSheet: 3));

        var sheets = XlsxReader.Read(bytes);
        Assert.Equal(["data", "data (2)", "data (3)"], sheets.Select(s => s.Name));
        Assert.Equal([4, 4, 2], sheets.Select(s => s.Rows.Count));
        Assert.All(sheets, s => Assert.Equal("unit_name", s.Rows[0][0]));
        Assert.Equal("u7", sheets[2].Rows[1][0]);
    }

    [Fact]
    public async Task The_json_is_an_array_of_objects_with_numbers_nulls_and_readable_vietnamese()
    {
        var bytes = await WriteAsync(ExportFormat.Json, [Row("Xã An Sơn", null, 4)]);
        var text = Encoding.UTF8.GetString(bytes);
        Assert.Contains("\"Xã An Sơn\"", text, StringComparison.Ordinal);
        using var document = JsonDocument.Parse(bytes);
        var row = document.RootElement.EnumerateArray().Single();
        Assert.Equal(JsonValueKind.Null, row.GetProperty("comment").ValueKind);
        Assert.Equal(4, row.GetProperty("n").GetInt32());
    }

    [Fact]
    public async Task Many_rows_go_out_in_chunks_without_synchronous_writes()
    {
        var rows = Enumerable.Range(0, 20_000).Select(i => Row($"Xã {i}", "Cán bộ nhiệt tình, chu đáo", i));
        foreach (var format in new[] { ExportFormat.Csv, ExportFormat.Json, ExportFormat.Xlsx })
        {
            using var output = new NonSeekableStream { ForbidSynchronousWrites = true };
            await using (var writer = ExportFormats.Create(format, output))
            {
                await writer.StartTableAsync("data", Columns);
                foreach (var row in rows) await writer.WriteRowAsync(row);
                await writer.CompleteAsync();
            }
            Assert.True(output.AsyncWrites > 1, $"{format}: {output.AsyncWrites} writes");
        }
    }
}

/// <summary>A write-only, non-seekable stream like an HTTP response body; can refuse synchronous writes as Kestrel does.</summary>
public sealed class NonSeekableStream : Stream
{
    private readonly MemoryStream _inner = new();
    public bool ForbidSynchronousWrites { get; init; }
    public int AsyncWrites { get; private set; }
    public byte[] ToArray() => _inner.ToArray();
    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count)
    {
        if (ForbidSynchronousWrites) throw new InvalidOperationException("Synchronous operations are disallowed.");
        _inner.Write(buffer, offset, count);
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        AsyncWrites++;
        _inner.Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
}
