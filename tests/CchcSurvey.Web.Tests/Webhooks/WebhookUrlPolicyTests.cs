using System.Net;
using CchcSurvey.Web.Webhooks;

namespace CchcSurvey.Web.Tests.Webhooks;

/// <summary>Where deliveries may go: the server-side request forgery guard, at registration and at connection.</summary>
public sealed class WebhookUrlPolicyTests
{
    private static readonly WebhookUrlPolicy Production = new(relaxed: false, allowPrivateNetworks: false);
    private static readonly WebhookUrlPolicy ProductionPrivateAllowed = new(relaxed: false, allowPrivateNetworks: true);
    private static readonly WebhookUrlPolicy Development = new(relaxed: true, allowPrivateNetworks: false);

    [Theory]
    [InlineData("https://motcua.langson.gov.vn/hooks/cchc", true)]
    [InlineData("http://motcua.langson.gov.vn/hooks/cchc", false)]
    [InlineData("https://10.1.2.3/hook", false)]
    [InlineData("https://192.168.1.10/hook", false)]
    [InlineData("https://172.20.0.5/hook", false)]
    [InlineData("https://127.0.0.1/hook", false)]
    [InlineData("https://localhost/hook", false)]
    [InlineData("https://169.254.169.254/latest/meta-data", false)]
    [InlineData("https://[::1]/hook", false)]
    [InlineData("https://[fd00::1]/hook", false)]
    [InlineData("https://user:pass@motcua.langson.gov.vn/hook", false)]
    [InlineData("ftp://motcua.langson.gov.vn/hook", false)]
    [InlineData("/relative", false)]
    public void Production_accepts_only_https_to_public_addresses(string url, bool accepted) =>
        Assert.Equal(accepted, Production.Check(url) is null);

    [Theory]
    [InlineData("https://10.1.2.3/hook", true)]
    [InlineData("https://localhost/hook", true)]
    [InlineData("http://10.1.2.3/hook", false)]
    public void Production_may_allow_private_networks_by_configuration(string url, bool accepted) =>
        Assert.Equal(accepted, ProductionPrivateAllowed.Check(url) is null);

    [Theory]
    [InlineData("http://127.0.0.1:5084/hook", true)]
    [InlineData("http://localhost:5084/hook", true)]
    [InlineData("http://[::1]:5084/hook", true)]
    [InlineData("http://example.org/hook", false)]
    [InlineData("https://10.1.2.3/hook", true)]
    public void Development_allows_http_to_loopback_only(string url, bool accepted) =>
        Assert.Equal(accepted, Development.Check(url) is null);

    [Fact]
    public async Task A_name_that_resolves_to_an_internal_address_is_refused_when_connecting()
    {
        using var client = new HttpClient(new SocketsHttpHandler { ConnectCallback = Production.ConnectAsync, AllowAutoRedirect = false });
        var e = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync("http://localhost:9/"));
        Assert.Contains("not allowed", e.Message);
        Assert.True(WebhookUrlPolicy.IsInternal(IPAddress.Parse("100.64.0.1")));
        Assert.True(WebhookUrlPolicy.IsInternal(IPAddress.Parse("::ffff:10.0.0.1")));
        Assert.False(WebhookUrlPolicy.IsInternal(IPAddress.Parse("203.113.1.1")));
    }
}
