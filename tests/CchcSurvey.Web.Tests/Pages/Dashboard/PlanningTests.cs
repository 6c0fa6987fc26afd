using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using CchcSurvey.Web.Tests.Infrastructure;
using CchcSurvey.Web.Tests.Integrity;
using static CchcSurvey.Web.Tests.Pages.Comments.WorkspaceSteps;

namespace CchcSurvey.Web.Tests.Pages.Dashboard;

/// <summary>A test database whose SIPAS-DV has population shares by sex (Planning:Weighting) for post-stratification.</summary>
public sealed class PlanningAppFactory : SurveyAppFactory
{
    public PlanningAppFactory() => PlanningData.Configure(this);
}

/// <summary>The settings and answers of the planning tests, on SQLite (<see cref="PlanningAppFactory"/>) and PostgreSQL.</summary>
public static class PlanningData
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<SurveyAppFactory, SemaphoreSlim> Seeding = new();
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<SurveyAppFactory, bool> Seeded = new();

    /// <summary>Population shares ½ men, ½ women for SIPAS-DV and M = 6; before the factory's host is built.</summary>
    public static void Configure(SurveyAppFactory factory)
    {
        factory.ExtraSettings["Planning:Weighting:SIPAS-DV:Items:0"] = "GIOI_TINH";
        factory.ExtraSettings["Planning:Weighting:SIPAS-DV:Shares:nam"] = "0.5";
        factory.ExtraSettings["Planning:Weighting:SIPAS-DV:Shares:nu"] = "0.5";
        factory.ExtraSettings["Planning:Points766Max"] = "6";
    }

    /// <summary>
    /// Once per database: VQ-TT gets 12 SIPAS-DV answers (men 6 of 8 satisfied, women 1 of 4) and 20 dossiers this month;
    /// VQ-KK 11 satisfied answers and 10 dossiers (more responses than dossiers); VQ-LN nothing. The dossiers are
    /// imported after the answers, so no answer is flagged and every answer counts.
    /// </summary>
    public static async Task SeedAsync(SurveyAppFactory factory)
    {
        var gate = Seeding.GetOrAdd(factory, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync();
        try
        {
            if (Seeded.ContainsKey(factory)) return;
            var api = factory.CreateClient();
            async Task Post(string counter, int hl, string sex)
            {
                var sent = await api.PostAsJsonAsync("/api/v1/responses", new
                {
                    submissionId = Guid.NewGuid(), counter, instrument = "SIPAS-DV", channel = "qr",
                    answers = new Dictionary<string, object> { ["HL_CHUNG"] = hl, ["GIOI_TINH"] = sex },
                });
                Assert.Equal(HttpStatusCode.Created, sent.StatusCode);
            }
            foreach (var hl in new[] { 5, 5, 4, 4, 4, 4, 2, 1 }) await Post("VQ-TT-Q1", hl, "nam");
            foreach (var hl in new[] { 5, 2, 2, 1 }) await Post("VQ-TT-Q1", hl, "nu");
            for (var i = 0; i < 11; i++) await Post("VQ-KK-Q1", 5, i % 2 == 0 ? "nam" : "nu");

            var file = Path.Combine(Path.GetTempPath(), "cchc-tests", $"dossiers-{Guid.NewGuid():N}.csv");
            var month = IntegrityTestHelpers.LocalMonth();
            await File.WriteAllTextAsync(file, $"unit,month,count\nVQ-TT,{month},20\nVQ-KK,{month},10\n");
            var run = await CliRunner.RunAsync(factory, "dossiers", "import", file);
            Assert.True(run.ExitCode == 0, run.Error);
            Seeded[factory] = true;
        }
        finally
        {
            gate.Release();
        }
    }
}

/// <summary>
/// The planning figures (README, "Sample size, response rate, 766 points and weighting") on the dashboard
/// (<c>_Planning.cshtml</c>), the report (<c>Report/_Points.cshtml</c>) and <c>GET /api/v1/units/{code}/planning</c>,
/// against hand computations.
/// </summary>
public sealed class PlanningTests(PlanningAppFactory factory) : IClassFixture<PlanningAppFactory>
{
    internal const double Z = 1.959963984540054;

