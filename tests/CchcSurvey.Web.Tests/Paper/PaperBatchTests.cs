using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using CchcSurvey.Core.Tests.Paper;
using CchcSurvey.Web.Data;
using CchcSurvey.Web.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using PdfSharp.Drawing;
using PdfSharp.Pdf;
using static CchcSurvey.Web.Tests.Integrity.IntegrityTestHelpers;

namespace CchcSurvey.Web.Tests.Paper;

/// <summary>Scans for the background reader: printed through the API, filled by program, one scanner PDF.</summary>
internal static class BatchScans
{
    public static readonly FillStyle[] CertainStyles = [FillStyle.Full, FillStyle.Cross, FillStyle.OverBorder];

    public static async Task<List<string>> PrintAsync(SurveyAppFactory factory, HttpClient client, string counter, int sheets)
    {
        var before = factory.WithDatabase(db => db.PaperSheets.Select(s => s.Serial).ToList());
        var response = await client.GetAsync($"/api/v1/paper/forms/{counter}/SIPAS-DV.pdf?sheets={sheets}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return factory.WithDatabase(db => db.PaperSheets.OrderBy(s => s.Id).Select(s => s.Serial).ToList()).Except(before).ToList();
    }

    /// <summary>A scanner's PDF: one JPEG image per page.</summary>
    public static byte[] ScannerPdf(IEnumerable<SkiaSharp.SKBitmap> pages)
    {
        using var document = new PdfDocument();
        foreach (var bitmap in pages)
        {
            using var data = bitmap.Encode(SkiaSharp.SKEncodedImageFormat.Jpeg, 85);
            var page = document.AddPage();
            page.Width = XUnitPt.FromMillimeter(210);
            page.Height = XUnitPt.FromMillimeter(297);
            using var g = XGraphics.FromPdfPage(page);
            using var image = XImage.FromStream(new MemoryStream(data.ToArray()));
            g.DrawImage(image, 0, 0, page.Width.Point, page.Height.Point);
        }
        using var output = new MemoryStream();
        document.Save(output, false);
        return output.ToArray();
    }

    public static MultipartFormDataContent Upload(byte[] file, string name, string contentType, string? antiforgery = null)
    {
        var content = new MultipartFormDataContent();
        var part = new ByteArrayContent(file);
        part.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        content.Add(part, "file", name);
        if (antiforgery is not null) content.Add(new StringContent(antiforgery), "__RequestVerificationToken");
        return content;
    }

    /// <summary>Polls the API until the batch is done or failed (a busy two-core machine reads slowly: minutes allowed).</summary>
    public static async Task<JsonElement> WaitAsync(HttpClient client, string location, TimeSpan limit)
    {
        var until = DateTime.UtcNow + limit;
        while (true)
        {
            var json = JsonDocument.Parse(await client.GetStringAsync(location)).RootElement;
            if (json.GetProperty("status").GetString() is "done" or "failed") return json;
            Assert.True(DateTime.UtcNow < until, "the batch did not finish: " + json);
            await Task.Delay(200);
        }
    }
}

/// <summary>
/// A batch survives a restart: the host is stopped while it reads (as a deploy or a crash would), a new host on the
/// same database resumes after the last page saved, and every sheet is stored exactly once.
/// </summary>
public sealed class PaperBatchRestartTests
{
    [SkippableFact]
    public async Task A_batch_stopped_mid_way_is_resumed_by_the_next_host_and_every_sheet_is_stored_exactly_once()
    {
        Skip.IfNot(PaperCorpus.PdftoppmAvailable, "pdftoppm (poppler-utils) is not installed");
        var file = Path.Combine(Path.GetTempPath(), "cchc-tests", $"{Guid.NewGuid():N}.db");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        using var corpus = new PaperCorpus();
        try
        {
            string location;
            List<string> serials;
            int pagesBeforeStop;
            using (var before = new RestartedAppFactory(file))
            {
                var admin = Bearer(before, await ApiTokenAsync(before, SurveyAppFactory.AdminEmail));
                serials = await BatchScans.PrintAsync(before, admin, "VQ-BP-Q1", 6);
                var pages = serials.Select((s, i) => corpus.Fill(s, 300 + i, 200, BatchScans.CertainStyles)).SelectMany(s => s.Pages).ToList();
                Assert.Equal(18, pages.Count);
                var queued = await admin.PostAsync("/api/v1/paper/batches", BatchScans.Upload(BatchScans.ScannerPdf(pages), "box-1.pdf", "application/pdf"));
                Assert.Equal(HttpStatusCode.Accepted, queued.StatusCode);
                location = queued.Headers.Location!.OriginalString;
                var body = JsonDocument.Parse(await queued.Content.ReadAsStringAsync()).RootElement;
                Assert.Equal((18, "queued"), (body.GetProperty("pagesTotal").GetInt32(), body.GetProperty("status").GetString()));
                // The uploaded file waits outside the web root, in the configured folder.
                var folder = Path.Combine(Path.GetTempPath(), "cchc-tests", Path.GetFileNameWithoutExtension(file) + "-paper");
                Assert.Single(Directory.GetFiles(folder));

                var until = DateTime.UtcNow.AddMinutes(5);
                while (before.WithDatabase(db => db.PaperBatches.Single().PagesDone) < 2)
                {
                    Assert.True(DateTime.UtcNow < until, "the background reader did not start");
                    await Task.Delay(50);
                }
            }
            // The host is gone: what it saved is what the next one finds.
            SqliteConnection.ClearAllPools();
            await using (var connection = new SqliteConnection($"Data Source={file}"))
            {
                await connection.OpenAsync();
                await using var command = new SqliteCommand("SELECT PagesDone, Status FROM PaperBatches", connection);
                await using var reader = await command.ExecuteReaderAsync();
                Assert.True(await reader.ReadAsync());
                pagesBeforeStop = reader.GetInt32(0);
                Assert.True(pagesBeforeStop is >= 2 and < 18, $"{pagesBeforeStop} pages read before the stop: not mid-batch");
                Assert.Equal((int)PaperBatchStatus.Reading, reader.GetInt32(1));
            }

            using var after = new RestartedAppFactory(file);
            var client = Bearer(after, await ApiTokenAsync(after, SurveyAppFactory.AdminEmail));
            var done = await BatchScans.WaitAsync(client, location, TimeSpan.FromMinutes(10));
            Assert.Equal("done", done.GetProperty("status").GetString());
            Assert.Equal((18, 18, 6, 0), (done.GetProperty("pagesTotal").GetInt32(), done.GetProperty("pagesDone").GetInt32(),
                done.GetProperty("sheetsStored").GetInt32(), done.GetProperty("sheetsReview").GetInt32()));
            // Every page once, in order, each stored: none read twice, none lost at the stop.
            var results = done.GetProperty("pages").EnumerateArray().ToList();
            Assert.Equal(Enumerable.Range(1, 18), results.Select(p => p.GetProperty("page").GetInt32()));
            Assert.All(results, p => Assert.Equal("stored", p.GetProperty("status").GetString()));
            Assert.All(results, p => Assert.Equal(JsonValueKind.Null, p.GetProperty("submissionId").ValueKind));
            Assert.Equal(6, after.WithDatabase(db => db.Responses.Count(r => r.Channel == "paper")));
            Assert.All(after.WithDatabase(db => db.PaperSheets.Where(s => serials.Contains(s.Serial)).ToList()), s => Assert.Equal(PaperSheetStatus.Stored, s.Status));
            Assert.Equal(0, after.WithDatabase(db => db.PaperPages.Count()));
            Assert.Single(after.WithDatabase(db => db.AuditEntries.Where(a => a.Action == "paper.scan").ToList()));
            Assert.Empty(Directory.GetFiles(Path.Combine(Path.GetTempPath(), "cchc-tests", Path.GetFileNameWithoutExtension(file) + "-paper")));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            foreach (var f in new[] { file, file + "-wal", file + "-shm" })
                try { File.Delete(f); } catch (IOException) { }
            try { Directory.Delete(Path.Combine(Path.GetTempPath(), "cchc-tests", Path.GetFileNameWithoutExtension(file) + "-paper"), true); } catch (IOException) { }
        }
    }
}

/// <summary>The upload page as a plain form (no JavaScript) and the batch API's scope, on SQLite and PostgreSQL.</summary>
public abstract class PaperBatchTestsBase(SurveyAppFactory factory)
{
    protected abstract bool Available { get; }

