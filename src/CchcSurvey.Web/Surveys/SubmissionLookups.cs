using System.Collections.Concurrent;
using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using CchcSurvey.Web.Data;

namespace CchcSurvey.Web.Surveys;

/// <summary>
/// The cache behind <see cref="SurveyResolver"/> with <see cref="SurveyCaching.Short"/> (the JSON submission path, hot
/// under load): active counters by code and published instrument versions by code and version, so that a submission
/// does not cost two database queries before it is queued. A counter or "current version" is re-read after
/// <see cref="Ttl"/>; in this process every saved change to counters or instrument versions also empties the cache at
/// once (<see cref="SubmissionLookupsInvalidation"/>), so the delay only applies to changes made by another app instance.
/// Only hits are cached: unknown codes always go to the database and cannot grow the cache.
/// </summary>
public sealed class SubmissionLookups
{
    public static readonly TimeSpan Ttl = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<string, (Counter Counter, long Expires)> _counters = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Code, int? Version), (PublishedInstrument Instrument, long Expires)> _instruments = new();

    public async Task<Counter?> CounterAsync(string code, Func<Task<Counter?>> load)
    {
        var now = Environment.TickCount64;
        if (_counters.TryGetValue(code, out var hit) && hit.Expires > now) return hit.Counter;
        var counter = await load();
        if (counter is null) _counters.TryRemove(code, out _);
        else _counters[code] = (counter, now + (long)Ttl.TotalMilliseconds);
        return counter;
    }

    public async Task<PublishedInstrument?> InstrumentAsync(string code, int? version, Func<Task<PublishedInstrument?>> load)
    {
        var now = Environment.TickCount64;
        if (_instruments.TryGetValue((code, version), out var hit) && hit.Expires > now) return hit.Instrument;
        var instrument = await load();
        // A given version never changes; only "the current version" can move on.
        var expires = version is null ? now + (long)Ttl.TotalMilliseconds : long.MaxValue;
        if (instrument is null) _instruments.TryRemove((code, version), out _);
        else _instruments[(code, version)] = (instrument, expires);
        return instrument;
    }

    /// <summary>Forgets every cached counter and instrument version.</summary>
    public void Clear()
    {
        _counters.Clear();
        _instruments.Clear();
    }
}

/// <summary>
/// Empties <see cref="SubmissionLookups"/> whenever counters or instrument versions are saved — after the save
/// or, inside a transaction, after its commit — so that a moved, merged or deactivated counter or a newly
/// published version is never served stale by this process.
/// </summary>
public sealed class SubmissionLookupsInvalidation(SubmissionLookups lookups) : SaveChangesInterceptor, IDbTransactionInterceptor
{
    private readonly ConditionalWeakTable<DbContext, object> _pending = new();

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Note(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Note(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        Settle(eventData.Context, committed: false);
        return result;
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        Settle(eventData.Context, committed: false);
        return ValueTask.FromResult(result);
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Settle(eventData.Context, committed: true);

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Settle(eventData.Context, committed: true);
        return Task.CompletedTask;
    }

    private void Note(DbContext? context)
    {
        if (context is null) return;
        if (context.ChangeTracker.Entries().Any(e => e.Entity is Data.Counter or Data.InstrumentVersion && e.State is EntityState.Added or EntityState.Modified or EntityState.Deleted))
        {
            _pending.AddOrUpdate(context, new object());
            lookups.Clear();
        }
    }

    private void Settle(DbContext? context, bool committed)
    {
        if (context is null || !_pending.TryGetValue(context, out _)) return;
        // Inside an explicit transaction the change is visible to others only after the commit.
        if (!committed && context.Database.CurrentTransaction is not null) return;
        _pending.Remove(context);
        lookups.Clear();
    }
}
