using System.Diagnostics;
using CchcSurvey.Web.Cli;

namespace CchcSurvey.Web.Tests.Cli;

/// <summary>
/// The real program (<c>dotnet CchcSurvey.Web.dll …</c>, as <c>dotnet run -- …</c> starts it): an unknown command
/// or option is refused with the list of commands instead of starting the site, and <c>--help</c> works everywhere.
/// </summary>
public sealed class ProgramEntryTests
{
    /// <summary>Every command and command group of the tree, as typed after <c>--</c>.</summary>
    public static TheoryData<string> Commands() => new(CommandPaths());

    private static List<string> CommandPaths()
    {
        var data = new List<string>();
        foreach (var line in CommandLine.UsageLines())
        {
            var words = line.Split("    #")[0].Split(' ').TakeWhile(w => w.Length > 0 && char.IsLower(w[0])).ToList();
            for (var n = 1; n <= words.Count; n++)
            {
                var path = string.Join(' ', words.Take(n));
                if (!data.Contains(path)) data.Add(path);
            }
        }
        return data;
    }

    [Fact]
    public async Task An_unknown_command_exits_2_with_a_one_line_reason_and_every_command_and_starts_nothing()
    {
        var database = Path.Combine(Path.GetTempPath(), $"cli-{Guid.NewGuid():N}.db");
        var run = await RunProgramAsync(["frobnicate", "--Database:Path", database]);
        Assert.Equal(2, run.ExitCode);
        Assert.Equal("", run.Output);
        var lines = run.Error.TrimEnd().Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        Assert.Equal("error: unknown command 'frobnicate'", lines[0]);
        Assert.Single(lines, l => l.StartsWith("error", StringComparison.Ordinal));
        foreach (var usage in CommandLine.UsageLines()) Assert.Contains("  " + usage, lines);
        Assert.Contains(lines, l => l.TrimStart().StartsWith("import paper FILE", StringComparison.Ordinal));
        Assert.False(File.Exists(database), "an unknown command must not create or migrate a database");
    }

    [Theory]
    [InlineData("kiosk ad", "unknown option or argument 'ad'", "kiosk add --counter COUNTER")]
    [InlineData("demo --respones 5", "unknown option or argument '--respones'", "demo --responses RESPONSES")]
    [InlineData("import paper a.csv --dry", "unknown option or argument '--dry'", "import paper FILE")]
    [InlineData("user", "Required command was not provided.", "user add --email EMAIL")]
    public async Task An_unknown_option_or_subcommand_exits_2_with_the_commands_usage(string args, string reason, string usage)
    {
        var run = await RunProgramAsync(args.Split(' '));
        Assert.Equal(2, run.ExitCode);
        var lines = run.Error.TrimEnd().Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        Assert.Equal("error: " + reason, lines[0]);
        Assert.Contains(lines, l => l.TrimStart().StartsWith(usage, StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("backup --out", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(new[] { "--AllowedHosts", "127.0.0.1;localhost", "--urls", "http://127.0.0.1:5999", "--environment", "Production" }, false)]
    [InlineData(new[] { "--Survey:PublicBaseUrl", "https://khaosat.example.vn", "--DataProtection:Certificate", "c.pfx" }, false)]
    [InlineData(new[] { "--AllowedHosts", "*", "demo", "--responses", "5" }, true)]
    [InlineData(new[] { "--AllowedHosts", "*", "deom" }, true)]
    [InlineData(new[] { "--help" }, true)]
    public void Configuration_before_the_command_word_starts_the_site_and_a_word_is_a_command(string[] args, bool isCommand) =>
        // A production start passes its settings as "--Key value" (systemd unit, the fault tests): that must start the
        // site, while any word (a command or a typo of one) must go to the command line and be refused when unknown.
        Assert.Equal(isCommand, CommandLine.IsCommand(args));

    [Fact]
    public async Task Help_lists_every_command_and_exits_0()
    {
        var run = await RunProgramAsync(["--help"]);
        Assert.Equal(0, run.ExitCode);
        Assert.Equal("", run.Error);
        foreach (var command in CommandPaths().Where(c => !c.Contains(' ')))
            Assert.Matches($"(?m)^  {command} ", run.Output);
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task Every_command_answers_help_without_touching_a_database(string command)
    {
        var database = Path.Combine(Path.GetTempPath(), $"cli-{Guid.NewGuid():N}.db");
        var run = await RunProgramAsync([.. command.Split(' '), "--help", "--Database:Path", database]);
        Assert.Equal(0, run.ExitCode);
        Assert.Equal("", run.Error);
        Assert.Contains("Usage:", run.Output);
        Assert.Contains($" {command} ", run.Output);
        Assert.False(File.Exists(database));
    }

    private sealed record ProgramRun(int ExitCode, string Output, string Error);

    private static async Task<ProgramRun> RunProgramAsync(string[] args)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetTempPath(),
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "CchcSurvey.Web.dll"));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        // Should a regression start the site, it starts on the development defaults and the timeout below ends it.
        start.Environment["DOTNET_ENVIRONMENT"] = "Development";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"'{string.Join(' ', args)}' did not exit within 60 s (did it start the site?)");
        }
        return new ProgramRun(process.ExitCode, await output, await error);
    }
}
