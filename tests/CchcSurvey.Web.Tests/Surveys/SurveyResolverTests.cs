using System.Net;
using System.Text.Json.Nodes;
using CchcSurvey.Web.Data;
using CchcSurvey.Web.Integrity;
using CchcSurvey.Web.Surveys;
using CchcSurvey.Web.Tests.Infrastructure;
using CchcSurvey.Web.Tests.Pages.Survey;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static CchcSurvey.Web.Tests.Integrity.IntegrityTestHelpers;

namespace CchcSurvey.Web.Tests.Surveys;

/// <summary>
/// The one front door (<see cref="SurveyResolver"/>): the form and the API find the same counter, token and
/// instrument; the API's cache is emptied by every saved change to counters or instrument versions, the form's
/// look-ups are never cached; an unknown counter is a 404 page or a problem, a token is used once, a moved counter
/// (as after a reorganisation) takes its answers to its new unit.
/// </summary>
public abstract class SurveyResolverTestsBase(SurveyAppFactory factory)
{
    protected virtual void RequireServer() { }

    private async Task<T> WithResolverAsync<T>(Func<SurveyResolver, SurveyDbContext, Task<T>> use)
    {
        using var scope = factory.Services.CreateScope();
        return await use(scope.ServiceProvider.GetRequiredService<SurveyResolver>(), scope.ServiceProvider.GetRequiredService<SurveyDbContext>());
    }

    /// <summary>A fresh counter of the given unit (its own code, so that the tests of a class do not meet).</summary>
    private string AddCounter(string unit, string instruments, string? defaultInstrument = null)
    {
        var code = "RS-" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        factory.WithDatabase(db =>
        {
            var unitId = db.Units.Where(u => u.Code == unit).Select(u => u.Id).Single();
            db.Counters.Add(new Counter
            {
                Code = code, Name = "Quầy kiểm thử", UnitId = unitId, Instruments = instruments,
                DefaultInstrument = defaultInstrument ?? instruments.Split(' ')[0],
            });
            return db.SaveChanges();
        });
        return code;
    }

    /// <summary>A published instrument other than NHANH (the demo publishes several).</summary>
    private string OtherInstrument() =>
        factory.WithDatabase(db => db.InstrumentVersions.Where(v => v.IsCurrent && v.Code != "NHANH").OrderBy(v => v.Code).Select(v => v.Code).First());

