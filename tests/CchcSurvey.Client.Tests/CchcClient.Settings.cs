using System.Text.Json.Serialization;

namespace CchcSurvey.Client;

/// <summary>
/// The generated client's one setting an integrator adds (docs/integration.md): unset optional fields are left out
/// instead of being sent as null, which the API refuses (a submission has a counter or a token, never both).
/// </summary>
public partial class CchcClient
{
    static partial void UpdateJsonSerializerSettings(System.Text.Json.JsonSerializerOptions settings) =>
        settings.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
}
