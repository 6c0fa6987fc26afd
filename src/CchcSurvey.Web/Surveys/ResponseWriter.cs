using System.Threading.Channels;
using CchcSurvey.Core.Instruments;
using CchcSurvey.Web.Data;
using CchcSurvey.Web.Indices;
using CchcSurvey.Web.Infrastructure;
using CchcSurvey.Web.Integrity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CchcSurvey.Web.Surveys;

/// <summary>
/// Group commit: one writer drains a queue of submissions and stores each batch — the responses and their
/// statistics cells — in one transaction (while a reorganisation job holds the cells: the responses and a note to add
/// them to their cells after the job, see <see cref="PendingCells"/>). A submission is acknowledged only after its batch is committed,
/// so an acknowledged response survives a crash, and throughput stays high because a batch pays for one
/// commit (one fsync) whatever its size.
/// Integrity lives here too, because only here is it race-free: a per-dossier token is redeemed with a
/// conditional UPDATE in the same transaction as its response (two submissions with one token store one
/// response), and the suspicion flags are computed against what is already stored before the insert.
/// </summary>
public sealed class ResponseWriter(
    IServiceScopeFactory scopes, CellWriteGate gate, DeviceKeys deviceKeys, TimeProvider time, IOptions<IntegrityOptions> integrity, ILogger<ResponseWriter> logger) : BackgroundService
{
    private const int MaxBatch = 512;

    // Owned by the single writer loop (never touched by request threads); emptied whenever a batch fails.
    private readonly CellCache _cells = new();
    private readonly IntegrityEvaluator.RunningCounts _counts = new();

    private sealed record Pending(ResponseWrite Write, TaskCompletionSource<SubmissionStatus> Done)
    {
        public Response Response => Write.Response;
    }

    private readonly Channel<Pending> _queue = Channel.CreateBounded<Pending>(new BoundedChannelOptions(20_000)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    private int _started;

    /// <summary>
    /// Starts the loop once: the start-up demo data and the command line need the writer before (or without) the host,
    /// whose own start is then a no-op.
    /// </summary>
    public override Task StartAsync(CancellationToken cancellationToken) =>
        Interlocked.Exchange(ref _started, 1) == 0 ? base.StartAsync(cancellationToken) : Task.CompletedTask;

    /// <summary>Queues a response (with its token and device, if any) and waits for the outcome.</summary>
    public async Task<SubmissionStatus> WriteAsync(ResponseWrite write, CancellationToken ct)
    {
        var pending = new Pending(write, new TaskCompletionSource<SubmissionStatus>(TaskCreationOptions.RunContinuationsAsynchronously));
        await _queue.Writer.WriteAsync(pending, ct);
        // Not cancellable once queued: the response will be stored, and a retry with the same id is answered 200.
        return await pending.Done.Task;
    }

    /// <summary>Stands in the queue for "add the pending responses to their cells" (see <see cref="RequestDrain"/>).</summary>
    private static readonly Pending DrainSignal = new(new ResponseWrite(null!, new Dictionary<string, AnswerValue>()), new TaskCompletionSource<SubmissionStatus>());

    // True while responses stored without their cells may be waiting (PendingCells); at start, for those of a crash.
    private bool _pendingMayExist = true;

    /// <summary>Asks the writer to add responses stored during a reorganisation job to their cells now (the job is over).</summary>
    public void RequestDrain() => _queue.Writer.TryWrite(DrainSignal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        RequestDrain();
        var batch = new List<Pending>(MaxBatch);
        // Reads until the queue is completed and empty (see StopAsync), so nothing queued is dropped.
        while (await _queue.Reader.WaitToReadAsync(CancellationToken.None))
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var pending))
                if (!ReferenceEquals(pending, DrainSignal)) batch.Add(pending);
            var waiting = _queue.Reader.Count;
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            // A reorganisation job moves cells between ancestors; a batch must see the tree either before or after it.
            // While a job holds the gate the batch is stored at once without its cells, which are added after the job
            // with the tree as the job left it: submissions never wait for a job.
            var entered = gate.TryEnter();
            if (entered is null)
            {
                if (batch.Count == 0) continue;
                await CommitAsync(batch, deferCells: true);
                _pendingMayExist = true;
            }
            else
            {
                using (entered)
                {
                    if (_pendingMayExist) await DrainPendingAsync();
                    if (batch.Count == 0) continue;
                    await CommitAsync(batch, deferCells: false);
                }
            }
            var elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(started);
            Operations.SurveyMetrics.Batch(batch.Count, waiting, elapsed);
            if (logger.IsEnabled(LogLevel.Debug))
                logger.LogDebug("Committed a batch of {Count} submissions in {Milliseconds:F1} ms", batch.Count, elapsed.TotalMilliseconds);
        }
    }

    /// <summary>
    /// Adds the responses stored during a reorganisation job to their cells (with the gate held). A failure leaves them
    /// pending for the next batch: the responses themselves are stored, only their figures wait.
    /// </summary>
    private async Task DrainPendingAsync()
    {
        try
        {
            long drained = 0;
            while (true)
            {
                await using var scope = scopes.CreateAsyncScope();
                var services = scope.ServiceProvider;
                var done = await PendingCells.DrainChunkAsync(services.GetRequiredService<SurveyDbContext>(),
                    services.GetRequiredService<StatisticsLedger>(), services.GetRequiredService<InstrumentRegistry>(), CancellationToken.None);
                if (done == 0) break;
                drained += done;
            }
            _pendingMayExist = false;
            if (drained > 0)
            {
                // The drained cells were written around the cache.
                ClearCaches();
                logger.LogInformation("Added {Count} responses stored during a reorganisation to their statistics cells", drained);
            }
        }
        catch (Exception e)
        {
            ClearCaches();
            logger.LogWarning(e, "Could not add the responses stored during a reorganisation to their cells yet; trying again with the next batch");
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
    }

    /// <summary>How long a batch is tried again while the database cannot be reached (a fail-over takes seconds).</summary>
    internal static readonly TimeSpan ConnectionRetryWindow = TimeSpan.FromSeconds(30);

    /// <summary>How many times a batch is redone from the database when a statistics cell changed under it.</summary>
    private const int StaleRetries = 10;

    private async Task CommitAsync(IReadOnlyList<Pending> batch, bool deferCells)
    {
        // A failure of a whole batch is retried item by item, so that one bad or conflicting item does not sink the others.
        try
        {
            await CommitWithRetriesAsync(batch, deferCells);
            return;
        }
        catch (Exception e)
        {
            if (batch.Count == 1)
            {
                batch[0].Done.TrySetException(e);
                return;
            }
            logger.LogWarning(e, "A batch of {Count} submissions failed; retrying them one by one", batch.Count);
        }
        foreach (var pending in batch)
        {
            try { await CommitWithRetriesAsync([pending], deferCells); }
            catch (Exception single) { pending.Done.TrySetException(single); }
        }
    }

    /// <summary>
    /// Commits a batch, trying again on the failures that are not the batch's fault. A statistics cell changed (or
    /// created) by another writer (another app instance, a paper import, a rebuild) between reading and writing it:
    /// the batch is redone from the database, a few times, since two instances writing the same unit's cells meet
    /// often. A lost
    /// connection (the primary died, a fail-over is under way): tries for up to <see cref="ConnectionRetryWindow"/>.
    /// Retrying never stores twice: the connection may have died after the commit reached the database, so a retried
    /// batch finds its ids stored (the insert "on conflict do nothing" falls back to the careful path, which answers
    /// them as replayed), exactly as a client's own retry would.
    /// </summary>
    private async Task CommitWithRetriesAsync(IReadOnlyList<Pending> batch, bool deferCells)
    {
        var connectionRetries = System.Diagnostics.Stopwatch.StartNew();
        var warned = false;
        for (var stale = 0; ; )
        {
            try
            {
                await CommitOnceAsync(batch, deferCells);
                return;
            }
            catch (Exception e)
            {
                // The caches were changed before the commit that did not happen.
                ClearCaches();
                if (Operations.ConnectionFailureInterceptor.IsConnectionLoss(e) && connectionRetries.Elapsed < ConnectionRetryWindow)
                {
                    if (!warned) logger.LogWarning("The database connection failed under a batch of {Count}; trying again: {Message}", batch.Count, e.Message);
                    warned = true;
                    Operations.SurveyMetrics.BatchRetried();
                    await Task.Delay(TimeSpan.FromMilliseconds(200));
                    continue;
                }
                if ((e is StaleCellException || IsConcurrentInsert(e)) && stale++ < StaleRetries)
                {
                    if (stale == 1) logger.LogInformation("A statistics cell or a response changed elsewhere; retrying the batch of {Count} from the database", batch.Count);
                    // A short random pause, so that two instances redoing batches on the same cells fall out of step.
                    await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 5 * stale)));
                    continue;
                }
                throw;
            }
        }
    }

    /// <summary>
    /// A unique key taken by another writer between our read and our insert: another app instance created the same
    /// statistics cell, or stored the same submission id (a client's retry through the other instance). Redoing the
    /// batch from the database then updates that cell, or answers that id as a replay.
    /// </summary>
    private static bool IsConcurrentInsert(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
            if (x is Npgsql.PostgresException { SqlState: "23505" } || x is Microsoft.Data.Sqlite.SqliteException { SqliteExtendedErrorCode: 2067 })
                return true;
        return false;
    }

    private void ClearCaches()
    {
        _cells.Clear();
        _counts.Clear();
    }

    private async Task CommitOnceAsync(IReadOnlyList<Pending> batch, bool deferCells)
    {
        // Almost every batch holds only new submissions without a token: they are inserted straight away, and only
        // when the database already holds one of the ids (a client's retry) is the batch redone the careful way.
        if (batch.All(p => p.Write.TokenHash is null) && await TryCommitAllNewAsync(batch, deferCells)) return;
        await CommitCarefullyAsync(batch, deferCells);
    }

    /// <summary>
    /// Inserts the whole batch with "on conflict do nothing" and commits if every row went in: one statement
    /// fewer than asking first which ids are stored. False (and nothing kept) when any id was already stored or
    /// appears twice in the batch.
    /// </summary>
    private async Task<bool> TryCommitAllNewAsync(IReadOnlyList<Pending> batch, bool deferCells)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SurveyDbContext>();
        var secrets = await SightingSecretsAsync(batch);
        await using var transaction = await db.Database.BeginTransactionAsync();
        var fresh = await FlagAsync(scope, db, batch, secrets);
        var inserted = await ResponseRows.InsertNewAsync(db, fresh.Select(e => e.Response).ToList(), CancellationToken.None);
        if (inserted != batch.Count)
        {
            await transaction.RollbackAsync();
            // The running counts already include this batch.
            ClearCaches();
            return false;
        }
        await FinishAsync(scope, db, fresh, transaction, deferCells);
        foreach (var pending in batch) pending.Done.TrySetResult(SubmissionStatus.Created);
        return true;
    }

    /// <summary>Looks up which ids are stored, redeems tokens one by one, and stores what is left.</summary>
    private async Task CommitCarefullyAsync(IReadOnlyList<Pending> batch, bool deferCells)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SurveyDbContext>();
        var now = time.GetUtcNow().UtcDateTime;
        var secrets = await SightingSecretsAsync(batch);
        await using var transaction = await db.Database.BeginTransactionAsync();

        var ids = batch.Select(p => p.Response.SubmissionId).Distinct().ToList();
        var stored = await db.Responses.AsNoTracking().Where(r => ids.Contains(r.SubmissionId))
            .Select(r => new { r.SubmissionId, r.PayloadHash }).ToDictionaryAsync(r => r.SubmissionId, r => r.PayloadHash);
        var outcomes = new SubmissionStatus[batch.Count];
        var accepted = new List<Pending>();
        for (var i = 0; i < batch.Count; i++)
        {
            var response = batch[i].Response;
            // Idempotency first: a retry of a stored response is acknowledged even though its token is now used.
            if (stored.TryGetValue(response.SubmissionId, out var hash))
            {
                outcomes[i] = hash == response.PayloadHash ? SubmissionStatus.Replayed : SubmissionStatus.Conflict;
                continue;
            }
            if (batch[i].Write.TokenHash is { } tokenHash)
            {
                // Single use: only the first UPDATE finds the token unused (PostgreSQL re-checks the row after
                // waiting for a concurrent transaction's lock; SQLite serialises writers).
                if (!await DossierTokenService.RedeemAsync(db, tokenHash, response.CounterId, now))
                {
                    outcomes[i] = SubmissionStatus.TokenRejected;
                    continue;
                }
            }
            stored[response.SubmissionId] = response.PayloadHash;
            outcomes[i] = SubmissionStatus.Created;
            accepted.Add(batch[i]);
        }

        var fresh = await FlagAsync(scope, db, accepted, secrets);
        await ResponseRows.InsertAsync(db, fresh.Select(e => e.Response).ToList(), CancellationToken.None);
        await FinishAsync(scope, db, fresh, transaction, deferCells);
        for (var i = 0; i < batch.Count; i++) batch[i].Done.TrySetResult(outcomes[i]);
    }

    /// <summary>The day's sighting secrets, read (or created) before the write transaction, in their own context.</summary>
    private async Task<(byte[] Today, byte[] Yesterday)> SightingSecretsAsync(IReadOnlyList<Pending> batch)
    {
        if (!batch.Any(p => p.Write.Device is not null)) return ([], []);
        var day = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        return (await deviceKeys.SecretAsync(day, create: true, CancellationToken.None),
            await deviceKeys.SecretAsync(day.AddDays(-1), create: false, CancellationToken.None));
    }

    /// <summary>Sets each response's suspicion flags (in batch order: earlier ones count for later ones).</summary>
    private async Task<List<LedgerEntry>> FlagAsync(AsyncServiceScope scope, SurveyDbContext db, IReadOnlyList<Pending> accepted, (byte[] Today, byte[] Yesterday) secrets)
    {
        var evaluator = await IntegrityEvaluator.PrepareAsync(db,
            accepted.Select(p => (p.Response, p.Write.Device, p.Write.OpeningHours, p.Write.EnteredByOfficial)).ToList(),
            _counts, secrets.Today, secrets.Yesterday, integrity.Value, scope.ServiceProvider.GetRequiredService<LocalClock>(), CancellationToken.None);
        var fresh = new List<LedgerEntry>(accepted.Count);
        foreach (var pending in accepted)
        {
            // Recomputed from the initial flags, so a retry after a failed batch does not keep stale bits.
            pending.Response.Flags = pending.Write.InitialFlags | (int)evaluator.Evaluate(db, pending.Response, pending.Write.Device, pending.Write.EnteredByOfficial);
            fresh.Add(new LedgerEntry(pending.Response, pending.Write.Answers));
        }
        return fresh;
    }

    /// <summary>
    /// Adds the stored responses to their statistics cells (or, with <paramref name="deferCells"/>, queues them for it),
    /// saves sightings and new cells, and commits.
    /// </summary>
    private async Task FinishAsync(AsyncServiceScope scope, SurveyDbContext db, IReadOnlyList<LedgerEntry> fresh,
        Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction transaction, bool deferCells)
    {
        if (deferCells) db.PendingCellResponses.AddRange(fresh.Select(e => new PendingCellResponse { SubmissionId = e.Response.SubmissionId }));
        else await scope.ServiceProvider.GetRequiredService<StatisticsLedger>().AddThroughCacheAsync(db, fresh, _cells, CancellationToken.None);
        await db.SaveChangesAsync();
        await transaction.CommitAsync();
    }
}

/// <summary>
/// One response for the writer: the response, its decoded answers, the SHA-256 of a per-dossier token to
/// redeem, the raw device cookie (only hashed, never stored), flags already known (TooFast) and the counter's
/// opening hours (null: always open) for the OutsideHours flag. <paramref name="EnteredByOfficial"/>: scanned or typed
/// by an official (paper), so the flags that read the time of a visit or a device do not apply (METHODOLOGY §6).
/// </summary>
public sealed record ResponseWrite(
    Response Response,
    IReadOnlyDictionary<string, AnswerValue> Answers,
    string? TokenHash = null,
    string? Device = null,
    int InitialFlags = 0,
    string? OpeningHours = null,
    bool EnteredByOfficial = false);
