using System.Threading.Channels;
using CchcSurvey.Core.Instruments;
using CchcSurvey.Web.Data;
using CchcSurvey.Web.Indices;
using Microsoft.EntityFrameworkCore;

namespace CchcSurvey.Web.Surveys;

/// <summary>
/// Group commit: one writer drains a queue of submissions and stores each batch — the responses and their
/// statistics cells — in one transaction. A submission is acknowledged only after its batch is committed,
/// so an acknowledged response survives a crash, and throughput stays high because a batch pays for one
/// commit (one fsync) whatever its size.
/// </summary>
public sealed class ResponseWriter(IServiceScopeFactory scopes, ILogger<ResponseWriter> logger) : BackgroundService
{
    private const int MaxBatch = 512;

    private sealed record Pending(Response Response, IReadOnlyDictionary<string, AnswerValue> Answers, TaskCompletionSource<SubmissionStatus> Done);

    private readonly Channel<Pending> _queue = Channel.CreateBounded<Pending>(new BoundedChannelOptions(20_000)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    /// <summary>Queues a response and waits until it is committed (Created) or found already stored (Replayed / Conflict).</summary>
    public async Task<SubmissionStatus> WriteAsync(Response response, IReadOnlyDictionary<string, AnswerValue> answers, CancellationToken ct)
    {
        var pending = new Pending(response, answers, new TaskCompletionSource<SubmissionStatus>(TaskCreationOptions.RunContinuationsAsynchronously));
        await _queue.Writer.WriteAsync(pending, ct);
        // Not cancellable once queued: the response will be stored, and a retry with the same id is answered 200.
        return await pending.Done.Task;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<Pending>(MaxBatch);
        // Reads until the queue is completed and empty (see StopAsync), so nothing queued is dropped.
        while (await _queue.Reader.WaitToReadAsync(CancellationToken.None))
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var pending)) batch.Add(pending);
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            await CommitAsync(batch);
            if (logger.IsEnabled(LogLevel.Debug))
                logger.LogDebug("Committed a batch of {Count} submissions in {Milliseconds:F1} ms", batch.Count,
                    System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
    }

    private async Task CommitAsync(IReadOnlyList<Pending> batch)
    {
        try
        {
            await CommitOnceAsync(batch);
        }
        catch (Exception e) when (batch.Count > 1)
        {
            // One bad or conflicting item must not sink the others: retry one by one.
            logger.LogWarning(e, "A batch of {Count} submissions failed; retrying them one by one", batch.Count);
            foreach (var pending in batch)
            {
                try { await CommitOnceAsync([pending]); }
                catch (Exception single) { pending.Done.TrySetException(single); }
            }
        }
        catch (Exception e)
        {
            batch[0].Done.TrySetException(e);
        }
    }

    private async Task CommitOnceAsync(IReadOnlyList<Pending> batch)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SurveyDbContext>();
        var ledger = scope.ServiceProvider.GetRequiredService<StatisticsLedger>();
        await using var transaction = await db.Database.BeginTransactionAsync();

        var ids = batch.Select(p => p.Response.SubmissionId).Distinct().ToList();
        var stored = await db.Responses.AsNoTracking().Where(r => ids.Contains(r.SubmissionId))
            .Select(r => new { r.SubmissionId, r.PayloadHash }).ToDictionaryAsync(r => r.SubmissionId, r => r.PayloadHash);
        var outcomes = new SubmissionStatus[batch.Count];
        var fresh = new List<LedgerEntry>();
        for (var i = 0; i < batch.Count; i++)
        {
            var response = batch[i].Response;
            if (stored.TryGetValue(response.SubmissionId, out var hash))
            {
                outcomes[i] = hash == response.PayloadHash ? SubmissionStatus.Replayed : SubmissionStatus.Conflict;
                continue;
            }
            stored[response.SubmissionId] = response.PayloadHash;
            outcomes[i] = SubmissionStatus.Created;
            fresh.Add(new LedgerEntry(response, batch[i].Answers));
        }
        db.Responses.AddRange(fresh.Select(e => e.Response));
        await ledger.AddAsync(db, fresh, CancellationToken.None);
        await db.SaveChangesAsync();
        await transaction.CommitAsync();
        for (var i = 0; i < batch.Count; i++) batch[i].Done.TrySetResult(outcomes[i]);
    }
}
