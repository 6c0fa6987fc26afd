using CchcSurvey.Web.Administration;
using CchcSurvey.Web.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace CchcSurvey.Web.Pages.Admin.Users;

/// <summary>
/// One official: change role and scope, lock or unlock. Locking sets the lockout end far in the future and
/// renews the security stamp, so sign-in, existing cookies (at their next validation) and API tokens stop
/// working. An administrator cannot lock or demote their own account (so the last admin cannot shut everyone out).
/// </summary>
public sealed class EditModel(SurveyDbContext db, UserManager<Official> users, UnitAdministration units, AuditLog audit,
    TimeProvider time, IStringLocalizer<AdminResource> text) : PageModel
{
    public Official Official { get; private set; } = null!;
    public string Role { get; private set; } = "";
    public Unit? Scope { get; private set; }
    public bool Locked { get; private set; }
    public bool IsSelf { get; private set; }
    public IReadOnlyList<UnitChoice> Units { get; private set; } = [];
    public string? Error { get; private set; }
    public string? Message { get; private set; }

    public async Task<IActionResult> OnGetAsync(string id, string? done, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct)) return NotFound();
        Message = done switch
        {
            "role" => text["Đã lưu vai trò và phạm vi."].Value,
            "lock" => text["Đã khoá tài khoản."].Value,
            "unlock" => text["Đã mở khoá tài khoản."].Value,
            _ => null,
        };
        return Page();
    }

    public async Task<IActionResult> OnPostRoleAsync(string id, string? role, string? unit, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct)) return NotFound();
        var (scope, error) = await UserRules.ScopeForAsync(db, role, unit, ct);
        if (error is null && IsSelf && role != Roles.Admin) error = "Bạn không thể bỏ quyền quản trị của chính mình.";
        if (error is not null) return Fail(error);

        var official = await users.FindByIdAsync(id);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var current = await users.GetRolesAsync(official!);
        if (current.Count > 0) await users.RemoveFromRolesAsync(official!, current);
        await users.AddToRoleAsync(official!, role!);
        official!.ScopeUnitId = scope?.Id;
        await users.UpdateAsync(official);
        // Role claims live in the cookie: a new stamp makes existing sessions pick up the change.
        await users.UpdateSecurityStampAsync(official);
        audit.Add(User, AuditActions.UserRole, official.Email, $"role {string.Join(",", current)} → {role}; scope {Scope?.Code ?? "all"} → {scope?.Code ?? "all"}");
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return RedirectToPage(new { id, done = "role" });
    }

    public async Task<IActionResult> OnPostLockAsync(string id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct)) return NotFound();
        if (IsSelf) return Fail("Bạn không thể khoá tài khoản của chính mình.");
        var official = await users.FindByIdAsync(id);
        await users.SetLockoutEnabledAsync(official!, true);
        await users.SetLockoutEndDateAsync(official!, DateTimeOffset.MaxValue);
        await users.UpdateSecurityStampAsync(official!);
        await audit.WriteAsync(User, AuditActions.UserLock, official!.Email, "locked by an administrator", ct);
        return RedirectToPage(new { id, done = "lock" });
    }

    public async Task<IActionResult> OnPostUnlockAsync(string id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct)) return NotFound();
        var official = await users.FindByIdAsync(id);
        await users.SetLockoutEndDateAsync(official!, null);
        await users.ResetAccessFailedCountAsync(official!);
        await audit.WriteAsync(User, AuditActions.UserUnlock, official!.Email, "", ct);
        return RedirectToPage(new { id, done = "unlock" });
    }

    private IActionResult Fail(string error)
    {
        Error = text[error];
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }

    private async Task<bool> LoadAsync(string id, CancellationToken ct)
    {
        var official = await db.Users.AsNoTracking().FirstOrDefaultAsync(o => o.Id == id, ct);
        if (official is null) return false;
        Official = official;
        Role = (await UserRules.RolesByUserAsync(db, ct)).GetValueOrDefault(id, "");
        Scope = official.ScopeUnitId is int s ? await db.Units.AsNoTracking().FirstOrDefaultAsync(u => u.Id == s, ct) : null;
        Locked = official.LockoutEnd is { } end && end > time.GetUtcNow();
        IsSelf = users.GetUserId(User) == id;
        Units = await units.ChoicesAsync(activeOnly: false, ct);
        return true;
    }
}
