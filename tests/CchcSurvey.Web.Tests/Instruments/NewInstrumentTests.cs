using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CchcSurvey.Web.Tests.Exports;
using CchcSurvey.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace CchcSurvey.Web.Tests.Instruments;

/// <summary>
/// Instruments are data (docs/instruments.md): a questionnaire no product code names — a commune service centre
/// survey, TTPVHCC.v1.json beside this file, with three elements and its own item codes — is published with
/// <c>instruments publish</c>, offered at a counter with <c>counters instruments</c>, answered through the API, and its
/// element and index figures come out right to 1e-9 against a hand computation on the API, the dashboard, the heatmap,
/// the report, the public page and the CSV/XLSX exports; the survey page and the paper form ask its questions.
/// On SQLite and PostgreSQL.
/// </summary>
public abstract class NewInstrumentTests<TFactory> : IClassFixture<TFactory> where TFactory : SurveyAppFactory
{
    private const string Code = "TTPVHCC";
    private const string Counter = "VQ-AS-Q1";
    private const string Unit = "VQ-AS";
    private const double Tolerance = 1e-9;

    /// <summary>The element-satisfaction and overall answers of twelve respondents (null: skipped).</summary>
    private static readonly int?[][] Answers =
    [
        // DON_HL, XLY_HL, TRA_HL, TT_HL
        [5, 4, 5, 5], [4, 4, 3, 4], [2, 3, 4, 3], [5, 5, 5, 5], [3, 2, null, 2], [4, null, 4, 4],
        [1, 2, 2, 1], [4, 4, 4, 4], [5, 3, 4, 4], [4, 5, null, 5], [3, 4, 5, 4], [4, 4, 4, null],
    ];

    private static readonly string[] ElementItems = ["DON_HL", "XLY_HL", "TRA_HL"];
    private static readonly string[] Elements = ["DON", "XLY", "TRA"];

    private readonly TFactory _factory;

    protected NewInstrumentTests(TFactory factory)
    {
        factory.ExtraSettings["Survey:MinN"] = "10";
        _factory = factory;
    }

    protected abstract bool Available { get; }

    private static string Fixture => Path.Combine(AppContext.BaseDirectory, "Instruments", "TTPVHCC.v1.json");

    // ------------------------------------------------------------------ the hand computation (docs/methodology.md §4.1, §4.4)

    private const double Z = 1.959963984540054;

    /// <summary>t(0.975, 11), for the index over twelve respondents.</summary>
    private const double T11 = 2.200985160082949;

    private static (double P, double Lo, double Hi, int N) Share(IEnumerable<int?> levels)
    {
        var answered = levels.OfType<int>().ToList();
        double n = answered.Count, p = answered.Count(l => l >= 4) / n;
        var centre = (p + Z * Z / (2 * n)) / (1 + Z * Z / n);
        var half = Z * Math.Sqrt(p * (1 - p) / n + Z * Z / (4 * n * n)) / (1 + Z * Z / n);
        return (100 * p, 100 * (centre - half), 100 * (centre + half), answered.Count);
    }

    private static (double Value, double Lo, double Hi, int N) Index()
    {
        // r_i: the share of the respondent's answered element items that are 4 or 5.
        var r = Answers.Select(a => a.Take(3).OfType<int>().ToList()).Where(l => l.Count > 0).Select(l => (double)l.Count(x => x >= 4) / l.Count).ToList();
        Assert.Equal(12, r.Count);
        var mean = r.Average();
        var s = Math.Sqrt(r.Sum(x => (x - mean) * (x - mean)) / (r.Count - 1));
        var half = T11 * s / Math.Sqrt(r.Count);
        return (100 * mean, 100 * (mean - half), 100 * (mean + half), r.Count);
    }

    private static (double P, double Lo, double Hi, int N) Element(int e) => Share(Answers.Select(a => a[e]));

    // ------------------------------------------------------------------ setting up through the product's own doors

    private static readonly SemaphoreSlim Loading = new(1, 1);

    /// <summary>Publishes, offers and answers once per database (xunit makes one instance per test); returns an administrator's cookie client.</summary>
    private async Task<HttpClient> AdminAsync()
    {
        await Loading.WaitAsync();
        try
        {
            if (!_factory.WithDatabase(db => db.InstrumentVersions.Any(v => v.Code == Code))) await SetUpAsync();
            var admin = _factory.CreateBrowserClient();
            await Http.SignInAsync(admin, SurveyAppFactory.AdminEmail, SurveyAppFactory.AdminPassword);
            return admin;
        }
        finally
        {
            Loading.Release();
        }
    }

