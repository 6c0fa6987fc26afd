using System.Net;
using System.Net.Sockets;

namespace CchcSurvey.Web.Webhooks;

/// <summary>
/// Where deliveries may go (server-side request forgery guard). Development and Testing: https anywhere, and plain
/// http to loopback only (a receiver on the developer's machine). Production: https only, and never to a private,
/// loopback, link-local or otherwise internal address unless <c>Webhooks:AllowPrivateNetworks</c> is true. The address
/// is checked when the URL is registered (literal addresses) and again on every connection, after name resolution,
/// so a name that later resolves inside the network is refused too. Redirects are not followed.
/// </summary>
public sealed class WebhookUrlPolicy(bool relaxed, bool allowPrivateNetworks)
{
    public static WebhookUrlPolicy For(IHostEnvironment environment, WebhookOptions options) =>
        new(environment.IsDevelopment() || environment.IsEnvironment("Testing"), options.AllowPrivateNetworks);

    /// <summary>Null when the URL may be registered; otherwise why not (English, shown with the Vietnamese message).</summary>
    public string? Check(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Length > 500 || !Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri))
            return "not an absolute URL";
        if (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp) return "only https (or http to loopback in development)";
        if (!string.IsNullOrEmpty(uri.UserInfo)) return "no user name or password in the URL (use the signing secret)";
        if (!string.IsNullOrEmpty(uri.Fragment)) return "no fragment";
        var loopback = uri.IsLoopback;
        if (uri.Scheme == Uri.UriSchemeHttp && !(relaxed && loopback)) return "http only to loopback in development; https otherwise";
        if (IPAddress.TryParse(uri.IdnHost, out var address) && !MayConnect(address)) return "a private or internal address";
        if (!relaxed && !allowPrivateNetworks && uri.IdnHost.Equals("localhost", StringComparison.OrdinalIgnoreCase)) return "a private or internal address";
        return null;
    }

    /// <summary>Whether a connection to this resolved address is allowed.</summary>
    public bool MayConnect(IPAddress address) => relaxed || allowPrivateNetworks || !IsInternal(address);

    public static bool IsInternal(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.Broadcast)) return true;
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            if (address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast) return true;
            var b = address.GetAddressBytes();
            return (b[0] & 0xFE) == 0xFC;   // fc00::/7 unique local
        }
        var v = address.GetAddressBytes();
        return v[0] switch
        {
            0 or 10 or 127 => true,
            100 => v[1] is >= 64 and <= 127,        // 100.64.0.0/10 carrier-grade NAT
            169 => v[1] == 254,                     // link-local, cloud metadata
            172 => v[1] is >= 16 and <= 31,
            192 => v[1] == 168 || (v[1] == 0 && v[2] is 0 or 2),
            198 => v[1] is 18 or 19,               // benchmarking
            >= 224 => true,                        // multicast and reserved
            _ => false,
        };
    }

    /// <summary>The handler's connect step: resolve, keep only allowed addresses, connect to the first that answers.</summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, ct);
        var allowed = addresses.Where(MayConnect).ToList();
        if (allowed.Count == 0) throw new HttpRequestException($"The address of {host} is not allowed for webhooks (private or internal network).");
        Exception? last = null;
        foreach (var address in allowed)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, context.DnsEndPoint.Port), ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException e)
            {
                socket.Dispose();
                last = e;
            }
        }
        throw new HttpRequestException($"Could not connect to {host}.", last);
    }
}
