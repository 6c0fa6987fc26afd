using CchcSurvey.Web.Cli;

namespace CchcSurvey.Web.Tests.Infrastructure;

public sealed record CliRun(int ExitCode, string Output, string Error)
{
    public string LastLine => Output.TrimEnd().Split('\n').Last().Trim();
}

public static class CliRunner
{
    /// <summary>Runs a command of the program against the factory's database, as `dotnet run -- …` would.</summary>
    public static async Task<CliRun> RunAsync(SurveyAppFactory factory, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await CommandLine.RunAsync(factory.Services, args, output, error);
        return new CliRun(code, output.ToString(), error.ToString());
    }

    public static string ReferenceFile(string name) => Path.Combine(AppContext.BaseDirectory, "data", "reference", name);

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<SurveyAppFactory, SemaphoreSlim> Loading = new();

    /// <summary>
    /// Loads the reference units and responses through the real import path, once per database (tests of one class
    /// that share the database wait for the first to finish).
    /// </summary>
    public static async Task LoadReferenceAsync(SurveyAppFactory factory)
    {
        var gate = Loading.GetOrAdd(factory, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync();
        try
        {
            if (factory.WithDatabase(db => db.Units.Any(u => u.Code == "LS"))) return;
            Assert.Equal(0, (await RunAsync(factory, "units", "import", ReferenceFile("units.csv"))).ExitCode);
            Assert.Equal(0, (await RunAsync(factory, "import", "paper", ReferenceFile("responses.csv"))).ExitCode);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// Loads the reference units and responses (<see cref="LoadReferenceAsync"/>) and returns a client authenticated with a fresh API token of an official of the given role and scope.
    /// </summary>
    public static async Task<HttpClient> ReferenceClientAsync(SurveyAppFactory factory, string email, string role, string? unit)
    {
        await LoadReferenceAsync(factory);
        if (!factory.WithDatabase(db => db.Users.Any(u => u.Email == email)))
        {
            string[] add = ["user", "add", "--email", email, "--password", "Mat-khau-123", "--role", role];
            Assert.Equal(0, (await RunAsync(factory, unit is null ? add : [.. add, "--unit", unit])).ExitCode);
        }
        var token = (await RunAsync(factory, "token", "add", "--email", email)).LastLine;
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}