    // VQ-TT: 12 answers, 7 satisfied; 20 dossiers.
    internal const double Rate = 12.0 / 20;                       // response rate
    internal const double SampleSize = 20 / (1 + 20 * 0.05 * 0.05); // Yamane: 19.047619…, so 20 needed, 8 missing
    internal const double Share = 100.0 * 7 / 12;                 // 58.333…% satisfied, below 90%
    internal const double Points = Share * 6 / 90;                // 766: r·M/90 = 3.888…

    // Post-stratified on sex with shares ½ and ½: men weigh 0.5/(8/12) = 0.75, women 0.5/(4/12) = 1.5.
    // Σw = 0.75·8 + 1.5·4 = 12, Σw·y = 0.75·6 + 1.5·1 = 6, Σw² = 0.5625·8 + 2.25·4 = 13.5.
    internal const double WeightedP = 6.0 / 12;
    internal const double NEff = 12.0 * 12 / 13.5;

    internal static (double Lo, double Hi) Wilson(double p, double n)
    {
        var denominator = 1 + Z * Z / n;
        var centre = (p + Z * Z / (2 * n)) / denominator;
        var half = Z * Math.Sqrt(p * (1 - p) / n + Z * Z / (4 * n * n)) / denominator;
        return (100 * (centre - half), 100 * (centre + half));
    }

    private async Task<HttpClient> AdminAsync()
    {
        await PlanningData.SeedAsync(factory);
        return await CchcSurvey.Web.Tests.Pages.Comments.WorkspaceSteps.AdminAsync(factory);
    }

