using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CchcSurvey.Web.Data;
using CchcSurvey.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CchcSurvey.Web.Tests.Pages.Admin;

/// <summary>Helpers for the administration and access tests: sign-ins, form posts with antiforgery, figures, audit.</summary>
public static class AdminForms
{
    public static async Task<HttpClient> AdminAsync(SurveyAppFactory factory)
    {
        var client = factory.CreateBrowserClient();
        await Http.SignInAsync(client, SurveyAppFactory.AdminEmail, SurveyAppFactory.AdminPassword);
        return client;
    }

    /// <summary>A new official made through the command line, signed in; returns the client and the e-mail.</summary>
    public static async Task<(HttpClient Client, string Email)> OfficialAsync(SurveyAppFactory factory, string role, string? unit, string password = "Mat-khau-123")
    {
        return await Officials.NewSignedInAsync(factory, role, unit, password);
    }

    /// <summary>Posts a form the way a browser does: the antiforgery token from <paramref name="pageUrl"/>, then the fields.</summary>
    public static async Task<HttpResponseMessage> PostAsync(HttpClient client, string pageUrl, string postUrl, params (string Name, string Value)[] fields)
    {
        var page = await client.GetAsync(pageUrl);
        var html = await page.Content.ReadAsStringAsync();
        var form = fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)).ToList();
        form.Add(new("__RequestVerificationToken", Http.AntiforgeryToken(html)));
        return await client.PostAsync(postUrl, new FormUrlEncodedContent(form));
    }

    public static Task<HttpResponseMessage> PostAsync(HttpClient client, string url, params (string Name, string Value)[] fields) =>
        PostAsync(client, url.Split('?')[0], url, fields);

    public static async Task<string> HtmlAsync(HttpResponseMessage response) => WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());

    /// <summary>Posts NHANH answers at a counter through the public API.</summary>
    public static async Task SubmitAsync(SurveyAppFactory factory, string counter, params int[] ratings)
    {
        var client = factory.CreateClient();
        foreach (var rating in ratings)
        {
            var response = await client.PostAsJsonAsync("/api/v1/responses", new
            {
                submissionId = Guid.NewGuid(), counter, instrument = "NHANH", channel = "qr", answers = new Dictionary<string, object> { ["HL"] = rating },
            });
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }
    }

    /// <summary>The number of NHANH responses the index API counts in a unit's subtree.</summary>
    public static async Task<int> ResponsesAsync(HttpClient official, string unit)
    {
        var response = await official.GetAsync($"/api/v1/units/{unit}/indices?instrument=NHANH");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["responses"]!.GetValue<int>();
    }

    public static List<AuditEntry> Audit(SurveyAppFactory factory, string action) =>
        factory.WithDatabase(db => db.AuditEntries.AsNoTracking().Where(e => e.Action == action).OrderBy(e => e.Id).ToList());

    public static void AssertRedirectTo(HttpResponseMessage response, string path)
    {
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!;
        Assert.StartsWith(path, location.IsAbsoluteUri ? location.PathAndQuery : location.OriginalString, StringComparison.Ordinal);
    }
}
