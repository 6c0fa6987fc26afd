using CchcSurvey.Web.Administration;
using CchcSurvey.Web.Data;
using CchcSurvey.Web.Infrastructure;
using CchcSurvey.Web.Webhooks;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace CchcSurvey.Web.Pages.Admin.Webhooks;

/// <summary>
/// Webhook receivers (URL, events, signing secret) and their latest deliveries with every attempt. The secret is shown
/// once, when it is created; it is stored encrypted with Data Protection because it is needed in plain to sign.
/// </summary>
public sealed class IndexModel(SurveyDbContext db, AuditLog audit, WebhookUrlPolicy policy, IDataProtectionProvider protection,
    TimeProvider time, LocalClock clock, IStringLocalizer<AdminResource> text) : PageModel
{
    public const int MinSecretLength = 24;

    public sealed record SubscriptionRow(int Id, string Url, IReadOnlyList<string> Events, DateTime CreatedLocal, string CreatedBy, int Delivered, int Pending, int Abandoned);
    public sealed record AttemptRow(DateTime AtLocal, int DurationMs, int? StatusCode, string? Error);
    public sealed record DeliveryRow(Guid Id, string Event, string Url, WebhookDeliveryStatus Status, DateTime CreatedLocal, DateTime? NextLocal, IReadOnlyList<AttemptRow> Attempts);

    public IReadOnlyList<SubscriptionRow> Subscriptions { get; private set; } = [];
    public IReadOnlyList<DeliveryRow> Deliveries { get; private set; } = [];
    public string? Error { get; private set; }
    public string? Message { get; private set; }

    /// <summary>A secret drawn by the platform, shown on this answer only.</summary>
    public string? NewSecret { get; private set; }

    [BindProperty] public string? ReceiverUrl { get; set; }
    [BindProperty] public List<string> Events { get; set; } = [];
    [BindProperty] public string? Secret { get; set; }

    public Task OnGetAsync(CancellationToken ct) => LoadAsync(ct);

    public async Task<IActionResult> OnPostCreateAsync(CancellationToken ct)
    {
        var url = ReceiverUrl?.Trim() ?? "";
        var events = Events.Where(e => !string.IsNullOrWhiteSpace(e)).Distinct(StringComparer.Ordinal).ToList();
        var secret = string.IsNullOrWhiteSpace(Secret) ? null : Secret.Trim();
        if (policy.Check(url) is { } refusal) Error = text["Địa chỉ nhận không được chấp nhận: {0}.", refusal];
        else if (events.Count == 0 || events.Any(e => !WebhookEvents.IsKnown(e))) Error = text["Chọn ít nhất một sự kiện trong danh sách."];
        else if (secret is not null && (secret.Length < MinSecretLength || secret.Length > 200)) Error = text["Khoá ký phải có từ {0} đến 200 ký tự (hoặc để trống để hệ thống tạo).", MinSecretLength];
        if (Error is not null)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            await LoadAsync(ct);
            return Page();
        }
        NewSecret = secret is null ? WebhookSigner.NewSecret() : null;
        var subscription = new WebhookSubscription
        {
            Url = url,
            Events = string.Join(' ', events),
            ProtectedSecret = protection.CreateProtector(WebhookDispatcher.SecretPurpose).Protect(secret ?? NewSecret!),
            CreatedUtc = time.GetUtcNow().UtcDateTime,
            CreatedBy = User.Identity?.Name ?? "",
        };
        db.WebhookSubscriptions.Add(subscription);
        audit.Add(User, AuditActions.WebhookCreate, url, $"events: {subscription.Events}");
        await db.SaveChangesAsync(ct);
        Message = text["Đã thêm địa chỉ nhận {0}.", url];
        ReceiverUrl = null;
        Events = [];
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostDeleteAsync(int id, CancellationToken ct)
    {
        var subscription = await db.WebhookSubscriptions.FirstOrDefaultAsync(s => s.Id == id, ct);
        if (subscription is null) return NotFound();
        db.WebhookSubscriptions.Remove(subscription);
        audit.Add(User, AuditActions.WebhookDelete, subscription.Url, $"events: {subscription.Events}");
        await db.SaveChangesAsync(ct);
        return LocalRedirect("/admin/webhooks");
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var counts = await db.WebhookDeliveries.AsNoTracking().GroupBy(d => new { d.SubscriptionId, d.Status })
            .Select(g => new { g.Key.SubscriptionId, g.Key.Status, Count = g.Count() }).ToListAsync(ct);
        int Count(int id, WebhookDeliveryStatus status) => counts.Where(c => c.SubscriptionId == id && c.Status == status).Sum(c => c.Count);
        var subscriptions = await db.WebhookSubscriptions.AsNoTracking().OrderBy(s => s.Id).ToListAsync(ct);
        Subscriptions = subscriptions.Select(s => new SubscriptionRow(s.Id, s.Url, s.EventList, clock.ToLocal(s.CreatedUtc), s.CreatedBy,
            Count(s.Id, WebhookDeliveryStatus.Delivered), Count(s.Id, WebhookDeliveryStatus.Pending), Count(s.Id, WebhookDeliveryStatus.Abandoned))).ToList();

        var deliveries = await db.WebhookDeliveries.AsNoTracking().OrderByDescending(d => d.CreatedUtc).Take(50)
            .Select(d => new { d.Id, d.Event, d.Subscription.Url, d.Status, d.CreatedUtc, d.NextAttemptUtc }).ToListAsync(ct);
        var ids = deliveries.Select(d => d.Id).ToList();
        var attempts = (await db.WebhookAttempts.AsNoTracking().Where(a => ids.Contains(a.DeliveryId)).ToListAsync(ct))
            .OrderBy(a => a.AttemptedUtc).ThenBy(a => a.Id).ToLookup(a => a.DeliveryId);
        Deliveries = deliveries.Select(d => new DeliveryRow(d.Id, d.Event, d.Url, d.Status, clock.ToLocal(d.CreatedUtc),
            d.Status == WebhookDeliveryStatus.Pending ? clock.ToLocal(d.NextAttemptUtc) : null,
            attempts[d.Id].Select(a => new AttemptRow(clock.ToLocal(a.AttemptedUtc), a.DurationMs, a.StatusCode, a.Error)).ToList())).ToList();
    }
}
