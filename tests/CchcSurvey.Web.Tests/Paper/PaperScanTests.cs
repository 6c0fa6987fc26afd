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
    /// <summary>The 50-page batch's counter: no other test stores there, so its unit's figures are the batch's alone.</summary>
    protected const string ScanCounter = "VQ-BP-Q1";
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
        var lastId = factory.WithDatabase(db => db.Responses.Select(r => (long?)r.Id).Max() ?? 0);
        var serials = await PrintAsync(admin, ScanCounter, 17);
        Assert.Equal(17, serials.Count);
        Assert.All(factory.WithDatabase(db => db.PaperSheets.Include(s => s.Counter).Where(s => serials.Contains(s.Serial)).ToList()),
            s => { Assert.Equal(ScanCounter, s.Counter.Code); Assert.Equal(3, s.Pages); });

        using var corpus = new PaperCorpus();
        // 300 dpi, a department scanner's setting: this test is about the batch path (order, duplicates, idempotency,
        // figures); how the reader copes with 150 dpi and worse is the Core reader's degradation tests' subject (at 150 dpi
        // the QR of an occasional random serial was not found, and its page went to review).
        var sheets = serials.Select((s, i) => corpus.Fill(s, 1000 + i, 300, CertainStyles)).ToList();
        // 16 whole sheets and two pages of the 17th: 50 pages, each sheet's pages in reverse order.
        var pages = sheets.Take(16).SelectMany(s => s.Pages.Reverse()).Concat(sheets[16].Pages.Take(2)).Select(Jpeg).ToList();
        Assert.Equal(50, pages.Count);

        var (status, results) = await ScanAsync(admin, ScannerPdf(pages), "batch.pdf");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(50, results.Count);
        Assert.True(48 == results.Count(r => r.Status == "stored"), string.Join("; ", results.Where(r => r.Status != "stored").Select(r => $"{r.Page} {r.Serial} {r.Status}"))
            + " | " + string.Join("; ", factory.WithDatabase(db => db.PaperPages.Select(p => p.Sheet!.Serial + " " + p.PageNumber + " " + p.Status + " " + p.MarksJson).ToList())));
        Assert.All(results.Skip(48), r => Assert.Equal(("review", serials[16]), (r.Status, r.Serial)));

        var stored = factory.WithDatabase(db => db.Responses.Where(r => r.Id > lastId && r.Channel == "paper").Select(r => new { r.AnswersJson, r.Flags, Counter = r.Counter!.Code }).ToList());
        Assert.Equal(16, stored.Count);
        Assert.All(stored, r => Assert.Equal((0, ScanCounter), (r.Flags, r.Counter)));
        // No page image or reading is kept for a stored sheet, and nothing links a serial to its response.
        Assert.Equal(2, factory.WithDatabase(db => db.PaperPages.Count(p => p.Sheet!.Serial == serials[16])));
        Assert.All(factory.WithDatabase(db => db.PaperSheets.Where(s => serials.Contains(s.Serial) && s.Status == PaperSheetStatus.Stored).ToList()),
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
        var paperFigures = await admin.GetStringAsync("/api/v1/units/VQ-BP/indices?instrument=SIPAS-DV");
        var apiFigures = await admin.GetStringAsync("/api/v1/units/VQ-TP/indices?instrument=SIPAS-DV");
        Assert.Equal(Figures(apiFigures), Figures(paperFigures));

        // The same PDF again: nothing stored twice.
        var (_, again) = await ScanAsync(admin, ScannerPdf(pages.Take(6)), "again.pdf");
        Assert.All(again, r => Assert.Equal("duplicate", r.Status));
        Assert.Equal(16, factory.WithDatabase(db => db.Responses.Count(r => r.Id > lastId && r.Channel == "paper")));

        // The missing page arrives later, as a PNG: the 17th sheet is complete and stored.
        using var png = sheets[16].Pages[2].Encode(SkiaSharp.SKEncodedImageFormat.Png, 100);
        var (_, last) = await ScanAsync(admin, png.ToArray(), "last.png");
        Assert.Equal("stored", Assert.Single(last).Status);
        Assert.Equal(17, factory.WithDatabase(db => db.Responses.Count(r => r.Id > lastId && r.Channel == "paper")));
    }

    [SkippableFact]
    public async Task Review_shows_the_uncertain_item_and_a_typed_decision_stores_the_sheet_once()
    {
        Skip.IfNot(Available, "PostgreSQL not configured");
        Skip.IfNot(PaperCorpus.PdftoppmAvailable, "pdftoppm (poppler-utils) is not installed");
        var admin = await AdminAsync();
        var serial = (await PrintAsync(admin, Counter, 1)).Single();
        // Other tests of the class store paper responses at the same counter: only what comes after counts.
        var lastId = factory.WithDatabase(db => db.Responses.Select(r => (long?)r.Id).Max() ?? 0);
        using var corpus = new PaperCorpus();
        var sheet = corpus.Fill(serial, 5, 150, [FillStyle.Cross], corrected: true);
        var (_, results) = await ScanAsync(admin, ScannerPdf(sheet.Pages.Select(Jpeg)), "corrected.pdf");
        Assert.All(results, r => Assert.Equal("review", r.Status));
        Assert.Equal(0, factory.WithDatabase(db => db.Responses.Count(r => r.Id > lastId)));

        var browser = factory.CreateBrowserClient();
        await Http.SignInAsync(browser, SurveyAppFactory.AdminEmail, SurveyAppFactory.AdminPassword);
        var page = await browser.GetStringAsync($"/paper/review?serial={serial}");
        var field = System.Text.RegularExpressions.Regex.Match(page, "name=\"i\\.([A-Z_0-9]+)\"");
        Assert.True(field.Success, "no uncertain item on the review page: " + string.Join("; ", factory.WithDatabase(db => db.PaperPages.Where(p => p.Sheet!.Serial == serial).Select(p => p.PageNumber + " " + p.Status + " " + p.Problem).ToList())) + " " + serial);
        var item = field.Groups[1].Value;
        Assert.Contains("<svg class=\"paper-crop\"", page);
        // Another commune's manager cannot see the sheet or its page images.
        await AddOfficialAsync(factory, "manager.bp.paper@vq.vn", "manager", "VQ-BP");
        var other = factory.CreateBrowserClient();
        await Http.SignInAsync(other, "manager.bp.paper@vq.vn", "Official-Pass-123");
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/paper/review?serial={serial}")).StatusCode);
        var pageId = factory.WithDatabase(db => db.PaperPages.First(p => p.Sheet!.Serial == serial).Id);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/paper/review?handler=Image&id={pageId}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync($"/paper/review?handler=Image&id={pageId}")).StatusCode);
        Assert.DoesNotContain(serial, await other.GetStringAsync("/paper/review"));
        var definition = InstrumentCatalog.FindBuiltIn("SIPAS-DV")!;
        var digits = CchcSurvey.Core.Paper.PaperKeys.Digits(definition.FindItem(item)!, sheet.Intended[item]);

        // A key that is not a box is refused and changes nothing.
        var bad = await browser.PostAsync("/paper/review", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["serial"] = serial, ["i." + item] = "9", ["__RequestVerificationToken"] = Http.AntiforgeryToken(page),
        }));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal(0, factory.WithDatabase(db => db.Responses.Count(r => r.Id > lastId)));

        var ok = await browser.PostAsync("/paper/review", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["serial"] = serial, ["i." + item] = digits, ["__RequestVerificationToken"] = Http.AntiforgeryToken(page),
        }));
        Assert.Equal(HttpStatusCode.Redirect, ok.StatusCode);
        var stored = factory.WithDatabase(db => db.Responses.Where(r => r.Id > lastId && r.Channel == "paper" && r.Counter!.Code == Counter).Select(r => r.AnswersJson).ToList());
        var answers = Assert.Single(stored);
        var expected = AnswerCodec.Serialize(AnswerValidator.ValidateCells(definition, sheet.Intended).Answers);
        Assert.Equal(expected, answers);
        Assert.Equal(0, factory.WithDatabase(db => db.PaperPages.Count(p => p.Sheet!.Serial == serial)));
        Assert.Equal("duplicate", (await ScanAsync(admin, ScannerPdf([Jpeg(sheet.Pages[0])]), "again.pdf")).Pages.Single().Status);
    }

    [SkippableFact]
    public async Task Double_entry_lists_the_mismatch_and_stores_only_once_settled()
    {
        Skip.IfNot(Available, "PostgreSQL not configured");
        await AddOfficialAsync(factory, "clerk1.paper@vq.vn", "manager", "VQ-AS");
        await AddOfficialAsync(factory, "clerk2.paper@vq.vn", "manager", "VQ-AS");
        var first = factory.CreateBrowserClient();
        await Http.SignInAsync(first, "clerk1.paper@vq.vn", "Official-Pass-123");
        const string url = $"/paper/entry?counter={Counter}&instrument=NHANH";
        var form = await first.GetStringAsync(url);
        HttpContent Typed(string page, string hl, string reasons, bool twice, bool settle = false, string serial = "")
        {
            var fields = new Dictionary<string, string>
            {
                ["counter"] = Counter, ["instrument"] = "NHANH", ["serial"] = serial, ["i.HL"] = hl, ["i.LY_DO"] = reasons, ["i.GOP_Y"] = "",
                ["__RequestVerificationToken"] = Http.AntiforgeryToken(page),
            };
            if (twice) fields["double"] = "true";
            if (settle) fields["settle"] = "true";
            return new FormUrlEncodedContent(fields);
        }
        int Stored() => factory.WithDatabase(db => db.Responses.Count(r => r.Channel == "paper" && r.Counter!.Code == Counter && r.InstrumentVersion.Code == "NHANH"));
        var before = Stored();

        // Letters and a box that does not exist are refused.
        Assert.Equal(HttpStatusCode.BadRequest, (await first.PostAsync(url, Typed(form, "x", "", true))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await first.PostAsync(url, Typed(form, "7", "", true))).StatusCode);

        var saved = await first.PostAsync(url, Typed(form, "2", "13", true));
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var serial = System.Web.HttpUtility.ParseQueryString(new Uri("http://x" + saved.Headers.Location!.OriginalString).Query)["serial"]!;
        Assert.Equal(before, Stored());

        // The same person cannot be the second entry.
        var again = await first.GetStringAsync($"/paper/entry?serial={serial}");
        Assert.Equal(HttpStatusCode.BadRequest, (await first.PostAsync($"/paper/entry?serial={serial}", Typed(again, "2", "13", false, serial: serial))).StatusCode);

        var second = factory.CreateBrowserClient();
        await Http.SignInAsync(second, "clerk2.paper@vq.vn", "Official-Pass-123");
        var secondForm = await second.GetStringAsync($"/paper/entry?serial={serial}");
        var mismatch = await second.PostAsync($"/paper/entry?serial={serial}", Typed(secondForm, "2", "12", false, serial: serial));
        Assert.Equal(HttpStatusCode.Conflict, mismatch.StatusCode);
        var list = await mismatch.Content.ReadAsStringAsync();
        Assert.Contains("<tr class=\"mismatch\"><td>LY_DO</td><td>13</td><td>12</td></tr>", list);
        Assert.DoesNotContain("<td>HL</td>", list);
        Assert.Equal(before, Stored());

        var settled = await second.PostAsync($"/paper/entry?serial={serial}", Typed(list, "2", "13", false, settle: true, serial: serial));
        Assert.Equal(HttpStatusCode.Redirect, settled.StatusCode);
        Assert.Equal(before + 1, Stored());
        var secondAgain = await second.GetStringAsync($"/paper/entry?serial={serial}");
        Assert.Equal(HttpStatusCode.BadRequest, (await second.PostAsync($"/paper/entry?serial={serial}", Typed(secondAgain, "2", "13", false, serial: serial))).StatusCode);
        Assert.Equal(before + 1, Stored());
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
        // SIPAS-DV's current version asks the overall question first.
        Assert.Equal("HL_CHUNG", box.GetProperty("item").GetString());
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