    private async Task SetUpAsync()
    {
        {
            var published = await CliRunner.RunAsync(_factory, "instruments", "publish", Fixture);
            Assert.True(published.ExitCode == 0, published.Error);
            Assert.Contains("TTPVHCC v1", published.Output);
            var offered = await CliRunner.RunAsync(_factory, "counters", "instruments", Counter, $"NHANH,{Code}");
            Assert.True(offered.ExitCode == 0, offered.Error);

            var citizen = _factory.CreateClient();
            for (var i = 0; i < Answers.Length; i++)
            {
                var answers = new Dictionary<string, object>();
                for (var e = 0; e < 3; e++)
                {
                    if (Answers[i][e] is not int level) continue;
                    answers[ElementItems[e]] = level;
                    // The statements follow the element's answer: they feed α and the item figures, not the index.
                    answers[Elements[e] + "_1"] = level;
                }
                if (Answers[i][3] is int overall) answers["TT_HL"] = overall;
                var response = await citizen.PostAsJsonAsync("/api/v1/responses", new
                {
                    submissionId = Guid.NewGuid(), counter = Counter, instrument = Code, channel = "web", answers,
                });
                Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            }
        }
    }

    private static double Number(string text) => double.Parse(text, CultureInfo.InvariantCulture);

    private static void Near(double expected, double? actual, string what)
    {
        Assert.True(actual is double a && Math.Abs(a - expected) <= Tolerance, $"{what}: expected {expected:R}, got {actual?.ToString("R") ?? "null"}");
    }

    // ------------------------------------------------------------------ every output

    [SkippableFact]
    public async Task The_indices_API_gives_the_element_and_index_figures()
    {
        Skip.IfNot(Available, "no server for this provider");
        var admin = await AdminAsync();
        var json = JsonNode.Parse(await admin.GetStringAsync($"/api/v1/units/{Unit}/indices?instrument={Code}"))!;
        Assert.Equal(12, json["responses"]!.GetValue<long>());
        var index = Index();
        Near(index.Value, json["index"]!["value"]!.GetValue<double>(), "index");
        Near(index.Lo, json["index"]!["lo"]!.GetValue<double>(), "index lo");
        Near(index.Hi, json["index"]!["hi"]!.GetValue<double>(), "index hi");
        Assert.Equal(index.N, json["index"]!["n"]!.GetValue<long>());
        for (var e = 0; e < 3; e++)
        {
            var expected = Element(e);
            var figure = json["elements"]![Elements[e]]!;
            Assert.Equal(expected.N, figure["n"]!.GetValue<long>());
            Near(expected.P, figure["p"]!.GetValue<double>(), Elements[e]);
            Near(expected.Lo, figure["p_lo"]!.GetValue<double>(), Elements[e] + " lo");
            Near(expected.Hi, figure["p_hi"]!.GetValue<double>(), Elements[e] + " hi");
        }
        Assert.Equal(["DON", "XLY", "TRA"], json["elements"]!.AsObject().Select(p => p.Key).ToArray());
        Near(Share(Answers.Select(a => a[3])).P, json["items"]!["TT_HL"]!["p"]!.GetValue<double>(), "TT_HL");
        // The whole subtree (the district) pools the same twelve responses.
        var district = JsonNode.Parse(await admin.GetStringAsync($"/api/v1/units/VQ/indices?instrument={Code}"))!;
        Near(index.Value, district["index"]!["value"]!.GetValue<double>(), "district index");

        // Ranked on its overall item by default.
        var ranking = JsonNode.Parse(await admin.GetStringAsync($"/api/v1/units/VQ/ranking?instrument={Code}"))!;
        Assert.Equal("TT_HL", ranking["item"]!.GetValue<string>());
    }

