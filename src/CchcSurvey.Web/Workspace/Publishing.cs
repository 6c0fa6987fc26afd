using System.Text.Json;
using System.Text.Json.Serialization;
using CchcSurvey.Core.Indices;
using CchcSurvey.Core.Instruments;
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

/// <summary>An element's published share, with the element's title as it was when published.</summary>
public sealed record PublishedElement(
    [property: JsonPropertyName("code")] string Code,
    [property: JsonPropertyName("title")] LocalizedText Title,
    [property: JsonPropertyName("figure")] PublishedFigure? Figure);

/// <summary>The index (§4.4) and element shares (§4.3) of one instrument that declares elements.</summary>
public sealed record PublishedIndex(
    [property: JsonPropertyName("instrument")] string Instrument,
    [property: JsonPropertyName("title")] LocalizedText Title,
    [property: JsonPropertyName("index")] PublishedFigure? Index,
    [property: JsonPropertyName("elements")] IReadOnlyList<PublishedElement> Elements,
    // The unit's headline number (the overall question's satisfied share), as on the dashboard and report; absent
    // from publications made before it was frozen too.
    [property: JsonPropertyName("overall")] PublishedFigure? Overall = null);

/// <summary>
/// What a publication freezes. A suppressed figure (n &lt; MinN) is stored as null — not even its n — so the
/// public page cannot show a small count by mistake. <see cref="Indices"/> holds every instrument with elements;
/// publications made before it existed have only the default instrument's <see cref="SipasIndex"/> and <see cref="Elements"/>.
/// </summary>
public sealed record PublishedFigures(
    [property: JsonPropertyName("unit")] string Unit,
    [property: JsonPropertyName("unitName")] string UnitName,
    [property: JsonPropertyName("quarter")] string Quarter,
    [property: JsonPropertyName("minN")] int MinN,
    [property: JsonPropertyName("sipasIndex")] PublishedFigure? SipasIndex,
    [property: JsonPropertyName("elements")] IReadOnlyDictionary<string, PublishedFigure?> Elements,
    [property: JsonPropertyName("quickShare")] PublishedFigure? QuickShare,
    [property: JsonPropertyName("tt01Mean")] PublishedFigure? Tt01Mean,
    [property: JsonPropertyName("indices")] IReadOnlyList<PublishedIndex>? Indices = null)
{
    private static readonly JsonSerializerOptions Json = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static PublishedFigures FromJson(string json) =>
        JsonSerializer.Deserialize<PublishedFigures>(json, Json) ?? throw new FormatException("Empty publication.");
}

/// <summary>
/// Computes a unit's figures for a quarter, from the statistics cells, keeping only those with n ≥ MinN.
/// Used when an administrator publishes; the result is frozen in <see cref="Publication.FiguresJson"/>.
/// </summary>
public sealed class PublicationBuilder(FiguresService figures, Surveys.InstrumentRegistry registry)
{
    public async Task<PublishedFigures> BuildAsync(Unit unit, QuarterPeriod quarter, CancellationToken ct)
    {
        var filter = new IndexFilter(quarter.From, quarter.To, null);
        var options = figures.Options;
        PublishedFigure? quick = null, tt01 = null;
        var current = await figures.InstrumentsAsync(ct);
        var published = current.Select(i => i.Code).ToHashSet(StringComparer.Ordinal);
        var indices = new List<PublishedIndex>();
        foreach (var instrument in current.Where(i => i.Definition.Figures.HasFlag(InstrumentFigures.Elements))
            .OrderBy(i => i == registry.Default(current) ? 0 : 1).ThenBy(i => i.Code, StringComparer.Ordinal))
        {
            // Flagged responses left out, complementary suppression in time and across units, as on the dashboard (docs/methodology.md §6).
            var report = (SipasServiceReport)await figures.ReportAsync(unit, instrument.Code, filter, ct);
            indices.Add(new PublishedIndex(instrument.Code, instrument.Definition.Title, Shown(report.Index),
                instrument.Definition.Elements.Select(e => new PublishedElement(e.Code, e.Title,
                    report.Elements.TryGetValue(e.Code, out var figure) ? Shown(figure) : null)).ToList(),
                instrument.Definition.OverallItem is { } overall && report.Items.TryGetValue(overall.Code, out var share) ? Shown(share) : null));
        }
        var headline = indices.FirstOrDefault();
        var elements = headline?.Elements.ToDictionary(e => e.Code, e => e.Figure) ?? [];
        if (published.Contains("NHANH"))
            quick = Shown(((QuickRatingReport)await figures.ReportAsync(unit, "NHANH", filter, ct)).Overall);
        if (published.Contains("TT01"))
        {
            var total = ((Tt01Report)await figures.ReportAsync(unit, "TT01", filter, ct)).Total;
            tt01 = total is { Suppressed: false, Mean: double m, Lo: double lo, Hi: double hi } ? new PublishedFigure(m, lo, hi, total.N) : null;
        }
        return new PublishedFigures(unit.Code, unit.Name, quarter.ToString(), options.MinN, headline?.Index, elements, quick, tt01, indices);
    }

    private static PublishedFigure? Shown(IndexFigure f) =>
        f is { Suppressed: false, Value: double v, Lo: double lo, Hi: double hi } ? new PublishedFigure(v, lo, hi, f.N) : null;

    private static PublishedFigure? Shown(ItemFigure f) =>
        f is { Suppressed: false, P: double p, PLo: double lo, PHi: double hi } ? new PublishedFigure(p, lo, hi, f.N) : null;
}
