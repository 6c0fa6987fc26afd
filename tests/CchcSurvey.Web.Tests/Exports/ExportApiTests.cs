using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using CchcSurvey.Core.Tests.Exports;
using CchcSurvey.Web.Tests.Infrastructure;

namespace CchcSurvey.Web.Tests.Exports;

/// <summary>
/// A crafted tree under its own root: EXP (Huyện Thử) with communes EXP-A (4 responses), EXP-B (30) and EXP-C (40),
/// all NHANH at their counters, one of EXP-A's comments a formula. An administrator, and a viewer scoped to EXP.
/// </summary>
public sealed class ExportFixture : SurveyAppFactory, IAsyncLifetime
{
    public const string ViewerEmail = "xem@exp.vn";

    public HttpClient Admin { get; private set; } = null!;
    public HttpClient Viewer { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var file = Path.Combine(Path.GetTempPath(), $"exp-units-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(file, "code,parent,name\nEXP,,Huyện Thử\nEXP-A,EXP,Xã An Sơn Mới\nEXP-B,EXP,Xã Bình Phúc Mới\nEXP-C,EXP,Xã Điềm He Mới\n");
        Assert.Equal(0, (await CliRunner.RunAsync(this, "units", "import", file)).ExitCode);
        File.Delete(file);

        var client = CreateClient();
        async Task Post(string counter, int hl, string? comment = null)
        {
            var answers = new Dictionary<string, object> { ["HL"] = hl };
            if (comment is not null) answers["GOP_Y"] = comment;
            if (hl <= 3) answers["LY_DO"] = new[] { "cho_lau" };
            var response = await client.PostAsJsonAsync("/api/v1/responses", new { submissionId = Guid.NewGuid(), counter, instrument = "NHANH", channel = "qr", answers });
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }
        await Post("EXP-A-Q1", 2, "=HYPERLINK(\"http://x\")");
        for (var i = 0; i < 3; i++) await Post("EXP-A-Q1", 5);
        for (var i = 0; i < 30; i++) await Post("EXP-B-Q1", 1 + i % 5);
        for (var i = 0; i < 40; i++) await Post("EXP-C-Q1", i % 4 == 0 ? 3 : 4);

        Admin = await TokenClientAsync(AdminEmail);
        Assert.Equal(0, (await CliRunner.RunAsync(this, "user", "add", "--email", ViewerEmail, "--password", "Mat-khau-123", "--role", "manager", "--unit", "EXP")).ExitCode);
        Viewer = await TokenClientAsync(ViewerEmail);
    }

    private async Task<HttpClient> TokenClientAsync(string email)
    {
        var run = await CliRunner.RunAsync(this, "token", "add", "--email", email);
        Assert.Equal(0, run.ExitCode);
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", run.LastLine);
        return client;
    }

    Task IAsyncLifetime.DisposeAsync() => Task.CompletedTask;
}

/// <summary>GET /api/v1/export/{kind}.{csv|xlsx|json}: formats, suppression, microdata access, formula neutralisation.</summary>
public sealed class ExportApiTests(ExportFixture app) : IClassFixture<ExportFixture>
{
    [Theory]
    [InlineData("csv", "text/csv")]
    [InlineData("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")]
    [InlineData("json", "application/json")]
    public async Task The_indices_export_has_its_content_type_and_hides_small_cells_and_their_complements(string format, string contentType)
    {
        using var response = await app.Admin.GetAsync($"/api/v1/export/indices.{format}?unit=EXP&instrument=NHANH");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(contentType, response.Content.Headers.ContentType!.MediaType);
        Assert.Equal($"cchc-indices-EXP-NHANH.{format}", response.Content.Headers.ContentDisposition!.FileNameStar ?? response.Content.Headers.ContentDisposition.FileName);
        var rows = ExportTables.Read(format, await response.Content.ReadAsByteArrayAsync());
        Dictionary<string, string> Row(string unit, string figure, string key) => rows.Single(r => r["unit"] == unit && r["figure"] == figure && r["key"] == key);

        Assert.Equal(["EXP", "EXP-A", "EXP-B", "EXP-C"], rows.Select(r => r["unit"]).Distinct());
        Assert.Equal("Xã An Sơn Mới", Row("EXP-A", "share", "HL")["unit_name"]);
        Assert.Equal("EXP", Row("EXP-A", "share", "HL")["parent"]);

        var a = Row("EXP-A", "share", "HL");
        Assert.Equal(("4", "", "", "", "1", "n<MinN"), (a["n"], a["value"], a["lo"], a["c1"], a["suppressed"], a["suppression"]));
        var b = Row("EXP-B", "share", "HL");
        Assert.Equal(("30", "", "", "", "1", "complementary"), (b["n"], b["value"], b["lo"], b["c1"], b["suppressed"], b["suppression"]));
        Assert.Equal(("", "complementary"), (Row("EXP-B", "count", "LY_DO:cho_lau")["value"], Row("EXP-B", "count", "LY_DO:cho_lau")["suppression"]));
        var c = Row("EXP-C", "share", "HL");
        Assert.Equal(("40", "0", "75", "30", "10"), (c["n"], c["suppressed"], c["value"], c["c4"], c["c3"]));
        var parent = Row("EXP", "share", "HL");
        Assert.Equal(("74", "0"), (parent["n"], parent["suppressed"]));
        Assert.NotEqual("", parent["value"]);
        Assert.Equal("4", Row("EXP-A", "responses", "")["n"]);
    }

