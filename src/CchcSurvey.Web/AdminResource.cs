namespace CchcSurvey.Web;

/// <summary>
/// Marker for the administration and access pages' strings (<c>/admin/units</c>, <c>/admin/counters</c>,
/// <c>/admin/instruments</c>, <c>/admin/users</c>, <c>/admin/audit</c>, <c>/account/tokens</c>). Keys are the
/// Vietnamese text; <c>Resources/AdminResource.en.resx</c> holds the English. A missing translation shows the Vietnamese.
/// </summary>
public sealed class AdminResource;
