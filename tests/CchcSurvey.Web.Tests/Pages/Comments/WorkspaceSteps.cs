using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using CchcSurvey.Web.Tests.Infrastructure;

namespace CchcSurvey.Web.Tests.Pages.Comments;

/// <summary>Steps shared by the workspace tests: citizens' responses over the API, officials signed in through the form.</summary>
public static class WorkspaceSteps
{
    public const string Password = "Mat-khau-123";

    public static async Task PostNhanhAsync(SurveyAppFactory factory, string counter, int hl, string? comment = null)
    {
        var answers = new Dictionary<string, object> { ["HL"] = hl };
        if (comment is not null) answers["GOP_Y"] = comment;
        var response = await factory.CreateClient().PostAsJsonAsync("/api/v1/responses", new
        {
            submissionId = Guid.NewGuid(), counter, instrument = "NHANH", channel = "qr", answers,
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    /// <summary>A new official with that role and scope, signed in.</summary>
    public static async Task<HttpClient> OfficialAsync(SurveyAppFactory factory, string role, string unit)
    {
        var email = $"{role}-{Guid.NewGuid():N}@{unit.ToLowerInvariant()}.vn";
        var run = await CliRunner.RunAsync(factory, "user", "add", "--email", email, "--password", Password, "--role", role, "--unit", unit);
        Assert.Equal(0, run.ExitCode);
        var client = factory.CreateBrowserClient();
        await Http.SignInAsync(client, email, Password);
        return client;
    }

    public static async Task<HttpClient> AdminAsync(SurveyAppFactory factory)
    {
        var client = factory.CreateBrowserClient();
        await Http.SignInAsync(client, SurveyAppFactory.AdminEmail, SurveyAppFactory.AdminPassword);
        return client;
    }

    /// <summary>The response id of the comment with that text on a comments page.</summary>
    public static long ResponseIdOf(string html, string text)
    {
        var match = Regex.Match(html, "data-response=\"(\\d+)\"(?:(?!</li>)[\\s\\S])*?" + Regex.Escape(text));
        Assert.True(match.Success, $"The comment '{text}' is not on the page.");
        return long.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    public static Task<HttpResponseMessage> PostFormAsync(HttpClient client, string url, string pageWithToken, params (string Key, string Value)[] fields)
    {
        var form = fields.ToDictionary(f => f.Key, f => f.Value);
        form["__RequestVerificationToken"] = Http.AntiforgeryToken(pageWithToken);
        return client.PostAsync(url, new FormUrlEncodedContent(form));
    }

    /// <summary>The current quarter in the organisation's time zone (UTC+7), as "2026-Q4".</summary>
    public static string CurrentQuarter()
    {
        var today = DateTime.UtcNow.AddHours(7);
        return $"{today.Year}-Q{(today.Month - 1) / 3 + 1}";
    }
}
