using System.Reflection;
using CchcSurvey.Web.Data;
using Microsoft.AspNetCore.Identity;

namespace CchcSurvey.Web.Security;

/// <summary>
/// Passwords as OWASP ASVS 5.0 (V6.2) asks: at least 12 characters, at most 128, no composition rules (no
/// required digit, case or symbol), and not one of the commonest breached passwords, the account's name or
/// its e-mail. The list is <c>Security/common-passwords.txt</c> (47,023 passwords of the "xato" 10-million leak,
/// by frequency; from zxcvbn, MIT licence; see the file's first lines), compared without regard to case.
/// </summary>
public static class PasswordRules
{
    public const int MinLength = 12;
    public const int MaxLength = 128;

    public static void Configure(PasswordOptions options)
    {
        options.RequiredLength = MinLength;
        options.RequireDigit = false;
        options.RequireLowercase = false;
        options.RequireUppercase = false;
        options.RequireNonAlphanumeric = false;
        options.RequiredUniqueChars = 1;
    }

    private static readonly Lazy<HashSet<string>> Common = new(Load);

    /// <summary>The listed passwords that the length rule alone would let through (shorter ones are refused anyway).</summary>
    public static bool IsCommon(string password) => Common.Value.Contains(password);

    internal static int ListedCount => Common.Value.Count;

    private static HashSet<string> Load()
    {
        using var stream = typeof(PasswordRules).Assembly.GetManifestResourceStream("CchcSurvey.Web.Security.common-passwords.txt")
            ?? throw new InvalidOperationException("The embedded list of common passwords is missing.");
        using var reader = new StreamReader(stream);
        var set = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        while (reader.ReadLine() is { } line)
            if (line.Length >= MinLength && !line.StartsWith('#')) set.Add(line);
        return set;
    }
}

/// <summary>Refuses common and breached passwords, passwords over 128 characters, and the account's own e-mail or name as a password.</summary>
public sealed class CommonPasswordValidator : IPasswordValidator<Official>
{
    public const string CommonCode = "PasswordCommon";
    public const string TooLongCode = "PasswordTooLong";
    public const string ContainsNameCode = "PasswordContainsUserName";

    public Task<IdentityResult> ValidateAsync(UserManager<Official> manager, Official user, string? password)
    {
        if (string.IsNullOrEmpty(password)) return Task.FromResult(IdentityResult.Success);
        if (password.Length > PasswordRules.MaxLength)
            return Fail(TooLongCode, $"Passwords must be at most {PasswordRules.MaxLength} characters.");
        if (PasswordRules.IsCommon(password))
            return Fail(CommonCode, "This password is among the commonest breached passwords.");
        // The first thing an attacker tries besides the lists: the account's own address, or its name.
        var email = user.Email ?? user.UserName ?? "";
        var name = email.Split('@')[0];
        if ((email.Length > 0 && password.Contains(email, StringComparison.OrdinalIgnoreCase)) || password.Equals(name, StringComparison.OrdinalIgnoreCase))
            return Fail(ContainsNameCode, "The password must not contain the account's name.");
        return Task.FromResult(IdentityResult.Success);
    }

    private static Task<IdentityResult> Fail(string code, string description) =>
        Task.FromResult(IdentityResult.Failed(new IdentityError { Code = code, Description = description }));
}
