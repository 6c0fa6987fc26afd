using System.Threading.RateLimiting;
using CchcSurvey.Web.Infrastructure;
using Microsoft.AspNetCore.RateLimiting;

namespace CchcSurvey.Web.Surveys;

/// <summary>
/// Limits anonymous submissions per device (a random cookie) and per counter — never per IP address
/// alone, because a whole one-stop section may share one address. 429 answers carry Retry-After.
/// </summary>
public static class SubmissionRateLimiting
{
    public const string Policy = "submissions";
    public const string DeviceCookie = "cchc_device";

    public static IServiceCollection AddSubmissionRateLimiting(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(RateLimitingOptions.Section).Get<RateLimitingOptions>() ?? new RateLimitingOptions();
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = async (context, ct) =>
            {
                var http = context.HttpContext;
                var retry = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromMinutes(1);
                var seconds = (int)Math.Ceiling(retry.TotalSeconds);
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
                    $"<h1>Vui lòng thử lại sau ít phút</h1><p>Có quá nhiều lượt gửi từ thiết bị này. Hãy thử lại sau {seconds} giây.</p>" +
                    $"<p lang=\"en\">Too many submissions from this device. Please try again in {seconds} seconds.</p></body></html>", ct);
            };
            o.AddPolicy(Policy, context =>
            {
                // Only submissions count: showing the form (GET) is free.
                if (!options.Enabled || !HttpMethods.IsPost(context.Request.Method)) return RateLimitPartition.GetNoLimiter("off");
                // An enrolled tablet serves one citizen at a time, but after an outage it sends its whole queue:
                // its own bucket (a burst for the backlog, then a steady rate), never the per-device or per-counter window.
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
                var device = context.Request.Cookies[DeviceCookie];
                if (!string.IsNullOrEmpty(device))
                    // Keyed by a hash: the raw cookie is not kept even in memory as a dictionary key.
                    return RateLimitPartition.GetFixedWindowLimiter("device:" + Integrity.DeviceKeys.RateLimitKey(device), _ => Window(options.PerDevicePerMinute));
                var counter = context.Request.RouteValues["counter"]?.ToString() ?? context.Request.Path.Value ?? "";
                return RateLimitPartition.GetFixedWindowLimiter("counter:" + counter, _ => Window(options.PerCounterPerMinute));
            });
        });
        return services;
    }

    private static FixedWindowRateLimiterOptions Window(int permits) => new()
    {
        PermitLimit = Math.Max(1, permits),
        Window = TimeSpan.FromMinutes(1),
        QueueLimit = 0,
    };
}
