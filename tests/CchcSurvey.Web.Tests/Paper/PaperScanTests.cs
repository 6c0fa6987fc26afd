using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using CchcSurvey.Core.Instruments;
using CchcSurvey.Core.Tests.Paper;
using CchcSurvey.Web.Data;
using CchcSurvey.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using PdfSharp.Drawing;
using PdfSharp.Pdf;
using static CchcSurvey.Web.Tests.Integrity.IntegrityTestHelpers;

namespace CchcSurvey.Web.Tests.Paper;

/// <summary>
/// Paper end to end over HTTP: print through the API (serials stored), fill the sheets by program, scan them as
/// one scanner PDF (JPEG page images) and read back what was stored.
/// </summary>
public abstract class PaperScanTestsBase(SurveyAppFactory factory)
{
    protected const string Counter = "VQ-AS-Q1";
    protected const string OtherCounter = "VQ-TP-Q1";
    private static readonly FillStyle[] CertainStyles = [FillStyle.Full, FillStyle.Cross, FillStyle.OverBorder];

    protected abstract bool Available { get; }

    private async Task<HttpClient> AdminAsync()
    {
        var client = Bearer(factory, await ApiTokenAsync(factory, SurveyAppFactory.AdminEmail));
        // A 50-page batch is read within the request; on a busy two-core machine that can pass HttpClient's 100 s.
        client.Timeout = TimeSpan.FromMinutes(15);
        return client;
    }

    /// <summary>Prints sheets through the API and returns their serials (read from the database, in print order).</summary>
    private async Task<List<string>> PrintAsync(HttpClient client, string counter, int sheets)
    {
        var before = factory.WithDatabase(db => db.PaperSheets.Select(s => s.Serial).ToList());
        var response = await client.GetAsync($"/api/v1/paper/forms/{counter}/SIPAS-DV.pdf?sheets={sheets}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/pdf", response.Content.Headers.ContentType?.MediaType);
        return factory.WithDatabase(db => db.PaperSheets.OrderBy(s => s.Id).Select(s => s.Serial).ToList()).Except(before).ToList();
    }

    /// <summary>A scanner's PDF: one JPEG image per page, as scanners write them.</summary>
    private static byte[] ScannerPdf(IEnumerable<byte[]> jpegPages)
    {
        using var document = new PdfDocument();
        foreach (var jpeg in jpegPages)
        {
            var page = document.AddPage();
            page.Width = XUnitPt.FromMillimeter(210);
            page.Height = XUnitPt.FromMillimeter(297);
            using var g = XGraphics.FromPdfPage(page);
            using var image = XImage.FromStream(new MemoryStream(jpeg));
            g.DrawImage(image, 0, 0, page.Width.Point, page.Height.Point);
        }
        using var output = new MemoryStream();
        document.Save(output, false);
        return output.ToArray();
    }

    private static async Task<(HttpStatusCode Status, List<(int Page, string? Serial, string Status)> Pages)> ScanAsync(HttpClient client, byte[] file, string name)
    {
        using var content = new MultipartFormDataContent();
        var part = new ByteArrayContent(file);
        part.Headers.ContentType = new MediaTypeHeaderValue(name.EndsWith(".pdf") ? "application/pdf" : "image/png");
        content.Add(part, "file", name);
        var response = await client.PostAsync("/api/v1/paper/scans", content);
        if (response.StatusCode != HttpStatusCode.OK) return (response.StatusCode, []);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (response.StatusCode, json.RootElement.GetProperty("pages").EnumerateArray()
            .Select(p => (p.GetProperty("page").GetInt32(), p.GetProperty("serial").GetString(), p.GetProperty("status").GetString()!)).ToList());
    }

    private static byte[] Jpeg(SkiaSharp.SKBitmap page)
    {
        using var data = page.Encode(SkiaSharp.SKEncodedImageFormat.Jpeg, 85);
        return data.ToArray();
    }

