using CchcSurvey.Core.Exports;
using CchcSurvey.Core.Indices;
using CchcSurvey.Web.Data;
using CchcSurvey.Web.Indices;
using CchcSurvey.Web.Infrastructure;
using CchcSurvey.Web.Surveys;
using Microsoft.EntityFrameworkCore;

namespace CchcSurvey.Web.Exports;

/// <summary>
/// Writes the exports of CONTRACT.md to a stream: <c>indices</c> (aggregated, suppressed), <c>responses</c>
/// (anonymised microdata) and the microdata <c>codebook</c>. Scope is decided by the caller (the endpoint through
/// <see cref="Security.OfficialScope"/>, the command line has none); this class only reads what it is given.
/// Built per use from scoped services, so Program.cs needs no registration.
/// </summary>
public sealed class ExportService(SurveyDbContext db, IndexQueries queries, InstrumentRegistry registry, LocalClock clock)
{
    public static ExportService From(IServiceProvider services) => new(
        services.GetRequiredService<SurveyDbContext>(), services.GetRequiredService<IndexQueries>(),
        services.GetRequiredService<InstrumentRegistry>(), services.GetRequiredService<LocalClock>());

    /// <summary>Codes of every instrument that has a published version.</summary>
    public Task<List<string>> InstrumentCodesAsync(CancellationToken ct) =>
        db.InstrumentVersions.AsNoTracking().Select(v => v.Code).Distinct().OrderBy(c => c).ToListAsync(ct);

    /// <summary>
    /// One row per unit of the subtree (every unit for <paramref name="root"/> null) × current instrument × figure.
    /// The figures are pooled per unit subtree from the statistics cells, suppressed below MinN, then complementary
    /// suppression runs over the whole table, which is therefore built in memory (units × figures, not responses)
    /// before it streams out.
    /// </summary>
    public async Task<int> WriteIndicesAsync(Stream output, ExportFormat format, Unit? root, string? instrument, IndexFilter filter, CancellationToken ct)
    {
        var units = await SubtreeAsync(root, ct);
        var codeOf = units.ToDictionary(u => u.Id, u => u.Code);
        var exportUnits = units.ToDictionary(u => u.Id, u => new ExportUnit(u.Code, u.Name, u.LevelName,
            u.Id != root?.Id && u.ParentId is int p && codeOf.TryGetValue(p, out var parent) ? parent : null));

        var instruments = instrument is not null ? [instrument] : (await registry.CurrentAsync(db, ct)).Select(i => i.Code).ToList();
        var rows = new List<IndexExportRow>();
        foreach (var code in instruments)
        {
            var pooled = await queries.PoolSubtreesAsync(units, code, filter, ct);
            foreach (var unit in units)
                rows.AddRange(IndexExport.RowsOf(exportUnits[unit.Id], code, IndexCalculator.Report(pooled[unit.Id], queries.Options)));
        }
        IndexExport.ApplyComplementarySuppression(rows);

        await using var writer = ExportFormats.Create(format, output);
        await writer.StartTableAsync("indices", IndexExport.Columns, ct);
        var cells = new ExportCell[IndexExport.Columns.Count];
        foreach (var row in rows)
        {
            IndexExport.Fill(row, cells);
            await writer.WriteRowAsync(cells, ct);
        }
        await writer.CompleteAsync(ct);
        return rows.Count;
    }

    /// <summary>How many responses <see cref="WriteResponsesAsync"/> would write (for a progress bar).</summary>
    public async Task<long> CountResponsesAsync(Unit? root, string? instrument, IndexFilter filter, CancellationToken ct) =>
        await (await ResponsesAsync(root, instrument, filter, ct)).LongCountAsync(ct);

