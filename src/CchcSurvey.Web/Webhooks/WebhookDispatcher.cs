using System.Diagnostics;
using System.Text;
using CchcSurvey.Web.Data;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CchcSurvey.Web.Webhooks;

/// <summary>
/// Sends the outbox: every due delivery is claimed (a conditional update, so two app instances never send the same
/// one at once), POSTed with its signature, and its attempt recorded. A 2xx answer delivers it; anything else — an
/// error status, a refused connection, no answer within <c>Webhooks:TimeoutSeconds</c> — schedules the next attempt
/// after a doubling wait, until <c>Webhooks:RetryHours</c> (a day) have passed since the event; then it is abandoned.
/// One delivery is in flight at a time, so a slow receiver is never sent the same delivery twice while it thinks.
/// </summary>
public sealed class WebhookDispatcher(
    IServiceScopeFactory scopes, IHttpClientFactory clients, WebhookSignal signal, TimeProvider time, WebhookUrlPolicy policy,
    IOptions<WebhookOptions> options, IDataProtectionProvider protection, ILogger<WebhookDispatcher> logger) : BackgroundService
{
    public const string ClientName = "webhooks";
    public const string SecretPurpose = "CchcSurvey.Webhooks.Secret";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled) return;
        var poll = TimeSpan.FromSeconds(Math.Max(0.05, options.Value.PollSeconds));
        while (!stoppingToken.IsCancellationRequested)
        {
            var sent = 0;
            try
            {
                sent = await RunOnceAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Webhook dispatch failed");
            }
            if (sent == 0) await signal.WaitAsync(poll, stoppingToken);
        }
    }

    /// <summary>Sends what is due now; returns how many attempts were made.</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SurveyDbContext>();
        var now = time.GetUtcNow().UtcDateTime;
        var due = await db.WebhookDeliveries.AsNoTracking()
            .Where(d => d.Status == WebhookDeliveryStatus.Pending && d.NextAttemptUtc <= now && (d.LockedUntilUtc == null || d.LockedUntilUtc < now))
            .OrderBy(d => d.NextAttemptUtc).Select(d => d.Id).Take(20).ToListAsync(ct);
        var attempts = 0;
        foreach (var id in due)
        {
            if (await SendAsync(db, id, ct)) attempts++;
        }
        return attempts;
    }

    private async Task<bool> SendAsync(SurveyDbContext db, Guid id, CancellationToken ct)
    {
        var settings = options.Value;
        var now = time.GetUtcNow().UtcDateTime;
        var timeout = TimeSpan.FromSeconds(Math.Max(0.1, settings.TimeoutSeconds));
        // Claim: only one sender passes this update; the lock outlives the attempt's timeout.
        var lockUntil = now + timeout + TimeSpan.FromMinutes(1);
        var claimed = await db.WebhookDeliveries
            .Where(d => d.Id == id && d.Status == WebhookDeliveryStatus.Pending && (d.LockedUntilUtc == null || d.LockedUntilUtc < now))
            .ExecuteUpdateAsync(u => u.SetProperty(d => d.LockedUntilUtc, lockUntil), ct);
        if (claimed != 1) return false;

        var delivery = await db.WebhookDeliveries.Include(d => d.Subscription).FirstAsync(d => d.Id == id, ct);
        var attempt = new WebhookAttempt { DeliveryId = id, AttemptedUtc = now };
        var watch = Stopwatch.StartNew();
        try
        {
            var refusal = policy.Check(delivery.Subscription.Url);
            if (refusal is not null) throw new HttpRequestException($"URL not allowed: {refusal}");
            var secret = protection.CreateProtector(SecretPurpose).Unprotect(delivery.Subscription.ProtectedSecret);
            var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
            using var request = new HttpRequestMessage(HttpMethod.Post, delivery.Subscription.Url)
            {
                Content = new StringContent(delivery.PayloadJson, Encoding.UTF8, "application/json"),
            };
            request.Headers.Add(WebhookSigner.IdHeader, delivery.Id.ToString());
            request.Headers.Add(WebhookSigner.EventHeader, delivery.Event);
            request.Headers.Add(WebhookSigner.TimestampHeader, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
            request.Headers.Add(WebhookSigner.SignatureHeader, WebhookSigner.Sign(secret, timestamp, delivery.PayloadJson));
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
            cts.CancelAfter(timeout);
            using var response = await clients.CreateClient(ClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
            attempt.StatusCode = (int)response.StatusCode;
            if (!response.IsSuccessStatusCode) attempt.Error = $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}";
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            attempt.Error = $"no answer within {timeout.TotalSeconds:0.#} s";
        }
        catch (Exception e) when (e is HttpRequestException or System.Security.Cryptography.CryptographicException or IOException)
        {
            attempt.Error = e.Message;
        }
        attempt.DurationMs = (int)Math.Min(int.MaxValue, watch.ElapsedMilliseconds);
        if (attempt.Error is { Length: > 500 } long_) attempt.Error = long_[..499] + "…";

        var finished = time.GetUtcNow().UtcDateTime;
        delivery.Attempts++;
        delivery.LockedUntilUtc = null;
        if (attempt.Error is null)
        {
            delivery.Status = WebhookDeliveryStatus.Delivered;
            delivery.DeliveredUtc = finished;
        }
        else
        {
            var wait = TimeSpan.FromSeconds(Math.Min(settings.FirstRetrySeconds * Math.Pow(2, delivery.Attempts - 1), settings.MaxRetryDelayMinutes * 60));
            var next = finished + wait;
            if (next > delivery.CreatedUtc + TimeSpan.FromHours(settings.RetryHours)) delivery.Status = WebhookDeliveryStatus.Abandoned;
            else delivery.NextAttemptUtc = next;
            logger.LogWarning("Webhook delivery {Id} to subscription {Subscription} failed (attempt {Attempt}): {Error}",
                delivery.Id, delivery.SubscriptionId, delivery.Attempts, attempt.Error);
        }
        db.WebhookAttempts.Add(attempt);
        // Not the request's token: the outcome of an attempt that happened must be written even while stopping.
        await db.SaveChangesAsync(CancellationToken.None);
        return true;
    }
}

public static class WebhookRegistration
{
    public static IServiceCollection AddWebhooks(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<WebhookOptions>(configuration.GetSection(WebhookOptions.Section));
        services.AddSingleton<WebhookSignal>();
        services.AddScoped<WebhookOutbox>();
        services.AddSingleton(sp => WebhookUrlPolicy.For(sp.GetRequiredService<IHostEnvironment>(), sp.GetRequiredService<IOptions<WebhookOptions>>().Value));
        services.AddHttpClient(WebhookDispatcher.ClientName)
            .ConfigurePrimaryHttpMessageHandler(sp =>
            {
                var policy = sp.GetRequiredService<WebhookUrlPolicy>();
                return new SocketsHttpHandler
                {
                    AllowAutoRedirect = false,
                    UseCookies = false,
                    ConnectCallback = policy.ConnectAsync,
                    PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                };
            })
            .ConfigureHttpClient(c => c.Timeout = Timeout.InfiniteTimeSpan);
        services.AddSingleton<WebhookDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<WebhookDispatcher>());
        return services;
    }
}