    [SkippableFact]
    public async Task A_50_page_scanner_pdf_stores_every_complete_sheet_once_and_gives_the_figures_of_the_same_answers_sent_to_the_api()
    {
        Skip.IfNot(Available, "PostgreSQL not configured");
        Skip.IfNot(PaperCorpus.PdftoppmAvailable, "pdftoppm (poppler-utils) is not installed");
        var admin = await AdminAsync();
        var serials = await PrintAsync(admin, Counter, 17);
        Assert.Equal(17, serials.Count);
        Assert.All(factory.WithDatabase(db => db.PaperSheets.Include(s => s.Counter).Where(s => serials.Contains(s.Serial)).ToList()),
            s => { Assert.Equal(Counter, s.Counter.Code); Assert.Equal(3, s.Pages); });

        using var corpus = new PaperCorpus();
        var sheets = serials.Select((s, i) => corpus.Fill(s, 1000 + i, 150, CertainStyles)).ToList();
        // 16 whole sheets and two pages of the 17th: 50 pages, each sheet's pages in reverse order.
        var pages = sheets.Take(16).SelectMany(s => s.Pages.Reverse()).Concat(sheets[16].Pages.Take(2)).Select(Jpeg).ToList();
        Assert.Equal(50, pages.Count);

        var (status, results) = await ScanAsync(admin, ScannerPdf(pages), "batch.pdf");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(50, results.Count);
        Assert.True(48 == results.Count(r => r.Status == "stored"), string.Join("; ", results.Where(r => r.Status != "stored").Select(r => $"{r.Page} {r.Serial} {r.Status}"))
            + " | " + string.Join("; ", factory.WithDatabase(db => db.PaperPages.Select(p => p.Sheet!.Serial + " " + p.PageNumber + " " + p.Status + " " + p.MarksJson).ToList())));
        Assert.All(results.Skip(48), r => Assert.Equal(("review", serials[16]), (r.Status, r.Serial)));

        var stored = factory.WithDatabase(db => db.Responses.Where(r => r.Channel == "paper").Select(r => new { r.AnswersJson, r.Flags, Counter = r.Counter!.Code }).ToList());
        Assert.Equal(16, stored.Count);
        Assert.All(stored, r => Assert.Equal((0, Counter), (r.Flags, r.Counter)));
        // No page image or reading is kept for a stored sheet, and nothing links a serial to its response.
        Assert.Equal(2, factory.WithDatabase(db => db.PaperPages.Count()));
        Assert.All(factory.WithDatabase(db => db.PaperSheets.Where(s => s.Status == PaperSheetStatus.Stored).ToList()),
            s => Assert.Null(s.PendingSubmissionId));

        // The same answers through the JSON API at another counter give the same figures, figure for figure.
        var definition = InstrumentCatalog.FindBuiltIn("SIPAS-DV")!;
        foreach (var sheet in sheets.Take(16))
        {
            var answers = sheet.Intended.ToDictionary(a => a.Key, a => ApiValue(definition.FindItem(a.Key)!, a.Value));
            var posted = await factory.CreateClient().PostAsJsonAsync("/api/v1/responses",
                new { submissionId = Guid.NewGuid(), counter = OtherCounter, instrument = "SIPAS-DV", channel = "qr", answers });
            Assert.Equal(HttpStatusCode.Created, posted.StatusCode);
        }
        var paperFigures = await admin.GetStringAsync("/api/v1/units/VQ-AS/indices?instrument=SIPAS-DV");
        var apiFigures = await admin.GetStringAsync("/api/v1/units/VQ-TP/indices?instrument=SIPAS-DV");
        Assert.Equal(Figures(apiFigures), Figures(paperFigures));

        // The same PDF again: nothing stored twice.
        var (_, again) = await ScanAsync(admin, ScannerPdf(pages.Take(6)), "again.pdf");
        Assert.All(again, r => Assert.Equal("duplicate", r.Status));
        Assert.Equal(16, factory.WithDatabase(db => db.Responses.Count(r => r.Channel == "paper")));

        // The missing page arrives later, as a PNG: the 17th sheet is complete and stored.
        using var png = sheets[16].Pages[2].Encode(SkiaSharp.SKEncodedImageFormat.Png, 100);
        var (_, last) = await ScanAsync(admin, png.ToArray(), "last.png");
        Assert.Equal("stored", Assert.Single(last).Status);
        Assert.Equal(17, factory.WithDatabase(db => db.Responses.Count(r => r.Channel == "paper")));
    }

    private static object ApiValue(ItemDefinition item, string cell) => item.Type switch
    {
        AnswerType.Likert5 or AnswerType.Likert3 or AnswerType.YesNo => int.Parse(cell),
        AnswerType.Multi => cell.Split(' '),
        _ => cell,
    };

