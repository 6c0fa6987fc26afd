namespace CchcSurvey.Web;

/// <summary>
/// Marker for the officials' UI strings. Keys are the Vietnamese text; <c>Resources/SharedResource.en.resx</c>
/// holds the English. A missing translation shows the Vietnamese.
/// </summary>
public sealed class SharedResource;
