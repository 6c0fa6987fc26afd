using System.Security.Cryptography;
using Microsoft.AspNetCore.Razor.TagHelpers;

namespace CchcSurvey.Web.Security;

/// <summary>
/// The per-request Content-Security-Policy nonce: 128 random bits, base64url. Views read it with
/// <c>@inject CspNonce Nonce</c> / <c>nonce="@Nonce.Value"</c> or the <c>asp-nonce</c> tag helper.
/// </summary>
public sealed class CspNonce
{
    private const string ItemKey = "cchc.csp-nonce";

    public CspNonce(IHttpContextAccessor accessor)
    {
        var http = accessor.HttpContext;
        Value = http is null ? NewValue() : For(http);
    }

    public string Value { get; }

    /// <summary>The nonce of this request, created on first use.</summary>
    public static string For(HttpContext http)
    {
        if (http.Items[ItemKey] is string nonce) return nonce;
        nonce = NewValue();
        http.Items[ItemKey] = nonce;
        return nonce;
    }

    // base64url (allowed by CSP's nonce grammar) needs no HTML escaping in the nonce="…" attribute.
    private static string NewValue() => System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16));
}

/// <summary>
/// Security headers on every response (pages, API, static files, error pages): a nonce-based CSP
/// without 'unsafe-inline', nosniff, no referrer (survey URLs carry counter codes and must not leak),
/// no framing, no camera/microphone/geolocation, and an isolated browsing context.
/// HSTS is added separately by UseHsts outside Development.
/// </summary>
public static class SecurityHeaders
{
    public static string Policy(string nonce) =>
        "default-src 'self'; " +
        $"script-src 'self' 'nonce-{nonce}'; " +
        $"style-src 'self' 'nonce-{nonce}'; " +
        "img-src 'self' data:; font-src 'self'; connect-src 'self'; form-action 'self'; " +
        "frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((http, next) =>
    {
        var nonce = CspNonce.For(http);
        http.Response.OnStarting(() =>
        {
            var headers = http.Response.Headers;
            headers.ContentSecurityPolicy = Policy(nonce);
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            headers.XFrameOptions = "DENY";
            headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()";
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            return Task.CompletedTask;
        });
        return next(http);
    });

    public static IServiceCollection AddSecurityHeaders(this IServiceCollection services)
    {
        services.AddHttpContextAccessor();
        services.AddScoped<CspNonce>();
        return services;
    }
}

/// <summary>
/// Puts the request's CSP nonce on every <c>&lt;script&gt;</c> and <c>&lt;style&gt;</c> element of a page,
/// so that an inline block cannot be forgotten (the policy forbids inline code without it).
/// </summary>
[HtmlTargetElement("script")]
[HtmlTargetElement("style")]
public sealed class CspNonceTagHelper(IHttpContextAccessor accessor) : TagHelper
{
    // After the framework's script tag helpers (asp-append-version) have done their work.
    public override int Order => 1000;

    public override void Process(TagHelperContext context, TagHelperOutput output)
    {
        if (accessor.HttpContext is not { } http || output.Attributes.ContainsName("nonce")) return;
        output.Attributes.SetAttribute("nonce", CspNonce.For(http));
    }
}
