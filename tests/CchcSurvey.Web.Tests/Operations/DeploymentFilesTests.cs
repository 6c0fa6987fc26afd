using System.Diagnostics;

namespace CchcSurvey.Web.Tests.Operations;

/// <summary>
/// The files of docs/deployment.md pass their own checkers: the systemd unit (<c>systemd-analyze verify</c>) and the
/// nginx site (<c>nginx -t</c>, inside a throw-away main configuration with a self-signed certificate). Skipped
/// where a checker is not installed, except under CI=true (.ci/run installs nginx).
/// </summary>
public sealed class DeploymentFilesTests
{
    private static readonly bool Ci = string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    private static string Deploy(string file)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "CchcSurvey.sln"))) return Path.Combine(dir.FullName, "deploy", file);
        throw new InvalidOperationException("No CchcSurvey.sln above the test's directory.");
    }

    private static string? Tool(string name) =>
        new[] { "/usr/bin", "/usr/sbin", "/bin", "/sbin" }.Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);

    private static void SkipWithout(string? tool, string name)
    {
        if (tool is null && Ci) Assert.Fail($"CI=true but {name} is not installed.");
        Skip.If(tool is null, $"{name} is not installed.");
    }

    private static async Task<(int Code, string Output)> RunAsync(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, (await stdout) + (await stderr));
    }

    [SkippableFact]
    public async Task The_systemd_unit_passes_systemd_analyze_verify()
    {
        var tool = Tool("systemd-analyze");
        SkipWithout(tool, "systemd-analyze");
        var (code, output) = await RunAsync(tool!, "verify", Deploy("cchcsurvey.service"));
        Assert.True(code == 0 && output.Trim().Length == 0, $"systemd-analyze verify: exit {code}\n{output}");
    }

    [SkippableFact]
    public async Task The_nginx_site_passes_nginx_t()
    {
        var nginx = Tool("nginx");
        SkipWithout(nginx, "nginx");
        var openssl = Tool("openssl");
        SkipWithout(openssl, "openssl");
        var dir = Directory.CreateTempSubdirectory("cchc-nginx-").FullName;
        try
        {
            var (made, why) = await RunAsync(openssl!, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=khaosat.example.gov.vn",
                "-keyout", Path.Combine(dir, "key.pem"), "-out", Path.Combine(dir, "cert.pem"));
            Assert.True(made == 0, why);
            var site = (await File.ReadAllTextAsync(Deploy("nginx.conf")))
                .Replace("/etc/ssl/certs/cchcsurvey.pem", Path.Combine(dir, "cert.pem"), StringComparison.Ordinal)
                .Replace("/etc/ssl/private/cchcsurvey.key", Path.Combine(dir, "key.pem"), StringComparison.Ordinal);
            await File.WriteAllTextAsync(Path.Combine(dir, "site.conf"), site);
            // As Debian's /etc/nginx/nginx.conf includes sites-enabled/*, inside http { }.
            await File.WriteAllTextAsync(Path.Combine(dir, "nginx.conf"), $$"""
                pid {{dir}}/nginx.pid;
                error_log {{dir}}/error.log;
                events {}
                http {
                    client_body_temp_path {{dir}}; proxy_temp_path {{dir}}; fastcgi_temp_path {{dir}}; uwsgi_temp_path {{dir}}; scgi_temp_path {{dir}};
                    include {{dir}}/site.conf;
                }
                """);
            var (code, output) = await RunAsync(nginx!, "-t", "-c", Path.Combine(dir, "nginx.conf"), "-p", dir);
            Assert.True(code == 0, $"nginx -t: exit {code}\n{output}");
            Assert.Contains("test is successful", output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
