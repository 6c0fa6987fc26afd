using System.Text.Json;
using System.Text.Json.Serialization;
using CchcSurvey.Core.Indices;
using CchcSurvey.Web.Data;
using CchcSurvey.Web.Indices;
using CchcSurvey.Web.Surveys;
using Microsoft.EntityFrameworkCore;

namespace CchcSurvey.Web.Workspace;

/// <summary>A published figure: a value (percent, or TT01 points) with its 95% interval and n ≥ MinN.</summary>
public sealed record PublishedFigure(
    [property: JsonPropertyName("value")] double Value,
    [property: JsonPropertyName("lo")] double Lo,
    [property: JsonPropertyName("hi")] double Hi,
    [property: JsonPropertyName("n")] long N);

/// <summary>
/// What a publication freezes. A suppressed figure (n &lt; MinN) is stored as null — not even its n — so the
/// public page cannot show a small count by mistake.
/// </summary>
public sealed record PublishedFigures(
    [property: JsonPropertyName("unit")] string Unit,
    [property: JsonPropertyName("unitName")] string UnitName,
    [property: JsonPropertyName("quarter")] string Quarter,
    [property: JsonPropertyName("minN")] int MinN,
    [property: JsonPropertyName("sipasIndex")] PublishedFigure? SipasIndex,
    [property: JsonPropertyName("elements")] IReadOnlyDictionary<string, PublishedFigure?> Elements,
    [property: JsonPropertyName("quickShare")] PublishedFigure? QuickShare,
    [property: JsonPropertyName("tt01Mean")] PublishedFigure? Tt01Mean)
{
    public static readonly string[] ElementCodes = ["TC", "TT", "CC", "KQ", "PA"];

    private static readonly JsonSerializerOptions Json = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static PublishedFigures FromJson(string json) =>
        JsonSerializer.Deserialize<PublishedFigures>(json, Json) ?? throw new FormatException("Empty publication.");
}

/// <summary>
/// Computes a unit's figures for a quarter, from the statistics cells, keeping only those with n ≥ MinN.
/// Used when an administrator publishes; the result is frozen in <see cref="Publication.FiguresJson"/>.
/// </summary>
public sealed class PublicationBuilder(FiguresService figures)
{
    public async Task<PublishedFigures> BuildAsync(Unit unit, QuarterPeriod quarter, CancellationToken ct)
    {
        var filter = new IndexFilter(quarter.From, quarter.To, null);
        var options = figures.Options;
        var published = (await figures.InstrumentsAsync(ct)).Select(i => i.Code).ToHashSet(StringComparer.Ordinal);
        PublishedFigure? sipasIndex = null, quick = null, tt01 = null;
        var elements = PublishedFigures.ElementCodes.ToDictionary(e => e, _ => (PublishedFigure?)null);
        if (published.Contains("SIPAS-DV"))
        {
            // Flagged responses left out, complementary suppression in time and across units, as on the dashboard (METHODOLOGY §6).
            var sipas = (SipasServiceReport)await figures.ReportAsync(unit, "SIPAS-DV", filter, ct);
            sipasIndex = Shown(sipas.Index);
            foreach (var code in PublishedFigures.ElementCodes)
                elements[code] = sipas.Elements.TryGetValue(code, out var element) ? Shown(element) : null;
        }
        if (published.Contains("NHANH"))
            quick = Shown(((QuickRatingReport)await figures.ReportAsync(unit, "NHANH", filter, ct)).Overall);
        if (published.Contains("TT01"))
        {
            var total = ((Tt01Report)await figures.ReportAsync(unit, "TT01", filter, ct)).Total;
            tt01 = total is { Suppressed: false, Mean: double m, Lo: double lo, Hi: double hi } ? new PublishedFigure(m, lo, hi, total.N) : null;
        }
        return new PublishedFigures(unit.Code, unit.Name, quarter.ToString(), options.MinN, sipasIndex, elements, quick, tt01);
    }

    private static PublishedFigure? Shown(IndexFigure f) =>
        f is { Suppressed: false, Value: double v, Lo: double lo, Hi: double hi } ? new PublishedFigure(v, lo, hi, f.N) : null;

    private static PublishedFigure? Shown(ItemFigure f) =>
        f is { Suppressed: false, P: double p, PLo: double lo, PHi: double hi } ? new PublishedFigure(p, lo, hi, f.N) : null;
}
