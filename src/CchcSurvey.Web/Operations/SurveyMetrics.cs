using System.Data.Common;
using System.Net;
using CchcSurvey.Web.Surveys;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Prometheus;

namespace CchcSurvey.Web.Operations;

/// <summary>
/// What <c>/metrics</c> shows besides prometheus-net's own request durations (per route pattern) and process
/// figures: counts and timings of the submission path only. Labels are fixed, small sets (an outcome, a refusal
/// reason): never a counter, unit, instrument, item code, answer or submission id, so nothing about an answer
/// or the person who gave it can be read from the metrics.
/// The instruments are process-wide (prometheus-net's default registry); they are recorded whether or not
/// <c>Metrics:Enabled</c> exposes them, which costs an interlocked add.
/// </summary>
public static class SurveyMetrics
{
    private static readonly Counter Acknowledged = Metrics.CreateCounter("cchc_submissions_acknowledged_total",
        "Submissions acknowledged to the citizen or kiosk: created (stored now) or replayed (a retry of a stored one).",
        new CounterConfiguration { LabelNames = ["outcome"] });

    private static readonly Counter Refused = Metrics.CreateCounter("cchc_submissions_refused_total",
        "Submissions refused, by reason (invalid, not_found, token_used, too_large, id_conflict, rate_limited, server_error).",
        new CounterConfiguration { LabelNames = ["reason"] });

    private static readonly Gauge QueueLength = Metrics.CreateGauge("cchc_writer_queue_length",
        "Submissions waiting for the response writer when it last started a batch.");

    private static readonly Histogram BatchCommit = Metrics.CreateHistogram("cchc_writer_batch_commit_seconds",
        "Time to store and commit one batch of the response writer (group commit).",
        new HistogramConfiguration { Buckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });

    private static readonly Histogram BatchSize = Metrics.CreateHistogram("cchc_writer_batch_size",
        "Submissions in one batch of the response writer.",
        new HistogramConfiguration { Buckets = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512] });

    private static readonly Counter BatchRetries = Metrics.CreateCounter("cchc_writer_batch_retries_total",
        "Batches the writer tried again after the database connection failed (for example during a fail-over).");

    private static readonly Counter ConnectionFailures = Metrics.CreateCounter("cchc_database_connection_failures_total",
        "Database connections that could not be opened or broke under a command.");

    public static void Stored(SubmissionStatus status)
    {
        switch (status)
        {
            case SubmissionStatus.Created: Acknowledged.WithLabels("created").Inc(); break;
            case SubmissionStatus.Replayed: Acknowledged.WithLabels("replayed").Inc(); break;
        }
    }

    public static void Batch(int count, int waiting, TimeSpan elapsed)
    {
        QueueLength.Set(waiting);
        BatchSize.Observe(count);
        BatchCommit.Observe(elapsed.TotalSeconds);
    }

    public static void BatchRetried() => BatchRetries.Inc();

    public static void ConnectionFailed() => ConnectionFailures.Inc();

    /// <summary>The refusal reason of a submission answered with this status, or null when it was not refused.</summary>
    public static string? RefusalReason(int status) => status switch
    {
        400 => "invalid",
        404 => "not_found",
        409 => "token_used",
        413 => "too_large",
        422 => "id_conflict",
        429 => "rate_limited",
        >= 500 => "server_error",
        _ => null,
    };

    /// <summary>A POST that stores a response: the API, the survey forms (QR, kiosk) and the dossier-token form.</summary>
    public static bool IsSubmission(HttpRequest request) =>
        HttpMethods.IsPost(request.Method)
        && (request.Path.Equals("/api/v1/responses", StringComparison.OrdinalIgnoreCase)
            || request.Path.StartsWithSegments("/s") || request.Path.StartsWithSegments("/kiosk") || request.Path.StartsWithSegments("/t"));

    /// <summary>
    /// Counts refused submissions by their status code (the forms and the API use the same codes), and guards
    /// <c>/metrics</c>: it exists (200) only for a direct connection from <c>Metrics:AllowedNetworks</c>; from any other
    /// address, and for anything relayed by the reverse proxy (which adds X-Forwarded-Proto), it is 404. The peer's
    /// address is read for that decision only, on that path only; it is neither stored nor logged.
    /// Runs before the rate limiter, so that its 429s are counted.
    /// </summary>
    public static IApplicationBuilder UseSurveyMetrics(this IApplicationBuilder app, MetricsOptions options)
    {
        var networks = options.Networks();
        return app.Use(async (http, next) =>
        {
            if (http.Request.Path.StartsWithSegments("/metrics"))
            {
                var relayed = http.Request.Headers.ContainsKey("X-Forwarded-Proto") || http.Request.Headers.ContainsKey("X-Original-Proto");
                if (!options.Enabled || relayed || !Allowed(http.Connection.RemoteIpAddress, networks))
                {
                    http.Response.StatusCode = StatusCodes.Status404NotFound;
                    return;
                }
                await next(http);
                return;
            }
            if (!IsSubmission(http.Request))
            {
                await next(http);
                return;
            }
            try
            {
                await next(http);
            }
            finally
            {
                if (RefusalReason(http.Response.StatusCode) is { } reason) Refused.WithLabels(reason).Inc();
            }
        });
    }

    internal static bool Allowed(IPAddress? address, IReadOnlyList<IPNetwork> networks)
    {
        if (address is null) return false;
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        foreach (var network in networks)
            if (network.Contains(address)) return true;
        return false;
    }
}

