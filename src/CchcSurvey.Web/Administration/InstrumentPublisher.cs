using CchcSurvey.Core.Instruments;
using CchcSurvey.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace CchcSurvey.Web.Administration;

/// <summary>
/// Publishing a version of an instrument, for <c>/admin/instruments</c> and <c>instruments publish FILE.json</c> alike:
/// the same checks (<see cref="InstrumentCatalog.Parse"/>, the code's shape, the size), the same storage and the same
/// audit entry. A published version never changes: the new one gets Version = max + 1 for its code (whatever the JSON
/// says) and becomes current; responses already stored keep the version they answered.
/// </summary>
public sealed class InstrumentPublisher(SurveyDbContext db, AuditLog audit)
{
    public const int MaxJson = 200_000;

    /// <summary>
    /// A checked definition (its version set to the next free one), or why not: <see cref="Error"/> is the page's
    /// Vietnamese message (a resource key), <see cref="Reason"/> one English line for the command line.
    /// </summary>
    public sealed record Checked(InstrumentDefinition? Definition, string? Error, string? Reason)
    {
        public bool Ok => Definition is not null;
    }

    public async Task<Checked> CheckAsync(string? json, CancellationToken ct)
    {
        json = json?.Trim() ?? "";
        if (json.Length == 0) return new(null, "Hãy dán định nghĩa phiếu (JSON).", "the definition is empty");
        if (json.Length > MaxJson) return new(null, "Định nghĩa phiếu quá dài (tối đa 200.000 ký tự).", $"the definition is longer than {MaxJson:N0} characters");
        InstrumentDefinition parsed;
        try
        {
            parsed = InstrumentCatalog.Parse(json);
        }
        catch (InstrumentDefinitionException e)
        {
            return new(null, "Định nghĩa phiếu không hợp lệ; chưa có gì được lưu.", OneLine(e.Message));
        }
        if (!CchcSurvey.Web.Pages.Admin.Counters.CounterForm.IsValidCode(parsed.Code) || parsed.Code.Length > 32)
            return new(null, "Mã phiếu phải gồm 1–32 chữ cái, chữ số, '-' hoặc '_'.", $"code '{OneLine(parsed.Code)}' must be 1–32 letters, digits, '-' or '_'");
        var max = await db.InstrumentVersions.Where(v => v.Code == parsed.Code).MaxAsync(v => (int?)v.Version, ct) ?? 0;
        return new(parsed with { Version = max + 1 }, null, null);
    }

    /// <summary>Stores a checked definition as the current version of its code and audits it; returns "CODE vN".</summary>
    public async Task<string> PublishAsync(InstrumentDefinition definition, string actor, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        foreach (var old in await db.InstrumentVersions.Where(v => v.Code == definition.Code && v.IsCurrent).ToListAsync(ct))
            old.IsCurrent = false;
        db.InstrumentVersions.Add(new InstrumentVersion
        {
            Code = definition.Code, Version = definition.Version, Title = definition.Title.Vi,
            DefinitionJson = InstrumentCatalog.Serialize(definition), PublishedUtc = DateTime.UtcNow, IsCurrent = true,
        });
        var name = $"{definition.Code} v{definition.Version}";
        audit.Add(actor, AuditActions.InstrumentPublish, name, $"'{definition.Title.Vi}', {definition.Items.Count()} items");
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return name;
    }

    private static string OneLine(string text) => string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries));
}
