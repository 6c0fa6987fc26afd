using System.Net;
using System.Text.RegularExpressions;
using CchcSurvey.Core.Instruments;
using CchcSurvey.Web.Data;
using CchcSurvey.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CchcSurvey.Web.Tests.Pages.Survey;

/// <summary>A citizen form as a browser sees it: the HTML (entities decoded), its antiforgery token and submission id.</summary>
public sealed record OpenedForm(string Url, string Html, string Token, Guid SubmissionId);

public static partial class SurveyForm
{
    public static async Task<OpenedForm> OpenAsync(HttpClient client, string url)
    {
        var response = await client.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var raw = await response.Content.ReadAsStringAsync();
        var id = SubmissionIdPattern().Match(raw);
        Assert.True(id.Success, "The form has no submissionId field.");
        return new OpenedForm(url, WebUtility.HtmlDecode(raw), Http.AntiforgeryToken(raw), Guid.Parse(id.Groups[1].Value));
    }

    /// <summary>Posts the form with the given answer fields (a name may repeat, as for checkboxes).</summary>
    public static Task<HttpResponseMessage> PostAsync(HttpClient client, OpenedForm form, params (string Name, string Value)[] fields) =>
        PostRawAsync(client, form.Url, [("__RequestVerificationToken", form.Token), ("submissionId", form.SubmissionId.ToString()), .. fields]);

    public static Task<HttpResponseMessage> PostRawAsync(HttpClient client, string url, IEnumerable<(string Name, string Value)> fields) =>
        client.PostAsync(url, new FormUrlEncodedContent(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value))));

    public static async Task<string> HtmlAsync(HttpResponseMessage response) =>
        WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());

    public static List<Response> Responses(SurveyAppFactory factory, Guid submissionId) =>
        factory.WithDatabase(db => db.Responses.AsNoTracking().Include(r => r.Counter).Include(r => r.InstrumentVersion)
            .Where(r => r.SubmissionId == submissionId).ToList());

    public static IReadOnlyDictionary<string, AnswerValue> Answers(Response response) =>
        AnswerCodec.Deserialize(response.AnswersJson, InstrumentCatalog.Parse(response.InstrumentVersion.DefinitionJson));

    [GeneratedRegex("name=\"submissionId\" value=\"([0-9a-fA-F-]{36})\"")]
    private static partial Regex SubmissionIdPattern();
}
