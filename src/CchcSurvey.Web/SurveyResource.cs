namespace CchcSurvey.Web;

/// <summary>
/// Marker for the citizen pages' strings (<c>/s</c>, <c>/kiosk</c>, <c>/r</c>). Keys are the Vietnamese text;
/// <c>Resources/SurveyResource.en.resx</c> holds the English. A missing translation shows the Vietnamese.
/// </summary>
public sealed class SurveyResource;
