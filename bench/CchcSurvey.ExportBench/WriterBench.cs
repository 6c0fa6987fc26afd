using System.Diagnostics;
using CchcSurvey.Core.Exports;
using CchcSurvey.Core.Instruments;

namespace CchcSurvey.ExportBench;

/// <summary>
/// The writers mode: rows per second and peak memory of the Core code the /api/v1/export/responses.* endpoint and
/// the <c>export responses</c> command run per row (answer JSON parsing, pseudonym HMAC, formula neutralisation,
/// CSV/XLSX/JSON encoding), on generated responses. Rows are generated on the fly from a pool of 1,000 canonical
/// answer sets (NHANH and SIPAS-DV), so the generator holds nothing per row; output goes to a null stream unless
/// --out is given. CCHC_BENCH_FILL_ONLY=1 measures the row building without encoding.
/// </summary>
public static class WriterBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        var format = args.Length > 0 && ExportFormats.TryParse(args[0], out var f) ? f : ExportFormat.Csv;
        var rows = args.Length > 1 ? EndToEnd.ParseCount(args[1]) : 1_000_000;
        var outIndex = Array.IndexOf(args, "--out");
        var fillOnly = Environment.GetEnvironmentVariable("CCHC_BENCH_FILL_ONLY") == "1";
        var definitions = InstrumentCatalog.LoadBuiltIn().Where(d => d.Code is "NHANH" or "SIPAS-DV").ToList();
        var layout = new MicrodataLayout(definitions);

        var random = new Random(42);
        var pool = Enumerable.Range(0, 1000).Select(i => Answers(definitions[i % definitions.Count], random)).ToArray();
        string[] units = ["VQ-AS", "VQ-BP", "VQ-TT", "VQ-DH", "VQ-HL"];
        string[] channels = ["qr", "kiosk", "paper", "web"];

        await using var output = outIndex >= 0 ? (Stream)File.Create(args[outIndex + 1]) : new CountingNullStream();
        using var pseudonyms = new Pseudonymizer();
        var cells = layout.NewRow();
        var started = Stopwatch.StartNew();
        await using (var writer = ExportFormats.Create(format, output))
        {
            await writer.StartTableAsync("responses", layout.Columns);
            for (long i = 0; i < rows; i++)
            {
                var (code, json) = pool[i % pool.Length];
                // Not Guid.NewGuid: drawing 16 random bytes from the kernel per row cost more than the export's own work.
                var id = new Guid((int)i, (short)(i >> 32), 0x4000, 0x80, 0, 0, 0, 0, 0, 0, 0);
                var record = new MicrodataRecord(id, units[i % units.Length], units[i % units.Length] + "-Q1", code, 1,
                    channels[i % channels.Length], new DateOnly(2026, 1, 1).AddDays((int)(i % 365)), 0, json);
                layout.Fill(record, pseudonyms.Of(id), cells);
                if (!fillOnly) await writer.WriteRowAsync(cells);
            }
            await writer.CompleteAsync();
        }
        started.Stop();
        var bytes = output is CountingNullStream counting ? counting.Written : output.Length;
        var process = Process.GetCurrentProcess();
        var peakMb = process.PeakWorkingSet64 / (1024.0 * 1024);
        // CPU seconds of the whole process (all threads, GC included): on a shared machine the wall clock also counts
        // time spent waiting for a core, so rows per CPU-second is the figure that compares across machines.
        var cpu = process.TotalProcessorTime.TotalSeconds;
        Console.WriteLine($"format={ExportFormats.Extension(format)} rows={rows:N0} columns={layout.Columns.Count} seconds={started.Elapsed.TotalSeconds:F1} " +
            $"rows_per_s={rows / started.Elapsed.TotalSeconds:N0} cpu_seconds={cpu:F1} rows_per_cpu_s={rows / cpu:N0} bytes={bytes:N0} peak_working_set_mb={peakMb:F0}");
        return 0;
    }

    private static (string Code, string Json) Answers(InstrumentDefinition definition, Random random)
    {
        var answers = new Dictionary<string, AnswerValue>();
        foreach (var item in definition.Items)
        {
            if (random.NextDouble() < 0.1) continue; // missing
            answers[item.Code] = item.Type switch
            {
                AnswerType.Likert5 => AnswerValue.FromNumber(random.Next(1, 6)),
                AnswerType.Likert3 => AnswerValue.FromNumber(random.Next(1, 4)),
                AnswerType.YesNo => AnswerValue.FromNumber(random.Next(0, 2)),
                AnswerType.Choice or AnswerType.Points => AnswerValue.FromCode(item.Options[random.Next(item.Options.Count)].Code),
                AnswerType.Multi => AnswerValue.FromCodes(item.Options.Take(random.Next(1, 3)).Select(o => o.Code).ToArray()),
                _ => AnswerValue.FromText(random.Next(4) == 0 ? "=1+1 thử công thức" : "Cán bộ nhiệt tình, hướng dẫn chu đáo; chờ hơi lâu."),
            };
        }
        return (definition.Code, AnswerCodec.Serialize(answers));
    }
}

/// <summary>Discards what is written, counting bytes; non-seekable like a response body.</summary>
public sealed class CountingNullStream : Stream
{
    public long Written { get; private set; }
    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => Written;
    public override long Position { get => Written; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => Written += count;
    public override void Write(ReadOnlySpan<byte> buffer) => Written += buffer.Length;
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Written += buffer.Length;
        return ValueTask.CompletedTask;
    }
}
