using System.Net;
using CchcSurvey.Tests.Shared;
using CchcSurvey.Web.Tests.Infrastructure;

namespace CchcSurvey.Web.Tests.Api;

public sealed class QrCodeTests(SurveyAppFactory factory) : IClassFixture<SurveyAppFactory>
{
    private const string SurveyUrl = "https://khaosat.example.vn/s/VQ-AS-Q1";

    [Fact]
    public async Task Png_decodes_to_the_counters_survey_url()
    {
        var client = factory.CreateClient();
        var response = await client.GetAsync("/api/v1/counters/VQ-AS-Q1/qr.png");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(SurveyUrl, QrDecoder.Decode(await response.Content.ReadAsByteArrayAsync()));
    }

    [Fact]
    public async Task Png_download_is_an_attachment_named_after_the_counter()
    {
        var client = factory.CreateClient();
        var response = await client.GetAsync("/api/v1/counters/VQ-TNMT-Q2/qr.png?download=1");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("VQ-TNMT-Q2.png", response.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        Assert.Equal("https://khaosat.example.vn/s/VQ-TNMT-Q2", QrDecoder.Decode(await response.Content.ReadAsByteArrayAsync()));
    }

    [Fact]
    public async Task Svg_is_an_svg_image()
    {
        var client = factory.CreateClient();
        var response = await client.GetAsync("/api/v1/counters/VQ-AS-Q1/qr.svg");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/svg+xml", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<svg", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("/api/v1/counters/NO-SUCH-COUNTER/qr.png")]
    [InlineData("/api/v1/counters/NO-SUCH-COUNTER/qr.svg")]
    public async Task Unknown_counter_is_404_problem_details(string path)
    {
        var client = factory.CreateClient();
        var response = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("\"status\":404", (await response.Content.ReadAsStringAsync()).Replace(" ", ""));
    }

    [Fact]
    public async Task A_counters_qr_image_is_made_once_and_served_from_the_cache()
    {
        var first = await factory.CreateClient().GetByteArrayAsync("/api/v1/counters/VQ-AS-Q1/qr.png");
        var second = await factory.CreateClient().GetByteArrayAsync("/api/v1/counters/VQ-AS-Q1/qr.png");
        Assert.Equal(first, second);
        const string url = "https://khaosat.example.vn/s/VQ-AS-Q1";
        Assert.Same(CchcSurvey.Web.Surveys.QrCodes.CounterPng(url), CchcSurvey.Web.Surveys.QrCodes.CounterPng(url));
        Assert.Equal(first, CchcSurvey.Web.Surveys.QrCodes.CounterPng(url));
        Assert.Equal(CchcSurvey.Web.Surveys.QrCodes.CounterSvg(url), CchcSurvey.Web.Surveys.QrCodes.Svg(url));
        // A secret URL (a token's, an authenticator's) is never kept: the uncached encoder makes a new image each time.
        Assert.NotSame(CchcSurvey.Web.Surveys.QrCodes.Png(url), CchcSurvey.Web.Surveys.QrCodes.Png(url));
    }
}
