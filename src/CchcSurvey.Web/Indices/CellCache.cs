using CchcSurvey.Core.Indices;

namespace CchcSurvey.Web.Indices;

/// <summary>A cell as the writer last wrote it: its row id, revision stamp, response count and statistics.</summary>
public sealed class CachedCell(long id, int revision, long responses, InstrumentStatistics statistics)
{
    public long Id { get; } = id;
    public int Revision { get; set; } = revision;
    public long Responses { get; set; } = responses;
    public InstrumentStatistics Statistics { get; } = statistics;
}

/// <summary>
/// The cells the response writer updated recently, so that the next batch for the same unit, day and channel does
/// not read and parse them again. Used by one writer at a time (not thread-safe). Bounded: when a batch would take it
/// past <see cref="Capacity"/> cells it is emptied first (yesterday's cells are the bulk of it by then).
/// </summary>
public sealed class CellCache
{
    public const int Capacity = 8192;

    private readonly Dictionary<CellKey, CachedCell> _cells = new();

    public int Count => _cells.Count;
    public bool Contains(CellKey key) => _cells.ContainsKey(key);
    public bool TryGet(CellKey key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out CachedCell? cell) => _cells.TryGetValue(key, out cell);

    public void Add(CellKey key, CachedCell cell) => _cells[key] = cell;

    /// <summary>Empties the cache if adding this many cells could take it past <see cref="Capacity"/>.</summary>
    public void MakeRoomFor(int cells)
    {
        if (_cells.Count + cells > Capacity) _cells.Clear();
    }

    public void Clear() => _cells.Clear();

    /// <summary>
    /// A random revision stamp. Random rather than "previous + 1" because SQLite may give a rebuilt cell the row id
    /// of a deleted one: a cached (id, revision) pair must not match a different row that merely counted up to the
    /// same number.
    /// </summary>
    public static int NewRevision() => Random.Shared.Next(1, int.MaxValue);
}

/// <summary>Cached cells were changed by someone else since the writer cached them; nothing of the batch is kept.</summary>
public sealed class StaleCellException(int stale) : Exception($"{stale} statistics cell(s) changed since they were cached.");