    [SkippableFact]
    public async Task The_dashboard_and_its_heatmap_show_the_instrument_s_elements()
    {
        Skip.IfNot(Available, "no server for this provider");
        var admin = await AdminAsync();
        var html = await admin.GetStringAsync($"/dashboard?unit=VQ&instrument={Code}&period=month");
        var index = Index();
        var headline = Regex.Match(html, "id=\"headline-index\" data-n=\"(\\d+)\" data-value=\"([^\"]*)\"");
        Assert.True(headline.Success, "no headline index");
        Assert.Equal("12", headline.Groups[1].Value);
        Near(index.Value, Number(headline.Groups[2].Value), "headline index");
        // The element titles come from the definition, in the page's language.
        foreach (var title in new[] { "Đón tiếp và hướng dẫn", "Tiếp nhận và xử lý hồ sơ", "Trả kết quả" })
            Assert.Contains(title, html);
        var row = Regex.Match(html, $"<tr data-unit=\"{Unit}\".*?</tr>", RegexOptions.Singleline);
        Assert.True(row.Success, "no heatmap row for the commune");
        Near(index.Value, Number(Regex.Match(row.Value, "data-index=\"([^\"]+)\"").Groups[1].Value), "heatmap index");
        for (var e = 0; e < 3; e++)
        {
            var cell = Regex.Match(row.Value, $"data-element=\"{Elements[e]}\" data-value=\"([^\"]+)\"");
            Assert.True(cell.Success, $"no heatmap cell {Elements[e]}");
            Near(Element(e).P, Number(cell.Groups[1].Value), "heatmap " + Elements[e]);
        }
        Assert.DoesNotContain("data-element=\"TC\"", html);

        var english = await admin.GetStringAsync($"/dashboard?unit=VQ&instrument={Code}&period=month&culture=en");
        Assert.Contains("Reception and guidance", english);
    }

    [SkippableFact]
    public async Task The_report_lists_the_instrument_s_index_and_elements()
    {
        Skip.IfNot(Available, "no server for this provider");
        var admin = await AdminAsync();
        var html = await admin.GetStringAsync($"/dashboard/report?unit={Unit}");
        Near(Index().Value, Number(Regex.Match(html, $"<tr data-figure=\"{Code}\">.*?data-value=\"([^\"]+)\"", RegexOptions.Singleline).Groups[1].Value), "report index");
        for (var e = 0; e < 3; e++)
        {
            var cell = Regex.Match(html, $"<tr data-figure=\"{Code}:{Elements[e]}\">.*?data-value=\"([^\"]+)\"", RegexOptions.Singleline);
            Assert.True(cell.Success, $"no report row {Elements[e]}");
            Near(Element(e).P, Number(cell.Groups[1].Value), "report " + Elements[e]);
        }
        Assert.Contains("Trả kết quả", html);
        var docx = await admin.GetAsync($"/dashboard/report?unit={Unit}&format=docx");
        Assert.Equal(HttpStatusCode.OK, docx.StatusCode);
    }

