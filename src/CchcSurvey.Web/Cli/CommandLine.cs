using System.CommandLine;
using CchcSurvey.Core.Instruments;
using CchcSurvey.Core.Paper;
using CchcSurvey.Web.Data;
using CchcSurvey.Web.Demo;
using CchcSurvey.Web.Indices;
using CchcSurvey.Web.Infrastructure;
using CchcSurvey.Web.Security;
using CchcSurvey.Web.Surveys;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace CchcSurvey.Web.Cli;

/// <summary>
/// The commands of the README, run by the same program after the database is migrated:
/// <c>dotnet run --project src/CchcSurvey.Web -- &lt;command&gt;</c>. Each exits non-zero with a one-line
/// reason on bad input, and writes nothing then. The command tree built in <see cref="Build"/> is the one table
/// of commands: the usage lines (<see cref="UsageLines"/>), the help and the refusals are derived from it, so a
/// new command is added there and nowhere else.
/// </summary>
public static class CommandLine
{
    /// <summary>Switches of the web host itself (besides any <c>--Section:Key</c>): with only these the site starts.</summary>
    private static readonly string[] HostSwitches = ["urls", "environment", "contentRoot", "applicationName", "webroot", "http_ports", "https_ports"];

    /// <summary>Switches that ask for help or the version: never configuration, even before a command word.</summary>
    private static readonly string[] HelpSwitches = ["help", "version"];

    /// <summary>
    /// True when the arguments are more than configuration of the web host (<c>--urls …</c>, <c>--Database:Provider Postgres</c>):
    /// then they are a command, and an unknown one is refused rather than starting the site.
    /// </summary>
    public static bool IsCommand(string[] args) => CommandArguments(args).Length > 0;