    /// <summary>The figures of an indices answer without the unit's own identity.</summary>
    private static string Figures(string json)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(json)!.AsObject();
        foreach (var key in new[] { "unit", "unitName", "name", "code", "children" }) node.Remove(key);
        return node.ToJsonString();
    }

    [SkippableFact]
    public async Task A_serial_printed_for_another_unit_or_never_printed_is_refused_and_bad_requests_change_nothing()
    {
        Skip.IfNot(Available, "PostgreSQL not configured");
        Skip.IfNot(PaperCorpus.PdftoppmAvailable, "pdftoppm (poppler-utils) is not installed");
        var admin = await AdminAsync();
        var foreign = (await PrintAsync(admin, OtherCounter, 1)).Single();
        await AddOfficialAsync(factory, "manager.paper@vq.vn", "manager", "VQ-AS");
        var manager = Bearer(factory, await ApiTokenAsync(factory, "manager.paper@vq.vn"));

        using var corpus = new PaperCorpus();
        var sheet = corpus.Fill(foreign, 7, 150, CertainStyles);
        using var png = sheet.Pages[0].Encode(SkiaSharp.SKEncodedImageFormat.Png, 100);
        var (_, refused) = await ScanAsync(manager, png.ToArray(), "foreign.png");
        Assert.Equal("unreadable", Assert.Single(refused).Status);
        var never = corpus.Fill("ZZZZZZZZZZ", 8, 150, CertainStyles);
        using var png2 = never.Pages[0].Encode(SkiaSharp.SKEncodedImageFormat.Png, 100);
        var (_, unknown) = await ScanAsync(admin, png2.ToArray(), "never.png");
        Assert.Equal(("unreadable", "ZZZZZZZZZZ"), (Assert.Single(unknown).Status, unknown[0].Serial));
        Assert.Equal(0, factory.WithDatabase(db => db.PaperPages.Count(p => p.Sheet!.Serial == foreign)));

        // A manager prints only for counters in scope; sheets are 1..500; a viewer may not print.
        Assert.Equal(HttpStatusCode.NotFound, (await manager.GetAsync($"/api/v1/paper/forms/{OtherCounter}/SIPAS-DV.pdf?sheets=1")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await manager.GetAsync($"/api/v1/paper/forms/{Counter}/SIPAS-DV.pdf?sheets=501")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await manager.GetAsync($"/api/v1/paper/forms/{Counter}/SIPAS-DV.pdf")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await manager.GetAsync($"/api/v1/paper/forms/{Counter}/NOPE.pdf?sheets=1")).StatusCode);
        await AddOfficialAsync(factory, "viewer.paper@vq.vn", "viewer", "VQ-AS");
        var viewer = Bearer(factory, await ApiTokenAsync(factory, "viewer.paper@vq.vn"));
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.GetAsync($"/api/v1/paper/forms/{Counter}/SIPAS-DV.pdf?sheets=1")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await factory.CreateClient().GetAsync($"/api/v1/paper/forms/{Counter}/SIPAS-DV/layout.json")).StatusCode);
        var (badStatus, _) = await ScanAsync(manager, "not an image"u8.ToArray(), "notes.png");
        Assert.Equal(HttpStatusCode.BadRequest, badStatus);
    }

    [SkippableFact]
    public async Task Layout_json_has_the_contract_shape()
    {
        Skip.IfNot(Available, "PostgreSQL not configured");
        var admin = await AdminAsync();
        using var json = JsonDocument.Parse(await admin.GetStringAsync($"/api/v1/paper/forms/{Counter}/SIPAS-DV/layout.json"));
        Assert.Equal(210, json.RootElement.GetProperty("pageWidthMm").GetDouble());
        Assert.Equal(297, json.RootElement.GetProperty("pageHeightMm").GetDouble());
        var page = json.RootElement.GetProperty("pages")[0];
        Assert.Equal(1, page.GetProperty("page").GetInt32());
        var box = page.GetProperty("boxes")[0];
        Assert.Equal(["item", "value", "x", "y", "w", "h"], box.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal("TC1", box.GetProperty("item").GetString());
        Assert.Equal("1", box.GetProperty("value").GetString());
    }
}

public sealed class PaperScanTests(SurveyAppFactory factory) : PaperScanTestsBase(factory), IClassFixture<SurveyAppFactory>
{
    protected override bool Available => true;
}

public sealed class PostgresPaperScanTests(PostgresAppFactory factory) : PaperScanTestsBase(factory), IClassFixture<PostgresAppFactory>
{
    protected override bool Available => PostgresAppFactory.ServerConnectionString is not null;
}