    [SkippableFact]
    public async Task The_upload_form_queues_a_batch_its_page_shows_progress_and_another_commune_gets_404()
    {
        Skip.IfNot(Available, "PostgreSQL not configured");
        Skip.IfNot(PaperCorpus.PdftoppmAvailable, "pdftoppm (poppler-utils) is not installed");
        var admin = Bearer(factory, await ApiTokenAsync(factory, SurveyAppFactory.AdminEmail));
        await AddOfficialAsync(factory, "manager.batch@vq.vn", "manager", "VQ-AS");
        await AddOfficialAsync(factory, "manager.batch.bp@vq.vn", "manager", "VQ-BP");
        var own = (await BatchScans.PrintAsync(factory, admin, "VQ-AS-Q1", 1)).Single();
        var foreign = (await BatchScans.PrintAsync(factory, admin, "VQ-TP-Q1", 1)).Single();
        using var corpus = new PaperCorpus();
        var pages = corpus.Fill(own, 41, 200, BatchScans.CertainStyles).Pages.Concat(corpus.Fill(foreign, 42, 200, BatchScans.CertainStyles).Pages.Take(1));
        var pdf = BatchScans.ScannerPdf(pages);

        var browser = factory.CreateBrowserClient();
        await Http.SignInAsync(browser, "manager.batch@vq.vn", "Official-Pass-123");
        var form = await browser.GetStringAsync("/paper/upload");
        Assert.Contains("enctype=\"multipart/form-data\"", form);
        Assert.Contains("<progress id=\"upload-progress\"", form);
        var batches = factory.WithDatabase(db => db.PaperBatches.Count());

        // Not a scan: a Vietnamese message, nothing queued.
        var bad = await browser.PostAsync("/paper/upload", BatchScans.Upload("not a scan"u8.ToArray(), "notes.pdf", "application/pdf", Http.AntiforgeryToken(form)));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("Tệp không phải PDF, PNG, JPEG hoặc TIFF.", await bad.Content.ReadAsStringAsync());
        Assert.Equal(batches, factory.WithDatabase(db => db.PaperBatches.Count()));

        var posted = await browser.PostAsync("/paper/upload", BatchScans.Upload(pdf, "hop-1.pdf", "application/pdf", Http.AntiforgeryToken(form)));
        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        var page = posted.Headers.Location!.OriginalString;
        Assert.StartsWith("/paper/upload?batch=", page);
        var id = page["/paper/upload?batch=".Length..];
        var progress = await browser.GetStringAsync(page);
        Assert.Contains("hop-1.pdf", progress);
        Assert.Contains("<progress id=\"batch-progress\" max=\"4\"", progress);

        // The batch's progress is the uploader's scope's: another commune's manager gets 404, page and API alike.
        var other = factory.CreateBrowserClient();
        await Http.SignInAsync(other, "manager.batch.bp@vq.vn", "Official-Pass-123");
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync(page)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/api/v1/paper/batches/{id}")).StatusCode);

        // Read for the uploader: the own sheet is stored, the other commune's serial refused.
        var done = await BatchScans.WaitAsync(browser, $"/api/v1/paper/batches/{id}", TimeSpan.FromMinutes(10));
        Assert.Equal(("done", 4, 1, 1), (done.GetProperty("status").GetString(), done.GetProperty("pagesDone").GetInt32(),
            done.GetProperty("sheetsStored").GetInt32(), done.GetProperty("pagesUnreadable").GetInt32()));
        Assert.Equal(PaperSheetStatus.Printed, factory.WithDatabase(db => db.PaperSheets.Single(s => s.Serial == foreign).Status));
        var finished = await browser.GetStringAsync(page);
        Assert.Contains("data-status=\"done\"", finished);
        Assert.DoesNotContain("http-equiv=\"refresh\"", finished);
        Assert.Contains("paper.upload", string.Join(" ", factory.WithDatabase(db => db.AuditEntries.Select(a => a.Action).ToList())));
    }
}

public sealed class PaperBatchTests(SurveyAppFactory factory) : PaperBatchTestsBase(factory), IClassFixture<SurveyAppFactory>
{
    protected override bool Available => true;
}

public sealed class PostgresPaperBatchTests(PostgresAppFactory factory) : PaperBatchTestsBase(factory), IClassFixture<PostgresAppFactory>
{
    protected override bool Available => PostgresAppFactory.ServerConnectionString is not null;
}
