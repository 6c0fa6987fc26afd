using System.Collections.Concurrent;
using System.Net;
using CchcSurvey.Web.Tests.Infrastructure;
using CchcSurvey.Web.Tests.Pages.Survey;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using static CchcSurvey.Web.Tests.Integrity.IntegrityTestHelpers;

namespace CchcSurvey.Web.Tests.Integrity;

/// <summary>
/// The app with every log line captured (at the app's configured levels), behind a fake client address and
/// user agent that every request carries, as a reverse proxy would present them.
/// </summary>
public sealed class LogCapturingAppFactory : SurveyAppFactory
{
    public const string ClientAddress = "203.0.113.77";
    public const string ClientAgent = "SpyAgent/9.9 (fingerprint-me)";

    public ConcurrentQueue<string> Lines { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureLogging(logging => logging.AddProvider(new CaptureProvider(Lines)));
        builder.ConfigureServices(services => services.AddTransient<IStartupFilter, FakeClient>());
    }

    private sealed class FakeClient : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                context.Connection.RemoteIpAddress = IPAddress.Parse(ClientAddress);
                context.Request.Headers.UserAgent = ClientAgent;
                return nextMiddleware(context);
            });
            next(app);
        };
    }

    private sealed class CaptureProvider(ConcurrentQueue<string> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Capture(categoryName, lines);
        public void Dispose() { }
    }

    private sealed class Capture(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue($"{category} {formatter(state, exception)} {state} {exception}");
    }
}

public sealed class SubmissionLoggingTests(LogCapturingAppFactory factory) : IClassFixture<LogCapturingAppFactory>
{
    [Fact]
    public async Task Submitting_logs_and_stores_neither_the_client_address_nor_its_user_agent()
    {
        var browser = factory.CreateBrowserClient();
        var form = await SurveyForm.OpenAsync(browser, "/s/VQ-TN-Q1");
        Assert.Equal(HttpStatusCode.Redirect, (await SurveyForm.PostAsync(browser, form, ("HL", "2"), ("GOP_Y", "Chờ hơi lâu"))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await PostResponseAsync(factory.CreateClient(), Nhanh(Guid.NewGuid(), 4, counter: "VQ-TN-Q1"))).StatusCode);
        // A refused post too (invalid answer), which takes the error paths.
        Assert.Equal(HttpStatusCode.BadRequest, (await PostResponseAsync(factory.CreateClient(), Nhanh(Guid.NewGuid(), 9, counter: "VQ-TN-Q1"))).StatusCode);

        Assert.NotEmpty(factory.Lines);
        Assert.DoesNotContain(factory.Lines, line => line.Contains(LogCapturingAppFactory.ClientAddress, StringComparison.Ordinal));
        Assert.DoesNotContain(factory.Lines, line => line.Contains("SpyAgent", StringComparison.Ordinal));
        Assert.False(DatabaseFilesContain(factory, LogCapturingAppFactory.ClientAddress));
        Assert.False(DatabaseFilesContain(factory, "SpyAgent"));
    }
}
