using System.Security.Claims;
using CchcSurvey.Web.Data;

namespace CchcSurvey.Web.Pages.Shared;

/// <summary>
/// The officials' menu in five groups (Số liệu · Góp ý và xử lý · Kế hoạch · Báo cáo · Quản trị), filtered by role.
/// Labels are the Vietnamese resource keys; the layout translates them. A link shows only when the role may open
/// it, so nobody is offered a page that answers 403.
/// </summary>
public static class OfficialMenu
{
    public sealed record Link(string Href, string Label, bool AlertBadge = false);

    public sealed record Group(string Label, IReadOnlyList<Link> Links);

    public static IReadOnlyList<Group> For(ClaimsPrincipal user)
    {
        var admin = user.IsInRole(Roles.Admin);
        var staff = admin || user.IsInRole(Roles.Manager);
        var groups = new List<Group>
        {
            new("Số liệu", [new("/dashboard", "Bảng số liệu"), new("/dashboard/flagged", "Phiếu bị gắn cờ"), new("/public", "Kết quả công bố")]),
            new("Góp ý và xử lý", [new("/dashboard/comments", "Góp ý"), new("/dashboard/alerts", "Cảnh báo", AlertBadge: true), new("/dashboard/cases", "Phản ánh")]),
            new("Kế hoạch", [new("/plans", "Kế hoạch cải thiện")]),
            new("Báo cáo", admin
                ? [new("/dashboard/report", "Báo cáo quý"), new("/admin/publishing", "Công bố")]
                : [new("/dashboard/report", "Báo cáo quý")]),
        };
        var administration = new List<Link>();
        if (admin)
            administration.AddRange([new("/admin", "Tổng quan quản trị"), new("/admin/users", "Cán bộ"), new("/admin/units", "Đơn vị"),
                new("/admin/counters", "Quầy"), new("/admin/instruments", "Phiếu khảo sát")]);
        if (staff)
            administration.AddRange([new("/admin/kiosks", "Máy tính bảng"), new("/staff/token", "In phiếu theo hồ sơ"), new("/paper/entry", "Nhập phiếu giấy")]);
        if (admin)
            administration.AddRange([new("/admin/webhooks", "Webhook"), new("/admin/audit", "Nhật ký")]);
        if (administration.Count > 0) groups.Add(new("Quản trị", administration));
        return groups;
    }

    /// <summary>Pages of the account menu (at the right end, with sign-out).</summary>
    public static IReadOnlyList<Link> Account { get; } = [new("/account/security", "Bảo mật tài khoản"), new("/account/tokens", "Mã truy cập API")];

    /// <summary>
    /// The menu link that names the page at <paramref name="path"/>: the longest href that is the path or a parent
    /// of it (/dashboard/cases/42 is "Phản ánh", not "Bảng số liệu"); null when no link does.
    /// </summary>
    public static string? Current(IEnumerable<Group> groups, string path)
    {
        path = path.TrimEnd('/');
        if (path.Length == 0) return null;
        return groups.SelectMany(g => g.Links).Concat(Account).Select(l => l.Href)
            .Where(h => path.Equals(h, StringComparison.OrdinalIgnoreCase) || path.StartsWith(h + "/", StringComparison.OrdinalIgnoreCase))
            .OrderByDescending(h => h.Length).FirstOrDefault();
    }
}
