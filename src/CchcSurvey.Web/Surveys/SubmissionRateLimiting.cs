using System.Threading.RateLimiting;
using CchcSurvey.Web.Infrastructure;
using Microsoft.AspNetCore.RateLimiting;

namespace CchcSurvey.Web.Surveys;

/// <summary>
/// Limits anonymous submissions per device (the server-signed cookie, <see cref="DeviceCookie"/>) and per counter
/// — never per IP address, because a whole one-stop section may share one address. The device limit runs as
/// ASP.NET Core rate-limiting middleware on the submitting endpoints (a missing or made-up cookie has no device
/// bucket); the counter limit is taken by <see cref="SubmissionService"/> for every submission, once the counter
/// is known (from the route, the body or the token), so API clients without cookies no longer share one bucket.
/// 429 answers carry Retry-After.
/// </summary>
public static class SubmissionRateLimiting
{
    public const string Policy = "submissions";
    public const string DeviceCookie = "cchc_device";

    public static IServiceCollection AddSubmissionRateLimiting(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(RateLimitingOptions.Section).Get<RateLimitingOptions>() ?? new RateLimitingOptions();
        services.AddSingleton(new CounterRateLimiter(options));
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = async (context, ct) =>
            {
                var retry = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromMinutes(1);
                await WriteTooManyAsync(context.HttpContext, retry, ct);
            };
            o.AddPolicy(Policy, context =>
            {
                // Only submissions count: showing the form (GET) is free.
                if (!options.Enabled || !HttpMethods.IsPost(context.Request.Method)) return RateLimitPartition.GetNoLimiter("off");
                // An enrolled tablet serves one citizen at a time, but after an outage it sends its whole queue:
                // its own bucket (a burst for the backlog, then a steady rate) instead of the per-device window. The
                // per-counter limit of SubmissionService still applies to it, like to every submission, so a long
                // backlog drains at that rate (the tablet honours Retry-After and loses nothing).
                // Only the signature is checked here; the API still checks the tablet row and the counter.
                var protection = context.RequestServices.GetRequiredService<Microsoft.AspNetCore.DataProtection.IDataProtectionProvider>();
                if (KioskCredentials.Read(protection, context.Request.Cookies[KioskCredentials.CookieName]) is { } tablet)
                    return RateLimitPartition.GetTokenBucketLimiter("kiosk:" + tablet.TabletId, _ => new TokenBucketRateLimiterOptions
                    {
                        TokenLimit = Math.Max(1, options.KioskBurst),
                        TokensPerPeriod = Math.Max(1, options.PerKioskPerMinute),
                        ReplenishmentPeriod = TimeSpan.FromMinutes(1),
                        QueueLimit = 0,
                        AutoReplenishment = true,
                    });
                // Only a cookie this server issued has a bucket: made-up cookies would each get a fresh one.
                if (Surveys.DeviceCookie.Read(context) is not { } device) return RateLimitPartition.GetNoLimiter("no-device");
                // Keyed by a hash: the device id is not kept even in memory as a dictionary key.
                return RateLimitPartition.GetFixedWindowLimiter("device:" + Integrity.DeviceKeys.RateLimitKey(device), _ => Window(options.PerDevicePerMinute));
            });
        });
        return services;
    }

    /// <summary>The 429 answer: problem details for the API, a short Vietnamese page for a citizen's form.</summary>
    public static async Task WriteTooManyAsync(HttpContext http, TimeSpan retry, CancellationToken ct)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(retry.TotalSeconds));
        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (http.Request.Path.StartsWithSegments("/api"))
        {
            await Results.Problem(statusCode: 429, title: "Too many submissions", detail: $"Please wait {seconds} s and try again.").ExecuteAsync(http);
            return;
        }
        // A citizen at the counter gets a short page, not JSON.
        http.Response.ContentType = "text/html; charset=utf-8";
        await http.Response.WriteAsync(
            "<!DOCTYPE html><html lang=\"vi\"><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">" +
            "<title>Vui lòng thử lại sau</title>" +
            // The CSP allows no inline style without the request's nonce.
            $"<style nonce=\"{Security.CspNonce.For(http)}\">body{{font:1.1rem system-ui;padding:1.5rem;max-width:30rem;margin:auto}}</style><body>" +
            $"<h1>Vui lòng thử lại sau ít phút</h1><p>Có quá nhiều lượt gửi từ thiết bị này hoặc tại quầy này. Hãy thử lại sau {seconds} giây.</p>" +
            $"<p lang=\"en\">Too many submissions from this device or at this counter. Please try again in {seconds} seconds.</p></body></html>", ct);
    }

    internal static FixedWindowRateLimiterOptions Window(int permits) => new()
    {
        PermitLimit = Math.Max(1, permits),
        Window = TimeSpan.FromMinutes(1),
        QueueLimit = 0,
    };
}

/// <summary>
/// The per-counter submission limit (<c>RateLimiting:PerCounterPerMinute</c>), taken by every submission whatever
/// its route, cookie or channel, once its counter is known.
/// </summary>
public sealed class CounterRateLimiter(RateLimitingOptions options) : IDisposable
{
    private readonly PartitionedRateLimiter<int> _limiter = PartitionedRateLimiter.Create<int, int>(
        counterId => RateLimitPartition.GetFixedWindowLimiter(counterId, _ => SubmissionRateLimiting.Window(options.PerCounterPerMinute)));

    /// <summary>Null when the submission may go on, else how long to wait.</summary>
    public TimeSpan? TryAcquire(int counterId)
    {
        if (!options.Enabled) return null;
        using var lease = _limiter.AttemptAcquire(counterId);
        if (lease.IsAcquired) return null;
        return lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromMinutes(1);
    }

    public void Dispose() => _limiter.Dispose();
}

/// <summary>A 429 from a Razor page handler, written like the middleware's.</summary>
public sealed class TooManySubmissionsResult(TimeSpan retry) : IResult, Microsoft.AspNetCore.Mvc.IActionResult
{
    public Task ExecuteAsync(HttpContext http) => SubmissionRateLimiting.WriteTooManyAsync(http, retry, http.RequestAborted);

    public Task ExecuteResultAsync(Microsoft.AspNetCore.Mvc.ActionContext context) => ExecuteAsync(context.HttpContext);
}
