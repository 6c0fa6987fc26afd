using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace CchcSurvey.Web.Tests.Webhooks;

/// <summary>One request a receiver got: its webhook headers and its exact body.</summary>
public sealed record Received(string Path, string? Id, string? Event, string? Timestamp, string? Signature, string Body, DateTimeOffset At);

/// <summary>
/// A webhook receiver on a real Kestrel socket on 127.0.0.1 (what an integrator runs). Each path has its own behaviour:
/// the status to answer to the n-th request and how long to think first.
/// </summary>
public sealed class TestReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, Func<int, (int Status, TimeSpan Delay)>> _behaviours = new();

    public ConcurrentQueue<Received> Requests { get; } = new();

    private TestReceiver(WebApplication app) => _app = app;

    public string BaseUrl => _app.Urls.First();

    public static async Task<TestReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new TestReceiver(app);
        app.MapPost("/{path}", async (string path, HttpContext http) =>
        {
            using var reader = new StreamReader(http.Request.Body);
            var body = await reader.ReadToEndAsync();
            var h = http.Request.Headers;
            var n = receiver.Requests.Count(r => r.Path == path) + 1;
            receiver.Requests.Enqueue(new Received(path, h["Cchc-Webhook-Id"], h["Cchc-Webhook-Event"], h["Cchc-Webhook-Timestamp"], h["Cchc-Webhook-Signature"], body, DateTimeOffset.UtcNow));
            var (status, delay) = receiver._behaviours.TryGetValue(path, out var behaviour) ? behaviour(n) : (200, TimeSpan.Zero);
            if (delay > TimeSpan.Zero) await Task.Delay(delay);
            return Results.StatusCode(status);
        });
        await app.StartAsync();
        return receiver;
    }

    /// <summary>A new path with its behaviour; returns the receiver URL.</summary>
    public string Path(string name, Func<int, (int Status, TimeSpan Delay)>? behaviour = null)
    {
        if (behaviour is not null) _behaviours[name] = behaviour;
        return $"{BaseUrl}/{name}";
    }

    public IReadOnlyList<Received> At(string name) => Requests.Where(r => r.Path == name).ToList();

    public async Task<IReadOnlyList<Received>> WaitForAsync(string name, int count, TimeSpan? timeout = null)
    {
        var until = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (DateTime.UtcNow < until)
        {
            if (At(name).Count >= count) return At(name);
            await Task.Delay(50);
        }
        return At(name);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
