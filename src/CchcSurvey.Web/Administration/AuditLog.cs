using System.Security.Claims;
using System.Text.RegularExpressions;
using CchcSurvey.Web.Data;
using CchcSurvey.Web.Data.Configurations;

namespace CchcSurvey.Web.Administration;

/// <summary>The action names of the audit log. Other areas may add their own (short, lower-case, dashed).</summary>
public static class AuditActions
{
    public const string SignIn = "sign-in";
    public const string SignInFailed = "sign-in-failed";
    public const string Lockout = "lockout";
    public const string Export = "export";
    public const string Publish = "publish";
    public const string UnitCreate = "unit-create";
    public const string UnitRename = "unit-rename";
    public const string UnitMove = "unit-move";
    public const string UnitMerge = "unit-merge";
    public const string UnitReorganise = "unit-reorganise";
    public const string UnitLeads = "unit-leads";
    public const string CounterCreate = "counter-create";
    public const string CounterUpdate = "counter-update";
    public const string InstrumentPublish = "instrument-publish";
    public const string UserCreate = "user-create";
    public const string UserRole = "user-role";
    public const string UserLock = "user-lock";
    public const string UserUnlock = "user-unlock";
    public const string TokenCreate = "token-create";
    public const string TokenRevoke = "token-revoke";
    public const string ConfigChange = "config-change";
    public const string SignOut = "sign-out";
    public const string PasswordChange = "password-change";
    public const string TwoFactorEnable = "2fa-enable";
    public const string TwoFactorReset = "2fa-reset";
    public const string RecoveryCodes = "2fa-recovery-codes";
    public const string RecoveryCodeUsed = "2fa-recovery-code-used";
    public const string CommentTags = "comment-tags";
    public const string CommentHandled = "comment-handled";
    public const string CaseOpen = "case-open";
    public const string CaseUpdate = "case-update";
    public const string AlertAcknowledge = "alert-acknowledge";
    public const string DossierCounts = "dossier-counts";
    public const string DossierTokenIssue = "dossier-token-issue";
    public const string WebhookCreate = "webhook-create";
    public const string WebhookDelete = "webhook-delete";
    public const string PlanCreate = "plan-create";
    public const string PlanProgress = "plan-progress";
    public const string PlanValue = "plan-value";
    public const string KioskCreate = "kiosk-create";
    public const string KioskEnrol = "kiosk-enrol";
    public const string KioskRename = "kiosk-rename";
    public const string KioskRevoke = "kiosk-revoke";
    public const string KioskLink = "kiosk-link";
    public const string InstrumentTranslation = "instrument-translation";
    public const string InstrumentRecording = "instrument-recording";

    /// <summary>The actions offered in the audit page's filter (any stored action can still be typed in the URL).</summary>
    public static readonly string[] Known =
    [
        SignIn, SignInFailed, Lockout, Export, Publish, UnitCreate, UnitRename, UnitMove, UnitMerge, UnitReorganise, UnitLeads, CounterCreate, CounterUpdate,
        InstrumentPublish, UserCreate, UserRole, UserLock, UserUnlock, TokenCreate, TokenRevoke, ConfigChange,
        SignOut, PasswordChange, TwoFactorEnable, TwoFactorReset, RecoveryCodes, RecoveryCodeUsed,
        CommentTags, CommentHandled, CaseOpen, CaseUpdate, AlertAcknowledge, DossierCounts, DossierTokenIssue,
        WebhookCreate, WebhookDelete,
        PlanCreate, PlanProgress, PlanValue,
        KioskCreate, KioskEnrol, KioskRename, KioskRevoke, KioskLink, InstrumentTranslation, InstrumentRecording,
    ];
}

/// <summary>
/// The audit log: who did what, to what, when. <see cref="WriteAsync"/> stores one entry at once (in its own
/// SaveChanges, together with anything else pending on the scoped context); <see cref="Add"/> only stages it,
/// so that a page can save its change and its audit entry in one SaveChanges, all or nothing.
/// Details are cut to 1,000 characters and scrubbed of anything that looks like an API token.
/// </summary>
public sealed partial class AuditLog(SurveyDbContext db, TimeProvider time)
{
    public const string System = "system";
    public const string Anonymous = "anonymous";

    /// <summary>Claim the bearer-token handler puts on its principal: the token's id, so that actions over the API are "api-token:{id}".</summary>
    public const string TokenIdClaim = "cchc:api-token-id";

    public static string TokenActor(int tokenId) => $"api-token:{tokenId}";

    /// <summary>The actor name of a signed-in principal: its e-mail (user name), "api-token:{id}" over the API, or "anonymous".</summary>
    public static string ActorOf(ClaimsPrincipal? user)
    {
        if (user?.Identity?.IsAuthenticated != true) return Anonymous;
        if (user.FindFirst(TokenIdClaim)?.Value is { Length: > 0 } id) return $"api-token:{id}";
        return user.Identity.Name ?? user.FindFirstValue(ClaimTypes.Email) ?? Anonymous;
    }

    public Task WriteAsync(ClaimsPrincipal? user, string action, string? target, string? details, CancellationToken ct = default) =>
        WriteAsync(ActorOf(user), action, target, details, ct);

    public async Task WriteAsync(string actor, string action, string? target, string? details, CancellationToken ct = default)
    {
        Add(actor, action, target, details);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Stages an entry on the context; the caller's SaveChanges stores it with the change it describes.</summary>
    public AuditEntry Add(string actor, string action, string? target, string? details)
    {
        var entry = new AuditEntry
        {
            UtcTime = time.GetUtcNow().UtcDateTime,
            Actor = Cut(string.IsNullOrWhiteSpace(actor) ? Anonymous : actor, AuditEntryConfiguration.ActorLength),
            Action = Cut(action, AuditEntryConfiguration.ActionLength),
            Target = Cut(Scrub(target ?? ""), AuditEntryConfiguration.TargetLength),
            Details = Cut(Scrub(details ?? ""), AuditEntryConfiguration.DetailsLength),
        };
        db.AuditEntries.Add(entry);
        return entry;
    }

    public AuditEntry Add(ClaimsPrincipal? user, string action, string? target, string? details) => Add(ActorOf(user), action, target, details);

    /// <summary>Stages an entry whose target is a unit, named by its code (codes never change; names and ids do not tell).</summary>
    public async Task AddForUnitAsync(ClaimsPrincipal? user, string action, int unitId, string details, CancellationToken ct)
    {
        var code = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.FirstOrDefaultAsync(
            db.Units.Where(u => u.Id == unitId).Select(u => u.Code), ct);
        Add(user, action, code ?? $"unit #{unitId}", details);
    }

    /// <summary>Belt and braces: a plain API token pasted into a detail never reaches the log.</summary>
    internal static string Scrub(string text) => TokenPattern().Replace(text, "cchc_…");

    private static string Cut(string text, int length) => text.Length <= length ? text : text[..(length - 1)] + "…";

    [GeneratedRegex("cchc_[A-Za-z0-9_-]{16,}")]
    private static partial Regex TokenPattern();
}