/// <summary><c>Metrics:*</c> — the Prometheus endpoint.</summary>
public sealed class MetricsOptions
{
    public const string Section = "Metrics";

    /// <summary>Serve <c>/metrics</c> at all (off by default).</summary>
    public bool Enabled { get; set; }

    /// <summary>
    /// CIDR networks allowed to read <c>/metrics</c> (e.g. <c>10.0.5.0/24</c>); others get 404. Empty: this host only
    /// (127.0.0.1/32 and ::1/128). Not initialised here: the configuration binder would append to a default list.
    /// </summary>
    public List<string> AllowedNetworks { get; set; } = [];

    /// <summary>The parsed networks; a value that is not CIDR stops the start with its name.</summary>
    public IReadOnlyList<IPNetwork> Networks() => (AllowedNetworks.Count == 0 ? ["127.0.0.1/32", "::1/128"] : AllowedNetworks)
        .Where(n => !string.IsNullOrWhiteSpace(n))
        .Select(n => IPNetwork.TryParse(n.Trim(), out var network) ? network
            : throw new InvalidOperationException($"Metrics:AllowedNetworks: '{n}' is not a network in CIDR notation (e.g. 10.0.5.0/24)."))
        .ToList();
}

/// <summary>Counts database connections that fail to open or break under a command (both providers).</summary>
public sealed class ConnectionFailureInterceptor : DbConnectionInterceptor, IDbCommandInterceptor
{
    public override void ConnectionFailed(DbConnection connection, ConnectionErrorEventData eventData) => SurveyMetrics.ConnectionFailed();

    public override Task ConnectionFailedAsync(DbConnection connection, ConnectionErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        SurveyMetrics.ConnectionFailed();
        return Task.CompletedTask;
    }

    public void CommandFailed(DbCommand command, CommandErrorEventData eventData)
    {
        if (IsConnectionLoss(eventData.Exception)) SurveyMetrics.ConnectionFailed();
    }

    public Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        CommandFailed(command, eventData);
        return Task.CompletedTask;
    }

    /// <summary>A broken or refused connection (not a constraint or syntax error), or a server shutting down.</summary>
    /// EF Core wraps provider exceptions (DbUpdateException, InvalidOperationException), so the chain is searched.
    public static bool IsConnectionLoss(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
        {
            switch (x)
            {
                // 57P0x: the server is shutting down or starting; 25006: a read-only transaction (we reached a standby).
                case Npgsql.PostgresException p:
                    return p.SqlState is "57P01" or "57P02" or "57P03" or "25006";
                case Npgsql.NpgsqlException:
                case System.Net.Sockets.SocketException:
                    return true;
            }
        }
        return false;
    }
}
