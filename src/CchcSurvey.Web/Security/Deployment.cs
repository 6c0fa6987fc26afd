using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CchcSurvey.Web.Data;
using CchcSurvey.Web.Infrastructure;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.HttpOverrides;

namespace CchcSurvey.Web.Security;

/// <summary>
/// What a production deployment behind a TLS-terminating reverse proxy needs, checked before the app starts:
/// each missing piece stops the start with one sentence saying which setting to give. Development and the
/// test host ("Testing") run on plain http on the developer's machine and are not checked.
/// </summary>
public static class Deployment
{
    /// <summary>True where cookies may travel over plain http: Development and the test host only.</summary>
    public static bool IsLocal(IHostEnvironment environment) => environment.IsDevelopment() || environment.IsEnvironment("Testing");

    /// <summary>The reasons the configuration is not fit for Production (empty: fit, or not Production).</summary>
    public static IReadOnlyList<string> ProductionProblems(IConfiguration configuration, IHostEnvironment environment)
    {
        if (!environment.IsProduction()) return [];
        var problems = new List<string>();
        var baseUrl = configuration[$"{SurveyOptions.Section}:PublicBaseUrl"];
        if (string.IsNullOrWhiteSpace(baseUrl))
            problems.Add("Survey:PublicBaseUrl is required in Production: the https:// address citizens reach, e.g. https://khaosat.langson.gov.vn.");
        else if (!Uri.TryCreate(baseUrl, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps)
            problems.Add($"Survey:PublicBaseUrl must be an absolute https:// address in Production, not '{baseUrl}'.");
        var hosts = configuration["AllowedHosts"];
        if (string.IsNullOrWhiteSpace(hosts) || hosts.Split(';', StringSplitOptions.TrimEntries).Contains("*"))
            problems.Add("AllowedHosts is required in Production: the site's host name(s), separated by ';' (not '*'), e.g. khaosat.langson.gov.vn.");
        var certificate = configuration[$"{DataProtectionKeyOptions.Section}:Certificate"];
        if (string.IsNullOrWhiteSpace(certificate))
            problems.Add("DataProtection:Certificate is required in Production: a .pfx file whose key encrypts the Data Protection keys at rest (README, Deployment).");
        else if (!File.Exists(certificate))
            problems.Add($"DataProtection:Certificate names a file that does not exist: '{certificate}'.");
        return problems;
    }

    /// <summary>Stops the start with a clear message when Production is not configured as it must be.</summary>
    public static void RequireProductionSettings(IConfiguration configuration, IHostEnvironment environment)
    {
        var problems = ProductionProblems(configuration, environment);
        if (problems.Count > 0)
            throw new InvalidOperationException("The site cannot start in Production:" + Environment.NewLine + string.Join(Environment.NewLine, problems.Select(p => " - " + p)));
    }

    /// <summary>
    /// Data Protection keys live in the database (restarts keep sign-ins and forms valid), encrypted with the
    /// configured certificate's key when one is given, so that a database reader cannot forge cookies.
    /// </summary>
    public static void AddSurveyDataProtection(this IServiceCollection services, IConfiguration configuration)
    {
        var builder = services.AddDataProtection().SetApplicationName("CchcSurvey").PersistKeysToDbContext<SurveyDbContext>();
        var options = configuration.GetSection(DataProtectionKeyOptions.Section).Get<DataProtectionKeyOptions>() ?? new();
        if (string.IsNullOrWhiteSpace(options.Certificate)) return;
        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(options.Certificate, options.CertificatePassword, X509KeyStorageFlags.EphemeralKeySet);
        }
        catch (CryptographicException e)
        {
            throw new InvalidOperationException($"DataProtection:Certificate '{options.Certificate}' cannot be read (wrong file or DataProtection:CertificatePassword?): {e.Message}", e);
        }
        if (!certificate.HasPrivateKey)
            throw new InvalidOperationException($"DataProtection:Certificate '{options.Certificate}' has no private key: export it with its key (openssl pkcs12 -export -inkey …).");
        // Unprotect with the same certificate: on Linux the X.509 store is not searched for the decrypting key.
        builder.ProtectKeysWithCertificate(certificate).UnprotectKeysWithAnyCertificate(certificate);
    }

    /// <summary>
    /// X-Forwarded-Proto is believed from the configured proxies only (ASP.NET Core's default list, the loopback
    /// address, is cleared), so that the app knows the request came over HTTPS. The client's address is deliberately
    /// not taken from the proxy: nothing in the app may know it (METHODOLOGY §6). Null when no proxy is configured:
    /// forwarded headers are then ignored.
    /// </summary>
    public static ForwardedHeadersOptions? ForwardedHeaders(IConfiguration configuration)
    {
        var proxies = configuration.GetSection(ProxyOptions.Section).Get<ProxyOptions>() ?? new();
        var addresses = Split(proxies.KnownProxies);
        var networks = Split(proxies.KnownNetworks);
        if (addresses.Length == 0 && networks.Length == 0) return null;
        var options = new ForwardedHeadersOptions { ForwardedHeaders = Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedProto, ForwardLimit = 1 };
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        foreach (var address in addresses)
            options.KnownProxies.Add(IPAddress.TryParse(address, out var ip) ? ip
                : throw new InvalidOperationException($"ForwardedHeaders:KnownProxies: '{address}' is not an IP address."));
        foreach (var network in networks)
            options.KnownIPNetworks.Add(System.Net.IPNetwork.TryParse(network, out var parsed) ? parsed
                : throw new InvalidOperationException($"ForwardedHeaders:KnownNetworks: '{network}' is not a network in CIDR notation (e.g. 10.0.0.0/24)."));
        return options;
    }

    private static string[] Split(string value) => value.Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
