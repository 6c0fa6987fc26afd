using System.Collections.Concurrent;

namespace CchcSurvey.Web.Tests.Infrastructure;

/// <summary>
/// The one way tests create officials and sign them in: through <c>user add</c> (as an operator would) and the real
/// sign-in form. Creating is idempotent per e-mail, so tests of one class can share an official.
/// </summary>
public static class Officials
{
    public const string DefaultPassword = "Mat-khau-123";

    private static readonly ConcurrentDictionary<SurveyAppFactory, SemaphoreSlim> Creating = new();

    /// <summary>Creates the official unless the factory's database already has one with that e-mail.</summary>
    /// <param name="unit">The access scope (required for managers and viewers); null for an admin.</param>
    public static async Task AddAsync(SurveyAppFactory factory, string email, string role, string? unit, string password = DefaultPassword)
    {
        var gate = Creating.GetOrAdd(factory, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync();
        try
        {
            if (factory.WithDatabase(db => db.Users.Any(u => u.Email == email))) return;
            string[] args = ["user", "add", "--email", email, "--password", password, "--role", role, .. (unit is null ? Array.Empty<string>() : ["--unit", unit])];
            var run = await CliRunner.RunAsync(factory, args);
            Assert.True(run.ExitCode == 0, run.Error);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>A browser-like client (cookies, no redirects followed) of that official, signed in.</summary>
    public static async Task<HttpClient> SignedInAsync(SurveyAppFactory factory, string email, string role, string? unit, string password = DefaultPassword)
    {
        await AddAsync(factory, email, role, unit, password);
        var client = factory.CreateBrowserClient();
        await Http.SignInAsync(client, email, password);
        return client;
    }

    /// <summary>A new official with a fresh e-mail, signed in.</summary>
    public static async Task<(HttpClient Client, string Email)> NewSignedInAsync(SurveyAppFactory factory, string role, string? unit, string password = DefaultPassword)
    {
        var email = $"{role}-{Guid.NewGuid():N}@test.local";
        return (await SignedInAsync(factory, email, role, unit, password), email);
    }
}
