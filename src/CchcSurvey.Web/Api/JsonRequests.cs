using System.Text.Json;

namespace CchcSurvey.Web.Api;

/// <summary>Reading a JSON request body the same way in every API: UTF-8 only, bounded in size, short strings.</summary>
public static class JsonRequests
{
    /// <summary>application/json, with no charset or UTF-8 (RFC 8259 §8.1); application/json-patch+json, text/json, charset=latin1… are not.</summary>
    internal static bool IsJsonUtf8(string? contentType) =>
        Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var type)
        && type.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
        && Microsoft.Net.Http.Headers.HeaderUtilities.RemoveQuotes(type.Charset) is var charset
        && (charset.Value is null || charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase) || charset.Equals("utf8", StringComparison.OrdinalIgnoreCase));

    internal static bool TryGetString(JsonElement root, string name, out string value)
    {
        value = "";
        if (!root.TryGetProperty(name, out var element) || element.ValueKind != JsonValueKind.String) return false;
        value = element.GetString() ?? "";
        return value.Length is > 0 and <= 100;
    }

    internal static async Task<byte[]?> ReadBoundedAsync(Stream body, int limit, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > limit) return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }
}
