using CchcSurvey.Web.Administration;
using CchcSurvey.Web.Data;
using CchcSurvey.Web.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace CchcSurvey.Web.Pages.Account;

/// <summary>
/// An official's own personal API tokens: list, create (the plain token is shown once, in the answer to the
/// POST, and never stored), revoke. Only the owner sees or revokes a token; another's id answers 404.
/// </summary>
[Authorize(Policy = Policies.Official)]
public sealed class TokensModel(SurveyDbContext db, UserManager<Official> users, AuditLog audit, TimeProvider time, IStringLocalizer<AdminResource> text) : PageModel
{
    public const int MaxName = 100;

    public IReadOnlyList<ApiToken> Tokens { get; private set; } = [];
    public string? NewToken { get; private set; }
    public string? NewTokenName { get; private set; }
    public string? Error { get; private set; }
    public string? Message { get; private set; }
    public string Name { get; private set; } = "";
    public DateTime Now { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (await users.GetUserAsync(User) is not { } official) return Challenge();
        await LoadAsync(official, ct);
        return Page();
    }

    public async Task<IActionResult> OnPostCreateAsync(string? name, string? days, CancellationToken ct)
    {
        if (await users.GetUserAsync(User) is not { } official) return Challenge();
        name = name?.Trim() ?? "";
        int? lifetime = int.TryParse(days, out var d) ? d : null;
        var badLifetime = !string.IsNullOrEmpty(days) && days != "never" && !ApiTokenLifetimes.Offered.Contains(lifetime);
        if (name.Length is 0 or > MaxName || badLifetime)
        {
            Error = badLifetime ? text["Hãy chọn thời hạn trong danh sách."] : text["Tên mã truy cập phải có từ 1 đến 100 ký tự."];
            Name = name;
            await LoadAsync(official, ct);
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        var token = await ApiTokenService.IssueAsync(db, official, name, time.GetUtcNow().UtcDateTime, ct, lifetime);
        var id = await db.ApiTokens.Where(t => t.TokenHash == ApiTokenService.Hash(token)).Select(t => t.Id).FirstAsync(ct);
        await audit.WriteAsync(User, AuditActions.TokenCreate, AuditLog.TokenActor(id),
            $"name '{name}'; {(lifetime is int l ? $"expires in {l} days" : "no expiry")}", ct);
        NewToken = token;
        NewTokenName = name;
        // The page carries a secret: no cache may keep it.
        Response.Headers.CacheControl = "no-store";
        await LoadAsync(official, ct);
        return Page();
    }

    public async Task<IActionResult> OnPostRevokeAsync(int id, CancellationToken ct)
    {
        if (await users.GetUserAsync(User) is not { } official) return Challenge();
        var token = await db.ApiTokens.FirstOrDefaultAsync(t => t.Id == id && t.OfficialId == official.Id, ct);
        if (token is null) return NotFound();
        if (token.RevokedUtc is null)
        {
            token.RevokedUtc = time.GetUtcNow().UtcDateTime;
            audit.Add(User, AuditActions.TokenRevoke, AuditLog.TokenActor(id), $"name '{token.Name}'");
            await db.SaveChangesAsync(ct);
        }
        return RedirectToPage(new { revoked = id });
    }

    private async Task LoadAsync(Official official, CancellationToken ct)
    {
        Now = time.GetUtcNow().UtcDateTime;
        if (int.TryParse(Request.Query["revoked"], out var revoked) && revoked > 0) Message = text["Đã thu hồi mã truy cập."];
        Tokens = await db.ApiTokens.AsNoTracking().Where(t => t.OfficialId == official.Id)
            .OrderByDescending(t => t.CreatedUtc).ThenByDescending(t => t.Id).ToListAsync(ct);
    }
}
