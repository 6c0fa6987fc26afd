using System.Globalization;

namespace CchcSurvey.Web.Pages.Dashboard;

/// <summary>
/// How the dashboard's partials write figures: one place, so every section shows "—" (never NaN or ∞) for a
/// missing value and the data-* attributes carry round-trippable invariant numbers for tests and scripts.
/// </summary>
public static class DashboardFormat
{
    public static string Pct(double? v) => v is double x && double.IsFinite(x) ? x.ToString("0.0") + "%" : "—";
    public static string Num(double? v) => v is double x && double.IsFinite(x) ? x.ToString("0.0") : "—";
    public static string Inv(double? v) => v is double x && double.IsFinite(x) ? x.ToString("R", CultureInfo.InvariantCulture) : "";
    public static string Date(DateOnly d) => d.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture);
}