    [SkippableFact]
    public async Task Form_and_api_find_the_same_counter_and_refuse_an_unknown_one()
    {
        RequireServer();
        var code = AddCounter("VQ-AS", "NHANH");
        var (none, shortLived) = await WithResolverAsync(async (r, _) =>
            (await r.CounterAsync(code, SurveyCaching.None, default), await r.CounterAsync(code, SurveyCaching.Short, default)));
        Assert.Equal("VQ-AS", none!.Unit.Code);
        Assert.Equal(none.Id, shortLived!.Id);
        Assert.Null(await WithResolverAsync((r, _) => r.CounterAsync("RS-NONE", SurveyCaching.Short, default)));
        // The same code in another case is another (unknown) counter, for the form and the API alike.
        Assert.Null(await WithResolverAsync((r, _) => r.CounterAsync(code.ToLowerInvariant(), SurveyCaching.None, default)));

        Assert.Equal(HttpStatusCode.OK, (await factory.CreateClient().GetAsync($"/s/{code}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await factory.CreateClient().GetAsync($"/api/v1/counters/{code}")).StatusCode);
        var page = await factory.CreateClient().GetAsync("/s/RS-NONE");
        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        Assert.Contains("Không tìm thấy trang khảo sát", await SurveyForm.HtmlAsync(page));
        var detail = await factory.CreateClient().GetAsync("/api/v1/counters/RS-NONE");
        Assert.Equal(HttpStatusCode.NotFound, detail.StatusCode);
        Assert.Equal("application/problem+json", detail.Content.Headers.ContentType?.MediaType);
        var posted = await PostResponseAsync(factory.CreateClient(), Nhanh(Guid.NewGuid(), 4, counter: "RS-NONE"));
        Assert.Equal(HttpStatusCode.BadRequest, posted.StatusCode);
        Assert.Equal("No active counter 'RS-NONE'.", JsonNode.Parse(await posted.Content.ReadAsStringAsync())!["detail"]!.GetValue<string>());
    }

    [SkippableFact]
    public async Task The_instrument_is_the_counters_default_unless_named_and_only_if_offered()
    {
        RequireServer();
        var other = OtherInstrument();
        var code = AddCounter("VQ-AS", $"NHANH {other}", defaultInstrument: other);
        var onlyQuick = AddCounter("VQ-AS", "NHANH");
        await WithResolverAsync<int>(async (r, _) =>
        {
            var counter = (await r.CounterAsync(code, SurveyCaching.None, default))!;
            var byDefault = await r.InstrumentAsync(counter, null, null, SurveyCaching.None, default);
            Assert.Equal(other, byDefault.Instrument!.Code);
            Assert.Equal("NHANH", (await r.InstrumentAsync(counter, "NHANH", null, SurveyCaching.Short, default)).Instrument!.Code);
            Assert.Equal(1, (await r.InstrumentAsync(counter, "NHANH", 1, SurveyCaching.Short, default)).Instrument!.Version);
            // Offered but no such version: found out as "not published", not as "not offered".
            var noVersion = await r.InstrumentAsync(counter, "NHANH", 999, SurveyCaching.Short, default);
            Assert.True(noVersion.Offered);
            Assert.False(noVersion.Found);
            // Codes are taken exactly (the form normalises a typed URL before asking).
            Assert.False((await r.InstrumentAsync(counter, "nhanh", null, SurveyCaching.None, default)).Offered);
            var quick = (await r.CounterAsync(onlyQuick, SurveyCaching.None, default))!;
            var refused = await r.InstrumentAsync(quick, other, null, SurveyCaching.Short, default);
            Assert.False(refused.Offered);
            Assert.Null(refused.Instrument);
            return 0;
        });

        // The form: the default, a named one in any case, 404 for one the counter does not offer.
        var definition = CchcSurvey.Core.Instruments.InstrumentCatalog.Parse(
            factory.WithDatabase(db => db.InstrumentVersions.Single(v => v.Code == other && v.IsCurrent).DefinitionJson));
        var shown = await SurveyForm.OpenAsync(factory.CreateBrowserClient(), $"/s/{code}");
        Assert.Contains((definition.CitizenTitle ?? definition.Title).Vi, shown.Html);
        Assert.Equal(HttpStatusCode.OK, (await factory.CreateClient().GetAsync($"/s/{code}/nhanh")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await factory.CreateClient().GetAsync($"/s/{onlyQuick}/{other}")).StatusCode);
        // The API: the same rules as problem details.
        var notOffered = await PostResponseAsync(factory.CreateClient(), new
        {
            submissionId = Guid.NewGuid(), counter = onlyQuick, instrument = other, channel = "qr", answers = new Dictionary<string, object>(),
        });
        Assert.Equal(HttpStatusCode.BadRequest, notOffered.StatusCode);
        Assert.Contains($"does not offer instrument '{other}'", await notOffered.Content.ReadAsStringAsync());
        var noVersionPost = await PostResponseAsync(factory.CreateClient(), new
        {
            submissionId = Guid.NewGuid(), counter = code, instrument = "NHANH", version = 999, channel = "qr", answers = new Dictionary<string, object> { ["HL"] = 4 },
        });
        Assert.Equal(HttpStatusCode.BadRequest, noVersionPost.StatusCode);
        Assert.Contains("No published instrument 'NHANH' version 999", await noVersionPost.Content.ReadAsStringAsync());
    }

    [SkippableFact]
    public async Task The_api_caches_and_a_saved_change_empties_the_cache_while_the_form_never_caches()
    {
        RequireServer();
        var code = AddCounter("VQ-AS", "NHANH");
        Assert.NotNull(await WithResolverAsync((r, _) => r.CounterAsync(code, SurveyCaching.Short, default)));

        // Closed behind EF's back (a bulk UPDATE runs no SaveChanges interceptor): the API still has it for a moment,
        // the form already sees it closed.
        factory.WithDatabase(db => db.Counters.Where(c => c.Code == code).ExecuteUpdate(u => u.SetProperty(c => c.IsActive, false)));
        Assert.NotNull(await WithResolverAsync((r, _) => r.CounterAsync(code, SurveyCaching.Short, default)));
        Assert.Null(await WithResolverAsync((r, _) => r.CounterAsync(code, SurveyCaching.None, default)));
        Assert.Equal(HttpStatusCode.NotFound, (await factory.CreateClient().GetAsync($"/s/{code}")).StatusCode);

        // Opened again and moved to another unit through SaveChanges (what an administrator or a reorganisation does):
        // the cache is emptied at once, so the next API answer lands at the new unit.
        factory.WithDatabase(db =>
        {
            var counter = db.Counters.Single(c => c.Code == code);
            counter.IsActive = true;
            counter.UnitId = db.Units.Where(u => u.Code == "VQ-TT").Select(u => u.Id).Single();
            return db.SaveChanges();
        });
        Assert.Equal("VQ-TT", (await WithResolverAsync((r, _) => r.CounterAsync(code, SurveyCaching.Short, default)))!.Unit.Code);
        var id = Guid.NewGuid();
        Assert.Equal(HttpStatusCode.Created, (await PostResponseAsync(factory.CreateClient(), Nhanh(id, 5, counter: code))).StatusCode);
        Assert.Equal("VQ-TT", factory.WithDatabase(db => db.Responses.Where(r => r.SubmissionId == id).Select(r => r.Unit.Code).Single()));
        var form = await SurveyForm.OpenAsync(factory.CreateBrowserClient(), $"/s/{code}");
        Assert.Contains("VQ-TT", factory.WithDatabase(db => db.Counters.Where(c => c.Code == code).Select(c => c.Unit.Code).Single()));
        Assert.Contains(factory.WithDatabase(db => db.Units.Where(u => u.Code == "VQ-TT").Select(u => u.Name).Single()), form.Html);

        // A saved change to an instrument version empties the cache too: withdrawn, it is gone for the API at once.
        Assert.NotNull((await WithResolverAsync(async (r, _) =>
            await r.InstrumentAsync((await r.CounterAsync(code, SurveyCaching.Short, default))!, "NHANH", null, SurveyCaching.Short, default))).Instrument);
        var versionId = factory.WithDatabase(db =>
        {
            var current = db.InstrumentVersions.Single(v => v.Code == "NHANH" && v.IsCurrent);
            current.IsCurrent = false;
            db.SaveChanges();
            return current.Id;
        });
        try
        {
            Assert.Null((await WithResolverAsync(async (r, _) =>
                await r.InstrumentAsync((await r.CounterAsync(code, SurveyCaching.Short, default))!, "NHANH", null, SurveyCaching.Short, default))).Instrument);
        }
        finally
        {
            factory.WithDatabase(db =>
            {
                db.InstrumentVersions.Single(v => v.Id == versionId).IsCurrent = true;
                return db.SaveChanges();
            });
        }
    }

    [SkippableFact]
    public async Task A_token_is_found_by_form_and_api_alike_and_used_once()
    {
        RequireServer();
        var code = AddCounter("VQ-AS", "NHANH");
        var token = await WithTokenServiceAsync(async tokens =>
        {
            var counter = factory.WithDatabase(db => db.Counters.AsNoTracking().Single(c => c.Code == code));
            return (await tokens.IssueAsync(counter, new Microsoft.AspNetCore.Http.DefaultHttpContext().Request, default)).Token;
        });
        var (state, found) = await WithResolverAsync((r, _) => r.TokenAsync(token, default));
        Assert.Equal(TokenState.Valid, state);
        Assert.Equal(code, found!.Code);
        Assert.Equal(TokenState.Unknown, (await WithResolverAsync((r, _) => r.TokenAsync("AAAAAAAAAAAAAAAAAAAAAA", default))).State);
        Assert.Equal(HttpStatusCode.NotFound, (await factory.CreateClient().GetAsync("/t/AAAAAAAAAAAAAAAAAAAAAA")).StatusCode);
        var unknown = await PostResponseAsync(factory.CreateClient(), Nhanh(Guid.NewGuid(), 4, token: "AAAAAAAAAAAAAAAAAAAAAA"));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);

        var citizen = factory.CreateBrowserClient();
        var form = await SurveyForm.OpenAsync(citizen, $"/t/{token}");
        Assert.Equal(HttpStatusCode.Redirect, (await SurveyForm.PostAsync(citizen, form, ("HL", "4"))).StatusCode);
        Assert.Equal(TokenState.Used, (await WithResolverAsync((r, _) => r.TokenAsync(token, default))).State);
        // Used: the API refuses a second response (409) and stores nothing, never from a cache.
        var before = factory.WithDatabase(db => db.Responses.Count());
        var again = await PostResponseAsync(factory.CreateClient(), Nhanh(Guid.NewGuid(), 5, token: token));
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal(before, factory.WithDatabase(db => db.Responses.Count()));
        var second = await SurveyForm.OpenAsync(factory.CreateBrowserClient(), $"/t/{token}");
        Assert.DoesNotContain("đã được sử dụng", second.Html); // a used token's page looks like an unused one's
    }

    private async Task<T> WithTokenServiceAsync<T>(Func<DossierTokenService, Task<T>> use)
    {
        using var scope = factory.Services.CreateScope();
        return await use(scope.ServiceProvider.GetRequiredService<DossierTokenService>());
    }
}

public sealed class SurveyResolverTests(SurveyAppFactory factory) : SurveyResolverTestsBase(factory), IClassFixture<SurveyAppFactory>;

public sealed class SurveyResolverPostgresTests(PostgresAppFactory factory) : SurveyResolverTestsBase(factory), IClassFixture<PostgresAppFactory>
{
    protected override void RequireServer() => Skip.If(PostgresAppFactory.ServerConnectionString is null, "CCHC_TEST_POSTGRES is not set");
}
