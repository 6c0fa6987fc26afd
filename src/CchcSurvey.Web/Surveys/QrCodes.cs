using CchcSurvey.Web.Api;
using CchcSurvey.Web.Infrastructure;
using Microsoft.Extensions.Options;
using QRCoder;

namespace CchcSurvey.Web.Surveys;

/// <summary>QR codes that lead a phone camera to a counter's survey.</summary>
public sealed class QrCodes(IOptions<SurveyOptions> options)
{
    /// <summary>The absolute survey URL of a counter: the configured public base URL, else the request's own.</summary>
    public string SurveyUrl(HttpRequest request, string counterCode)
    {
        var configured = options.Value.PublicBaseUrl;
        var baseUrl = string.IsNullOrWhiteSpace(configured) ? $"{request.Scheme}://{request.Host}{request.PathBase}" : configured.TrimEnd('/');
        return $"{baseUrl}/s/{Uri.EscapeDataString(counterCode)}";
    }

    // Quartile error correction survives a scuffed or partly covered poster on a counter.
    private static QRCodeData Encode(string url) => QRCodeGenerator.GenerateQrCode(url, QRCodeGenerator.ECCLevel.Q);

    public static byte[] Png(string url, int pixelsPerModule = 10)
    {
        using var data = Encode(url);
        return new PngByteQRCode(data).GetGraphic(pixelsPerModule);
    }

    public static string Svg(string url, int pixelsPerModule = 8)
    {
        using var data = Encode(url);
        return new SvgQRCode(data).GetGraphic(pixelsPerModule);
    }

    // A counter's QR code is the same image every time: encoding it (and, for PNG, compressing it) cost a few
    // milliseconds of CPU per request, which an anonymous caller could repeat at will. Only counter survey URLs
    // are cached (never a token's or an authenticator's secret URL); the cache is emptied if it ever grows large
    // (the URL includes the request's host when Survey:PublicBaseUrl is empty).
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(string Url, char Format, int Size), byte[]> CounterImages = new();
    private const int MaxCachedImages = 4096;

    internal static int CachedCounterImages => CounterImages.Count;

    /// <summary>A counter's QR code as PNG, cached per counter URL.</summary>
    public static byte[] CounterPng(string url, int pixelsPerModule = 10) => Cached((url, 'p', pixelsPerModule), () => Png(url, pixelsPerModule));

    /// <summary>A counter's QR code as SVG, cached per counter URL.</summary>
    public static string CounterSvg(string url, int pixelsPerModule = 8) =>
        System.Text.Encoding.UTF8.GetString(Cached((url, 's', pixelsPerModule), () => System.Text.Encoding.UTF8.GetBytes(Svg(url, pixelsPerModule))));

    private static byte[] Cached((string, char, int) key, Func<byte[]> make)
    {
        if (CounterImages.TryGetValue(key, out var image)) return image;
        if (CounterImages.Count >= MaxCachedImages) CounterImages.Clear();
        return CounterImages.GetOrAdd(key, _ => make());
    }
}

public static class QrCodeEndpoints
{
    public static void MapQrCodes(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/counters/{code}/qr.{format:regex(^(png|svg)$)}", async (string code, string format, HttpContext http, SurveyResolver resolver, QrCodes qr, CancellationToken ct) =>
        {
            var counter = await resolver.CounterAsync(code, SurveyCaching.None, ct);
            if (counter is null) return Api.Problems.NotFound($"No active counter '{code}'.");
            var url = qr.SurveyUrl(http.Request, counter.Code);
            var download = http.Request.Query.ContainsKey("download");
            return format == "png"
                ? Results.File(QrCodes.CounterPng(url), "image/png", download ? $"{counter.Code}.png" : null)
                : Results.File(System.Text.Encoding.UTF8.GetBytes(QrCodes.CounterSvg(url)), "image/svg+xml", download ? $"{counter.Code}.svg" : null);
        })
            .WithQuery(("download", "Present (any value): sent as a file to save, named after the counter."))
            .Produces(StatusCodes.Status200OK, typeof(Stream), "image/png", "image/svg+xml")
            .Describe("Survey", "getCounterQrCode", "A counter's QR code", "The QR code of the counter's survey address, as PNG or SVG (`format`).", 404)
            .WithExamples(
                new Api.ApiExample("svg", "The SVG of a commune's counter", 200, new Dictionary<string, string> { ["code"] = "VQ-AS-Q1", ["format"] = "svg" }),
                new Api.ApiExample("unknown", "No such active counter", 404, new Dictionary<string, string> { ["code"] = "XX-NONE", ["format"] = "png" },
                    Response: Api.ApiDocumentation.Problem(404, "Not found", "No active counter 'XX-NONE'.")));
    }
}
