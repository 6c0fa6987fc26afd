using CchcSurvey.Web.Data;
using CchcSurvey.Web.Integrity;
using Microsoft.EntityFrameworkCore;

namespace CchcSurvey.Web.Surveys;

/// <summary>
/// Whether a look-up may be answered from <see cref="SubmissionLookups"/>: the JSON API (the hot path under load) may,
/// the survey form does not (a citizen's page always shows the counter as it is now).
/// </summary>
public enum SurveyCaching
{
    /// <summary>Straight from the database.</summary>
    None,
    /// <summary>From the short-lived, self-invalidating cache (<see cref="SubmissionLookups.Ttl"/>).</summary>
    Short,
}

/// <summary>How the instrument of a survey was found: the code asked for (or the counter's default), whether the counter offers it, and its published version.</summary>
/// <param name="Instrument">The published version; null when the counter does not offer the code or no such version is published.</param>
public sealed record SurveyInstrument(string Code, bool Offered, PublishedInstrument? Instrument)
{
    public bool Found => Instrument is not null;
}

/// <summary>
/// The one front door of a survey: finds the counter (by code, or through a per-dossier token) and the instrument it
/// offers, for the survey form (<c>/s</c>, <c>/t</c>, <c>/kiosk</c>), the thank-you pages, the QR codes and the JSON API
/// alike. Only active counters of active units are found; after a reorganisation a counter has moved to its unit's
/// successor, so an old QR code lands there. Tokens are never cached: their state (used, expired) is the point of them,
/// and the writer checks it again when it redeems one.
/// </summary>
public sealed class SurveyResolver(SurveyDbContext db, InstrumentRegistry registry, DossierTokenService tokens, SubmissionLookups cache)
{
    /// <summary>The active counter (of an active unit) with this code and its unit, or null.</summary>
    public Task<Counter?> CounterAsync(string code, SurveyCaching caching, CancellationToken ct) =>
        caching == SurveyCaching.Short
            ? cache.CounterAsync(code, () => LoadCounterAsync(code, ct))
            : LoadCounterAsync(code, ct);

    /// <summary>A per-dossier token's state and its active counter (Unknown: never issued, malformed or its counter closed).</summary>
    public Task<(TokenState State, Counter? Counter)> TokenAsync(string? token, CancellationToken ct) => tokens.FindAsync(token, ct);

    /// <summary>
    /// The instrument <paramref name="code"/> (the counter's default when null) if the counter offers it: its current
    /// version, or <paramref name="version"/>. Codes are compared as given; callers that accept loose input (a typed
    /// URL) normalise it first.
    /// </summary>
    public async Task<SurveyInstrument> InstrumentAsync(Counter counter, string? code, int? version, SurveyCaching caching, CancellationToken ct)
    {
        var chosen = code ?? counter.DefaultInstrument;
        if (!counter.Offers(chosen)) return new SurveyInstrument(chosen, false, null);
        var instrument = caching == SurveyCaching.Short
            ? await cache.InstrumentAsync(chosen, version, () => registry.FindAsync(db, chosen, version, ct))
            : await registry.FindAsync(db, chosen, version, ct);
        return new SurveyInstrument(chosen, true, instrument);
    }

    private async Task<Counter?> LoadCounterAsync(string code, CancellationToken ct) =>
        await db.Counters.AsNoTracking().Include(c => c.Unit)
            .FirstOrDefaultAsync(c => c.Code == code && c.IsActive && c.Unit.IsActive, ct);
}
