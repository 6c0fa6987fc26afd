using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CchcSurvey.Web.Tests.Infrastructure;

namespace CchcSurvey.Web.Tests.Integrity;

public static class IntegrityTestHelpers
{
    /// <summary>A personal API token of an official, through the CLI as an operator would get it.</summary>
    public static async Task<string> ApiTokenAsync(SurveyAppFactory factory, string email)
    {
        var run = await CliRunner.RunAsync(factory, "token", "add", "--email", email);
        Assert.Equal(0, run.ExitCode);
        return run.LastLine;
    }

    public static async Task AddOfficialAsync(SurveyAppFactory factory, string email, string role, string? unit)
    {
        await Officials.AddAsync(factory, email, role, unit, "Official-Pass-123");
    }

    public static HttpClient Bearer(SurveyAppFactory factory, string token)
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>Issues a token through <c>POST /api/v1/tokens</c> and returns the body's fields.</summary>
    public static async Task<(string Token, string Url, string Expires)> IssueAsync(HttpClient bearer, string counter, string? dossier = null)
    {
        var response = await bearer.PostAsJsonAsync("/api/v1/tokens", dossier is null ? new { counter } : (object)new { counter, dossier });
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = json.RootElement;
        return (root.GetProperty("token").GetString()!, root.GetProperty("url").GetString()!, root.GetProperty("expires").GetString()!);
    }

    public static object Nhanh(Guid id, int hl, string? counter = null, string? token = null, double? elapsed = null, string channel = "qr")
    {
        var body = new Dictionary<string, object?> { ["submissionId"] = id, ["instrument"] = "NHANH", ["channel"] = channel, ["answers"] = new Dictionary<string, object> { ["HL"] = hl } };
        if (counter is not null) body["counter"] = counter;
        if (token is not null) body["token"] = token;
        if (elapsed is not null) body["elapsedSeconds"] = elapsed;
        return body;
    }

    public static Task<HttpResponseMessage> PostResponseAsync(HttpClient client, object body) => client.PostAsJsonAsync("/api/v1/responses", body);

    /// <summary>A device cookie value the server issued (from a survey page's Set-Cookie); made-up values count as none.</summary>
    public static async Task<string> IssuedDeviceAsync(SurveyAppFactory factory, string page = "/s/VQ-AS-Q1")
    {
        var response = await factory.CreateBrowserClient().GetAsync(page);
        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("cchc_device=", StringComparison.Ordinal));
        return cookie["cchc_device=".Length..cookie.IndexOf(';')];
    }

    /// <summary>True when the text occurs anywhere in the SQLite database files (main file and write-ahead log).</summary>
    public static bool DatabaseFilesContain(SurveyAppFactory factory, string text)
    {
        var needle = Encoding.UTF8.GetBytes(text);
        foreach (var path in new[] { factory.DatabaseFile, factory.DatabaseFile + "-wal" })
        {
            if (!File.Exists(path)) continue;
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var memory = new MemoryStream();
            stream.CopyTo(memory);
            if (memory.ToArray().AsSpan().IndexOf(needle) >= 0) return true;
        }
        return false;
    }

    /// <summary>The current local month (Asia/Ho_Chi_Minh, UTC+7) as yyyy-MM.</summary>
    public static string LocalMonth() => DateTime.UtcNow.AddHours(7).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
}
