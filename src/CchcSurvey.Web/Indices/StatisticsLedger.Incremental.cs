using CchcSurvey.Core.Indices;
using CchcSurvey.Core.Instruments;
using CchcSurvey.Web.Data;
using CchcSurvey.Web.Infrastructure;
using CchcSurvey.Web.Surveys;
using Microsoft.EntityFrameworkCore;

namespace CchcSurvey.Web.Indices;

/// <summary>
/// Incremental add: new responses go into their cells, read from the database (<see cref="StatisticsLedger.AddAsync"/>)
/// or kept in the writer's <see cref="CellCache"/> between batches (<see cref="StatisticsLedger.AddThroughCacheAsync"/>).
/// </summary>
public sealed partial class StatisticsLedger
{
    /// <summary>Adds the entries to their cells. The caller saves (and commits) the context afterwards.</summary>
    public async Task AddAsync(SurveyDbContext db, IReadOnlyList<LedgerEntry> entries, CancellationToken ct)
    {
        if (entries.Count == 0) return;
        await MergeIntoCellsAsync(db, await DeltasAsync(db, entries, ct), ct);
    }

    /// <summary>
    /// Adds the entries to their cells through the writer's cache of cells (<see cref="CellCache"/>): a cell seen
    /// before is updated from memory with one UPDATE, without reading and parsing its statistics again; only cells
    /// not in the cache are read. Each UPDATE checks the cell's id and revision stamp, so a cell changed by anyone
    /// else since it was cached (another app instance, paper import, a rebuild that replaced every cell) makes it
    /// throw <see cref="StaleCellException"/> instead of overwriting newer figures; the caller then empties the
    /// cache and retries. The cache is changed in place: if the transaction does not commit, the caller must
    /// <see cref="CellCache.Clear"/> it. New cells are added to the context (the caller saves) and cached from the
    /// next batch on.
    /// </summary>
    public async Task AddThroughCacheAsync(SurveyDbContext db, IReadOnlyList<LedgerEntry> entries, CellCache cache, CancellationToken ct)
    {
        if (entries.Count == 0) return;
        var deltas = await DeltasAsync(db, entries, ct);
        // Room is made before the batch's cells are looked up, never in the middle: each of them must end up either
        // cached or new.
        cache.MakeRoomFor(deltas.Cells.Count);
        var missing = deltas.Cells.Keys.Where(k => !cache.Contains(k)).ToList();
        if (missing.Count > 0)
            foreach (var cell in await ReadCellsAsync(db, missing, tracked: false, ct))
                cache.Add(KeyOf(cell), new CachedCell(cell.Id, cell.Revision, cell.Responses,
                    InstrumentStatistics.FromJson(cell.Data, await DefinitionAsync(db, cell.InstrumentVersionId, ct))));

        var updates = new List<CellUpdate>();
        foreach (var (key, delta) in deltas.Cells)
        {
            if (!cache.TryGet(key, out var cached))
            {
                var fresh = NewCell(key, delta);
                fresh.Revision = CellCache.NewRevision();
                db.StatisticsCells.Add(fresh);
                continue;
            }
            cached.Statistics.Merge(delta.Statistics);
            cached.Responses += delta.Responses;
            var (overallN, overallSatisfied) = Overall(cached.Statistics);
            var next = CellCache.NewRevision();
            updates.Add(new CellUpdate(cached.Id, cached.Revision, next, cached.Statistics.ToJson(), cached.Responses, overallN, overallSatisfied));
            cached.Revision = next;
        }
        var changed = await CellUpdates.ApplyAsync(db, updates, ct);
        if (changed != updates.Count) throw new StaleCellException(updates.Count - changed);
    }

    private async Task<CellDeltas> DeltasAsync(SurveyDbContext db, IReadOnlyList<LedgerEntry> entries, CancellationToken ct)
    {
        var unitIds = entries.Select(e => e.Response.UnitId).Distinct().ToList();
        var ancestry = await AncestryAsync(db, unitIds, ct);
        var deltas = new CellDeltas();
        foreach (var (response, answers) in entries)
            deltas.Add(response, answers, await DefinitionAsync(db, response.InstrumentVersionId, ct), ancestry[response.UnitId], LocalDay(response.SubmittedHourUtc));
        return deltas;
    }

    private static async Task MergeIntoCellsAsync(SurveyDbContext db, CellDeltas deltas, CancellationToken ct)
    {
        var existing = (await ReadCellsAsync(db, deltas.Cells.Keys, tracked: true, ct)).ToDictionary(KeyOf);

        foreach (var (key, delta) in deltas.Cells)
        {
            if (existing.TryGetValue(key, out var cell))
            {
                var stored = InstrumentStatistics.FromJson(cell.Data, delta.Statistics.Definition);
                stored.Merge(delta.Statistics);
                Fill(cell, stored, cell.Responses + delta.Responses);
                cell.Revision++;
                // Explicit, because bulk writers switch automatic change detection off.
                db.Entry(cell).State = EntityState.Modified;
            }
            else
            {
                db.StatisticsCells.Add(NewCell(key, delta));
            }
        }
    }
}
