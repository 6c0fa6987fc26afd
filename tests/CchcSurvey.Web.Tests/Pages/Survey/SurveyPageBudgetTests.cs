using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using CchcSurvey.Web.Tests.Infrastructure;

namespace CchcSurvey.Web.Tests.Pages.Survey;

/// <summary>The NHANH page with everything it loads must weigh at most 50 KB compressed (slow mobile networks).</summary>
public sealed partial class SurveyPageBudgetTests(SurveyAppFactory factory) : IClassFixture<SurveyAppFactory>
{
    private const int BudgetBytes = 50 * 1024;

    [Theory]
    [InlineData("/s/VQ-AS-Q1")]
    [InlineData("/kiosk/VQ-AS-Q1")]
    public async Task Quick_page_with_its_css_and_js_weighs_at_most_50_KB_gzipped(string url)
    {
        var client = factory.CreateClient(new() { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.AcceptEncoding.Add(new StringWithQualityHeaderValue("gzip"));

        var page = await client.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("gzip", page.Content.Headers.ContentEncoding);
        var pageBytes = await page.Content.ReadAsByteArrayAsync();
        var html = await DecompressAsync(pageBytes);

        var assets = AssetPattern().Matches(html).Select(m => WebUtility.HtmlDecode(m.Groups[1].Value)).Distinct().ToList();
        Assert.Contains(assets, a => a.StartsWith("/css/survey.css", StringComparison.Ordinal));
        Assert.Contains(assets, a => a.StartsWith("/js/survey.js", StringComparison.Ordinal));
        Assert.DoesNotContain(assets, a => a.StartsWith("http", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain("@font-face", html);

        long total = pageBytes.Length;
        foreach (var asset in assets)
        {
            var response = await client.GetAsync(asset);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("gzip", response.Content.Headers.ContentEncoding);
            var bytes = await response.Content.ReadAsByteArrayAsync();
            Assert.DoesNotContain("@font-face", await DecompressAsync(bytes));
            total += bytes.Length;
        }
        Assert.True(total <= BudgetBytes, $"{url} weighs {total} bytes compressed, over the {BudgetBytes}-byte budget.");
    }

    private static async Task<string> DecompressAsync(byte[] gzip)
    {
        await using var stream = new System.IO.Compression.GZipStream(new MemoryStream(gzip), System.IO.Compression.CompressionMode.Decompress);
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync();
    }

    [GeneratedRegex("(?:href|src)=\"([^\"?#]+\\.(?:css|js)(?:\\?[^\"]*)?)\"")]
    private static partial Regex AssetPattern();
}
