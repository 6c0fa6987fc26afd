using System.Net;

namespace CchcSurvey.Web.Tests.Pages.Account;

/// <summary>
/// A browser's cookies kept by hand, so that a test can keep a copy of a session cookie and replay it after the
/// browser has dropped it (as whoever copied it from a shared computer would).
/// </summary>
public sealed class CookieJar
{
    private readonly Dictionary<string, string> _cookies = new(StringComparer.Ordinal);

    public string Header => string.Join("; ", _cookies.Select(c => $"{c.Key}={c.Value}"));

    public string? this[string name] => _cookies.GetValueOrDefault(name);

    public async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string url, IEnumerable<KeyValuePair<string, string>>? form = null, string? cookieHeader = null)
    {
        using var request = new HttpRequestMessage(method, url);
        var cookies = cookieHeader ?? Header;
        if (cookies.Length > 0) request.Headers.Add("Cookie", cookies);
        if (form is not null) request.Content = new FormUrlEncodedContent(form);
        var response = await client.SendAsync(request);
        if (cookieHeader is null) Remember(response);
        return response;
    }

    private void Remember(HttpResponseMessage response)
    {
        if (!response.Headers.TryGetValues("Set-Cookie", out var values)) return;
        foreach (var value in values)
        {
            var pair = value.Split(';')[0];
            var equals = pair.IndexOf('=');
            var name = pair[..equals];
            var content = pair[(equals + 1)..];
            var expired = value.Contains("expires=Thu, 01 Jan 1970", StringComparison.OrdinalIgnoreCase) || content.Length == 0;
            if (expired) _cookies.Remove(name);
            else _cookies[name] = content;
        }
    }

    public static bool IsSignInRedirect(HttpResponseMessage response) =>
        response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location?.OriginalString.Contains("/account/login", StringComparison.OrdinalIgnoreCase) == true;
}