    /// <summary>
    /// The anonymised microdata, one row per response in id order, streamed from the database without tracking:
    /// memory stays constant whatever the number of rows. XLSX adds a "codebook" sheet (and continues the data on
    /// "responses (2)" … past Excel's 1,048,576 rows per sheet).
    /// </summary>
    public async Task<long> WriteResponsesAsync(Stream output, ExportFormat format, Unit? root, string? instrument, IndexFilter filter, IProgress<long>? progress, CancellationToken ct)
    {
        var versions = await db.InstrumentVersions.AsNoTracking()
            .Where(v => instrument == null || v.Code == instrument).ToListAsync(ct);
        var byId = versions.ToDictionary(v => v.Id, v => registry.Get(v).Definition);
        var layout = new MicrodataLayout(byId.Values);
        using var pseudonyms = new Pseudonymizer();
        var query = await ResponsesAsync(root, instrument, filter, ct);
        var rows = query.OrderBy(r => r.Id).Select(r => new
        {
            r.SubmissionId,
            Unit = r.Unit.Code,
            Counter = r.Counter != null ? r.Counter.Code : null,
            r.InstrumentVersionId,
            r.Channel,
            r.SubmittedHourUtc,
            r.Flags,
            r.AnswersJson,
        }).AsAsyncEnumerable();

        await using var writer = ExportFormats.Create(format, output);
        await writer.StartTableAsync("responses", layout.Columns, ct);
        var cells = layout.NewRow();
        long written = 0;
        await foreach (var r in rows.WithCancellation(ct))
        {
            var definition = byId[r.InstrumentVersionId];
            var record = new MicrodataRecord(r.SubmissionId, r.Unit, r.Counter, definition.Code, definition.Version, r.Channel,
                DateOnly.FromDateTime(clock.ToLocal(r.SubmittedHourUtc)), r.Flags, r.AnswersJson);
            layout.Fill(record, pseudonyms.Of(r.SubmissionId), cells);
            await writer.WriteRowAsync(cells, ct);
            if (++written % 10_000 == 0) progress?.Report(written);
        }
        if (writer.SupportsManyTables) await WriteCodebookTableAsync(writer, layout, ct);
        await writer.CompleteAsync(ct);
        progress?.Report(written);
        return written;
    }

    /// <summary>The codebook of the microdata export for the same instrument choice, as its own file.</summary>
    public async Task WriteCodebookAsync(Stream output, ExportFormat format, string? instrument, CancellationToken ct)
    {
        var versions = await db.InstrumentVersions.AsNoTracking().Where(v => instrument == null || v.Code == instrument).ToListAsync(ct);
        var layout = new MicrodataLayout(versions.Select(v => registry.Get(v).Definition));
        await using var writer = ExportFormats.Create(format, output);
        await WriteCodebookTableAsync(writer, layout, ct);
        await writer.CompleteAsync(ct);
    }

    private static async Task WriteCodebookTableAsync(ITableWriter writer, MicrodataLayout layout, CancellationToken ct)
    {
        await writer.StartTableAsync("codebook", Codebook.Columns, ct);
        foreach (var row in layout.CodebookRows()) await writer.WriteRowAsync(row, ct);
    }

    private async Task<List<Unit>> SubtreeAsync(Unit? root, CancellationToken ct)
    {
        var query = db.Units.AsNoTracking();
        if (root is not null)
        {
            var prefix = root.Path;
            query = query.Where(u => u.Path.StartsWith(prefix));
        }
        var units = await query.ToListAsync(ct);
        // Parents before children, siblings in display order.
        var children = units.ToLookup(u => u.ParentId);
        var ids = units.Select(u => u.Id).ToHashSet();
        var ordered = new List<Unit>(units.Count);
        void Visit(Unit u)
        {
            ordered.Add(u);
            foreach (var c in children[u.Id].OrderBy(c => c.SortOrder).ThenBy(c => c.Name, StringComparer.Ordinal)) Visit(c);
        }
        foreach (var top in units.Where(u => u.ParentId is not int p || !ids.Contains(p)).OrderBy(u => u.SortOrder).ThenBy(u => u.Name, StringComparer.Ordinal))
            Visit(top);
        return ordered;
    }

    private async Task<IQueryable<Response>> ResponsesAsync(Unit? root, string? instrument, IndexFilter filter, CancellationToken ct)
    {
        var query = db.Responses.AsNoTracking();
        if (root is not null)
        {
            var prefix = root.Path;
            query = query.Where(r => r.Unit.Path.StartsWith(prefix));
        }
        if (instrument is not null)
        {
            var versionIds = await db.InstrumentVersions.AsNoTracking().Where(v => v.Code == instrument).Select(v => v.Id).ToListAsync(ct);
            query = query.Where(r => versionIds.Contains(r.InstrumentVersionId));
        }
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
        if (!filter.IncludeFlagged) query = query.Where(r => r.Flags == 0);
        return query;
    }
}

/// <summary>Reports progress on the caller's thread (no synchronisation context hop, unlike Progress&lt;T&gt;).</summary>
internal sealed class InlineProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
