using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using CchcSurvey.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CchcSurvey.Web.Tests.Pages.Comments;

/// <summary>Steps shared by the workspace tests: citizens' responses over the API, officials signed in through the form.</summary>
public static class WorkspaceSteps
{
    public const string Password = "Mat-khau-123";

    /// <summary>
    /// Posts a quick rating, then moves it to the same hour yesterday: comments and low-rating alerts reach
    /// officials only from the day after an answer (METHODOLOGY §6, no clock finer than the day). Only the
    /// response row moves; its statistics cells stay in today's.
    /// </summary>
    public static async Task PostNhanhAsync(SurveyAppFactory factory, string counter, int hl, string? comment = null, bool yesterday = true)
    {
        var answers = new Dictionary<string, object> { ["HL"] = hl };
        if (comment is not null) answers["GOP_Y"] = comment;
        var id = Guid.NewGuid();
        var response = await factory.CreateClient().PostAsJsonAsync("/api/v1/responses", new
        {
            submissionId = id, counter, instrument = "NHANH", channel = "qr", answers,
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        if (yesterday)
            factory.WithDatabase(db => db.Responses.Where(r => r.SubmissionId == id)
                .ExecuteUpdate(u => u.SetProperty(r => r.SubmittedHourUtc, r => r.SubmittedHourUtc.AddDays(-1))));
    }

    /// <summary>A new official with that role and scope, signed in.</summary>
    public static async Task<HttpClient> OfficialAsync(SurveyAppFactory factory, string role, string unit)
    {
        return await Officials.SignedInAsync(factory, $"{role}-{Guid.NewGuid():N}@{unit.ToLowerInvariant()}.vn", role, unit, Password);
    }

    public static async Task<HttpClient> AdminAsync(SurveyAppFactory factory)
    {
        var client = factory.CreateBrowserClient();
        await Http.SignInAsync(client, SurveyAppFactory.AdminEmail, SurveyAppFactory.AdminPassword);
        return client;
    }

    /// <summary>The opaque identifier of the comment with that text on a comments page.</summary>
    public static string ResponseRefOf(string html, string text)
    {
        var match = Regex.Match(html, "data-response=\"([A-Za-z0-9_-]{22})\"(?:(?!</li>)[\\s\\S])*?" + Regex.Escape(text));
        Assert.True(match.Success, $"The comment '{text}' is not on the page.");
        return match.Groups[1].Value;
    }

    /// <summary>The stored response id behind an opaque identifier (the test reads the database; officials cannot).</summary>
    public static long ResponseIdOf(SurveyAppFactory factory, string reference) =>
        factory.Services.GetRequiredService<CchcSurvey.Web.Security.OpaqueIds>()
            .FromOpaqueAsync(CchcSurvey.Web.Security.OpaqueKind.Response, reference, CancellationToken.None).GetAwaiter().GetResult()
        ?? throw new InvalidOperationException($"'{reference}' is not a response reference.");

    /// <summary>The opaque identifier officials see for a stored row.</summary>
    public static string RefOf(SurveyAppFactory factory, CchcSurvey.Web.Security.OpaqueKind kind, long id) =>
        factory.Services.GetRequiredService<CchcSurvey.Web.Security.OpaqueIds>().ToOpaqueAsync(kind, id, CancellationToken.None).GetAwaiter().GetResult();

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
