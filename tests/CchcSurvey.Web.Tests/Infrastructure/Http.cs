using System.Net.Http.Json;
using System.Text.RegularExpressions;

namespace CchcSurvey.Web.Tests.Infrastructure;

public static partial class Http
{
    /// <summary>The antiforgery token of the first form in a page.</summary>
    public static string AntiforgeryToken(string html)
    {
        var match = TokenPattern().Match(html);
        Assert.True(match.Success, "The page has no antiforgery token.");
        return System.Net.WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    /// <summary>Signs the client in through the real sign-in form.</summary>
    public static async Task SignInAsync(HttpClient client, string email, string password)
    {
        var page = await client.GetStringAsync("/account/login");
        var response = await client.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["email"] = email,
            ["password"] = password,
            ["returnUrl"] = "/dashboard",
            ["__RequestVerificationToken"] = AntiforgeryToken(page),
        }));
        Assert.Equal(System.Net.HttpStatusCode.Redirect, response.StatusCode);
    }

    public static Task<HttpResponseMessage> PostJsonAsync(HttpClient client, string url, object body) => client.PostAsJsonAsync(url, body);

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}
