using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.RegularExpressions;
using CchcSurvey.Web.Tests.Infrastructure;
using static CchcSurvey.Web.Tests.Security.AccessSweepFixture;

namespace CchcSurvey.Web.Tests.Security;

/// <summary>
/// The access sweep: every operation of the running app is classified in <see cref="AccessRules"/>; then a manager
/// and a viewer of one commune, by cookie and by personal API token, ask every official operation with the
/// identifiers of a sibling commune, of the parent district and of nothing at all. Outside the scope every read
/// answers 404 and reveals no other unit's name; a viewer changes nothing; a revoked token, or a locked official's
/// token, opens nothing. Each test collects every failure before failing, so one run lists every leak.
/// </summary>
public abstract partial class AccessSweep(AccessSweepFixture world)
{
    private static readonly Target[] Outside = [Target.Sibling, Target.Parent, Target.Missing];

    private sealed record Answer(HttpStatusCode Status, string? Location, string Body);

    private void RequireDatabase() => Skip.IfNot(world.Available, "CCHC_TEST_POSTGRES is not set");

    [SkippableFact]
    public async Task Every_operation_of_the_app_is_classified()
    {
        RequireDatabase();
        var operations = await AppRoutes.OperationsAsync(world.Factory.Services);
        var rules = AccessRules.All.ToDictionary(r => r.Key, StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var operation in operations)
        {
            if (!rules.TryGetValue(operation.Key, out var rule))
            {
                problems.Add($"not classified in AccessRules: {operation.Key} (inputs: {string.Join(", ", operation.Inputs)})");
                continue;
            }
            if (rule.Access is Access.Own or Access.Read or Access.Act or Access.Staff)
            {
                var declared = rule.Ids.Concat(rule.Other).ToHashSet(StringComparer.OrdinalIgnoreCase);
                var undeclared = operation.Inputs.Where(i => !declared.Contains(i)).ToList();
                if (undeclared.Count > 0) problems.Add($"{operation.Key}: inputs not declared as identifier or not: {string.Join(", ", undeclared)}");
            }
        }
        foreach (var rule in rules.Values)
        {
            if (operations.All(o => o.Key != rule.Key)) problems.Add($"no longer in the app: {rule.Key}");
            if (rule.Ids.Length > 0 && !rule.Probes.Any(p => p.Identifies)) problems.Add($"{rule.Key}: identifiers but no probe sends other units' identifiers");
            if (rule.Access is Access.Read or Access.Act or Access.Staff or Access.Admin && rule.Probes.Length == 0) problems.Add($"{rule.Key}: no probe");
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [SkippableFact]
    public async Task Reads_outside_the_scope_answer_404_to_a_manager_and_a_viewer_by_cookie_and_by_token()
    {
        RequireDatabase();
        (string Who, HttpClient Client, bool Viewer)[] officials =
        [
            ("manager/cookie", world.ManagerCookie, false), ("manager/token", world.ManagerBearer, false),
            ("viewer/cookie", world.ViewerCookie, true), ("viewer/token", world.ViewerBearer, true),
        ];
        var failures = new List<string>();
        var requests = 0;
        foreach (var rule in AccessRules.All.Where(r => r.Method == "GET" && r.Access is Access.Own or Access.Read or Access.Staff or Access.Admin))
            foreach (var probe in rule.Probes)
                foreach (var (who, client, viewer) in officials)
                {
                    var refused = rule.Access == Access.Admin || (rule.Access == Access.Staff && viewer);
                    foreach (var target in probe.Identifies ? [Target.Own, .. Outside] : new[] { Target.Own })
                    {
                        var call = probe.Build(world, target);
                        var answer = await SendAsync(client, call);
                        requests++;
                        // A personal API token opens /api/v1 only: on a page it is 401 whoever holds it.
                        var pageByToken = who.EndsWith("/token", StringComparison.Ordinal) && !call.IsApi;
                        var expected = pageByToken ? "401" : refused ? "a refusal" : target == Target.Own ? $"{(int)probe.Own}" : "404";
                        var ok = pageByToken ? answer.Status == HttpStatusCode.Unauthorized
                            : refused ? IsRefusal(answer) : answer.Status == (target == Target.Own ? probe.Own : HttpStatusCode.NotFound);
                        Check(failures, $"{who} {call} ({target})", answer, ok, expected);
                    }
                }
        Assert.True(failures.Count == 0, $"{failures.Count} of {requests} requests:\n" + string.Join("\n", failures));
    }

    [SkippableFact]
    public async Task Changes_outside_the_scope_answer_404_to_a_manager_and_change_nothing()
    {
        RequireDatabase();
        var failures = new List<string>();
        foreach (var rule in AccessRules.All.Where(r => r.Method == "POST" && r.Access is Access.Own or Access.Act or Access.Staff))
            foreach (var probe in rule.Probes.Where(p => p.Identifies))
            {
                foreach (var target in Outside)
                {
                    var call = probe.Build(world, target);
                    var before = DatabaseSnapshot.Take(world.Factory);
                    var answer = await SendAsync(call.IsApi ? world.ManagerBearer : world.ManagerCookie, call);
                    var changed = DatabaseSnapshot.Difference(before, DatabaseSnapshot.Take(world.Factory));
                    Check(failures, $"manager {call} ({target})", answer, answer.Status == HttpStatusCode.NotFound, "404", changed);
                }
                // The same request inside the scope succeeds, so the 404s above are the scope's and not a bad request's.
                var own = probe.Build(world, Target.Own);
                var done = await SendAsync(own.IsApi ? world.ManagerBearer : world.ManagerCookie, own);
                Check(failures, $"manager {own} (Own)", done, done.Status == probe.Own, $"{(int)probe.Own}");
            }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [SkippableFact]
    public async Task A_viewer_changes_nothing_and_only_administrators_administer()
    {
        RequireDatabase();
        var failures = new List<string>();
        foreach (var rule in AccessRules.All.Where(r => r.Method == "POST" && r.Access is Access.Act or Access.Staff or Access.Admin))
            foreach (var probe in rule.Probes)
            {
                var callers = rule.Access == Access.Admin
                    ? new[] { ("viewer", world.ViewerCookie, world.ViewerBearer), ("manager", world.ManagerCookie, world.ManagerBearer) }
                    : [("viewer", world.ViewerCookie, world.ViewerBearer)];
                foreach (var (who, cookie, bearer) in callers)
                    foreach (var target in probe.Identifies ? [Target.Own, Target.Sibling] : new[] { Target.Own })
                    {
                        var call = probe.Build(world, target);
                        var before = DatabaseSnapshot.Take(world.Factory);
                        var answer = await SendAsync(call.IsApi ? bearer : cookie, call);
                        var changed = DatabaseSnapshot.Difference(before, DatabaseSnapshot.Take(world.Factory));
                        var ok = rule.Access == Access.Act ? answer.Status == HttpStatusCode.Forbidden : IsRefusal(answer);
                        Check(failures, $"{who} {call} ({target})", answer, ok, rule.Access == Access.Act ? "403" : "a refusal", changed);
                    }
            }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    /// <summary>
    /// A personal API token is a program's credential: on every page route (GET and POST, the administrator's
    /// pages included, with the administrator's own token) it gets 401 and never a page; the same token still
    /// opens the API, so the 401s are the pages' refusal and not a broken token.
    /// </summary>
    [SkippableFact]
    public async Task A_bearer_token_opens_no_page_whoever_holds_it()
    {
        RequireDatabase();
        var admin = world.Bearer(await world.ApiTokenAsync(Infrastructure.SurveyAppFactory.AdminEmail));
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync($"/api/v1/units/{Unit(Target.Own)}/indices")).StatusCode);
        var failures = new List<string>();
        var pages = 0;
        foreach (var rule in AccessRules.All.Where(r => r.Access is not (Access.Public or Access.Session)))
            foreach (var probe in rule.Probes)
            {
                var call = probe.Build(world, Target.Own);
                if (call.IsApi) continue;
                foreach (var (who, client) in new[] { ("admin", admin), ("manager", world.ManagerBearer), ("viewer", world.ViewerBearer) })
                {
                    var before = DatabaseSnapshot.Take(world.Factory);
                    var answer = await SendAsync(client, call);
                    pages++;
                    var changed = DatabaseSnapshot.Difference(before, DatabaseSnapshot.Take(world.Factory));
                    Check(failures, $"{who} token {call}", answer, answer.Status == HttpStatusCode.Unauthorized && !answer.Body.Contains("<html", StringComparison.OrdinalIgnoreCase), "401 without a page", changed);
                }
            }
        Assert.True(pages > 50, $"only {pages} page requests were swept");
        Assert.True(failures.Count == 0, $"{failures.Count} of {pages} page requests:\n" + string.Join("\n", failures));
    }

    [SkippableFact]
    public async Task A_revoked_token_and_a_locked_officials_token_open_nothing()
    {
        RequireDatabase();
        var failures = new List<string>();

        var revoked = await world.ApiTokenAsync(ManagerEmail);
        await SweepAsync("revoked", world.Bearer(revoked), async () =>
        {
            var id = world.TokenId(revoked).ToString(System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(HttpStatusCode.Redirect, (await world.PostFormAsync(world.ManagerCookie, "/account/tokens?handler=Revoke", ("id", id))).StatusCode);
        });

        const string lockedEmail = "khoa@an-son.test";
        await world.AddOfficialAsync(lockedEmail, "manager", Unit(Target.Own));
        await SweepAsync("locked", world.Bearer(await world.ApiTokenAsync(lockedEmail)), async () =>
        {
            var id = world.Factory.WithDatabase(db => db.Users.Single(u => u.Email == lockedEmail).Id);
            Assert.Equal(HttpStatusCode.Redirect, (await world.PostFormAsync(world.AdminCookie, $"/admin/users/{id}?handler=Lock")).StatusCode);
        });
        Assert.True(failures.Count == 0, string.Join("\n", failures));

        async Task SweepAsync(string how, HttpClient client, Func<Task> stop)
        {
            // The token works until it is stopped, so the 401s below are the stop's.
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/v1/units/{Unit(Target.Own)}/indices")).StatusCode);
            await stop();
            foreach (var rule in AccessRules.All.Where(r => r.Access is not (Access.Public or Access.Session)))
                foreach (var probe in rule.Probes)
                {
                    var call = probe.Build(world, Target.Own);
                    var answer = await SendAsync(client, call);
                    Check(failures, $"{how} token {call}", answer, answer.Status == HttpStatusCode.Unauthorized, "401");
                }
        }
    }

    private void Check(List<string> failures, string what, Answer answer, bool ok, string expected, string changed = "")
    {
        var leaked = world.ForeignMarkers.Where(m => answer.Body.Contains(m, StringComparison.Ordinal)).ToList();
        if (ok && leaked.Count == 0 && changed.Length == 0) return;
        var problems = new List<string>();
        if (!ok) problems.Add($"answered {(int)answer.Status}{(answer.Location is null ? "" : " → " + answer.Location)}, expected {expected}");
        if (leaked.Count > 0) problems.Add($"body reveals: {string.Join(", ", leaked)}");
        if (changed.Length > 0) problems.Add($"database changed:\n  {changed.Replace("\n", "\n  ", StringComparison.Ordinal)}");
        failures.Add($"{what}: {string.Join("; ", problems)}");
    }

    /// <summary>403, or (for a signed-in browser) a redirect to the sign-in page.</summary>
    private static bool IsRefusal(Answer answer) =>
        answer.Status == HttpStatusCode.Forbidden
        || (answer.Status == HttpStatusCode.Redirect && answer.Location is { } location && location.Contains("/account/login", StringComparison.OrdinalIgnoreCase));

    private async Task<Answer> SendAsync(HttpClient client, Call call)
    {
        using var request = new HttpRequestMessage(new HttpMethod(call.Method), call.Url);
        if (call.Json is not null) request.Content = JsonContent.Create(call.Json);
        else if (call.Method == "POST")
        {
            var fields = (call.Form ?? []).Select(f => new KeyValuePair<string, string>(f.Name, f.Value)).ToList();
            // A bearer client has no antiforgery token: its posts must be refused before that check matters.
            if (world.FormTokens.TryGetValue(client, out var token)) fields.Add(new("__RequestVerificationToken", token));
            request.Content = new FormUrlEncodedContent(fields);
        }
        using var response = await client.SendAsync(request);
        return new Answer(response.StatusCode, response.Headers.Location?.OriginalString, await ReadableAsync(response.Content));
    }

    /// <summary>The body as text a name can be found in: XLSX unzipped, JSON \u escapes and HTML entities decoded.</summary>
    private static async Task<string> ReadableAsync(HttpContent content)
    {
        var bytes = await content.ReadAsByteArrayAsync();
        string text;
        if (bytes.Length > 4 && bytes[0] == 'P' && bytes[1] == 'K')
        {
            using var zip = new ZipArchive(new MemoryStream(bytes), ZipArchiveMode.Read);
            var parts = new StringBuilder();
            foreach (var entry in zip.Entries)
            {
                using var reader = new StreamReader(entry.Open(), Encoding.UTF8);
                parts.Append(await reader.ReadToEndAsync());
            }
            text = parts.ToString();
        }
        else text = Encoding.UTF8.GetString(bytes);
        text = JsonEscape().Replace(text, m => ((char)Convert.ToInt32(m.Groups[1].Value, 16)).ToString());
        return WebUtility.HtmlDecode(text);
    }

    [GeneratedRegex(@"\\u([0-9a-fA-F]{4})")]
    private static partial Regex JsonEscape();
}

/// <summary>The sweep on SQLite.</summary>
public sealed class AccessSweepTests(SqliteAccessSweepFixture world) : AccessSweep(world), IClassFixture<SqliteAccessSweepFixture>;

/// <summary>The sweep on PostgreSQL (skipped without CCHC_TEST_POSTGRES).</summary>
public sealed class PostgresAccessSweepTests(PostgresAccessSweepFixture world) : AccessSweep(world), IClassFixture<PostgresAccessSweepFixture>;