    [SkippableFact]
    public async Task The_public_page_publishes_the_instrument_s_index_and_elements()
    {
        Skip.IfNot(Available, "no server for this provider");
        var admin = await AdminAsync();
        var quarter = _factory.Services.GetRequiredService<CchcSurvey.Web.Infrastructure.LocalClock>().Today() is var today
            ? $"{today.Year}-Q{(today.Month - 1) / 3 + 1}" : "";
        var form = await admin.GetStringAsync("/admin/publishing");
        var published = await admin.PostAsync("/admin/publishing?handler=publish", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["unit"] = Unit, ["quarter"] = quarter, ["__RequestVerificationToken"] = Http.AntiforgeryToken(form),
        }));
        Assert.Equal(HttpStatusCode.Redirect, published.StatusCode);

        var html = await _factory.CreateClient().GetStringAsync($"/public/{Unit}/{quarter}");
        var section = Regex.Match(html, $"<section data-instrument=\"{Code}\">(.*?)</section>", RegexOptions.Singleline);
        Assert.True(section.Success, "no published section for the instrument");
        Assert.Contains("Khảo sát sự hài lòng tại Trung tâm phục vụ hành chính công cấp xã", section.Value);
        var values = Regex.Matches(section.Value, "data-value=\"([^\"]+)\"").Select(m => Number(m.Groups[1].Value)).ToList();
        // The overall question's satisfied share (the unit's headline) first, then the index and the elements.
        Assert.Equal(5, values.Count);
        Assert.Contains("data-figure=\"Tỷ lệ hài lòng chung\"", section.Value);
        Assert.InRange(values[0], 0, 100);
        Near(Index().Value, values[1], "public index");
        for (var e = 0; e < 3; e++) Near(Element(e).P, values[e + 2], "public " + Elements[e]);
        foreach (var title in new[] { "Đón tiếp và hướng dẫn", "Tiếp nhận và xử lý hồ sơ", "Trả kết quả" })
            Assert.Contains(title, section.Value);
    }

    [SkippableTheory]
    [InlineData("csv")]
    [InlineData("xlsx")]
    public async Task The_indices_export_holds_the_figures(string format)
    {
        Skip.IfNot(Available, "no server for this provider");
        var admin = await AdminAsync();
        var bytes = await admin.GetByteArrayAsync($"/api/v1/export/indices.{format}?unit={Unit}&instrument={Code}");
        var rows = ExportTables.Read(format, bytes).Where(r => r["unit"] == Unit && r["instrument"] == Code).ToList();
        double ValueOf(string figure, string key) => Number(rows.Single(r => r["figure"] == figure && r["key"] == key)["value"]);
        Near(Index().Value, ValueOf("index", ""), "export index");
        for (var e = 0; e < 3; e++) Near(Element(e).P, ValueOf("element", Elements[e]), "export " + Elements[e]);
    }

    [SkippableFact]
    public async Task The_survey_page_and_the_paper_form_ask_its_questions()
    {
        Skip.IfNot(Available, "no server for this provider");
        var admin = await AdminAsync();
        var counter = JsonNode.Parse(await _factory.CreateClient().GetStringAsync($"/api/v1/counters/{Counter}"))!;
        Assert.Contains(Code, counter["instruments"]!.AsArray().Select(i => i!.ToJsonString()).Aggregate("", string.Concat));
        var survey = await _factory.CreateClient().GetStringAsync($"/s/{Counter}/{Code}");
        Assert.Contains("Được chào đón khi đến Trung tâm", survey);
        var layout = await admin.GetStringAsync($"/api/v1/paper/forms/{Counter}/{Code}/layout.json");
        foreach (var item in new[] { "DON_HL", "XLY_HL", "TRA_HL", "TT_HL" }) Assert.Contains($"\"{item}\"", layout);
        var pdf = await admin.GetAsync($"/api/v1/paper/forms/{Counter}/{Code}.pdf?sheets=1");
        Assert.Equal(HttpStatusCode.OK, pdf.StatusCode);
        Assert.Equal("application/pdf", pdf.Content.Headers.ContentType?.MediaType);
    }

    [SkippableFact]
    public async Task The_commands_refuse_what_they_do_not_know_and_change_nothing()
    {
        Skip.IfNot(Available, "no server for this provider");
        await AdminAsync();
        var versions = _factory.WithDatabase(db => db.InstrumentVersions.Count());
        var broken = Path.Combine(Path.GetTempPath(), $"cchc-broken-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(broken, File.ReadAllText(Fixture).Replace("\"role\": \"overall\"", "\"role\": \"overall\", \"showWhen\": {\"item\": \"NOPE\", \"max\": 2}"));
        try
        {
            var refused = await CliRunner.RunAsync(_factory, "instruments", "publish", broken);
            Assert.NotEqual(0, refused.ExitCode);
            Assert.Contains("unknown item NOPE", refused.Error);
            Assert.Single(refused.Error.Trim().Split('\n'));
            await File.WriteAllTextAsync(broken, "{ not json");
            Assert.NotEqual(0, (await CliRunner.RunAsync(_factory, "instruments", "publish", broken)).ExitCode);
        }
        finally
        {
            File.Delete(broken);
        }
        Assert.Equal(versions, _factory.WithDatabase(db => db.InstrumentVersions.Count()));

        var offered = _factory.WithDatabase(db => db.Counters.Single(c => c.Code == Counter).Instruments);
        var unknownInstrument = await CliRunner.RunAsync(_factory, "counters", "instruments", Counter, "NHANH,KHONG-CO");
        Assert.NotEqual(0, unknownInstrument.ExitCode);
        Assert.Contains("KHONG-CO", unknownInstrument.Error);
        var unknownCounter = await CliRunner.RunAsync(_factory, "counters", "instruments", "KHONG-CO-QUAY", "NHANH");
        Assert.NotEqual(0, unknownCounter.ExitCode);
        Assert.Equal(offered, _factory.WithDatabase(db => db.Counters.Single(c => c.Code == Counter).Instruments));

        // What was done is audited: the publication and the counter change, by the command line.
        var audited = _factory.WithDatabase(db => db.AuditEntries.Where(a => a.Target == "TTPVHCC v1" || a.Target == Counter).Select(a => a.Action).ToList());
        Assert.Contains(CchcSurvey.Web.Administration.AuditActions.InstrumentPublish, audited);
        Assert.Contains(CchcSurvey.Web.Administration.AuditActions.CounterUpdate, audited);
    }
}

public sealed class SqliteNewInstrumentTests(SurveyAppFactory factory) : NewInstrumentTests<SurveyAppFactory>(factory)
{
    protected override bool Available => true;
}

public sealed class PostgresNewInstrumentTests(PostgresAppFactory factory) : NewInstrumentTests<PostgresAppFactory>(factory)
{
    protected override bool Available => PostgresAppFactory.ServerConnectionString is not null;
}
