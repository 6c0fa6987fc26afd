using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.RazorPages.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace CchcSurvey.Web.Tests.Infrastructure;

/// <summary>
/// One thing a client can ask of the app: a method on a route, and for a Razor page the named handler
/// (<c>POST /dashboard/comments?handler=Tags</c>). <see cref="Inputs"/> are the names a request may bind:
/// route values, handler parameters and bound properties (what a minimal API reads from the query string
/// by hand is not discoverable and is not listed).
/// </summary>
public sealed record AppOperation(string Key, string Method, string Route, string? Handler, bool IsPage, IReadOnlySet<string> Inputs)
{
    public override string ToString() => Key;
}

/// <summary>The operations of the running app, read from its own <see cref="EndpointDataSource"/>, so that a route added later shows up.</summary>
public static class AppRoutes
{
    private static readonly string[] Verbs = ["GET", "POST", "PUT", "DELETE", "PATCH"];

    public static string KeyOf(string method, string route, string? handler = null) =>
        $"{method} {route}{(handler is null ? "" : "?handler=" + handler)}";

    public static async Task<IReadOnlyList<AppOperation>> OperationsAsync(IServiceProvider services)
    {
        var endpoints = services.GetRequiredService<EndpointDataSource>().Endpoints;
        var pages = services.GetRequiredService<PageLoader>();
        var operations = new List<AppOperation>();
        foreach (var endpoint in endpoints.OfType<RouteEndpoint>())
        {
            var route = "/" + (endpoint.RoutePattern.RawText ?? "").TrimStart('/');
            var routeValues = endpoint.RoutePattern.Parameters.Select(p => p.Name).ToList();
            if (endpoint.Metadata.GetMetadata<PageActionDescriptor>() is { } page)
            {
                // Handlers and bound properties are only known once the page is compiled.
                var compiled = await pages.LoadAsync(page, endpoint.Metadata);
                foreach (var handler in compiled.HandlerMethods)
                {
                    var method = handler.HttpMethod.ToUpperInvariant();
                    if (!Verbs.Contains(method)) continue;   // OnPageHandlerExecuting and the like look like handlers
                    var bound = compiled.BoundProperties
                        .Where(p => p.BindingInfo?.RequestPredicate is not { } bindsOn || bindsOn(ActionContextFor(method)))
                        .Select(p => p.BindingInfo?.BinderModelName ?? p.Name);
                    var parameters = handler.Parameters.Where(p => p.ParameterType != typeof(CancellationToken))
                        .Select(p => p.BindingInfo?.BinderModelName ?? p.Name);
                    var inputs = routeValues.Concat(bound).Concat(parameters).ToHashSet(StringComparer.OrdinalIgnoreCase);
                    var name = string.IsNullOrEmpty(handler.Name) ? null : handler.Name;
                    operations.Add(new AppOperation(KeyOf(method, route, name), method, route, name, IsPage: true, inputs));
                }
                continue;
            }
            var methods = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["ANY"];
            foreach (var method in methods)
                operations.Add(new AppOperation(KeyOf(method, route), method, route, null, IsPage: false,
                    routeValues.ToHashSet(StringComparer.OrdinalIgnoreCase)));
        }
        return operations.DistinctBy(o => o.Key).OrderBy(o => o.Key, StringComparer.Ordinal).ToList();
    }

    private static ActionContext ActionContextFor(string method) =>
        new(new DefaultHttpContext { Request = { Method = method } }, new RouteData(), new ActionDescriptor());
}
