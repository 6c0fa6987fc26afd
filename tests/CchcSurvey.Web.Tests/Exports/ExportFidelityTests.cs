using System.Globalization;
using System.Text.Json;
using CchcSurvey.Core.Exports;
using CchcSurvey.Core.Instruments;
using CchcSurvey.Web.Data;
using CchcSurvey.Web.Exports;
using CchcSurvey.Web.Indices;
using CchcSurvey.Web.Infrastructure;
using CchcSurvey.Web.Surveys;
using CchcSurvey.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CchcSurvey.Web.Tests.Exports;

/// <summary>
/// The microdata export reads the responses with its own data reader in a second task (ExportService): every stored
/// response must come out as EF Core and AnswerCodec read it — unit and counter codes, instrument version, channel,
/// local date of the hour, flags, each answer in its column — on SQLite, and on PostgreSQL when CCHC_TEST_POSTGRES is
/// set. An output that fails or a cancelled export must stop the reader and leave the database context usable.
/// </summary>
public abstract class ExportFidelityTests(SurveyAppFactory factory)
{
    private static readonly SemaphoreSlim Gate = new(1, 1);

    protected abstract void RequireServer();

    private async Task SeedAsync()
    {
        await Gate.WaitAsync();
        try
        {
            if (factory.WithDatabase(db => db.Responses.Count()) > 0) return;
            Assert.Equal(0, (await CliRunner.RunAsync(factory, "demo", "--responses", "1200")).ExitCode);
            // Responses the demo does not make: texts that need quoting, a paper response filed on its unit, flags, and
            // hours on either side of local midnight (UTC+7: 16:00 UTC is 23:00 local, 17:00 UTC the next day).
            await using var scope = factory.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<SurveyDbContext>();
            var nhanh = (await scope.ServiceProvider.GetRequiredService<InstrumentRegistry>().CurrentAsync(db, default)).Single(i => i.Code == "NHANH");
            var counter = await db.Counters.OrderBy(c => c.Id).FirstAsync();
            string[] texts = ["=1+1 \"trích\", dòng\r\nmới", "-Thủ tục; \ud83d\ude42", "@x", "bình thường"];
            for (var i = 0; i < 8; i++)
            {
                var answers = new Dictionary<string, AnswerValue> { ["HL"] = AnswerValue.FromNumber(1 + i % 5), ["GOP_Y"] = AnswerValue.FromText(texts[i % texts.Length]) };
                if (i % 2 == 0) answers["LY_DO"] = AnswerValue.FromCodes(["cho_lau", "thai_do"]);
                var json = AnswerCodec.Serialize(answers);
                db.Responses.Add(new Response
                {
                    SubmissionId = Guid.NewGuid(),
                    UnitId = counter.UnitId,
                    CounterId = i % 3 == 0 ? null : counter.Id,
                    InstrumentVersionId = nhanh.VersionId,
                    Channel = i % 3 == 0 ? "paper" : "qr",
                    SubmittedHourUtc = new DateTime(2025, 6, 30, 16 + i % 2, 0, 0, DateTimeKind.Utc),
                    AnswersJson = json,
                    PayloadHash = SubmissionService.PayloadHash(counter.Code, "NHANH", nhanh.Version, "qr", json),
                    Flags = i % 4,
                });
            }
            await db.SaveChangesAsync();
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>The cells the export must hold for each stored response, in id order, by column name.</summary>
    private static async Task<List<Dictionary<string, object?>>> ExpectedAsync(IServiceProvider services, IReadOnlyList<string> columns)
    {
        var db = services.GetRequiredService<SurveyDbContext>();
        var clock = services.GetRequiredService<LocalClock>();
        var registry = services.GetRequiredService<InstrumentRegistry>();
        var versions = (await db.InstrumentVersions.AsNoTracking().ToListAsync()).ToDictionary(v => v.Id, v => registry.Get(v).Definition);
        var prefix = versions.Values.Select(v => v.Code).Distinct().Count() > 1;
        var rows = await db.Responses.AsNoTracking().OrderBy(r => r.Id).Select(r => new
        {
            Unit = r.Unit.Code,
            Counter = r.Counter != null ? r.Counter.Code : null,
            r.InstrumentVersionId,
            r.Channel,
            r.SubmittedHourUtc,
            r.Flags,
            r.AnswersJson,
        }).ToListAsync();
        return rows.Select(r =>
        {
            var definition = versions[r.InstrumentVersionId];
            var row = columns.Where(c => c != "respondent").ToDictionary(c => c, _ => (object?)null);
            row["unit"] = r.Unit;
            row["counter"] = r.Counter;
            row["instrument"] = definition.Code;
            row["version"] = (double)definition.Version;
            row["channel"] = r.Channel;
            row["date"] = DateOnly.FromDateTime(clock.ToLocal(r.SubmittedHourUtc)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            row["flags"] = (double)r.Flags;
            foreach (var (item, value) in AnswerCodec.Deserialize(r.AnswersJson, definition))
                row[prefix ? $"{definition.Code}.{item}" : item] = value.Number is int n ? (double)n : value.ToString();
            return row;
        }).ToList();
    }

    private static List<Dictionary<string, object?>> ReadJson(byte[] bytes)
    {
        using var document = JsonDocument.Parse(bytes);
        return document.RootElement.EnumerateArray().Select(row => row.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.ValueKind switch
        {
            JsonValueKind.Null => null,
            JsonValueKind.Number => (object?)p.Value.GetDouble(),
            _ => p.Value.GetString(),
        })).ToList();
    }

    [SkippableFact]
    public async Task Every_stored_response_comes_out_as_ef_core_reads_it()
    {
        RequireServer();
        await SeedAsync();
        await using var scope = factory.Services.CreateAsyncScope();
        var exports = ExportService.From(scope.ServiceProvider);
        using var output = new MemoryStream();
        var written = await exports.WriteResponsesAsync(output, ExportFormat.Json, null, null, IndexFilter.All, null, default);

        var rows = ReadJson(output.ToArray());
        var expected = await ExpectedAsync(scope.ServiceProvider, [.. rows[0].Keys]);
        Assert.Equal(expected.Count, written);
        Assert.Equal(expected.Count, rows.Count);
        Assert.True(expected.Count > 1200);
        Assert.Equal(rows.Count, rows.Select(r => r["respondent"]).Distinct().Count());
        for (var i = 0; i < rows.Count; i++)
        {
            Assert.Matches("^[0-9a-f]{16}$", (string)rows[i]["respondent"]!);
            foreach (var (column, value) in expected[i])
                Assert.True(Equals(value, rows[i][column]), $"row {i}, {column}: expected '{value}', got '{rows[i][column]}'");
        }
        Assert.Contains(rows, r => r["date"] is "2025-06-30");
        Assert.Contains(rows, r => r["date"] is "2025-07-01");
        Assert.Contains(rows, r => r["counter"] is null && r["channel"] is "paper");
    }

    [SkippableFact]
    public async Task The_csv_of_one_instrument_holds_the_same_responses_as_its_json()
    {
        RequireServer();
        await SeedAsync();
        await using var scope = factory.Services.CreateAsyncScope();
        var exports = ExportService.From(scope.ServiceProvider);
        using var csv = new MemoryStream();
        using var json = new MemoryStream();
        await exports.WriteResponsesAsync(csv, ExportFormat.Csv, null, "NHANH", IndexFilter.All, null, default);
        await exports.WriteResponsesAsync(json, ExportFormat.Json, null, "NHANH", IndexFilter.All, null, default);
        var fromCsv = ExportTables.Csv(csv.ToArray());
        var fromJson = ExportTables.Json(json.ToArray());
        Assert.Equal(fromJson.Count, fromCsv.Count);
        static string Neutralised(string text) => FormulaGuard.Neutralise(text)!;
        for (var i = 0; i < fromCsv.Count; i++)
            foreach (var (column, value) in fromJson[i])
                if (column != "respondent") Assert.Equal(Neutralised(value), fromCsv[i][column]);
    }

    [SkippableFact]
    public async Task An_output_that_fails_stops_the_export_and_the_context_stays_usable()
    {
        RequireServer();
        await SeedAsync();
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SurveyDbContext>();
        var exports = ExportService.From(scope.ServiceProvider);

        await Assert.ThrowsAsync<IOException>(() => exports.WriteResponsesAsync(new FailingStream(failAfter: 20_000), ExportFormat.Csv, null, null, IndexFilter.All, null, default));
        using (var cancel = new CancellationTokenSource())
        {
            var output = new FailingStream(failAfter: long.MaxValue) { OnWrite = total => { if (total > 20_000) cancel.Cancel(); } };
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => exports.WriteResponsesAsync(output, ExportFormat.Csv, null, null, IndexFilter.All, null, cancel.Token));
        }

        // The reader has closed its connection: the same context and service run queries and a whole export again.
        Assert.True(await db.Responses.CountAsync() > 1200);
        using var again = new MemoryStream();
        Assert.Equal(await db.Responses.LongCountAsync(), await exports.WriteResponsesAsync(again, ExportFormat.Csv, null, null, IndexFilter.All, null, default));
    }

    /// <summary>A response body whose client goes away after some bytes.</summary>
    private sealed class FailingStream(long failAfter) : Stream
    {
        private long _written;
        public Action<long>? OnWrite { get; init; }
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new InvalidOperationException("Synchronous operations are disallowed.");

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            cancellationToken.ThrowIfCancellationRequested();
            _written += buffer.Length;
            if (_written > failAfter) throw new IOException("The client went away.");
            OnWrite?.Invoke(_written);
            return ValueTask.CompletedTask;
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }
}

/// <summary>Unit and counter codes are read before the responses; one created in between is looked up late, once.</summary>
public sealed class CodesByIdTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(1_000_000)]
    public void A_known_id_gives_its_code_and_an_unknown_one_is_looked_up_once(int firstId)
    {
        var late = new List<int>();
        var codes = new ExportService.CodesById([new(firstId, "VQ-AS"), new(firstId + 1, "VQ-BP")], id => { late.Add(id); return $"MOI-{id}"; });
        Assert.Equal("VQ-AS", codes[firstId]);
        Assert.Equal("VQ-BP", codes[firstId + 1]);
        Assert.Equal($"MOI-{firstId + 7}", codes[firstId + 7]);
        Assert.Equal($"MOI-{firstId + 7}", codes[firstId + 7]);
        Assert.Equal("MOI-5000000", codes[5_000_000]);
        Assert.Equal([firstId + 7, 5_000_000], late);
    }
}

public sealed class SqliteExportFidelityTests(SurveyAppFactory factory) : ExportFidelityTests(factory), IClassFixture<SurveyAppFactory>
{
    protected override void RequireServer() { }
}

public sealed class PostgresExportFidelityTests(PostgresAppFactory factory) : ExportFidelityTests(factory), IClassFixture<PostgresAppFactory>
{
    protected override void RequireServer() => Skip.If(PostgresAppFactory.ServerConnectionString is null, "CCHC_TEST_POSTGRES is not set");
}
