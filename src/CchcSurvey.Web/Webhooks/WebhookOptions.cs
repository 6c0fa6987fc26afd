namespace CchcSurvey.Web.Webhooks;

/// <summary><c>Webhooks:*</c> — delivery of events to registered receivers.</summary>
public sealed class WebhookOptions
{
    public const string Section = "Webhooks";

    /// <summary>Run the dispatcher (deliveries are still recorded in the outbox when it is off).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Seconds between two looks at the outbox when nothing woke the dispatcher.</summary>
    public double PollSeconds { get; set; } = 5;

    /// <summary>Seconds to wait for a receiver's answer; no answer in time is a failed attempt.</summary>
    public double TimeoutSeconds { get; set; } = 10;

    /// <summary>Wait before the first retry; each next wait doubles, up to <see cref="MaxRetryDelayMinutes"/>.</summary>
    public double FirstRetrySeconds { get; set; } = 30;

    public double MaxRetryDelayMinutes { get; set; } = 120;

    /// <summary>How long a failing delivery is retried before it is abandoned (a day).</summary>
    public double RetryHours { get; set; } = 24;

    /// <summary>Production: also deliver to private, loopback and link-local addresses (an internal chat server). Off: SSRF guard.</summary>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary>Receivers should refuse a timestamp older or newer than this (documented; the sender keeps its clock).</summary>
    public const int ReplayWindowMinutes = 5;
}
