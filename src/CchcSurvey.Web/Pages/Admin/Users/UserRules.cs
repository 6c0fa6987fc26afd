using CchcSurvey.Web.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace CchcSurvey.Web.Pages.Admin.Users;

/// <summary>Role and scope rules shared by the user pages, and Identity's errors in Vietnamese.</summary>
public static class UserRules
{
    /// <summary>
    /// The scope unit for a role: managers and viewers need one (they read only that subtree); an admin
    /// has none. Returns the unit (null for admin) or an error key.
    /// </summary>
    public static async Task<(Unit? Scope, string? Error)> ScopeForAsync(SurveyDbContext db, string? role, string? unitCode, CancellationToken ct)
    {
        if (role is null || !Roles.All.Contains(role)) return (null, "Hãy chọn vai trò: admin, manager hoặc viewer.");
        if (role == Roles.Admin) return (null, null);
        if (string.IsNullOrWhiteSpace(unitCode)) return (null, "Cán bộ quản lý và cán bộ xem số liệu phải có phạm vi (một đơn vị).");
        var unit = await db.Units.AsNoTracking().FirstOrDefaultAsync(u => u.Code == unitCode, ct);
        return unit is null ? (null, "Không tìm thấy đơn vị phạm vi.") : (unit, null);
    }

    /// <summary>The Vietnamese name of a role (a resource key).</summary>
    public static string RoleLabel(string role) => role switch
    {
        Roles.Admin => "Quản trị viên",
        Roles.Manager => "Cán bộ quản lý",
        Roles.Viewer => "Cán bộ xem số liệu",
        _ => role,
    };

    /// <summary>Identity's error codes as Vietnamese resource keys.</summary>
    public static string Describe(IdentityError error) => error.Code switch
    {
        nameof(IdentityErrorDescriber.PasswordTooShort) => "Mật khẩu phải có ít nhất 12 ký tự.",
        Security.CommonPasswordValidator.TooLongCode => "Mật khẩu dài quá 128 ký tự.",
        Security.CommonPasswordValidator.CommonCode => "Mật khẩu này nằm trong danh sách mật khẩu phổ biến đã bị lộ. Hãy chọn mật khẩu khác, ví dụ một câu dài dễ nhớ.",
        Security.CommonPasswordValidator.ContainsNameCode => "Mật khẩu không được là tên tài khoản hay chứa địa chỉ thư điện tử.",
        nameof(IdentityErrorDescriber.PasswordRequiresDigit) => "Mật khẩu phải có ít nhất một chữ số.",
        nameof(IdentityErrorDescriber.PasswordRequiresLower) => "Mật khẩu phải có ít nhất một chữ thường.",
        nameof(IdentityErrorDescriber.PasswordRequiresUpper) => "Mật khẩu phải có ít nhất một chữ hoa.",
        nameof(IdentityErrorDescriber.PasswordRequiresUniqueChars) => "Mật khẩu cần nhiều ký tự khác nhau hơn.",
        nameof(IdentityErrorDescriber.DuplicateEmail) or nameof(IdentityErrorDescriber.DuplicateUserName) => "Thư điện tử này đã có tài khoản.",
        nameof(IdentityErrorDescriber.InvalidEmail) or nameof(IdentityErrorDescriber.InvalidUserName) => "Thư điện tử không hợp lệ.",
        _ => "Không tạo được tài khoản.",
    };

    public static async Task<Dictionary<string, string>> RolesByUserAsync(SurveyDbContext db, CancellationToken ct) =>
        (await (from ur in db.UserRoles join r in db.Roles on ur.RoleId equals r.Id select new { ur.UserId, r.Name }).ToListAsync(ct))
        .GroupBy(x => x.UserId).ToDictionary(g => g.Key, g => string.Join(", ", g.Select(x => x.Name).Order()));
}

/// <summary>What the role and scope fields partial needs.</summary>
public sealed record RoleScopeView(string Prefix, string? Role, string? Unit, IReadOnlyList<Administration.UnitChoice> Units);
