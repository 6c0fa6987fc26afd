using System.Text.Json;
using CchcSurvey.Web.Data;
using CchcSurvey.Web.Security;

namespace CchcSurvey.Web.Workspace;

/// <summary>
/// Comments are the GOP_Y text answers of every instrument. The stored answers are canonical JSON
/// (CchcSurvey.Core AnswerCodec: compact, a number directly followed by "," or "}"), so "has a comment" and
/// "has a low rating" are exact substring tests the database can run, and paging stays in SQL.
/// </summary>
public static class Comments
{
    public const string Item = "GOP_Y";

    /// <summary>Responses whose answers hold a non-empty comment.</summary>
    public static IQueryable<Response> WithComment(this IQueryable<Response> responses) =>
        responses.Where(r => r.AnswersJson.Contains("\"GOP_Y\":\"") && !r.AnswersJson.Contains("\"GOP_Y\":\"\""));

    /// <summary>
    /// Responses with a low overall rating: HL or HL_CHUNG of 1 or 2 on a five-level scale, or 1 on TT01's
    /// three-level HL (its 2 is "bình thường", not dissatisfied).
    /// </summary>
    public static IQueryable<Response> WithLowRating(this IQueryable<Response> responses) =>
        responses.Where(r =>
            r.AnswersJson.Contains("\"HL\":1,") || r.AnswersJson.Contains("\"HL\":1}")
            || r.AnswersJson.Contains("\"HL_CHUNG\":1,") || r.AnswersJson.Contains("\"HL_CHUNG\":1}")
            || r.AnswersJson.Contains("\"HL_CHUNG\":2,") || r.AnswersJson.Contains("\"HL_CHUNG\":2}")
            || (r.InstrumentVersion.Code != "TT01" && (r.AnswersJson.Contains("\"HL\":2,") || r.AnswersJson.Contains("\"HL\":2}"))));

    /// <summary>The comment text and the overall rating (HL_CHUNG, else HL) of stored answers.</summary>
    public static (string? Text, int? Rating) Read(string answersJson)
    {
        using var document = JsonDocument.Parse(answersJson);
        var root = document.RootElement;
        string? text = root.TryGetProperty(Item, out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        int? rating = root.TryGetProperty("HL_CHUNG", out var c) && c.ValueKind == JsonValueKind.Number ? c.GetInt32()
            : root.TryGetProperty("HL", out var h) && h.ValueKind == JsonValueKind.Number ? h.GetInt32() : null;
        return (text, rating);
    }

    /// <summary>Highest level of the overall rating: TT01's HL has three, the others five.</summary>
    public static int ScaleOf(string instrument) => instrument == "TT01" ? 3 : 5;

    public static bool IsLow(int? rating, string instrument) => rating is int r && (instrument == "TT01" ? r <= 1 : r <= 2);
}

/// <summary>Managers and administrators act (mark handled, tag, acknowledge, edit cases); viewers only read.</summary>
public static class WorkspaceRoles
{
    public static bool CanAct(System.Security.Claims.ClaimsPrincipal user) =>
        user.IsInRole(Roles.Admin) || user.IsInRole(Roles.Manager);

    /// <summary>Ids of the units the signed-in official may see, as a subquery.</summary>
    public static async Task<IQueryable<int>> VisibleUnitIdsAsync(this OfficialScope scope, CancellationToken ct) =>
        (await scope.VisibleUnitsAsync(ct)).Select(u => u.Id);
}