    /// <summary>The arguments without the configuration switches (<c>--Section:Key value</c>, <c>--Section:Key=value</c>, <c>--urls …</c>).</summary>
    internal static string[] CommandArguments(string[] args)
    {
        var rest = new List<string>(args.Length);
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (arg.StartsWith("--", StringComparison.Ordinal) && arg.Length > 2)
            {
                // "--key=value" is configuration whatever the key (the test host passes its settings so); the
                // commands' own options are written "--option value". Before the first command word, "--Key value"
                // is configuration too (ASP.NET Core's command-line provider takes any key so, e.g. --AllowedHosts):
                // a command is always a word, so a typo in one is still refused.
                var key = arg[2..].Split('=', 2)[0];
                var beforeCommand = rest.Count == 0 && !HelpSwitches.Contains(key, StringComparer.OrdinalIgnoreCase);
                if (arg.Contains('=') || key.Contains(':') || beforeCommand || HostSwitches.Contains(key, StringComparer.OrdinalIgnoreCase))
                {
                    // "--key value": the value goes with it
                    if (!arg.Contains('=') && i + 1 < args.Length) i++;
                    continue;
                }
            }
            rest.Add(arg);
        }
        return rest.ToArray();
    }

    /// <summary>
    /// Answers what needs no database, before the app is built: help (exit 0) and unknown commands, options or
    /// missing arguments (exit 2, the reason on one line, then the usage lines). Null: run the command.
    /// </summary>
    public static int? AnswerBeforeStart(string[] args, TextWriter? output = null, TextWriter? error = null)
    {
        if (!IsCommand(args)) return null;
        output ??= Console.Out;
        error ??= Console.Error;
        var root = Build(EmptyServices.Instance, output, error);
        var parsed = root.Parse(CommandArguments(args));
        if (parsed.Errors.Count > 0) return Refuse(root, parsed, error);
        if (parsed.Action is System.CommandLine.Help.HelpAction)
        {
            parsed.Invoke(new InvocationConfiguration { Output = output, Error = error });
            return 0;
        }
        return null;
    }

    public static async Task<int> RunAsync(IServiceProvider services, string[] args, TextWriter? output = null, TextWriter? error = null)
    {
        output ??= Console.Out;
        error ??= Console.Error;
        var root = Build(services, output, error);
        var parsed = root.Parse(CommandArguments(args));
        if (parsed.Errors.Count > 0) return Refuse(root, parsed, error);
        // The writer stores responses (paper, demo data) through its queue; outside the web host nobody starts it.
        var writer = services.GetService<ResponseWriter>();
        var startWriter = writer is { ExecuteTask: null };
        if (startWriter) await writer!.StartAsync(CancellationToken.None);
        try
        {
            return await parsed.InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        }
        finally
        {
            // Drains the queue: every response handed to it is stored before the program exits.
            if (startWriter) await writer!.StopAsync(CancellationToken.None);
        }
    }

    /// <summary>One usage line per command, in the order of the tree (the list shown when a command is unknown).</summary>
    public static IReadOnlyList<string> UsageLines() => Usage(Build(EmptyServices.Instance, TextWriter.Null, TextWriter.Null), "").ToList();

    private static int Refuse(RootCommand root, ParseResult parsed, TextWriter error)
    {
        // The deepest command that was recognised: its own usage, or every command when none was.
        var command = parsed.CommandResult.Command;
        var reason = parsed.UnmatchedTokens.Count > 0
            ? $"unknown {(command == root ? "command" : "option or argument")} '{parsed.UnmatchedTokens[0]}'"
            : parsed.Errors[0].Message.Split('\n')[0].Trim();
        error.WriteLine("error: " + reason);
        var prefix = string.Join(' ', Ancestry(parsed.CommandResult.Parent as System.CommandLine.Parsing.CommandResult).Reverse().Skip(1));
        error.WriteLine(command == root ? "Commands (add --help to any of them for details):" : "Usage:");
        foreach (var line in Usage(command, prefix)) error.WriteLine("  " + line);
        return 2;
    }

    private static IEnumerable<string> Ancestry(System.CommandLine.Parsing.CommandResult? result)
    {
        for (; result is not null; result = result.Parent as System.CommandLine.Parsing.CommandResult) yield return result.Command.Name;
    }

    private static IEnumerable<string> Usage(Command command, string prefix)
    {
        var name = command is RootCommand ? "" : (prefix.Length == 0 ? command.Name : prefix + " " + command.Name);
        if (command.Subcommands.Count > 0)
        {
            foreach (var sub in command.Subcommands.Where(c => !c.Hidden))
                foreach (var line in Usage(sub, name)) yield return line;
            yield break;
        }
        var parts = new List<string> { name };
        foreach (var argument in command.Arguments)
            parts.Add(argument.Arity.MaximumNumberOfValues > 1 ? $"{argument.Name.ToUpperInvariant()}..." : argument.Name.ToUpperInvariant());
        foreach (var option in command.Options.Where(o => !o.Hidden && o is not System.CommandLine.Help.HelpOption))
        {
            var value = option.ValueType == typeof(bool) ? option.Name : $"{option.Name} {(option.HelpName ?? option.Name.TrimStart('-')).ToUpperInvariant()}";
            parts.Add(option.Required ? value : $"[{value}]");
        }
        yield return string.Join(' ', parts) + (string.IsNullOrEmpty(command.Description) ? "" : "    # " + command.Description);
    }

    /// <summary>Parsing and help need the command tree but never a service.</summary>
    private sealed class EmptyServices : IServiceProvider
    {
        public static readonly EmptyServices Instance = new();
        public object? GetService(Type serviceType) => null;
    }

    private sealed class CommandException(string message) : Exception(message);

    private static RootCommand Build(IServiceProvider services, TextWriter output, TextWriter error)
    {
        // Runs an action in its own DI scope; a CommandException becomes one line on stderr and exit code 1.
        async Task<int> InScope(Func<IServiceProvider, Task<int>> action)
        {
            try
            {
                await using var scope = services.CreateAsyncScope();
                return await action(scope.ServiceProvider);
            }
            catch (CommandException e)
            {
                error.WriteLine("error: " + e.Message);
                return 1;
            }
        }

        var root = new RootCommand("CchcSurvey command line");

        // user add --email E --password P --role admin|manager|viewer [--unit CODE]
        var email = new Option<string>("--email") { Description = "The official's e-mail (also the user name)", Required = true };
        var password = new Option<string>("--password") { Description = "At least 12 characters (no composition rules); common breached passwords are refused", Required = true };
        var role = new Option<string>("--role") { Description = "admin, manager or viewer", Required = true };
        var unit = new Option<string?>("--unit") { Description = "Access scope: this unit's whole subtree (not for admin)" };
        var userAdd = new Command("add", "Create an official") { email, password, role, unit };
        userAdd.SetAction((result, ct) => InScope(async sp =>
        {
            var db = sp.GetRequiredService<SurveyDbContext>();
            var users = sp.GetRequiredService<UserManager<Official>>();
            var roleName = result.GetValue(role)!;
            if (!Roles.All.Contains(roleName)) throw new CommandException($"--role must be one of {string.Join(", ", Roles.All)}, not '{roleName}'");
            var unitCode = result.GetValue(unit);
            Unit? scope = null;
            if (unitCode is not null)
            {
                scope = await db.Units.FirstOrDefaultAsync(u => u.Code == unitCode, ct) ?? throw new CommandException($"no unit with code '{unitCode}'");
            }
            else if (roleName != Roles.Admin)
            {
                throw new CommandException("--unit is required for managers and viewers (their access scope)");
            }
            var address = result.GetValue(email)!;
            if (await users.FindByEmailAsync(address) is not null) throw new CommandException($"an official with e-mail '{address}' already exists");
            var official = new Official { UserName = address, Email = address, EmailConfirmed = true, ScopeUnitId = scope?.Id };
            var created = await users.CreateAsync(official, result.GetValue(password)!);
            if (!created.Succeeded) throw new CommandException(string.Join(" ", created.Errors.Select(e => e.Description)));
            await users.AddToRoleAsync(official, roleName);
            output.WriteLine($"Created {roleName} {address}{(scope is null ? "" : $" with scope {scope.Code} ({scope.Name})")}.");
            return 0;
        }));
        root.Add(new Command("user", "Officials") { userAdd });

        // token add --email E
        var tokenEmail = new Option<string>("--email") { Description = "The official the token acts for", Required = true };
        var tokenName = new Option<string>("--name") { Description = "A label for the token", DefaultValueFactory = _ => "cli" };
        var tokenDays = new Option<int?>("--days") { Description = "Days until the token expires (default: until revoked)" };
        tokenDays.Validators.Add(r => { if (r.GetValueOrDefault<int?>() is < 1 or > ApiTokenLifetimes.MaxDays) r.AddError($"--days must be between 1 and {ApiTokenLifetimes.MaxDays}"); });
        var tokenAdd = new Command("add", "Print a new personal API token (alone on the last line)") { tokenEmail, tokenName, tokenDays };
        tokenAdd.SetAction((result, ct) => InScope(async sp =>
        {
            var db = sp.GetRequiredService<SurveyDbContext>();
            var users = sp.GetRequiredService<UserManager<Official>>();
            var address = result.GetValue(tokenEmail)!;
            var official = await users.FindByEmailAsync(address) ?? throw new CommandException($"no official with e-mail '{address}'");
            var token = await ApiTokenService.IssueAsync(db, official, result.GetValue(tokenName)!, DateTime.UtcNow, ct, result.GetValue(tokenDays));
            output.WriteLine($"API token for {address} (shown once; send it as 'Authorization: Bearer <token>'):");
            output.WriteLine(token);
            return 0;
        }));
        root.Add(new Command("token", "Personal API tokens") { tokenAdd });

        // units import FILE.csv
        var unitsFile = new Argument<FileInfo>("file") { Description = "CSV with code,parent,name" };
        var unitsImport = new Command("import", "Create or update units; leaves get a counter {code}-Q1") { unitsFile };
        unitsImport.SetAction((result, ct) => InScope(async sp =>
        {
            var db = sp.GetRequiredService<SurveyDbContext>();
            var file = ExistingFile(result.GetValue(unitsFile)!);
            using var reader = new StreamReader(file.FullName);
            var rows = UnitImport.Read(reader, out var errors);
            if (errors.Count > 0) throw new CommandException($"{file.Name}: {errors[0]}{More(errors)}");
            var instruments = await db.InstrumentVersions.Where(v => v.IsCurrent).OrderBy(v => v.Code).Select(v => v.Code).ToListAsync(ct);
            var applied = await UnitImport.ApplyAsync(db, rows, instruments, ct);
            if (applied.Errors.Count > 0) throw new CommandException($"{file.Name}: {applied.Errors[0]}{More(applied.Errors)}");
            output.WriteLine($"Units: {applied.Created} created, {applied.Updated} updated.");
            return 0;
        }));
        // units reorganise FILE.csv [--confirm-scopes] [--dry-run]
        var crosswalkFile = new Argument<FileInfo>("file") { Description = "Crosswalk CSV: old,new,new_parent,new_name" };
        var confirmScopes = new Option<bool>("--confirm-scopes") { Description = "Re-scope every flagged official to the successor, although it is wider" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Print the preview only" };
        var effective = new Option<string?>("--effective") { Description = "The day the new organisation takes effect, yyyy-MM-dd (default: today)" };
        var unitsReorganise = new Command("reorganise", "Apply a crosswalk: merges, new units, renames, moves, in one step") { crosswalkFile, confirmScopes, dryRun, effective };
        unitsReorganise.SetAction((result, ct) => InScope(sp => Organisation.ReorganiseCommand.RunAsync(sp,
            ExistingFile(result.GetValue(crosswalkFile)!), result.GetValue(confirmScopes), result.GetValue(dryRun), output, error, message => new CommandException(message), ct,
            result.GetValue(effective))));
        root.Add(new Command("units", "Organisation units") { unitsImport, unitsReorganise });

        // demo --responses N
        var count = new Option<int>("--responses") { Description = "How many responses to generate", Required = true };
        count.Validators.Add(r => { if (r.GetValueOrDefault<int>() is < 1 or > 50_000_000) r.AddError("--responses must be between 1 and 50,000,000"); });
        var demoSince = new Option<string?>("--since") { Description = "First day (yyyy-MM-dd) of the responses, e.g. 2024-01-01 to give a reorganisation a past; default: the last 12 months" };
        var demo = new Command("demo", "Fill the database with plausible responses over the last 12 months") { count, demoSince };
        demo.SetAction((result, ct) => InScope(async sp =>
        {
            var total = result.GetValue(count);
            DateOnly? since = null;
            if (result.GetValue(demoSince) is { } sinceText)
            {
                if (!DateOnly.TryParseExact(sinceText, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var first))
                    throw new CommandException($"--since: '{sinceText}' is not a date yyyy-MM-dd");
                if (first > sp.GetRequiredService<LocalClock>().Today()) throw new CommandException($"--since: {sinceText} is after today");
                since = first;
            }
            var bar = new ProgressBar(output, total);
            var started = System.Diagnostics.Stopwatch.StartNew();
            var written = await sp.GetRequiredService<DemoResponseGenerator>().GenerateAsync(total, bar, ct, seed: Environment.TickCount, since: since);
            bar.Done();
            output.WriteLine($"{written:N0} responses written in {started.Elapsed.TotalSeconds:F1} s.");
            return 0;
        }));
        root.Add(demo);

        // import paper FILE.csv
        var paperFile = new Argument<FileInfo>("file") { Description = "CSV in the reference responses.csv format" };
        var importPaper = new Command("paper", "Import paper questionnaires (all or nothing)") { paperFile };
        importPaper.SetAction((result, ct) => InScope(async sp =>
        {
            var file = ExistingFile(result.GetValue(paperFile)!);
            var imported = await PaperImport.ImportAsync(sp, file.FullName, ct);
            if (imported.Errors.Count > 0)
            {
                foreach (var line in imported.Errors.Take(50)) output.WriteLine(line);
                throw new CommandException($"{file.Name}: {imported.Errors.Count} error(s), {(imported.Created == 0 ? "nothing" : imported.Created.ToString())} imported; first: {imported.Errors[0]}");
            }
            output.WriteLine($"Imported {imported.Created} responses ({imported.AlreadyPresent} already present).");
            return 0;
        }));
        root.Add(new Command("import", "Imports") { importPaper });

        // stats rebuild
        var rebuild = new Command("rebuild", "Recompute every statistics cell from the raw responses (run with the site stopped)");
        rebuild.SetAction((result, ct) => InScope(async sp =>
        {
            var db = sp.GetRequiredService<SurveyDbContext>();
            var total = await db.Responses.LongCountAsync(ct);
            var bar = new ProgressBar(output, total);
            var started = System.Diagnostics.Stopwatch.StartNew();
            var done = await sp.GetRequiredService<StatisticsLedger>().RebuildAsync(db, new Progress<long>(bar.Report), ct);
            bar.Done();
            output.WriteLine($"Statistics rebuilt from {done:N0} responses in {started.Elapsed.TotalSeconds:F1} s.");
            return 0;
        }));
        root.Add(new Command("stats", "Statistics cells") { rebuild });

        // dossiers import FILE.csv
        var dossiersFile = new Argument<FileInfo>("file") { Description = "CSV with unit,month,count (month as yyyy-MM)" };
        var dossiersImport = new Command("import", "Dossiers received per unit and local month (all or nothing)") { dossiersFile };
        dossiersImport.SetAction((result, ct) => InScope(async sp =>
        {
            var db = sp.GetRequiredService<SurveyDbContext>();
            var file = ExistingFile(result.GetValue(dossiersFile)!);
            var errors = new List<string>();
            List<Integrity.DossierCountRow> rows;
            using (var reader = new StreamReader(file.FullName)) rows = Integrity.DossierCounts.ReadCsv(reader, errors);
            if (errors.Count > 0) throw new CommandException($"{file.Name}: {errors[0]}{More(errors)}");
            var (written, applyErrors) = await Integrity.DossierCounts.ApplyAsync(db, rows, _ => true, ct,
                sp.GetRequiredService<Administration.AuditLog>(), actor: null);
            if (applyErrors.Count > 0) throw new CommandException($"{file.Name}: {applyErrors[0]}{More(applyErrors)}");
            output.WriteLine($"Dossier counts: {written} row(s) imported.");
            return 0;
        }));
        root.Add(new Command("dossiers", "Dossier counts (for the more-than-dossiers flag)") { dossiersImport });

        // counters hours CODE "Mon-Fri 07:30-11:30,13:30-17:00" (or "always")
        var hoursCounter = new Argument<string>("counter") { Description = "Counter code" };
        var hoursText = new Argument<string>("hours") { Description = "e.g. \"Mon-Fri 07:30-11:30,13:30-17:00; Sat 07:30-11:30\", or \"always\"" };
        var counterHours = new Command("hours", "Set a counter's opening hours (responses outside them are flagged)") { hoursCounter, hoursText };
        counterHours.SetAction((result, ct) => InScope(async sp =>
        {
            var db = sp.GetRequiredService<SurveyDbContext>();
            var code = result.GetValue(hoursCounter)!;
            var text = result.GetValue(hoursText)!.Trim();
            var counter = await db.Counters.FirstOrDefaultAsync(c => c.Code == code, ct) ?? throw new CommandException($"no counter with code '{code}'");
            if (text.Equals("always", StringComparison.OrdinalIgnoreCase)) counter.OpeningHours = null;
            else if (text.Length > Pages.Admin.Counters.CounterForm.MaxOpeningHours)
                throw new CommandException($"opening hours may be at most {Pages.Admin.Counters.CounterForm.MaxOpeningHours} characters");
            else if (!CchcSurvey.Core.Integrity.OpeningHours.TryParse(text, out _, out var error)) throw new CommandException(error);
            else counter.OpeningHours = text;
            await db.SaveChangesAsync(ct);
            output.WriteLine($"{counter.Code}: {counter.OpeningHours ?? "always open"}.");
            return 0;
        }));
        // counters instruments CODE I1,I2,...: what the counter offers (its default kept when still offered, else the first)
        var offerCounter = new Argument<string>("counter") { Description = "Counter code" };
        var offerList = new Argument<string>("instruments") { Description = "Published instrument codes separated by commas, e.g. NHANH,SIPAS-DV" };
        var counterInstruments = new Command("instruments", "Set the instruments a counter offers") { offerCounter, offerList };
        counterInstruments.SetAction((result, ct) => InScope(async sp =>
        {
            var db = sp.GetRequiredService<SurveyDbContext>();
            var code = result.GetValue(offerCounter)!.Trim();
            var counter = await db.Counters.FirstOrDefaultAsync(c => c.Code == code, ct) ?? throw new CommandException($"no counter with code '{code}'");
            var wanted = result.GetValue(offerList)!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal).ToList();
            if (wanted.Count == 0) throw new CommandException("name at least one instrument, e.g. NHANH,SIPAS-DV");
            var published = await db.InstrumentVersions.Where(v => v.IsCurrent).Select(v => v.Code).ToListAsync(ct);
            if (wanted.FirstOrDefault(i => !published.Contains(i)) is { } unknown)
                throw new CommandException($"no published instrument '{unknown}' (published: {string.Join(", ", published.Order(StringComparer.Ordinal))})");
            var before = $"{counter.Instruments}; default {counter.DefaultInstrument}";
            counter.Instruments = string.Join(' ', wanted);
            if (counter.Instruments.Length > 200) throw new CommandException("too many instruments for one counter");
            if (!wanted.Contains(counter.DefaultInstrument)) counter.DefaultInstrument = wanted[0];
            sp.GetRequiredService<Administration.AuditLog>().Add(Administration.AuditLog.System, Administration.AuditActions.CounterUpdate, counter.Code,
                $"{before} → instruments {counter.Instruments}; default {counter.DefaultInstrument} (command line)");
            await db.SaveChangesAsync(ct);
            output.WriteLine($"{counter.Code}: offers {string.Join(", ", wanted)}; default {counter.DefaultInstrument}.");
            return 0;
        }));
        root.Add(new Command("counters", "Counters") { counterHours, counterInstruments });

        // instruments publish FILE.json: as /admin/instruments does (same checks, next version, audited)
        var publishFile = new Argument<FileInfo>("file") { Description = "An instrument definition (docs/instruments.md)" };
        var instrumentsPublish = new Command("publish", "Publish a new version of an instrument from its JSON definition") { publishFile };
        instrumentsPublish.SetAction((result, ct) => InScope(async sp =>
        {
            var file = ExistingFile(result.GetValue(publishFile)!);
            if (file.Length > 4L * Administration.InstrumentPublisher.MaxJson) throw new CommandException($"{file.Name}: longer than {Administration.InstrumentPublisher.MaxJson:N0} characters");
            var publisher = sp.GetRequiredService<Administration.InstrumentPublisher>();
            var checkedDefinition = await publisher.CheckAsync(await File.ReadAllTextAsync(file.FullName, ct), ct);
            if (checkedDefinition.Definition is not { } definition) throw new CommandException($"{file.Name}: {checkedDefinition.Reason}");
            var name = await publisher.PublishAsync(definition, Administration.AuditLog.System, ct);
            output.WriteLine($"Published {name}: {definition.Items.Count()} items, {definition.Elements.Count} elements.");
            return 0;
        }));
        root.Add(new Command("instruments", "Instruments (questionnaires)") { instrumentsPublish });

        // export responses --unit CODE --format csv|xlsx|json --out FILE [--instrument I] [--from D] [--to D]
        var exportUnit = new Option<string?>("--unit") { Description = "The unit whose subtree is exported (default: every unit)" };
        var exportFormat = new Option<string>("--format") { Description = "csv, xlsx or json", DefaultValueFactory = _ => "csv" };
        var exportOut = new Option<FileInfo>("--out") { Description = "The file to write", Required = true };
        var exportInstrument = new Option<string?>("--instrument") { Description = "Only this instrument (its item codes become the columns)" };
        var exportFrom = new Option<string?>("--from") { Description = "First local date, yyyy-MM-dd" };
        var exportTo = new Option<string?>("--to") { Description = "Last local date, yyyy-MM-dd" };
        var exportResponses = new Command("responses", "Anonymised microdata, streamed to a file with a progress bar") { exportUnit, exportFormat, exportOut, exportInstrument, exportFrom, exportTo };
        exportResponses.SetAction((result, ct) => InScope(sp => Exports.ExportCommand.RunAsync(sp, result.GetValue(exportUnit), result.GetValue(exportFormat)!,
            result.GetValue(exportOut)!, result.GetValue(exportInstrument), result.GetValue(exportFrom), result.GetValue(exportTo), output, message => new CommandException(message), ct)));
        root.Add(new Command("export", "Exports") { exportResponses });

        // backup --out FILE (SQLite, while the site runs; PostgreSQL: pg_dump, see docs/deployment.md)
        var backupOut = new Option<FileInfo>("--out") { Description = "The new file to write (never overwritten)", Required = true };
        var backup = new Command("backup", "A consistent, verified copy of the SQLite database while the site runs") { backupOut };
        backup.SetAction((result, ct) => InScope(async sp =>
        {
            try
            {
                var done = await Operations.SqliteBackup.RunAsync(sp, result.GetValue(backupOut)!, ct);
                output.WriteLine($"Backup written to {done.File}: {done.Bytes / 1048576.0:F1} MB, {done.Responses:N0} responses, "
                    + $"{done.Cells:N0} statistics cells, integrity_check ok, in {done.Elapsed.TotalSeconds:F1} s.");
                return 0;
            }
            catch (Operations.SqliteBackup.BackupException e)
            {
                throw new CommandException(e.Message);
            }
        }));
        root.Add(backup);
        // kiosk add --counter C [--name N]: a tablet row and its single-use enrolment URL, alone on the last line
        var kioskCounter = new Option<string>("--counter") { Description = "The counter the tablet serves", Required = true };
        var kioskName = new Option<string?>("--name") { Description = "A name staff recognise, e.g. \"Máy tính bảng quầy 1\"" };
        var kioskAdd = new Command("add", "Create a counter tablet and print its enrolment URL (alone on the last line)") { kioskCounter, kioskName };
        kioskAdd.SetAction((result, ct) => InScope(async sp =>
        {
            var db = sp.GetRequiredService<SurveyDbContext>();
            var code = result.GetValue(kioskCounter)!.Trim();
            var counter = await db.Counters.Include(c => c.Unit).FirstOrDefaultAsync(c => c.Code == code, ct) ?? throw new CommandException($"no counter with code '{code}'");
            if (!counter.IsActive || !counter.Unit.IsActive) throw new CommandException($"counter '{code}' is not active");
            var name = (result.GetValue(kioskName) ?? "").Trim();
            if (name.Length == 0) name = $"Máy tính bảng {counter.Code}";
            if (name.Length > Data.Configurations.KioskTabletConfiguration.NameLength || name.Any(char.IsControl))
                throw new CommandException($"--name must be one line of at most {Data.Configurations.KioskTabletConfiguration.NameLength} characters");
            var issued = await sp.GetRequiredService<KioskCredentials>().IssueAsync(counter, name, null, ct);
            await sp.GetRequiredService<Administration.AuditLog>().WriteAsync(Administration.AuditLog.System, Administration.AuditActions.KioskCreate,
                $"kiosk:{issued.Tablet.Id}", $"{counter.Code}: {name} (command line)", ct);
            output.WriteLine($"Tablet {issued.Tablet.Id} \"{name}\" for counter {counter.Code}. Open this URL once on the tablet before {issued.Tablet.EnrolmentExpiresUtc:yyyy-MM-dd HH:mm} UTC (single use):");
            output.WriteLine(issued.Url);
            return 0;
        }));
        root.Add(new Command("kiosk", "Counter tablets") { kioskAdd });
        // paper forms --counter C --instrument I --sheets N --out FILE.pdf [--lang en]; paper scan FILE...
        var formsCounter = new Option<string>("--counter") { Description = "Counter code", Required = true };
        var formsInstrument = new Option<string>("--instrument") { Description = "Instrument code", Required = true };
        var formsSheets = new Option<int>("--sheets") { Description = $"Number of sheets, 1 to {Paper.PaperService.MaxSheets}", Required = true };
        var formsOut = new Option<FileInfo>("--out") { Description = "The PDF to write", Required = true };
        var formsLang = new Option<string>("--lang") { Description = "vi (default) or en", DefaultValueFactory = _ => "vi" };
        var paperForms = new Command("forms", "Print questionnaires a machine reads back (serials stored for the counter)") { formsCounter, formsInstrument, formsSheets, formsOut, formsLang };
        paperForms.SetAction((result, ct) => InScope(async sp =>
        {
            var db = sp.GetRequiredService<SurveyDbContext>();
            var code = result.GetValue(formsCounter)!;
            var sheets = result.GetValue(formsSheets);
            var lang = result.GetValue(formsLang)!;
            if (sheets is < 1 or > Paper.PaperService.MaxSheets) throw new CommandException($"--sheets must be from 1 to {Paper.PaperService.MaxSheets}");
            if (lang is not ("vi" or "en")) throw new CommandException("--lang must be vi or en");
            var counter = await db.Counters.AsNoTracking().Include(c => c.Unit).FirstOrDefaultAsync(c => c.Code == code && c.IsActive, ct)
                ?? throw new CommandException($"no active counter with code '{code}'");
            var instrument = await sp.GetRequiredService<InstrumentRegistry>().FindAsync(db, result.GetValue(formsInstrument)!, null, ct)
                ?? throw new CommandException($"no instrument '{result.GetValue(formsInstrument)}'");
            if (!counter.Offers(instrument.Code)) throw new CommandException($"counter '{code}' does not offer {instrument.Code}");
            var pdf = await sp.GetRequiredService<Paper.PaperService>().PrintAsync(counter, instrument, sheets, lang, Administration.AuditLog.System, ct);
            var outFile = result.GetValue(formsOut)!;
            await File.WriteAllBytesAsync(outFile.FullName, pdf, ct);
            output.WriteLine($"{sheets} sheets of {instrument.Code} for {counter.Code} written to {outFile.FullName}.");
            return 0;
        }));
        var scanFiles = new Argument<FileInfo[]>("files") { Description = "PDF, PNG, JPEG or TIFF files", Arity = ArgumentArity.OneOrMore };
        var paperScan = new Command("scan", "Read scanned questionnaires: certain sheets are stored, the rest wait in /paper/review") { scanFiles };
        paperScan.SetAction((result, ct) => InScope(async sp =>
        {
            var files = result.GetValue(scanFiles)!.Select(ExistingFile).ToList();
            var paper = sp.GetRequiredService<Paper.PaperService>();
            await paper.ResumeAsync(ct);
            var all = new List<Paper.ScannedPageResult>();
            foreach (var file in files)
            {
                var progress = new InlineProgress(p =>
                {
                    var width = 30;
                    var filled = p.Total == 0 ? width : width * p.Done / p.Total;
                    error.Write($"\r{file.Name} [{new string('#', filled)}{new string('.', width - filled)}] {p.Done}/{p.Total} pages");
                    if (p.Done == p.Total) error.WriteLine();
                });
                var pages = await paper.ScanAsync(file.FullName, _ => true, null, Administration.AuditLog.System, progress, ct);
                foreach (var page in pages)
                    output.WriteLine($"{file.Name} page {page.Page}: {page.Status}{(page.Serial is null ? "" : " " + page.Serial)}{(page.Reason is null ? "" : " (" + page.Reason + ")")}");
                all.AddRange(pages);
            }
            output.WriteLine($"{all.Count} pages: {all.Count(p => p.Status == "stored")} stored, {all.Count(p => p.Status == "review")} to review, " +
                $"{all.Count(p => p.Status == "duplicate")} duplicate, {all.Count(p => p.Status == "unreadable")} unreadable.");
            return 0;
        }));
        root.Add(new Command("paper", "Paper questionnaires") { paperForms, paperScan });

        return root;
    }

    /// <summary>Reports on the caller's thread (Progress&lt;T&gt; would post to the thread pool and print out of order).</summary>
    private sealed class InlineProgress(Action<(int Done, int Total)> report) : IProgress<(int Done, int Total)>
    {
        public void Report((int Done, int Total) value) => report(value);
    }

    private static FileInfo ExistingFile(FileInfo file) =>
        file.Exists ? file : throw new CommandException($"file not found: {file.FullName}");

    private static string More(IReadOnlyList<string> errors) => errors.Count > 1 ? $" (and {errors.Count - 1} more)" : "";
}

/// <summary>A one-line text progress bar that redraws itself with a carriage return.</summary>
internal sealed class ProgressBar(TextWriter output, long total) : IProgress<int>
{
    public void Report(long value) => Report((int)Math.Min(int.MaxValue, value));

    private int _lastPercent = -1;

    public void Report(int value)
    {
        var percent = total == 0 ? 100 : (int)Math.Min(100, 100L * value / total);
        if (percent == _lastPercent) return;
        _lastPercent = percent;
        var filled = percent / 4;
        output.Write($"\r[{new string('#', filled)}{new string('.', 25 - filled)}] {percent,3}% {value:N0}/{total:N0}");
    }

    public void Done() => output.WriteLine();
}
