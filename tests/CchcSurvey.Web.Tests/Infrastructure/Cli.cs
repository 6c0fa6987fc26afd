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
}