    [Fact]
    public async Task The_indices_csv_carries_a_bom_and_the_vietnamese_unit_names_as_utf8()
    {
        var bytes = await app.Admin.GetByteArrayAsync("/api/v1/export/indices.csv?unit=EXP");
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        Assert.True(bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes("Xã An Sơn Mới")) > 0);
        Assert.True(bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes("Huyện Thử")) > 0);
    }

    [Fact]
    public async Task A_formula_comment_comes_out_of_the_microdata_csv_with_a_leading_apostrophe()
    {
        using var response = await app.Admin.GetAsync("/api/v1/export/responses.csv?unit=EXP-A&instrument=NHANH");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        var text = Encoding.UTF8.GetString(bytes);
        Assert.Contains("\"'=HYPERLINK(\"\"http://x\"\")\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain(",=HYPERLINK", text, StringComparison.Ordinal);

        var rows = ExportTables.Csv(bytes);
        Assert.Equal(4, rows.Count);
        Assert.Equal("'=HYPERLINK(\"http://x\")", rows.Single(r => r["GOP_Y"].Length > 0)["GOP_Y"]);
        Assert.All(rows, r => Assert.Matches("^[0-9a-f]{16}$", r["respondent"]));
        Assert.All(rows, r => Assert.Equal(("EXP-A", "EXP-A-Q1", "NHANH", "qr"), (r["unit"], r["counter"], r["instrument"], r["channel"])));
        Assert.All(rows, r => Assert.Matches(@"^\d{4}-\d{2}-\d{2}$", r["date"]));
        Assert.DoesNotContain(rows, r => app.WithDatabase(db => db.Responses.Any(x => x.SubmissionId.ToString().Contains(r["respondent"]))));
    }

    [Fact]
    public async Task The_microdata_xlsx_holds_the_responses_and_a_codebook_sheet()
    {
        using var response = await app.Admin.GetAsync("/api/v1/export/responses.xlsx?unit=EXP");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(["responses", "codebook"], XlsxReader.Read(bytes).Select(s => s.Name));
        var rows = ExportTables.Xlsx(bytes, "responses");
        Assert.Equal(74, rows.Count);
        Assert.Contains(rows, r => r["NHANH.GOP_Y"] == "'=HYPERLINK(\"http://x\")");
        var codebook = ExportTables.Xlsx(bytes, "codebook");
        Assert.Equal(rows[0].Keys, codebook.Select(r => r["column"]));
    }

    [Fact]
    public async Task The_codebook_describes_each_column()
    {
        using var response = await app.Viewer.GetAsync("/api/v1/export/codebook.json?instrument=NHANH");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var rows = ExportTables.Json(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(["respondent", "unit", "counter", "instrument", "version", "channel", "date", "flags", "HL", "LY_DO", "GOP_Y"], rows.Select(r => r["column"]));
        Assert.Contains("cho_lau=", rows.Single(r => r["column"] == "LY_DO")["values"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/v1/export/indices.csv?unit=EXP", HttpStatusCode.OK)]
    [InlineData("/api/v1/export/indices.json", HttpStatusCode.OK)] // defaults to the scope root
    [InlineData("/api/v1/export/indices.csv?unit=VQ-AS", HttpStatusCode.NotFound)]
    [InlineData("/api/v1/export/indices.xlsx?unit=NOPE", HttpStatusCode.NotFound)]
    [InlineData("/api/v1/export/responses.csv?unit=EXP", HttpStatusCode.Forbidden)]
    [InlineData("/api/v1/export/responses.csv", HttpStatusCode.Forbidden)]
    [InlineData("/api/v1/export/responses.csv?unit=VQ-AS", HttpStatusCode.NotFound)]
    [InlineData("/api/v1/export/responses.csv?unit=NOPE", HttpStatusCode.NotFound)]
    [InlineData("/api/v1/export/everything.csv?unit=EXP", HttpStatusCode.NotFound)]
    [InlineData("/api/v1/export/indices.pdf?unit=EXP", HttpStatusCode.NotFound)]
    [InlineData("/api/v1/export/indices.csv?unit=EXP&from=2026-13-01", HttpStatusCode.BadRequest)]
    [InlineData("/api/v1/export/indices.csv?unit=EXP&instrument=NOPE", HttpStatusCode.BadRequest)]
    public async Task A_manager_exports_indices_in_scope_only_and_never_microdata(string url, HttpStatusCode expected)
    {
        using var response = await app.Viewer.GetAsync(url);
        Assert.Equal(expected, response.StatusCode);
        if (expected != HttpStatusCode.OK) Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_scoped_indices_export_holds_only_the_scope_subtree()
    {
        var rows = ExportTables.Json(await app.Viewer.GetByteArrayAsync("/api/v1/export/indices.json"));
        Assert.Equal(["EXP", "EXP-A", "EXP-B", "EXP-C"], rows.Select(r => r["unit"]).Distinct());
        Assert.Equal("", rows.First(r => r["unit"] == "EXP")["parent"]);
    }

    [Fact]
    public async Task Anonymous_callers_get_401()
    {
        using var response = await app.CreateClient().GetAsync("/api/v1/export/indices.csv?unit=EXP");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