    private static double Attribute(string html, string name)
    {
        var match = Regex.Match(html, $"{name}=\"([^\"]*)\"");
        Assert.True(match.Success, $"no {name} in the page");
        return double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task The_API_gives_rate_sample_size_points_and_the_weighted_share_to_1e_9()
    {
        var admin = await AdminAsync();
        var response = await admin.GetAsync("/api/v1/units/VQ-TT/planning?instrument=SIPAS-DV&weight=profile");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(12, json.GetProperty("responses").GetInt64());
        Assert.Equal(20, json.GetProperty("dossiers").GetInt64());
        Assert.Equal(Rate, json.GetProperty("response_rate").GetDouble(), 1e-9);
        Assert.False(json.GetProperty("more_than_dossiers").GetBoolean());
        Assert.Equal(SampleSize, json.GetProperty("sample_size").GetDouble(), 1e-9);
        Assert.Equal(20, json.GetProperty("needed").GetInt64());
        Assert.Equal(8, json.GetProperty("missing").GetInt64());
        Assert.Equal("HL_CHUNG", json.GetProperty("item").GetString());
        Assert.Equal(Share, json.GetProperty("satisfied").GetProperty("p").GetDouble(), 1e-9);
        Assert.Equal(Share, json.GetProperty("points_766").GetProperty("rate").GetDouble(), 1e-9);
        Assert.Equal(6, json.GetProperty("points_766").GetProperty("max").GetDouble());
        Assert.Equal(Points, json.GetProperty("points_766").GetProperty("points").GetDouble(), 1e-9);

        var weighted = json.GetProperty("weighted");
        var (lo, hi) = Wilson(WeightedP, NEff);
        Assert.Equal(100 * WeightedP, weighted.GetProperty("p").GetDouble(), 1e-9);
        Assert.Equal(NEff, weighted.GetProperty("n_eff").GetDouble(), 1e-9);
        Assert.Equal(lo, weighted.GetProperty("p_lo").GetDouble(), 1e-9);
        Assert.Equal(hi, weighted.GetProperty("p_hi").GetDouble(), 1e-9);
        Assert.Equal(JsonValueKind.Null, json.GetProperty("weighted_note").ValueKind);

        // The indices take the same name: the report as always, the weighted share beside it.
        var indices = JsonDocument.Parse(await admin.GetStringAsync("/api/v1/units/VQ-TT/indices?instrument=SIPAS-DV&weight=profile")).RootElement;
        Assert.Equal(12, indices.GetProperty("responses").GetInt64());
        Assert.Equal(Share, indices.GetProperty("items").GetProperty("HL_CHUNG").GetProperty("p").GetDouble(), 1e-9);
        Assert.Equal(100 * WeightedP, indices.GetProperty("weighted").GetProperty("p").GetDouble(), 1e-9);
        Assert.Equal(NEff, indices.GetProperty("weighted").GetProperty("n_eff").GetDouble(), 1e-9);
        var all = JsonDocument.Parse(await admin.GetStringAsync("/api/v1/units/VQ-TT/indices?weight=profile")).RootElement;
        Assert.Equal(100 * WeightedP, all.GetProperty("SIPAS-DV").GetProperty("weighted").GetProperty("p").GetDouble(), 1e-9);
        Assert.Equal("no-profile-items", all.GetProperty("NHANH").GetProperty("weighted_note").GetString());
        var unweighted = JsonDocument.Parse(await admin.GetStringAsync("/api/v1/units/VQ-TT/indices?instrument=SIPAS-DV")).RootElement;
        Assert.False(unweighted.TryGetProperty("weighted", out _));

        // Unweighted by default: the weighted share only when asked for.
        var plain = JsonDocument.Parse(await admin.GetStringAsync("/api/v1/units/VQ-TT/planning?instrument=SIPAS-DV")).RootElement;
        Assert.Equal(JsonValueKind.Null, plain.GetProperty("weighted").ValueKind);
        Assert.Equal(Share, plain.GetProperty("satisfied").GetProperty("p").GetDouble(), 1e-9);
    }

    [Fact]
    public async Task More_responses_than_dossiers_is_flagged_and_no_dossiers_gives_the_unbounded_sample_size_without_NaN()
    {
        var admin = await AdminAsync();
        var kk = JsonDocument.Parse(await admin.GetStringAsync("/api/v1/units/VQ-KK/planning?instrument=SIPAS-DV")).RootElement;
        Assert.Equal(11.0 / 10, kk.GetProperty("response_rate").GetDouble(), 1e-9);
        Assert.True(kk.GetProperty("more_than_dossiers").GetBoolean());
        Assert.Equal(10 / (1 + 10 * 0.0025), kk.GetProperty("sample_size").GetDouble(), 1e-9);
        Assert.Equal(0, kk.GetProperty("missing").GetInt64());
        Assert.Equal(6, kk.GetProperty("points_766").GetProperty("points").GetDouble(), 1e-9); // 100% ≥ 90%: the maximum

        // The district sums its communes' dossiers: 20 + 10, against 12 + 11 answers.
        var district = JsonDocument.Parse(await admin.GetStringAsync("/api/v1/units/VQ/planning?instrument=SIPAS-DV")).RootElement;
        Assert.Equal(30, district.GetProperty("dossiers").GetInt64());
        Assert.Equal(23.0 / 30, district.GetProperty("response_rate").GetDouble(), 1e-9);

        var text = await admin.GetStringAsync("/api/v1/units/VQ-LN/planning?instrument=SIPAS-DV&weight=profile");
        Assert.DoesNotContain("NaN", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Infinity", text, StringComparison.Ordinal);
        var ln = JsonDocument.Parse(text).RootElement;
        Assert.Equal(0, ln.GetProperty("responses").GetInt64());
        Assert.Equal(JsonValueKind.Null, ln.GetProperty("dossiers").ValueKind);
        Assert.Equal(JsonValueKind.Null, ln.GetProperty("response_rate").ValueKind);
        Assert.Equal(1 / (0.05 * 0.05), ln.GetProperty("sample_size").GetDouble(), 1e-9);
        Assert.Equal(400, ln.GetProperty("needed").GetInt64());
        Assert.Equal(400, ln.GetProperty("missing").GetInt64());
        Assert.Equal(JsonValueKind.Null, ln.GetProperty("points_766").ValueKind);
        Assert.Equal(JsonValueKind.Null, ln.GetProperty("weighted").ValueKind); // n_eff = 0 < MinN: suppressed, never NaN
    }

    [Fact]
    public async Task The_API_refuses_an_unknown_weighting_an_unknown_instrument_and_units_outside_the_scope()
    {
        var admin = await AdminAsync();
        var bad = await admin.GetAsync("/api/v1/units/VQ-TT/planning?weight=age");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("application/problem+json", bad.Content.Headers.ContentType?.MediaType);
        Assert.Contains("weight must be none or profile", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync("/api/v1/units/VQ-TT/planning?instrument=NOPE")).StatusCode);
        // weight is one name for every figure view: the indices and the dashboard refuse a bad value too.
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync("/api/v1/units/VQ-TT/indices?weight=age")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync("/dashboard?unit=VQ-TT&weight=age")).StatusCode);

