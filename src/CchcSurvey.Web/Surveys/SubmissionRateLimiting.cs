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
                var retry = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromMinutes(1);
                context.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(retry.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                await Results.Problem(statusCode: 429, title: "Too many submissions", detail: "Please wait a moment and try again.")
                    .ExecuteAsync(context.HttpContext);
            };
            o.AddPolicy(Policy, context =>
            {
                if (!options.Enabled) return RateLimitPartition.GetNoLimiter("off");
                var device = context.Request.Cookies[DeviceCookie];
                if (!string.IsNullOrEmpty(device))
                    return RateLimitPartition.GetFixedWindowLimiter("device:" + device, _ => Window(options.PerDevicePerMinute));
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
