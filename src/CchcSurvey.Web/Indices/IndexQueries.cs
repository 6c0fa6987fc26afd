using CchcSurvey.Core.Indices;
using CchcSurvey.Core.Instruments;
using CchcSurvey.Web.Data;
using CchcSurvey.Web.Infrastructure;
using CchcSurvey.Web.Surveys;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CchcSurvey.Web.Indices;

/// <summary>
/// Which responses a figure is about: local dates (inclusive), channel, and whether flagged responses
/// count. Nothing is flagged before the integrity layer exists, so includeFlagged changes nothing yet.
/// </summary>
public sealed record IndexFilter(DateOnly? From, DateOnly? To, string? Channel, bool IncludeFlagged = true)
{
    public static readonly IndexFilter All = new(null, null, null);
}

/// <summary>
/// Pools responses into the Core accumulators (<see cref="InstrumentStatistics"/>): a unit's figures are
/// those of the pooled responses of its whole subtree (METHODOLOGY.md §4.8), never an average of its
/// children. This reads the raw responses of the subtree and period.
/// </summary>
public sealed class IndexQueries(SurveyDbContext db, InstrumentRegistry registry, LocalClock clock, IOptions<SurveyOptions> options)
{
    public IndexOptions Options { get; } = new() { MinN = options.Value.EffectiveMinN };

    /// <summary>The pooled statistics of one instrument for each unit given (each over its own subtree).</summary>
    public async Task<IReadOnlyDictionary<int, InstrumentStatistics>> PoolSubtreesAsync(
        IReadOnlyList<Unit> units, string instrument, IndexFilter filter, CancellationToken ct)
    {
        var current = await registry.FindAsync(db, instrument, null, ct)
            ?? throw new ArgumentException($"No published instrument '{instrument}'.", nameof(instrument));
        var result = units.ToDictionary(u => u.Id, _ => InstrumentStatistics.For(current.Definition));
        if (units.Count == 0) return result;

        // Units by id, to credit a response to every requested unit on its path.
        var wanted = units.ToDictionary(u => u.Id);
        var rows = Responses(CommonRoot(units), filter).Where(r => r.InstrumentVersion.Code == instrument)
            .Select(r => new { r.Unit.Path, r.InstrumentVersionId, r.AnswersJson })
            .AsAsyncEnumerable();
        var definitions = new Dictionary<int, InstrumentDefinition>();
        await foreach (var row in rows.WithCancellation(ct))
        {
            if (!definitions.TryGetValue(row.InstrumentVersionId, out var definition))
                definitions[row.InstrumentVersionId] = definition = (await registry.FindByIdAsync(db, row.InstrumentVersionId, ct))!.Definition;
            IReadOnlyDictionary<string, AnswerValue>? answers = null;
            foreach (var id in PathIds(row.Path))
            {
                if (!wanted.ContainsKey(id)) continue;
                answers ??= AnswerCodec.Deserialize(row.AnswersJson, definition);
                result[id].Add(answers);
            }
        }
        return result;
    }

    public async Task<InstrumentStatistics> PoolAsync(Unit unit, string instrument, IndexFilter filter, CancellationToken ct) =>
        (await PoolSubtreesAsync([unit], instrument, filter, ct))[unit.Id];

    /// <summary>Number of responses (all instruments) in each given unit's subtree.</summary>
    public async Task<IReadOnlyDictionary<int, long>> CountSubtreesAsync(IReadOnlyList<Unit> units, IndexFilter filter, CancellationToken ct)
    {
        var result = units.ToDictionary(u => u.Id, _ => 0L);
        if (units.Count == 0) return result;
        var perUnit = await Responses(CommonRoot(units), filter).GroupBy(r => r.Unit.Path)
            .Select(g => new { Path = g.Key, Count = g.LongCount() }).ToListAsync(ct);
        foreach (var row in perUnit)
            foreach (var id in PathIds(row.Path))
                if (result.ContainsKey(id)) result[id] += row.Count;
        return result;
    }

    /// <summary>The children of a unit (active or merged), in display order.</summary>
    public Task<List<Unit>> ChildrenAsync(Unit unit, CancellationToken ct) =>
        db.Units.AsNoTracking().Where(u => u.ParentId == unit.Id).OrderBy(u => u.SortOrder).ThenBy(u => u.Name).ToListAsync(ct);

    private IQueryable<Response> Responses(string? pathPrefix, IndexFilter filter)
    {
        var query = db.Responses.AsNoTracking();
        if (pathPrefix is not null) query = query.Where(r => r.Unit.Path.StartsWith(pathPrefix));
        if (filter.From is DateOnly from)
        {
            var start = clock.StartOfDayUtc(from);
            query = query.Where(r => r.SubmittedHourUtc >= start);
        }
        if (filter.To is DateOnly to)
        {
            var end = clock.StartOfDayUtc(to.AddDays(1));
            query = query.Where(r => r.SubmittedHourUtc < end);
        }
        if (filter.Channel is { Length: > 0 } channel) query = query.Where(r => r.Channel == channel);
        return query;
    }

    /// <summary>The longest path prefix shared by all units (their lowest common ancestor's subtree).</summary>
    private static string? CommonRoot(IReadOnlyList<Unit> units)
    {
        var prefix = units[0].Path;
        foreach (var unit in units.Skip(1))
            while (!unit.Path.StartsWith(prefix, StringComparison.Ordinal))
                prefix = prefix[..(prefix.TrimEnd('/').LastIndexOf('/') + 1)];
        return prefix.Length > 1 ? prefix : null;
    }

    private static IEnumerable<int> PathIds(string path)
    {
        foreach (var part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
            if (int.TryParse(part, System.Globalization.CultureInfo.InvariantCulture, out var id)) yield return id;
    }
}
