using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Hosting;

namespace CchcSurvey.Web.Tests.Infrastructure;

/// <summary>What the app requires to start in Production (Security/Deployment.cs): allowed hosts and a key certificate.</summary>
public static class ProductionHost
{
    public const string Host = "khaosat.example.vn";

    public static IWebHostBuilder Configure(IWebHostBuilder builder) => builder
        .UseSetting("AllowedHosts", $"{Host};localhost")
        .UseSetting("Survey:PublicBaseUrl", $"https://{Host}")
        .UseSetting("DataProtection:Certificate", Certificate(out var password))
        .UseSetting("DataProtection:CertificatePassword", password);

    public const string CertificatePassword = "mat-khau-chung-thu-kiem-thu";

    private static readonly Lazy<string> File = new(() => Create(Path.Combine(Path.GetTempPath(), "cchc-tests", $"dp-{Guid.NewGuid():N}.pfx")));

    /// <summary>A self-signed certificate with its key in a password-protected PKCS#12 file, made once per test run.</summary>
    public static string Certificate(out string password)
    {
        password = CertificatePassword;
        return File.Value;
    }

    public static string Create(string path, string? password = CertificatePassword, bool withKey = true)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=CchcSurvey tests", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        System.IO.File.WriteAllBytes(path, withKey
            ? certificate.Export(X509ContentType.Pfx, password)
            : X509CertificateLoader.LoadCertificate(certificate.Export(X509ContentType.Cert)).Export(X509ContentType.Pfx, password));
        return path;
    }
}
