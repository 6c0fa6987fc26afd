using System.Data.Common;
using CchcSurvey.Web.Data;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace CchcSurvey.Web.Tests.Infrastructure;

/// <summary>
/// Counts the SQL statements EF Core sends while a test's own request runs. The test marks its request with an
/// async-local list (the test server keeps the caller's execution context), so background services writing or
/// reading at the same time are not counted.
/// </summary>
public sealed class StatementCounter : DbCommandInterceptor
{
    private static readonly AsyncLocal<List<string>?> Current = new();

    /// <summary>Runs the action and returns the statements it caused, in order.</summary>
    public static async Task<(T Result, IReadOnlyList<string> Statements)> CountAsync<T>(Func<Task<T>> action)
    {
        var statements = new List<string>();
        Current.Value = statements;
        try
        {
            var result = await action();
            lock (statements) return (result, statements.ToList());
        }
        finally
        {
            Current.Value = null;
        }
    }

    private static void Record(DbCommand command)
    {
        if (Current.Value is { } list) lock (list) list.Add(command.CommandText);
    }

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        Record(command);
        return result;
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Record(command);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
    {
        Record(command);
        return result;
    }

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        Record(command);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        Record(command);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Record(command);
        return ValueTask.FromResult(result);
    }
}

/// <summary>The app on a fresh SQLite file with a <see cref="StatementCounter"/> on every EF Core context.</summary>
public sealed class StatementCountingAppFactory : SurveyAppFactory
{
    private static readonly StatementCounter Counter = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services =>
        {
            services.ConfigureDbContext<SqliteSurveyDbContext>(o => o.AddInterceptors(Counter));
            services.ConfigureDbContext<PostgresSurveyDbContext>(o => o.AddInterceptors(Counter));
        });
    }

    /// <summary>A browser client whose requests run in the test's execution context, so the async-local marker reaches the interceptor.</summary>
    public HttpClient CreateCountedClient()
    {
        Server.PreserveExecutionContext = true;
        return CreateBrowserClient();
    }

    /// <summary>GET as the client (from <see cref="CreateCountedClient"/>), counting the statements of that request alone.</summary>
    public static Task<(HttpResponseMessage Response, IReadOnlyList<string> Statements)> GetCountedAsync(HttpClient client, string url) =>
        StatementCounter.CountAsync(() => client.GetAsync(url));
}
