using System.Collections.Concurrent;
using System.Data.Common;
using System.Threading.Channels;
using CchcSurvey.Core.Exports;
using CchcSurvey.Core.Indices;
using CchcSurvey.Web.Data;
using CchcSurvey.Web.Indices;
using CchcSurvey.Web.Infrastructure;
using CchcSurvey.Web.Surveys;
using Microsoft.EntityFrameworkCore;

namespace CchcSurvey.Web.Exports;

/// <summary>
/// Writes the exports of the README to a stream: <c>indices</c> (aggregated, suppressed), <c>responses</c>
/// (anonymised microdata) and the microdata <c>codebook</c>. Scope is decided by the caller (the endpoint through
/// <see cref="Security.OfficialScope"/>, the command line has none); this class only reads what it is given.
/// Built per use from scoped services, so Program.cs needs no registration.
/// </summary>
public sealed class ExportService(SurveyDbContext db, IndexQueries queries, InstrumentRegistry registry, LocalClock clock, IServiceScopeFactory scopes)
{
    public static ExportService From(IServiceProvider services) => new(
        services.GetRequiredService<LaggingReads>().Context, services.GetRequiredService<IndexQueries>(),
        services.GetRequiredService<InstrumentRegistry>(), services.GetRequiredService<LocalClock>(),
        services.GetRequiredService<IServiceScopeFactory>());

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
        var period = IndexQueries.PeriodOf(filter);
        var hiddenInTime = new Dictionary<(string Unit, string Instrument), IReadOnlySet<(string, string)>>();
        foreach (var code in instruments)
        {
            var pooled = await queries.PoolSubtreesAsync(units, code, filter, ct);
            foreach (var unit in units)
                rows.AddRange(IndexExport.RowsOf(exportUnits[unit.Id], pooled[unit.Id].Definition, IndexCalculator.Report(pooled[unit.Id], queries.Options)));
            foreach (var (unitId, hidden) in await queries.HiddenInTimeAsync(units, code, filter, ct))
                hiddenInTime[(codeOf[unitId], code)] = hidden;
        }
        // The same cells as the API and the dashboard hide in time, then suppression across units (METHODOLOGY §6).
        IndexExport.ApplyTimeSuppression(rows, (unit, instrument) =>
            hiddenInTime.TryGetValue((unit, instrument), out var hidden) ? hidden : new HashSet<(string, string)>());
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
    /// <remarks>
    /// Built for tens of millions of rows (docs/performance.md, Exports). Two stages overlap on two cores: one
    /// task reads the rows from the database in batches (<see cref="ReadResponsesAsync"/>) while this one
    /// pseudonymises, fills and encodes the previous batch; a bounded channel of a few batches keeps memory
    /// constant. Unit and counter codes are read once rather than joined to every response.
    /// </remarks>
    public async Task<long> WriteResponsesAsync(Stream output, ExportFormat format, Unit? root, string? instrument, IndexFilter filter, IProgress<long>? progress, CancellationToken ct)
    {
        var versions = await db.InstrumentVersions.AsNoTracking()
            .Where(v => instrument == null || v.Code == instrument).ToListAsync(ct);
        var byId = versions.ToDictionary(v => v.Id, v => registry.Get(v).Definition);
        var layout = new MicrodataLayout(byId.Values);
        var units = new CodesById(await db.Units.AsNoTracking().Select(u => new KeyValuePair<int, string>(u.Id, u.Code)).ToListAsync(ct),
            id => LateCode(d => d.Units.Where(u => u.Id == id).Select(u => u.Code)));
        var counters = new CodesById(await db.Counters.AsNoTracking().Select(c => new KeyValuePair<int, string>(c.Id, c.Code)).ToListAsync(ct),
            id => LateCode(d => d.Counters.Where(c => c.Id == id).Select(c => c.Code)));
        using var pseudonyms = new Pseudonymizer();
        var query = (await ResponsesAsync(root, instrument, filter, ct)).OrderBy(r => r.Id).Select(r => new
        {
            r.SubmissionId,
            r.UnitId,
            r.CounterId,
            r.InstrumentVersionId,
            r.Channel,
            r.SubmittedHourUtc,
            r.Flags,
            r.AnswersJson,
        });

        await using var writer = ExportFormats.Create(format, output);
        await writer.StartTableAsync("responses", layout.Columns, ct);
        var cells = layout.NewRow();
        long written = 0;

        var batches = Channel.CreateBounded<StoredBatch>(new BoundedChannelOptions(2) { SingleReader = true, SingleWriter = true });
        var empty = new ConcurrentQueue<StoredBatch>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var reading = Task.Run(() => ReadResponsesAsync(query.CreateDbCommand(), batches.Writer, empty, stop.Token), CancellationToken.None);
        try
        {
            await foreach (var batch in batches.Reader.ReadAllAsync(ct))
            {
                for (var i = 0; i < batch.Count; i++)
                {
                    ref readonly var r = ref batch.Rows[i];
                    var definition = byId[r.InstrumentVersionId];
                    var record = new MicrodataRecord(r.SubmissionId, units[r.UnitId], r.CounterId is int c ? counters[c] : null, definition.Code, definition.Version,
                        r.Channel, r.Date, r.Flags, r.AnswersJson);
                    layout.Fill(record, pseudonyms.Of(r.SubmissionId), cells);
                    await writer.WriteRowAsync(cells, ct);
                    if (++written % 10_000 == 0) progress?.Report(written);
                }
                batch.Clear();
                empty.Enqueue(batch);
            }
        }
        finally
        {
            // Stops the reader if writing failed (a client that went away) and waits for it: the context is not
            // free before it has closed its data reader.
            await stop.CancelAsync();
            try
            {
                await reading;
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
        }
        if (writer.SupportsManyTables) await WriteCodebookTableAsync(writer, layout, ct);
        await writer.CompleteAsync(ct);
        progress?.Report(written);
        return written;
    }

    /// <summary>
    /// The code of a unit or counter created after the codes were read but before the responses were (a response
    /// to it was exported): read through a context of its own, since this one is busy with the responses.
    /// </summary>
    private string LateCode(Func<SurveyDbContext, IQueryable<string>> code)
    {
        using var scope = scopes.CreateScope();
        return code(scope.ServiceProvider.GetRequiredService<SurveyDbContext>()).Single();
    }

    /// <summary>Codes by database id, in an array when the ids are dense (they are: a few thousand from 1), else hashed.</summary>
    internal sealed class CodesById
    {
        private readonly string[]? _dense;
        private readonly Dictionary<int, string> _sparse = new();
        private readonly Func<int, string> _late;

        public CodesById(List<KeyValuePair<int, string>> codes, Func<int, string> late)
        {
            _late = late;
            var max = codes.Count == 0 ? 0 : codes.Max(c => c.Key);
            if (max < 4 * codes.Count + 1024 && codes.All(c => c.Key >= 0)) _dense = new string[max + 1];
            foreach (var (id, code) in codes)
            {
                if (_dense is not null) _dense[id] = code;
                else _sparse[id] = code;
            }
        }

        public string this[int id] => (_dense is not null && (uint)id < (uint)_dense.Length ? _dense[id] : null)
            ?? (_sparse.TryGetValue(id, out var code) ? code : _sparse[id] = _late(id));
    }

    /// <summary>A response as read for the microdata export, its hour already turned into the local date.</summary>
    private readonly record struct StoredResponse(Guid SubmissionId, int UnitId, int? CounterId, int InstrumentVersionId, string Channel, DateOnly Date, int Flags, string AnswersJson);

    private sealed class StoredBatch
    {
        // Large enough that handing a batch to the other task (a thread wake-up) is rare, small enough to stay
        // around a megabyte for the few batches in flight.
        public const int Size = 2048;
        public readonly StoredResponse[] Rows = new StoredResponse[Size];
        public int Count;

        public void Clear()
        {
            Array.Clear(Rows, 0, Count); // lets the answer strings go
            Count = 0;
        }
    }

    /// <summary>
    /// Reads the rows of <paramref name="command"/> (the microdata query, built and parameterised by EF Core) into
    /// batches. The data reader is used directly: EF's materialisation of every row cost more than the rest of the
    /// read. Columns are found by name.
    /// </summary>
    private async Task ReadResponsesAsync(DbCommand command, ChannelWriter<StoredBatch> batches, ConcurrentQueue<StoredBatch> empty, CancellationToken ct)
    {
        try
        {
            await db.Database.OpenConnectionAsync(ct);
            try
            {
                await using (command)
                await using (var reader = await command.ExecuteReaderAsync(ct))
                {
                    int id = reader.GetOrdinal(nameof(Response.SubmissionId)), unit = reader.GetOrdinal(nameof(Response.UnitId)),
                        counter = reader.GetOrdinal(nameof(Response.CounterId)), version = reader.GetOrdinal(nameof(Response.InstrumentVersionId)),
                        channel = reader.GetOrdinal(nameof(Response.Channel)), hour = reader.GetOrdinal(nameof(Response.SubmittedHourUtc)),
                        flags = reader.GetOrdinal(nameof(Response.Flags)), answers = reader.GetOrdinal(nameof(Response.AnswersJson));
                    var dates = new LocalDates(clock);
                    bool? hourIsText = null;
                    var batch = new StoredBatch();
                    while (await reader.ReadAsync(ct))
                    {
                        // SQLite keeps the hour as text, which the provider would parse for every row; a year has fewer
                        // than 9,000 distinct hours, so the text's local date is cached instead.
                        hourIsText ??= reader.GetFieldType(hour) == typeof(string);
                        var date = hourIsText.Value ? dates.Of(reader.GetString(hour), reader, hour) : dates.Of(reader.GetDateTime(hour));
                        batch.Rows[batch.Count++] = new StoredResponse(reader.GetGuid(id), reader.GetInt32(unit), reader.IsDBNull(counter) ? null : reader.GetInt32(counter),
                            reader.GetInt32(version), reader.GetString(channel), date, reader.GetInt32(flags), reader.GetString(answers));
                        if (batch.Count == StoredBatch.Size)
                        {
                            await batches.WriteAsync(batch, ct);
                            batch = empty.TryDequeue(out var reused) ? reused : new StoredBatch();
                        }
                    }
                    if (batch.Count > 0) await batches.WriteAsync(batch, ct);
                }
            }
            finally
            {
                await db.Database.CloseConnectionAsync();
            }
            batches.Complete();
        }
        catch (Exception e)
        {
            batches.Complete(e);
            throw;
        }
    }

    /// <summary>Local dates of UTC hours, cached by the hour (as a DateTime or as the text SQLite stores).</summary>
    private sealed class LocalDates(LocalClock clock)
    {
        private const int MaxEntries = 100_000; // ~11 years of hours; beyond that a date is computed each time
        private readonly Dictionary<DateTime, DateOnly> _byHour = new();
        private readonly Dictionary<string, DateOnly> _byText = new(StringComparer.Ordinal);

        public DateOnly Of(DateTime hourUtc)
        {
            if (_byHour.TryGetValue(hourUtc, out var date)) return date;
            date = DateOnly.FromDateTime(clock.ToLocal(hourUtc));
            if (_byHour.Count < MaxEntries) _byHour[hourUtc] = date;
            return date;
        }

        public DateOnly Of(string text, DbDataReader reader, int ordinal)
        {
            if (_byText.TryGetValue(text, out var date)) return date;
            // The provider's own conversion, so the date is the one EF Core would have given.
            date = DateOnly.FromDateTime(clock.ToLocal(reader.GetDateTime(ordinal)));
            if (_byText.Count < MaxEntries) _byText[text] = date;
            return date;
        }
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
            query = query.Where(UnitPath.Within<Unit>(u => u.Path, prefix));
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
            query = query.Where(UnitPath.Within<Response>(r => r.Unit.Path, prefix));
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
