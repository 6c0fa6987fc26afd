namespace CchcSurvey.Web;

/// <summary>
/// Marker for the strings of the planning figures (sample size, response rate, 766 points, weighting) on the dashboard
/// and the report. Keys are the Vietnamese text; <c>Resources/PlanningResource.en.resx</c> holds the English.
/// </summary>
public sealed class PlanningResource;
