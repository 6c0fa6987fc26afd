using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using CchcSurvey.Web.Tests.Infrastructure;

namespace CchcSurvey.Web.Tests.Indices;

/// <summary>
/// METHODOLOGY §6, No differencing, across units: a district with one small commune (n below MinN). An official who
/// reads the district and its other communes — on the dashboard's heatmap and ranking, and in the indices and ranking
/// API — must not be able to compute the small commune as the district minus the others.
/// </summary>
public sealed class DifferencingAcrossUnitsTests(SurveyAppFactory factory) : IClassFixture<SurveyAppFactory>
{
    private static readonly SemaphoreSlim Seeded = new(1, 1);
    private static readonly HashSet<string> SeededDatabases = [];

    /// <summary>VQ-BP: 12 answers (10 satisfied), VQ-LH: 15 (12 satisfied), VQ-LN: 3 (all satisfied: the small one).</summary>
    private async Task<HttpClient> SeedAndSignInAsync()
    {
        await Seeded.WaitAsync();
        try
        {
            if (SeededDatabases.Add(factory.DatabaseFile))
            {
                var api = factory.CreateClient();
                async Task Post(string counter, int hl, int times)
                {
                    for (var i = 0; i < times; i++)
                        Assert.Equal(HttpStatusCode.Created, (await api.PostAsJsonAsync("/api/v1/responses", new
                        {
                            submissionId = Guid.NewGuid(), counter, instrument = "NHANH", channel = "qr",
                            answers = new Dictionary<string, object> { ["HL"] = hl },
                        })).StatusCode);
                }
                await Post("VQ-BP-Q1", 5, 10);
                await Post("VQ-BP-Q1", 1, 2);
                await Post("VQ-LH-Q1", 4, 12);
                await Post("VQ-LH-Q1", 2, 3);
                await Post("VQ-LN-Q1", 5, 3);
            }
        }
        finally
        {
            Seeded.Release();
        }
        var client = factory.CreateBrowserClient();
        await Http.SignInAsync(client, SurveyAppFactory.AdminEmail, SurveyAppFactory.AdminPassword);
        return client;
    }

    private static async Task<JsonElement> QuickAsync(HttpClient client, string unit)
    {
        var json = await client.GetFromJsonAsync<JsonElement>($"/api/v1/units/{unit}/indices?instrument=NHANH");
        return json.GetProperty("HL");
    }

    [Fact]
    public async Task The_indices_api_never_lets_parent_minus_shown_children_give_a_hidden_child()
    {
        var client = await SeedAndSignInAsync();
        var parent = await QuickAsync(client, "VQ");
        Assert.Equal(30, parent.GetProperty("n").GetInt64());
        Assert.False(parent.GetProperty("suppressed").GetBoolean());

        var children = new Dictionary<string, JsonElement>();
        foreach (var code in new[] { "VQ-BP", "VQ-LH", "VQ-LN" }) children[code] = await QuickAsync(client, code);
        Assert.True(children["VQ-LN"].GetProperty("suppressed").GetBoolean());

        // The attack: the parent's level counts minus those of every child shown. It must never isolate one child.
        var hidden = children.Where(c => c.Value.GetProperty("suppressed").GetBoolean()).Select(c => c.Key).ToList();
        Assert.True(hidden.Count >= 2, $"only {string.Join(", ", hidden)} hidden: it is the parent minus the other children");
        // The smallest shown sibling is the one hidden too (the exports' rule), the others stay.
        Assert.Equal(["VQ-BP", "VQ-LN"], hidden.Order().ToArray());
        Assert.False(children["VQ-LH"].GetProperty("suppressed").GetBoolean());
        Assert.Equal(JsonValueKind.Null, children["VQ-BP"].GetProperty("counts").ValueKind);
        Assert.Equal(JsonValueKind.Null, children["VQ-BP"].GetProperty("p").ValueKind);
    }

    [Fact]
    public async Task The_ranking_api_leaves_the_complementary_sibling_unranked()
    {
        var client = await SeedAndSignInAsync();
        var ranking = await client.GetFromJsonAsync<JsonElement>("/api/v1/units/VQ/ranking?instrument=NHANH");
        var ranked = ranking.GetProperty("units").EnumerateArray().Select(u => u.GetProperty("unit").GetString()).ToList();
        var insufficient = ranking.GetProperty("insufficient").EnumerateArray().Select(u => u.GetProperty("unit").GetString()).ToList();
        Assert.Equal(["VQ-LH"], ranked);
        Assert.Contains("VQ-BP", insufficient);
        Assert.Contains("VQ-LN", insufficient);
    }

    [Fact]
    public async Task The_dashboard_heatmap_and_ranking_hide_the_complementary_sibling_and_its_own_dashboard_agrees()
    {
        var client = await SeedAndSignInAsync();
        var html = await client.GetStringAsync("/dashboard?unit=VQ&instrument=NHANH");
        string QuickCell(string unit)
        {
            var row = Regex.Match(html, $"<tr data-unit=\"{Regex.Escape(unit)}\"[^>]*>([\\s\\S]*?)</tr>");
            Assert.True(row.Success, unit);
            return Regex.Matches(row.Groups[1].Value, "<td[^>]*>([\\s\\S]*?)</td>")[^1].Groups[1].Value;
        }
        Assert.Contains("chưa đủ dữ liệu", QuickCell("VQ-LN"), StringComparison.Ordinal);
        Assert.Contains("chưa đủ dữ liệu", QuickCell("VQ-BP"), StringComparison.Ordinal);
        Assert.DoesNotContain("chưa đủ dữ liệu", QuickCell("VQ-LH"), StringComparison.Ordinal);
        Assert.Contains("80,0%", QuickCell("VQ-LH"), StringComparison.Ordinal);
        Assert.Matches("data-rank-unit=\"VQ-BP\" data-rank=\"\"", html);
        Assert.Matches("data-rank-unit=\"VQ-LH\" data-rank=\"1\"", html);
        // The parent's own figure stays: with two children hidden it does not isolate either.
        Assert.Matches("id=\"headline-quick\" data-n=\"30\" data-value=\"[0-9]", html);

        // The hidden sibling's own dashboard hides the same figure (otherwise the attack would just read it there).
        var own = await client.GetStringAsync("/dashboard?unit=VQ-BP&instrument=NHANH");
        Assert.Contains("id=\"headline-quick\" data-n=\"12\" data-value=\"\"", own, StringComparison.Ordinal);
    }
}