        var viewer = await OfficialAsync(factory, "viewer", "VQ-KK");
        Assert.Equal(HttpStatusCode.NotFound, (await viewer.GetAsync("/api/v1/units/VQ-TT/planning")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync("/api/v1/units/VQ-KK/planning")).StatusCode);
    }

    [Fact]
    public async Task The_dashboard_shows_the_response_rate_the_sample_needed_and_the_weighted_share_beside_the_unweighted()
    {
        var admin = await AdminAsync();
        var html = WebUtility.HtmlDecode(await admin.GetStringAsync("/dashboard?unit=VQ-TT&instrument=SIPAS-DV"));
        Assert.Contains("Cỡ mẫu và tỷ lệ phản hồi", html);
        Assert.Equal(Rate, Attribute(html, "data-response-rate"), 1e-9);
        Assert.Equal(20, Attribute(html, "data-needed"));
        Assert.Equal(8, Attribute(html, "data-missing"));
        Assert.Contains("12 phiếu trả lời (SIPAS-DV) trên 20 hồ sơ của đơn vị trong kỳ: tỷ lệ phản hồi 60,0%.", html);
        Assert.Contains("Cần khoảng 20 phiếu để sai số ±5 điểm (tính trên 20 hồ sơ).", html);
        Assert.Contains("Còn thiếu 8 phiếu.", html);
        Assert.DoesNotContain("data-planning-weighted", html);
        Assert.Contains("data-planning-weight-link", html);

        var weighted = WebUtility.HtmlDecode(await admin.GetStringAsync("/dashboard?unit=VQ-TT&instrument=SIPAS-DV&weight=profile"));
        Assert.Equal(100 * WeightedP, Attribute(weighted, "data-planning-weighted"), 1e-9);
        var (lo, hi) = Wilson(WeightedP, NEff);
        Assert.Contains("Tỷ lệ hài lòng có gia quyền theo Giới tính:", weighted, StringComparison.Ordinal);
        Assert.Contains($"<strong>50,0%</strong> <span class=\"interval\">[{lo.ToString("0.0", CultureInfo.GetCultureInfo("vi-VN"))}–{hi.ToString("0.0", CultureInfo.GetCultureInfo("vi-VN"))}]", weighted);
        Assert.Contains("cỡ mẫu hiệu dụng n = 10,7", weighted);
        Assert.Contains(". <span data-planning-unweighted>Chưa gia quyền: 58,3% (n=12).</span>", weighted);   // never replaced silently
        Assert.Contains("id=\"headline-", weighted);                   // the headline stays as it was
        // Every link to another unit's dashboard keeps the weighting chosen.
        Assert.Matches("href=\"/dashboard\\?unit=VQ&[^\"]*weight=profile", weighted);
        Assert.DoesNotMatch("href=\"/dashboard\\?unit=VQ&[^\"]*weight=profile", html);

        // More responses than dossiers: the integrity sentence.
        var kk = WebUtility.HtmlDecode(await admin.GetStringAsync("/dashboard?unit=VQ-KK&instrument=SIPAS-DV"));
        Assert.Contains("data-planning-flag", kk);
        Assert.Contains("Số phiếu nhiều hơn số hồ sơ", kk);
    }

    [Fact]
    public async Task Without_dossier_counts_the_page_says_so_links_managers_to_the_import_and_shows_no_NaN()
    {
        var admin = await AdminAsync();
        var html = WebUtility.HtmlDecode(await admin.GetStringAsync("/dashboard?unit=VQ-LN&instrument=SIPAS-DV&weight=profile"));
        Assert.Contains("Chưa nhập số hồ sơ của đơn vị trong kỳ này, nên chưa tính được tỷ lệ phản hồi.", html);
        Assert.Contains("<code>dossiers import</code>", html);
        Assert.Contains("href=\"/docs/api\"", html);
        Assert.Contains("Khi chưa biết số hồ sơ: cần khoảng 400 phiếu để sai số ±5 điểm.", html);
        Assert.Contains("Còn thiếu 400 phiếu.", html);
        Assert.Contains("Tỷ lệ có gia quyền: chưa đủ dữ liệu.", html);
        Assert.DoesNotContain("NaN", html);
        Assert.DoesNotContain("∞", html);
        Assert.Contains("data-response-rate=\"\"", html);   // no rate at all, not an infinite one

        // A viewer may not import: the sentence stays, the pointer to the import does not.
        var viewer = await OfficialAsync(factory, "viewer", "VQ-LN");
        var seen = WebUtility.HtmlDecode(await viewer.GetStringAsync("/dashboard?unit=VQ-LN&instrument=SIPAS-DV"));
        Assert.Contains("Chưa nhập số hồ sơ của đơn vị trong kỳ này", seen);
        Assert.DoesNotContain("<code>dossiers import</code>", seen);

        // An instrument without profile items says it cannot be weighted.
        var quick = WebUtility.HtmlDecode(await admin.GetStringAsync("/dashboard?unit=VQ-LN&instrument=NHANH&weight=profile"));
        Assert.Contains("Bộ phiếu này không có câu hỏi về người trả lời", quick);
    }

    [Fact]
    public async Task The_report_gives_the_766_points_with_the_rule_in_words_and_the_planning_figures()
    {
        var admin = await AdminAsync();
        var html = WebUtility.HtmlDecode(await admin.GetStringAsync($"/dashboard/report?unit=VQ-TT&quarter={CurrentQuarter()}"));
        Assert.Contains("Cỡ mẫu, tỷ lệ phản hồi và điểm theo Quyết định 766/QĐ-TTg", html);
        Assert.Contains("tỷ lệ hài lòng từ 90% trở lên được điểm tối đa (6 điểm); dưới 90% được điểm tối đa nhân tỷ lệ hài lòng chia cho 90%.", html);
        Assert.Equal(Points, Attribute(html, "data-points-766"), 1e-9);
        Assert.Contains("Tỷ lệ hài lòng chung (HL_CHUNG) 58,3% → 3,89/6 điểm.", html);
        Assert.Equal(Rate, Attribute(html, "data-response-rate"), 1e-9);
        Assert.Contains("Còn thiếu 8 phiếu.", html);

        var weighted = WebUtility.HtmlDecode(await admin.GetStringAsync($"/dashboard/report?unit=VQ-TT&quarter={CurrentQuarter()}&weight=profile"));
        Assert.Equal(100 * WeightedP, Attribute(weighted, "data-planning-weighted"), 1e-9);
        Assert.Contains("<span data-planning-unweighted>Chưa gia quyền: 58,3% (n=12).</span>", weighted);

        var bad = WebUtility.HtmlDecode(await admin.GetStringAsync($"/dashboard/report?unit=VQ-TT&quarter={CurrentQuarter()}&weight=age"));
        Assert.Contains("Tham số weight chỉ nhận none hoặc profile", bad);
        Assert.DoesNotContain("data-planning-weighted", bad);
    }

    [Fact]
    public async Task English_pages_show_the_planning_figures_in_English()
    {
        var admin = await AdminAsync();
        var html = WebUtility.HtmlDecode(await admin.GetStringAsync("/dashboard?unit=VQ-TT&instrument=SIPAS-DV&culture=en"));
        Assert.Contains("Sample size and response rate", html);
        Assert.Contains("About 20 responses are needed for a margin of ±5 points (out of 20 dossiers).", html);
    }
}
