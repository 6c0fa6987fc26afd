using System.Text.Json;
using System.Threading.Channels;
using CchcSurvey.Web.Data;
using CchcSurvey.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CchcSurvey.Web.Webhooks;

/// <summary>Wakes the dispatcher when deliveries were saved, so that they do not wait for the next poll.</summary>
public sealed class WebhookSignal
{
    private readonly Channel<bool> _channel = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public void Notify() => _channel.Writer.TryWrite(true);

    public async Task WaitAsync(TimeSpan timeout, CancellationToken ct)
    {
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timer.CancelAfter(timeout);
        try
        {
            await _channel.Reader.ReadAsync(timer.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
        }
    }
}

/// <summary>
/// The transactional outbox: <see cref="StageAsync"/> adds one delivery per active subscription of the event to the
/// caller's context, so that the caller's SaveChanges (or transaction) stores the change and its deliveries together —
/// an event is never sent for a change that was rolled back, and never lost to a restart after the change committed.
/// </summary>
public sealed class WebhookOutbox(SurveyDbContext db, TimeProvider time, LocalClock clock, WebhookSignal signal, Security.OpaqueIds opaque)
{
    private bool _hooked;

    public async Task<int> StageAsync<T>(string @event, T data, CancellationToken ct)
    {
        if (!WebhookEvents.IsKnown(@event)) throw new ArgumentException($"Unknown webhook event '{@event}'.", nameof(@event));
        var subscriptions = await db.WebhookSubscriptions.AsNoTracking().Where(s => s.IsActive).Select(s => new { s.Id, s.Events }).ToListAsync(ct);
        var now = time.GetUtcNow().UtcDateTime;
        var staged = 0;
        foreach (var subscription in subscriptions.Where(s => s.Events.Split(' ').Contains(@event)))
        {
            var id = Guid.NewGuid();
            db.WebhookDeliveries.Add(new WebhookDelivery
            {
                Id = id,
                SubscriptionId = subscription.Id,
                Event = @event,
                PayloadJson = JsonSerializer.Serialize(new WebhookEnvelope<T>(id, @event, WebhookJson.Date(clock.Today()), data), WebhookJson.Options),
                Status = WebhookDeliveryStatus.Pending,
                CreatedUtc = now,
                NextAttemptUtc = now,
            });
            staged++;
        }
        if (staged > 0 && !_hooked)
        {
            _hooked = true;
            db.SavedChanges += (_, _) => signal.Notify();
        }
        return staged;
    }

    /// <summary>What officials' pages show of a comment's response: its questionnaire, rating level and local date.</summary>
    public async Task<(string Instrument, int? Rating, DateOnly Date)> ResponseFactsAsync(long responseId, CancellationToken ct)
    {
        var row = await db.Responses.AsNoTracking().Where(r => r.Id == responseId)
            .Select(r => new { r.AnswersJson, r.SubmittedHourUtc, Code = r.InstrumentVersion.Code }).FirstAsync(ct);
        return (row.Code, Workspace.Comments.Read(row.AnswersJson).Rating, DateOnly.FromDateTime(clock.ToLocal(row.SubmittedHourUtc)));
    }

    /// <summary>Stages alert.raised for alerts just saved (they need their ids).</summary>
    public async Task StageAlertsAsync(IEnumerable<Alert> alerts, CancellationToken ct)
    {
        foreach (var alert in alerts)
        {
            var unit = await db.Units.AsNoTracking().Where(u => u.Id == alert.UnitId).Select(u => new { u.Code, u.Name }).FirstAsync(ct);
            string? instrument = null;
            int? rating = null;
            var date = alert.WeekStart;
            if (alert.ResponseId is long responseId)
                (instrument, rating, date) = await ResponseFactsAsync(responseId, ct);
            else if (alert.Key.Split(':') is [_, _, var code, _])
                instrument = code;
            await StageAsync(WebhookEvents.AlertRaised, new AlertRaisedData(await opaque.ToOpaqueAsync(Security.OpaqueKind.Alert, alert.Id, ct), alert.Kind, unit.Code, unit.Name, WebhookJson.Date(date), instrument, rating, "/dashboard/alerts"), ct);
        }
    }
}
