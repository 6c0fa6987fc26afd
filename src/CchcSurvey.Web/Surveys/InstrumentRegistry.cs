using System.Collections.Concurrent;
using CchcSurvey.Core.Instruments;
using CchcSurvey.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CchcSurvey.Web.Surveys;

/// <summary>A published instrument version with its parsed definition.</summary>
public sealed record PublishedInstrument(int VersionId, InstrumentDefinition Definition)
{
    public string Code => Definition.Code;
    public int Version => Definition.Version;
}

/// <summary>
/// Parsed instrument definitions, cached by version id: a published version never changes, so the cache
/// never needs invalidating; only "which version is current" is read from the database.
/// </summary>
public sealed class InstrumentRegistry(IOptions<CchcSurvey.Web.Infrastructure.SurveyOptions> options)
{
    private readonly ConcurrentDictionary<int, PublishedInstrument> _byVersionId = new();

    public PublishedInstrument Get(InstrumentVersion version) =>
        _byVersionId.GetOrAdd(version.Id, _ => new PublishedInstrument(version.Id, InstrumentCatalog.Parse(version.DefinitionJson)));

    /// <summary>The current version of an instrument, or a specific one; null when there is none.</summary>
    public async Task<PublishedInstrument?> FindAsync(SurveyDbContext db, string code, int? version, CancellationToken ct)
    {
        var query = db.InstrumentVersions.AsNoTracking().Where(v => v.Code == code);
        query = version is int n ? query.Where(v => v.Version == n) : query.Where(v => v.IsCurrent);
        // Only the id on the hot path (every submission): the definition is parsed once and cached by id.
        var id = await query.Select(v => (int?)v.Id).FirstOrDefaultAsync(ct);
        return id is null ? null : await FindByIdAsync(db, id.Value, ct);
    }

    public async Task<PublishedInstrument?> FindByIdAsync(SurveyDbContext db, int versionId, CancellationToken ct)
    {
        if (_byVersionId.TryGetValue(versionId, out var cached)) return cached;
        var row = await db.InstrumentVersions.AsNoTracking().FirstOrDefaultAsync(v => v.Id == versionId, ct);
        return row is null ? null : Get(row);
    }

    /// <summary>
    /// The definitions of these versions, those not parsed yet read in one query: callers that stream rows naming
    /// versions ask first, since a query while a reader is open fails on PostgreSQL (one command per connection).
    /// </summary>
    public async Task<IReadOnlyDictionary<int, InstrumentDefinition>> DefinitionsAsync(SurveyDbContext db, IReadOnlyCollection<int> versionIds, CancellationToken ct)
    {
        var missing = versionIds.Where(id => !_byVersionId.ContainsKey(id)).Distinct().ToList();
        if (missing.Count > 0)
            foreach (var row in await db.InstrumentVersions.AsNoTracking().Where(v => missing.Contains(v.Id)).ToListAsync(ct)) Get(row);
        return versionIds.Distinct().Where(_byVersionId.ContainsKey).ToDictionary(id => id, id => _byVersionId[id].Definition);
    }

    /// <summary>
    /// The instrument figures show when none is chosen: <c>Survey:DefaultInstrument</c> when it is published, else the
    /// first current instrument (by code) that declares elements, else the first current one; null when none is published.
    /// </summary>
    public async Task<PublishedInstrument?> DefaultAsync(SurveyDbContext db, CancellationToken ct) => Default(await CurrentAsync(db, ct));

    /// <summary><see cref="DefaultAsync"/> among instruments already read.</summary>
    public PublishedInstrument? Default(IReadOnlyList<PublishedInstrument> current) =>
        current.FirstOrDefault(i => i.Code == options.Value.DefaultInstrument)
        ?? current.FirstOrDefault(i => i.Definition.Figures.HasFlag(InstrumentFigures.Elements))
        ?? current.FirstOrDefault();

    public async Task<IReadOnlyList<PublishedInstrument>> CurrentAsync(SurveyDbContext db, CancellationToken ct)
    {
        var rows = await db.InstrumentVersions.AsNoTracking().Where(v => v.IsCurrent).OrderBy(v => v.Code).ToListAsync(ct);
        return rows.Select(Get).ToList();
    }
}
