using System.Text.Json.Serialization;

namespace CchcSurvey.Core.Indices;

// Result DTOs. Property names are those of the reference file (tests/data/reference/expected.json) so the web
// app's API and exports and the reference figures share one shape. A suppressed figure keeps n and nulls the rest.

/// <summary>Figures of one likert item (§4.1 share with Wilson interval, §4.2 score with t interval, counts c_1..c_K); shares and scores in percent.</summary>
public sealed record ItemFigure(
    [property: JsonPropertyName("n")] long N,
    [property: JsonPropertyName("suppressed")] bool Suppressed,
    [property: JsonPropertyName("p")] double? P,
    [property: JsonPropertyName("p_lo")] double? PLo,
    [property: JsonPropertyName("p_hi")] double? PHi,
    [property: JsonPropertyName("score")] double? Score,
    [property: JsonPropertyName("score_lo")] double? ScoreLo,
    [property: JsonPropertyName("score_hi")] double? ScoreHi,
    [property: JsonPropertyName("counts")] IReadOnlyList<long>? Counts);

/// <summary>An index (percent) with its t interval: SIPAS service index, policy group or policy index.</summary>
public sealed record IndexFigure(
    [property: JsonPropertyName("n")] long N,
    [property: JsonPropertyName("suppressed")] bool Suppressed,
    [property: JsonPropertyName("value")] double? Value,
    [property: JsonPropertyName("lo")] double? Lo,
    [property: JsonPropertyName("hi")] double? Hi);

/// <summary>Cronbach's α of an element's statements and its number of complete cases.</summary>
public sealed record AlphaFigure(
    [property: JsonPropertyName("alpha")] double Alpha,
    [property: JsonPropertyName("n")] long N);

/// <summary>TT01 mean total (0–18) with its t interval; n = complete responses.</summary>
public sealed record TotalFigure(
    [property: JsonPropertyName("n")] long N,
    [property: JsonPropertyName("suppressed")] bool Suppressed,
    [property: JsonPropertyName("mean")] double? Mean,
    [property: JsonPropertyName("lo")] double? Lo,
    [property: JsonPropertyName("hi")] double? Hi);

/// <summary>TT01 indicator mean points (0–2).</summary>
public sealed record IndicatorFigure(
    [property: JsonPropertyName("n")] long N,
    [property: JsonPropertyName("suppressed")] bool Suppressed,
    [property: JsonPropertyName("mean_points")] double? MeanPoints);

/// <summary>PAPI-style dimension score (1–10) with its t interval.</summary>
public sealed record DimensionFigure(
    [property: JsonPropertyName("n")] long N,
    [property: JsonPropertyName("suppressed")] bool Suppressed,
    [property: JsonPropertyName("score")] double? Score,
    [property: JsonPropertyName("lo")] double? Lo,
    [property: JsonPropertyName("hi")] double? Hi);

/// <summary>PAPI-style aggregate (8–80), no interval.</summary>
public sealed record AggregateFigure(
    [property: JsonPropertyName("suppressed")] bool Suppressed,
    [property: JsonPropertyName("score")] double? Score);

/// <summary>
/// Figures of one instrument for one set of responses. Serialising through this base type writes the concrete
/// report's properties (no type discriminator), so an API can return <c>InstrumentReport</c> directly.
/// </summary>
[JsonDerivedType(typeof(SipasServiceReport))]
[JsonDerivedType(typeof(SipasPolicyReport))]
[JsonDerivedType(typeof(Tt01Report))]
[JsonDerivedType(typeof(QuickRatingReport))]
[JsonDerivedType(typeof(PapiReport))]
public abstract record InstrumentReport([property: JsonPropertyName("responses")] long Responses);

/// <summary>SIPAS-DV (§4.1–4.4, §4.12).</summary>
public sealed record SipasServiceReport(
    long Responses,
    [property: JsonPropertyName("items")] IReadOnlyDictionary<string, ItemFigure> Items,
    [property: JsonPropertyName("elements")] IReadOnlyDictionary<string, ItemFigure> Elements,
    [property: JsonPropertyName("index")] IndexFigure Index,
    [property: JsonPropertyName("alpha")] IReadOnlyDictionary<string, AlphaFigure?> Alpha,
    [property: JsonPropertyName("MONG_DOI")] IReadOnlyDictionary<string, long>? Priorities) : InstrumentReport(Responses);

/// <summary>SIPAS-CS (§4.5).</summary>
public sealed record SipasPolicyReport(
    long Responses,
    [property: JsonPropertyName("items")] IReadOnlyDictionary<string, ItemFigure> Items,
    [property: JsonPropertyName("groups")] IReadOnlyDictionary<string, IndexFigure> Groups,
    [property: JsonPropertyName("index")] IndexFigure Index) : InstrumentReport(Responses);

/// <summary>TT01 (§4.6).</summary>
public sealed record Tt01Report(
    long Responses,
    [property: JsonPropertyName("total")] TotalFigure Total,
    [property: JsonPropertyName("bands")] IReadOnlyDictionary<string, long>? Bands,
    [property: JsonPropertyName("indicators")] IReadOnlyDictionary<string, IndicatorFigure> Indicators,
    [property: JsonPropertyName("HL")] ItemFigure Overall) : InstrumentReport(Responses);

/// <summary>NHANH quick rating (§3.4).</summary>
public sealed record QuickRatingReport(
    long Responses,
    [property: JsonPropertyName("HL")] ItemFigure Overall,
    [property: JsonPropertyName("LY_DO")] IReadOnlyDictionary<string, long>? Reasons) : InstrumentReport(Responses);

/// <summary>PAPI-M (§4.7).</summary>
public sealed record PapiReport(
    long Responses,
    [property: JsonPropertyName("dimensions")] IReadOnlyDictionary<string, DimensionFigure> Dimensions,
    [property: JsonPropertyName("aggregate")] AggregateFigure Aggregate) : InstrumentReport(Responses);
