using System.Collections.Concurrent;
using CchcSurvey.Web.Data;

namespace CchcSurvey.Web.Surveys;

/// <summary>
/// A small cache for the JSON submission path (the hot path under load): active counters by code and published
/// instrument versions by code and version, so that a submission does not cost two database queries before it
/// is queued. A counter or "current version" is re-read after <see cref="Ttl"/>, so deactivating a counter or
/// publishing a new version takes effect on the API within that time (pages always read the database).
/// Only hits are cached: unknown codes always go to the database and cannot grow the cache.
/// </summary>
public sealed class SubmissionLookups(InstrumentRegistry instruments)
{
    public static readonly TimeSpan Ttl = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<string, (Counter Counter, long Expires)> _counters = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Code, int? Version), (PublishedInstrument Instrument, long Expires)> _instruments = new();

    public async Task<Counter?> ActiveCounterAsync(SubmissionService submissions, string code, CancellationToken ct)
    {
        var now = Environment.TickCount64;
        if (_counters.TryGetValue(code, out var hit) && hit.Expires > now) return hit.Counter;
        var counter = await submissions.FindActiveCounterAsync(code, ct);
        if (counter is null) _counters.TryRemove(code, out _);
        else _counters[code] = (counter, now + (long)Ttl.TotalMilliseconds);
        return counter;
    }

    public async Task<PublishedInstrument?> InstrumentAsync(SurveyDbContext db, string code, int? version, CancellationToken ct)
    {
        var now = Environment.TickCount64;
        if (_instruments.TryGetValue((code, version), out var hit) && hit.Expires > now) return hit.Instrument;
        var instrument = await instruments.FindAsync(db, code, version, ct);
        // A given version never changes; only "the current version" can move on.
        var expires = version is null ? now + (long)Ttl.TotalMilliseconds : long.MaxValue;
        if (instrument is null) _instruments.TryRemove((code, version), out _);
        else _instruments[(code, version)] = (instrument, expires);
        return instrument;
    }
}
