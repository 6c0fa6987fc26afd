namespace CchcSurvey.Web;

/// <summary>
/// Marker for the strings of the workspace pages (comments, alerts, cases, report, publishing, public
/// results). Keys are the Vietnamese text; <c>Resources/WorkspaceResource.en.resx</c> holds the English.
/// </summary>
public sealed class WorkspaceResource;
