using System.ComponentModel.DataAnnotations;
using CchcSurvey.Web.Administration;
using CchcSurvey.Web.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace CchcSurvey.Web.Pages.Admin.Users;

/// <summary>Officials with role, scope and lock state, and the form that creates one.</summary>
public sealed class IndexModel(SurveyDbContext db, UserManager<Official> users, UnitAdministration units, AuditLog audit,
    TimeProvider time, IStringLocalizer<AdminResource> text) : PageModel
{
    public IReadOnlyList<Row> Officials { get; private set; } = [];
    public IReadOnlyList<UnitChoice> Units { get; private set; } = [];
    public string? Error { get; private set; }
    public string? Message { get; private set; }

    /// <summary>A password the page made up for a new account: shown once, on this response only, never stored in clear.</summary>
    public string? GeneratedPassword { get; private set; }

    [BindProperty] public NewOfficial Form { get; set; } = new();

    public async Task OnGetAsync(string? created, CancellationToken ct)
    {
        if (!string.IsNullOrEmpty(created)) Message = text["Đã tạo tài khoản {0}.", created];
        await LoadAsync(ct);
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var email = Form.Email?.Trim() ?? "";
        var (scope, error) = await UserRules.ScopeForAsync(db, Form.Role, Form.Unit, ct);
        if (error is null && (email.Length is 0 or > 256 || !new EmailAddressAttribute().IsValid(email))) error = "Thư điện tử không hợp lệ.";
        if (error is null && await users.FindByEmailAsync(email) is not null) error = "Thư điện tử này đã có tài khoản.";
        // No password typed: the page makes a strong one (the admin hands it over in person, the official changes it).
        var generated = string.IsNullOrEmpty(Form.Password);
        if (generated) Form.Password = NewPassword();
        if (error is null)
        {
            // The password is checked before anything is written, so a weak one leaves no half-made account.
            var official = new Official { UserName = email, Email = email, EmailConfirmed = true, ScopeUnitId = scope?.Id };
            foreach (var validator in users.PasswordValidators)
            {
                var check = await validator.ValidateAsync(users, official, Form.Password!);
                if (!check.Succeeded) { error = UserRules.Describe(check.Errors.First()); break; }
            }
            if (error is null)
            {
                await using var transaction = await db.Database.BeginTransactionAsync(ct);
                var created = await users.CreateAsync(official, Form.Password!);
                if (created.Succeeded) created = await users.AddToRoleAsync(official, Form.Role!);
                if (created.Succeeded)
                {
                    audit.Add(User, AuditActions.UserCreate, email, $"role {Form.Role}; scope {scope?.Code ?? "all"}" + (generated ? "; initial password generated" : ""));
                    await db.SaveChangesAsync(ct);
                    await transaction.CommitAsync(ct);
                    if (!generated) return RedirectToPage(new { created = email });
                    // Shown on this response only (not through a redirect, which would put it in a URL).
                    Message = text["Đã tạo tài khoản {0}.", email];
                    GeneratedPassword = Form.Password;
                    Response.Headers.CacheControl = "no-store";
                    Form = new NewOfficial();
                    await LoadAsync(ct);
                    return Page();
                }
                error = UserRules.Describe(created.Errors.First());
                db.ChangeTracker.Clear();
            }
        }
        Error = text[error!];
        Form.Password = null;
        Response.StatusCode = StatusCodes.Status400BadRequest;
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var roles = await UserRules.RolesByUserAsync(db, ct);
        var unitsById = await db.Units.AsNoTracking().ToDictionaryAsync(u => u.Id, ct);
        var now = time.GetUtcNow();
        Officials = (await db.Users.AsNoTracking().OrderBy(o => o.Email).ToListAsync(ct))
            .Select(o => new Row(o.Id, o.Email ?? o.UserName ?? o.Id, roles.GetValueOrDefault(o.Id, ""),
                o.ScopeUnitId is int s && unitsById.TryGetValue(s, out var unit) ? unit : null, o.LockoutEnd is { } end && end > now))
            .ToList();
        Units = await units.ChoicesAsync(activeOnly: false, ct);
    }

    private const string PasswordAlphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    /// <summary>Three groups of six from an alphabet without look-alikes (about 105 bits), easy to read out and type.</summary>
    public static string NewPassword() => string.Join("-",
        Enumerable.Range(0, 3).Select(_ => System.Security.Cryptography.RandomNumberGenerator.GetString(PasswordAlphabet, 6)));

    public sealed record Row(string Id, string Email, string Roles, Unit? Scope, bool Locked);

    public sealed class NewOfficial
    {
        public string? Email { get; set; }
        public string? Password { get; set; }
        public string? Role { get; set; } = Data.Roles.Viewer;
        public string? Unit { get; set; }
    }
}
