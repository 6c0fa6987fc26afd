using System.Security.Claims;
using CchcSurvey.Web.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace CchcSurvey.Web.Security;

/// <summary>
/// The one place that decides which units the signed-in official may read: the subtree of their scope
/// unit, or everything for an administrator. Every official read goes through it; outside it the answer
/// is 404, so that the existence of a unit is not revealed.
/// </summary>
public sealed class OfficialScope(IHttpContextAccessor http, SurveyDbContext db, UserManager<Official> users)
{
    private Official? _official;
    private Unit? _root;
    private bool _loaded;

    public ClaimsPrincipal User => http.HttpContext?.User ?? new ClaimsPrincipal();

    public bool IsAdmin => User.IsInRole(Roles.Admin);

    /// <summary>The official's scope root; null for an administrator (no limit) or someone signed out.</summary>
    public async Task<Unit?> RootAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        return _root;
    }

    /// <summary>The unit with that code if the official may see it; null otherwise (answer 404).</summary>
    public async Task<Unit?> FindVisibleUnitAsync(string code, CancellationToken ct)
    {
        await LoadAsync(ct);
        if (_official is null) return null;
        var unit = await db.Units.AsNoTracking().FirstOrDefaultAsync(u => u.Code == code, ct);
        return unit is not null && CanSee(unit) ? unit : null;
    }

    /// <summary>Units the official may see, as a query to refine.</summary>
    public async Task<IQueryable<Unit>> VisibleUnitsAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        if (_official is null) return db.Units.Where(_ => false);
        if (IsAdmin) return db.Units;
        if (_root is null) return db.Units.Where(_ => false);
        var prefix = _root.Path;
        return db.Units.Where(Indices.UnitPath.Within<Unit>(u => u.Path, prefix));
    }

    public bool CanSee(Unit unit) =>
        _official is not null && (IsAdmin || (_root is not null && Indices.UnitPath.IsWithin(unit.Path, _root.Path)));

    private async Task LoadAsync(CancellationToken ct)
    {
        if (_loaded) return;
        _loaded = true;
        var id = users.GetUserId(User);
        if (id is null) return;
        _official = await db.Users.AsNoTracking().FirstOrDefaultAsync(o => o.Id == id, ct);
        if (_official?.ScopeUnitId is int scopeId)
            _root = await db.Units.AsNoTracking().FirstOrDefaultAsync(u => u.Id == scopeId, ct);
    }
}
