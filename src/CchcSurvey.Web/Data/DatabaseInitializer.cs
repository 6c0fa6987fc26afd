using CchcSurvey.Core.Instruments;
using CchcSurvey.Web.Demo;
using CchcSurvey.Web.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CchcSurvey.Web.Data;

/// <summary>
/// Brings a database up to date at start: applies the provider's migrations, publishes the built-in
/// instrument versions, creates the roles and, on a fresh database with <c>Demo:Enabled</c>, the demo
/// organisation, a demo administrator (credentials printed once) and demo responses.
/// </summary>
public sealed class DatabaseInitializer(
    SurveyDbContext db,
    RoleManager<IdentityRole> roles,
    UserManager<Official> users,
    IOptions<DemoOptions> demo,
    IOptions<DatabaseOptions> database,
    DemoResponseGenerator demoResponses,
    CchcSurvey.Web.Plans.PlanService plans,
    Organisation.Reorganisation reorganisation,
    TimeProvider time,
    Surveys.InstrumentLanguages languages,
    Security.OpaqueIds opaqueIds,
    ILogger<DatabaseInitializer> logger)
{
    public async Task InitialiseAsync(CancellationToken ct)
    {
        await db.Database.MigrateAsync(ct);
        // The key of officials' opaque identifiers exists before any request: created later, from inside a caller's
        // write transaction (the alert scanner's), its insert would wait for that very transaction on SQLite.
        await opaqueIds.ToOpaqueAsync(Security.OpaqueKind.Response, 0, ct);
        if (!database.Value.IsPostgres)
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
        else
            // Responses are partitioned by month (migration ResponsesByMonth): keep two years of empty months ahead,
            // so that answers never pile up in the default partition of a site that runs for years.
            await db.Database.ExecuteSqlRawAsync("SELECT cchc_add_response_months(current_date, (current_date + interval '24 months')::date)", ct);

        await PublishBuiltInInstrumentsAsync(ct);
        foreach (var role in Roles.All)
            if (!await roles.RoleExistsAsync(role))
                await roles.CreateAsync(new IdentityRole(role));

        if (demo.Value.Organisation is not ("2023" or "2025"))
            throw new InvalidOperationException($"Demo:Organisation must be 2023 or 2025, not '{demo.Value.Organisation}'.");
        if (demo.Value.Enabled && !await db.Units.AnyAsync(ct))
        {
            var file = RepositoryPaths.BundledFile("demo", "van-quan-2023.csv");
            var instruments = await db.InstrumentVersions.Where(v => v.IsCurrent).Select(v => v.Code).ToListAsync(ct);
            await UnitImport.ImportDemoAsync(db, file, instruments, ct);
            await CreateDemoAdministratorAsync(ct);
            await CchcSurvey.Web.Plans.PlanDemo.SeedAsync(db, plans, ct);
            await languages.SeedDemoAsync(db, ct);
            if (demo.Value.Responses > 0)
                await demoResponses.GenerateAsync(demo.Value.Responses, progress: null, ct);
            if (demo.Value.Organisation == "2025") await ApplyDemoCrosswalkAsync(ct);
        }
        else if (demo.Value.Enabled && !await db.Plans.AnyAsync(ct))
            // A demo database from before improvement plans existed gets the demo plan too.
            await CchcSurvey.Web.Plans.PlanDemo.SeedAsync(db, plans, ct);
    }

    /// <summary>The 2025 demo: the 2023 organisation and its history carried across by the crosswalk, as an admin would.</summary>
    private async Task ApplyDemoCrosswalkAsync(CancellationToken ct)
    {
        var file = RepositoryPaths.BundledFile("demo", "lang-son-2025-crosswalk.csv");
        var (job, errors) = await reorganisation.QueueAsync("demo", Path.GetFileName(file), await File.ReadAllTextAsync(file, ct), [], ct,
            effectiveDate: new DateOnly(2025, 7, 1)); // Resolution 1672/NQ-UBTVQH15: the new communes from 1 July 2025
        if (job is null) throw new InvalidOperationException("Demo crosswalk is invalid: " + string.Join("; ", errors));
        var done = await reorganisation.RunAsync(job.Id, ct);
        if (done.Status != ReorganisationStatus.Done) throw new InvalidOperationException("Demo crosswalk failed: " + done.Outcome);
        logger.LogInformation("Demo organisation reorganised as in 2025: {Outcome}", done.Outcome);
    }

    /// <summary>Inserts built-in versions the database does not have yet; the highest version is current.</summary>
    private async Task PublishBuiltInInstrumentsAsync(CancellationToken ct)
    {
        var known = await db.InstrumentVersions.Select(v => new { v.Code, v.Version }).ToListAsync(ct);
        var added = false;
        foreach (var definition in InstrumentCatalog.LoadBuiltIn())
        {
            if (known.Any(k => k.Code == definition.Code && k.Version == definition.Version)) continue;
            db.InstrumentVersions.Add(new InstrumentVersion
            {
                Code = definition.Code,
                Version = definition.Version,
                Title = definition.Title.Vi,
                DefinitionJson = InstrumentCatalog.Serialize(definition),
                PublishedUtc = time.GetUtcNow().UtcDateTime,
            });
            added = true;
        }
        if (!added) return;
        await db.SaveChangesAsync(ct);
        var all = await db.InstrumentVersions.ToListAsync(ct);
        foreach (var group in all.GroupBy(v => v.Code))
        {
            var newest = group.Max(v => v.Version);
            foreach (var version in group) version.IsCurrent = version.Version == newest;
        }
        await db.SaveChangesAsync(ct);
    }

    private async Task CreateDemoAdministratorAsync(CancellationToken ct)
    {
        if (await db.Users.AnyAsync(ct)) return;
        var email = demo.Value.AdminEmail;
        var password = string.IsNullOrEmpty(demo.Value.AdminPassword) ? GeneratePassword() : demo.Value.AdminPassword;
        var admin = new Official { UserName = email, Email = email, EmailConfirmed = true };
        var created = await users.CreateAsync(admin, password);
        if (!created.Succeeded)
            throw new InvalidOperationException("Could not create the demo administrator: " + string.Join("; ", created.Errors.Select(e => e.Description)));
        await users.AddToRoleAsync(admin, Roles.Admin);
        // Printed once, on the first start only: the password is not stored anywhere in clear.
        Console.WriteLine();
        Console.WriteLine("================ CchcSurvey demo ================");
        Console.WriteLine($" Administrator: {email}");
        Console.WriteLine($" Password:      {password}");
        Console.WriteLine(" (shown once; sign in at /account/login)");
        Console.WriteLine("=================================================");
        Console.WriteLine();
        logger.LogInformation("Demo administrator {Email} created", email);
    }

    /// <summary>
    /// A random password that always meets Identity's rules: the fixed "Cchc-" gives the upper and lower case
    /// letters, the trailing digits the digit (14 random letters and digits alone lacked a digit about one
    /// start in eight, and the start then failed).
    /// </summary>
    internal static string GeneratePassword()
    {
        const string alphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        return "Cchc-" + System.Security.Cryptography.RandomNumberGenerator.GetString(alphabet, 14)
            + "-" + System.Security.Cryptography.RandomNumberGenerator.GetString("23456789", 2);
    }
}
