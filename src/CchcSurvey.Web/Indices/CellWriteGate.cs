namespace CchcSurvey.Web.Indices;

/// <summary>
/// Serialises the writers of statistics cells inside one app instance: the response writer holds it for each batch,
/// a reorganisation job while it computes and writes its cell changes. Between them a batch can never compute a
/// response's ancestors from the old tree and write them after the job has moved the cells (counted twice, or in a
/// unit that no longer holds the commune). Submissions do not wait for a job: while it holds the gate the writer
/// stores responses without their cells (<see cref="TryEnter"/> fails, see <see cref="PendingCells"/>) and adds
/// them after it. Other app instances sharing a PostgreSQL database are not covered: run a reorganisation with one
/// instance.
/// </summary>
public sealed class CellWriteGate
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    public async Task<IDisposable> EnterAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        return new Releaser(_gate);
    }

    /// <summary>Enters if nobody holds the gate, without waiting; null otherwise.</summary>
    public IDisposable? TryEnter() => _gate.Wait(0) ? new Releaser(_gate) : null;

    private sealed class Releaser(SemaphoreSlim gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) gate.Release();
        }
    }
}
