namespace CchcSurvey.Web.Data;

/// <summary>A receiver registered by an administrator on <c>/admin/webhooks</c>: where to POST which events, signed with which secret.</summary>
public sealed class WebhookSubscription
{
    public int Id { get; set; }
    public required string Url { get; set; }

    /// <summary>Event names, space separated (see <see cref="Webhooks.WebhookEvents"/>).</summary>
    public required string Events { get; set; }

    /// <summary>The signing secret, encrypted with Data Protection (the plain secret is needed to sign, so it is not hashed).</summary>
    public required string ProtectedSecret { get; set; }

    public bool IsActive { get; set; } = true;
    public DateTime CreatedUtc { get; set; }
    public required string CreatedBy { get; set; }

    public IReadOnlyList<string> EventList => Events.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}

public enum WebhookDeliveryStatus : byte
{
    /// <summary>Waiting for its first or next attempt.</summary>
    Pending = 0,
    /// <summary>The receiver answered 2xx.</summary>
    Delivered = 1,
    /// <summary>Still failing when the retry period (a day) ran out; no more attempts.</summary>
    Abandoned = 2,
}

/// <summary>
/// One event for one receiver: the outbox row. It is written in the same transaction as the change it reports, so a
/// restart loses nothing; the dispatcher sends it until the receiver answers 2xx or a day has passed.
/// </summary>
public sealed class WebhookDelivery
{
    /// <summary>The delivery id sent in the <c>Cchc-Webhook-Id</c> header and the body: receivers drop a second one.</summary>
    public Guid Id { get; set; }

    public int SubscriptionId { get; set; }
    public WebhookSubscription Subscription { get; set; } = null!;
    public required string Event { get; set; }

    /// <summary>The exact body sent (and signed) on every attempt.</summary>
    public required string PayloadJson { get; set; }

    public WebhookDeliveryStatus Status { get; set; }
    public DateTime CreatedUtc { get; set; }
    public DateTime NextAttemptUtc { get; set; }

    /// <summary>While an attempt is under way: no other dispatcher (or loop) takes the delivery before this time.</summary>
    public DateTime? LockedUntilUtc { get; set; }

    public int Attempts { get; set; }
    public DateTime? DeliveredUtc { get; set; }
}

/// <summary>One try of a delivery: when, how long, and the receiver's status code or the error.</summary>
public sealed class WebhookAttempt
{
    public long Id { get; set; }
    public Guid DeliveryId { get; set; }
    public WebhookDelivery Delivery { get; set; } = null!;
    public DateTime AttemptedUtc { get; set; }
    public int DurationMs { get; set; }

    /// <summary>The receiver's HTTP status, or null when no answer came (refused, timed out, address not allowed).</summary>
    public int? StatusCode { get; set; }

    public string? Error { get; set; }
}
