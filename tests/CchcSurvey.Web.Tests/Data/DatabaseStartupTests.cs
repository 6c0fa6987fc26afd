using System.Net;
using CchcSurvey.Web.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CchcSurvey.Web.Tests.Data;

/// <summary>Start-up on a fresh SQLite file: migrated, WAL, foreign keys, anonymous responses, durable keys.</summary>
public sealed class DatabaseStartupTests(SurveyAppFactory factory) : IClassFixture<SurveyAppFactory>
{
    [Fact]
    public void A_fresh_file_is_migrated_and_runs_in_WAL_mode_with_foreign_keys_on()
    {
        factory.CreateClient();
        Assert.True(File.Exists(factory.DatabaseFile));
        factory.WithDatabase(db =>
        {
            Assert.Empty(db.Database.GetPendingMigrations());
            var connection = db.Database.GetDbConnection();
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA journal_mode; ";
            Assert.Equal("wal", command.ExecuteScalar());
            command.CommandText = "PRAGMA foreign_keys;";
            Assert.Equal(1L, command.ExecuteScalar());
            command.CommandText = "PRAGMA synchronous;";
            Assert.Equal(2L, command.ExecuteScalar()); // FULL
            return 0;
        });
    }

    [Fact]
    public void Responses_have_no_column_for_an_address_an_agent_or_an_exact_time()
    {
        factory.WithDatabase(db =>
        {
            var columns = db.Model.FindEntityType(typeof(Web.Data.Response))!.GetProperties().Select(p => p.Name.ToLowerInvariant()).ToList();
            Assert.DoesNotContain(columns, c => c.Contains("ip") || c.Contains("agent") || c.Contains("address") || c.Contains("fingerprint"));
            Assert.Contains("submittedhourutc", columns);
            return 0;
        });
    }

    [Fact]
    public async Task Every_generated_demo_password_meets_the_password_rules()
    {
        // A start fails when the demo administrator cannot be created, so the generator must never miss a rule.
        using var scope = factory.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<Web.Data.Official>>();
        var official = new Web.Data.Official { UserName = "demo@example.vn", Email = "demo@example.vn" };
        for (var i = 0; i < 2000; i++)
        {
            var password = Web.Data.DatabaseInitializer.GeneratePassword();
            foreach (var validator in users.PasswordValidators)
            {
                var result = await validator.ValidateAsync(users, official, password);
                Assert.True(result.Succeeded, $"{password}: {string.Join("; ", result.Errors.Select(e => e.Description))}");
            }
        }
    }

    [Fact]
    public void The_demo_organisation_is_seeded_with_its_levels_and_counters()
    {
        factory.WithDatabase(db =>
        {
            var units = db.Units.AsNoTracking().ToList();
            Assert.Equal(27, units.Count);
            Assert.Equal("Tỉnh", units.Single(u => u.Code == "LS").LevelName);
            Assert.Equal("Huyện", units.Single(u => u.Code == "VQ").LevelName);
            Assert.Equal(16, units.Count(u => u.LevelName == "Xã"));
            Assert.Equal(["VQ-TT-Q1", "VQ-TT-Q2"], db.Counters.Where(c => c.Unit.Code == "VQ-TT").Select(c => c.Code).OrderBy(c => c).ToList());
            return 0;
        });
    }

    [Fact]
    public async Task A_restart_keeps_sign_ins_and_forms_valid_because_keys_are_in_the_database()
    {
        var options = new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false };
        var before = factory.CreateClient(options);

        // Sign in on the first instance, keeping the cookies by hand.
        var login = await before.GetAsync("/account/login");
        var antiforgeryCookie = Cookies(login);
        var signIn = new HttpRequestMessage(HttpMethod.Post, "/account/login")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["email"] = SurveyAppFactory.AdminEmail,
                ["password"] = SurveyAppFactory.AdminPassword,
                ["__RequestVerificationToken"] = Http.AntiforgeryToken(await login.Content.ReadAsStringAsync()),
            }),
        };
        signIn.Headers.Add("Cookie", antiforgeryCookie);
        var signedIn = await before.SendAsync(signIn);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        var authCookie = Cookies(signedIn);

        // And open a survey form there.
        var survey = await before.GetAsync("/s/VQ-AS-Q1");
        var surveyHtml = await survey.Content.ReadAsStringAsync();
        var surveyCookie = Cookies(survey);

        // A second app instance on the same database file stands in for a restart.
        using var restarted = new RestartedAppFactory(factory.DatabaseFile);
        var after = restarted.CreateClient(options);
        var dashboard = new HttpRequestMessage(HttpMethod.Get, "/dashboard");
        dashboard.Headers.Add("Cookie", authCookie);
        Assert.Equal(HttpStatusCode.OK, (await after.SendAsync(dashboard)).StatusCode);

        var post = new HttpRequestMessage(HttpMethod.Post, "/s/VQ-AS-Q1")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["HL"] = "5",
                ["submissionId"] = System.Text.RegularExpressions.Regex.Match(surveyHtml, "name=\"submissionId\" value=\"([^\"]+)\"").Groups[1].Value,
                ["__RequestVerificationToken"] = Http.AntiforgeryToken(surveyHtml),
            }),
        };
        post.Headers.Add("Cookie", surveyCookie);
        Assert.Equal(HttpStatusCode.Redirect, (await after.SendAsync(post)).StatusCode);
    }

    private static string Cookies(HttpResponseMessage response) =>
        string.Join("; ", response.Headers.TryGetValues("Set-Cookie", out var values) ? values.Select(v => v.Split(';')[0]) : []);
}
