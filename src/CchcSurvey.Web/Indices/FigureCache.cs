using Microsoft.Extensions.Caching.Memory;

namespace CchcSurvey.Web.Indices;

/// <summary>
/// What the statistics cells behind one unit's figure are, summed by the database without reading their data: the
/// number of cells, the sums of their ids, revision stamps and response counts. Every write of a cell changes its
/// revision stamp (the writer's and the reorganisation's random stamps, the ledger's increment), a new cell brings a new
/// id (ids are never reused: AUTOINCREMENT on SQLite, an identity on PostgreSQL), and a removed cell takes its id
/// and count away — so a fingerprint that is unchanged means the same cells with the same contents.
/// </summary>
public readonly record struct CellFingerprint(long Cells, long Ids, long Revisions, long Responses);

/// <summary>
/// Figures computed from statistics cells, kept between requests (one per app instance) and valid only while the cells
/// they came from are unchanged: each entry carries the <see cref="CellFingerprint"/> of its cells and is used only when
/// the database gives the same fingerprint now. Why: a province's dashboard pools the year's cells of its hundred
/// communes and works out their suppression in time from every month they have; the fingerprints are a grouped query
/// on the same rows without their data, so a page whose cells did not change since it was last drawn costs that query
/// instead of parsing thousands of cells (docs/performance.md, "Figures kept between requests"). Another app instance
/// writing cells changes the fingerprint, so nothing stale is shown. Values are never changed once stored: callers
/// read them, and merge them only into new accumulators. Bounded by <c>Figures:CacheEntries</c> (entries, each a unit's
/// figures for one filter; least recently used go first).
/// </summary>
public sealed class FigureCache : IDisposable
{
    public const string EntriesSetting = "Figures:CacheEntries";
    public const int DefaultEntries = 2048;

    private sealed record Entry(CellFingerprint Fingerprint, object Value);

    private readonly MemoryCache _cache;

    public FigureCache(IConfiguration configuration)
    {
        var entries = configuration.GetValue(EntriesSetting, DefaultEntries);
        if (entries < 0) throw new InvalidOperationException($"{EntriesSetting} must be 0 (no cache) or more, not {entries}.");
        _cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = Math.Max(1, entries), CompactionPercentage = 0.25 });
        Enabled = entries > 0;
    }

    /// <summary>False when <c>Figures:CacheEntries</c> is 0: every figure is computed from the cells each time.</summary>
    public bool Enabled { get; }

    private long _hits;

    /// <summary>Values given back since the app started (their cells unchanged).</summary>
    public long Hits => Interlocked.Read(ref _hits);

    /// <summary>The value stored under the key if it was computed from cells with this fingerprint.</summary>
    public bool TryGet<T>(object key, CellFingerprint fingerprint, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out T value) where T : class
    {
        if (Enabled && _cache.TryGetValue(key, out Entry? entry) && entry!.Fingerprint == fingerprint && entry.Value is T found)
        {
            value = found;
            Interlocked.Increment(ref _hits);
            return true;
        }
        value = null;
        return false;
    }

    /// <summary>Stores a value computed from cells with this fingerprint (never changed afterwards); <paramref name="size"/> in entries.</summary>
    public void Set(object key, CellFingerprint fingerprint, object value, int size = 1)
    {
        if (Enabled) _cache.Set(key, new Entry(fingerprint, value), new MemoryCacheEntryOptions { Size = size });
    }

    public void Dispose() => _cache.Dispose();
}
