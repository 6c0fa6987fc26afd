using System.Globalization;
using CchcSurvey.Core.Indices;
using CchcSurvey.Web.Data;
using CchcSurvey.Web.Indices;
using CchcSurvey.Web.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace CchcSurvey.Web.Pages.Dashboard;

/// <summary>
/// Every unit in the official's scope, each over its whole subtree: responses, the SIPAS service index
/// (§4.4) and the five element indices (§4.3) with their intervals, and the quick-rating share (NHANH).
/// </summary>
public sealed class IndexModel(OfficialScope scope, IndexQueries queries) : PageModel
{
    public static readonly string[] Elements = ["TC", "TT", "CC", "KQ", "PA"];

    public sealed record UnitRow(Unit Unit, int Depth, long Responses, SipasServiceReport Service, QuickRatingReport Quick);

    public IReadOnlyList<UnitRow> Rows { get; private set; } = [];
    public int MinN => queries.Options.MinN;

    [BindProperty(SupportsGet = true)] public string? From { get; set; }
    [BindProperty(SupportsGet = true)] public string? To { get; set; }
    public string? FilterError { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        var filter = ParseFilter();
        var units = (await (await scope.VisibleUnitsAsync(ct)).AsNoTracking().ToListAsync(ct))
            .OrderBy(u => u.Path, StringComparer.Ordinal).ToList();
        if (units.Count == 0) return;
        var counts = await queries.CountSubtreesAsync(units, filter, ct);
        var service = await queries.PoolSubtreesAsync(units, "SIPAS-DV", filter, ct);
        var quick = await queries.PoolSubtreesAsync(units, "NHANH", filter, ct);
        var topDepth = units.Min(Depth);
        Rows = TreeOrder(units).Select(u => new UnitRow(u, Depth(u) - topDepth, counts[u.Id],
            IndexCalculator.SipasService(service[u.Id], queries.Options),
            IndexCalculator.QuickRating(quick[u.Id], queries.Options))).ToList();
    }

    private IndexFilter ParseFilter()
    {
        DateOnly? Parse(string? text, string name)
        {
            if (string.IsNullOrWhiteSpace(text)) return null;
            if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)) return date;
            FilterError = $"{name}: {text}";
            return null;
        }
        var from = Parse(From, "from");
        var to = Parse(To, "to");
        return new IndexFilter(from, to, null);
    }

    private static int Depth(Unit unit) => unit.Path.Count(c => c == '/');

    /// <summary>Depth-first order, siblings by their sort order, so the table reads as the tree.</summary>
    private static IEnumerable<Unit> TreeOrder(IReadOnlyList<Unit> units)
    {
        var ids = units.Select(u => u.Id).ToHashSet();
        var children = units.ToLookup(u => u.ParentId is int p && ids.Contains(p) ? p : (int?)null);
        IEnumerable<Unit> Walk(int? parent) =>
            children[parent].OrderBy(u => u.SortOrder).ThenBy(u => u.Name, StringComparer.Ordinal)
                .SelectMany(u => Walk(u.Id).Prepend(u));
        return Walk(null);
    }
}
