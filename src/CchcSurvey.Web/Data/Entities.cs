using Microsoft.AspNetCore.Identity;

namespace CchcSurvey.Web.Data;

/// <summary>
/// A node of the organisation tree (province, district, department, commune …). Level names are data,
/// not code: Vietnam has had two tiers only since 1 July 2025. A unit keeps its code for life; a merged
/// unit points at its successor so that history rolls up into it.
/// </summary>
public sealed class Unit
{
    public int Id { get; set; }
    public required string Code { get; set; }
    public required string Name { get; set; }
    public string LevelName { get; set; } = "";
    public int? ParentId { get; set; }
    public Unit? Parent { get; set; }
    public List<Unit> Children { get; set; } = [];

    /// <summary>Materialised path of ids, "/1/4/9/", so that a subtree is one indexed prefix query.</summary>
    public string Path { get; set; } = "/";

    public int? SuccessorId { get; set; }
    public Unit? Successor { get; set; }
    public bool IsActive { get; set; } = true;
    public int SortOrder { get; set; }
    public List<Counter> Counters { get; set; } = [];

    /// <summary>
    /// The first day the unit existed, when a reorganisation created it (its effective date); null: it always has, as
    /// far as the platform knows. Read by the "as the units were then" view (<see cref="Indices.HistoricalUnits"/>).
    /// </summary>
    public DateOnly? StartedOn { get; set; }

    /// <summary>The first day the unit no longer existed, when a reorganisation merged it away (its effective date); else null.</summary>
    public DateOnly? EndedOn { get; set; }
}

/// <summary>A counter (quầy) of a one-stop section, where the QR code hangs.</summary>
public sealed class Counter
{
    public int Id { get; set; }
    public required string Code { get; set; }
    public required string Name { get; set; }
    public int UnitId { get; set; }
    public Unit Unit { get; set; } = null!;

    /// <summary>The instrument a citizen gets at <c>/s/{code}</c>.</summary>
    public string DefaultInstrument { get; set; } = "NHANH";

    /// <summary>Space-separated instrument codes offered at this counter.</summary>
    public string Instruments { get; set; } = "NHANH";

    public bool IsActive { get; set; } = true;

    /// <summary>Opening hours, e.g. "Mon-Fri 07:30-11:30,13:30-17:00" (Core <c>OpeningHours</c>); null = always open.</summary>
    public string? OpeningHours { get; set; }

    public IReadOnlyList<string> InstrumentCodes =>
        Instruments.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public bool Offers(string instrument) => InstrumentCodes.Contains(instrument, StringComparer.Ordinal);
}

/// <summary>One published, immutable version of an instrument; the definition is the JSON of CchcSurvey.Core.</summary>
public sealed class InstrumentVersion
{
    public int Id { get; set; }
    public required string Code { get; set; }
    public int Version { get; set; }
    public required string Title { get; set; }
    public required string DefinitionJson { get; set; }
    public DateTime PublishedUtc { get; set; }

    /// <summary>The version new responses get; exactly one per code.</summary>
    public bool IsCurrent { get; set; }
}

/// <summary>
/// One citizen's answers. Anonymous by construction: no IP address, no user agent, and only the hour
/// (UTC, truncated) at which it arrived. Answers are one compact JSON column, not a row per answer, so
/// that tens of millions of responses stay cheap.
/// </summary>
public sealed class Response
{
    public long Id { get; set; }

    /// <summary>Client-generated UUID; the same id with the same payload is the same response.</summary>
    public Guid SubmissionId { get; set; }

    public int UnitId { get; set; }
    public Unit Unit { get; set; } = null!;
    public int? CounterId { get; set; }
    public Counter? Counter { get; set; }
    public int InstrumentVersionId { get; set; }
    public InstrumentVersion InstrumentVersion { get; set; } = null!;

    /// <summary>qr, kiosk, paper or web.</summary>
    public required string Channel { get; set; }

    public DateTime SubmittedHourUtc { get; set; }

    /// <summary>Canonical answer JSON (CchcSurvey.Core AnswerCodec).</summary>
    public required string AnswersJson { get; set; }

    /// <summary>SHA-256 (hex) of the canonical request, to tell a retry from a conflicting reuse of the id.</summary>
    public required string PayloadHash { get; set; }

    /// <summary>Suspicion flags (a bit set; 0 = none). Flagged responses are kept and can be left out of figures.</summary>
    public int Flags { get; set; }
}

public enum CellPeriod : byte
{
    Day = 0,
    Month = 1,
}

/// <summary>
/// Sufficient statistics (a serialised Core <c>InstrumentStatistics</c>) of every response in one unit's
/// whole subtree, for one instrument version, one local day or month, one channel, flagged or not. Written in
/// the same transaction as the responses they count, so figures never need the raw responses; rebuildable
/// from them (<c>stats rebuild</c>). Each response is counted in a day and a month cell of every ancestor.
/// </summary>
public sealed class StatisticsCell
{
    public long Id { get; set; }

    /// <summary>The subtree root this cell aggregates.</summary>
    public int UnitId { get; set; }

    public int InstrumentVersionId { get; set; }
    public CellPeriod Period { get; set; }

    /// <summary>The local day, or the first day of the local month.</summary>
    public DateOnly PeriodStart { get; set; }

    public required string Channel { get; set; }
    public bool Flagged { get; set; }
    public long Responses { get; set; }

    /// <summary>n and satisfied count of the instrument's overall item (HL_CHUNG, HL), for rankings by SQL alone.</summary>
    public long OverallN { get; set; }
    public long OverallSatisfied { get; set; }

    public required string Data { get; set; }

    /// <summary>Optimistic concurrency: two app instances updating one cell cannot lose an update.</summary>
    public int Revision { get; set; }
}

/// <summary>An official: a person who reads the figures of the units in their scope.</summary>
public sealed class Official : IdentityUser
{
    /// <summary>
    /// The lockout end an administrator's lock sets (and anything later): far beyond any failed-password lockout,
    /// which lasts minutes. Only this kind of lock stops the official's API tokens, so that strangers who type wrong
    /// passwords on purpose cannot switch off a queue system's token.
    /// </summary>
    public static readonly DateTimeOffset AdministratorLock = new(9999, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public bool IsLockedByAdministrator => LockoutEnd >= AdministratorLock;

    /// <summary>The root of the official's access scope (its whole subtree); null for administrators.</summary>
    public int? ScopeUnitId { get; set; }
    public Unit? ScopeUnit { get; set; }
}

/// <summary>A personal API token; only its SHA-256 hash is stored.</summary>
public sealed class ApiToken
{
    public int Id { get; set; }
    public required string OfficialId { get; set; }
    public Official Official { get; set; } = null!;
    public required string TokenHash { get; set; }
    public string Name { get; set; } = "";
    public DateTime CreatedUtc { get; set; }
    public DateTime? LastUsedUtc { get; set; }
    public DateTime? RevokedUtc { get; set; }

    /// <summary>Chosen at creation; null: until revoked. An expired token opens nothing.</summary>
    public DateTime? ExpiresUtc { get; set; }
}

/// <summary>
/// A single-use survey token printed on one dossier's receipt slip (<c>/t/{token}</c>). Only the SHA-256 of
/// the token is stored; nothing about the dossier is. Times are whole hours, so that a token cannot be tied
/// to the minute a dossier was received. A redeemed token keeps only what single use needs — that it was used,
/// not when — and its response holds nothing derived from it (METHODOLOGY §6, Unlinkable): a database reader
/// cannot tell which response a token gave.
/// </summary>
public sealed class DossierToken
{
    public long Id { get; set; }
    public required string TokenHash { get; set; }
    public int CounterId { get; set; }
    public Counter Counter { get; set; } = null!;

    /// <summary>The end of the hour in which the token stops working (UTC).</summary>
    public DateTime ExpiresUtc { get; set; }

    /// <summary>Whether it was redeemed. Set only by the response writer, with a conditional UPDATE; no time is kept.</summary>
    public bool Used { get; set; }
}

/// <summary>
/// "This device answered at this counter in this hour", for the repeat-device flag. The key is an HMAC of
/// the device cookie and the counter under a secret of the day (<see cref="SightingSecret"/>); the cookie
/// itself is never stored. Rows older than 72 hours are deleted by <c>SightingCleanup</c>.
/// </summary>
public sealed class DeviceSighting
{
    public long Id { get; set; }
    public required string KeyHash { get; set; }
    public int CounterId { get; set; }
    public DateTime HourUtc { get; set; }
}

/// <summary>A random per-day HMAC key for device sightings; deleted with the sightings, so old keys cannot be recomputed.</summary>
public sealed class SightingSecret
{
    public DateOnly Day { get; set; }
    public required byte[] Secret { get; set; }
}

/// <summary>
/// A random secret of this installation, created on first use (e.g. "opaque-ids": the key that turns row ids
/// into the opaque identifiers officials see, so that these do not follow the order of submission).
/// </summary>
public sealed class SiteSecret
{
    public required string Name { get; set; }
    public required byte[] Secret { get; set; }
}

/// <summary>Dossiers a unit received in one local month (imported), the ceiling for the more-than-dossiers flag.</summary>
public sealed class DossierCount
{
    public int Id { get; set; }
    public int UnitId { get; set; }
    public Unit Unit { get; set; } = null!;

    /// <summary>The first day of the local month.</summary>
    public DateOnly Month { get; set; }

    public int Count { get; set; }
}

public static class Roles
{
    public const string Admin = "admin";
    public const string Manager = "manager";
    public const string Viewer = "viewer";
    public static readonly string[] All = [Admin, Manager, Viewer];
}

/// <summary>
/// A counter's enrolled tablet (<c>/admin/kiosks</c>, <c>kiosk add</c>): only enrolled tablets may send answers
/// with channel <c>kiosk</c>. The tablet holds a signed credential naming this row and its counter
/// (<c>KioskCredentials</c>); revoking the row makes the credential worthless. Until the tablet is enrolled the row
/// holds the SHA-256 of its single-use enrolment code, which expires.
/// </summary>
public sealed class KioskTablet
{
    public int Id { get; set; }
    public int CounterId { get; set; }
    public Counter Counter { get; set; } = null!;
    public required string Name { get; set; }
    public DateTime CreatedUtc { get; set; }

    /// <summary>SHA-256 (hex) of the enrolment code while it is unused; null once the tablet enrolled.</summary>
    public string? EnrolmentCodeHash { get; set; }
    public DateTime EnrolmentExpiresUtc { get; set; }
    public DateTime? EnrolledUtc { get; set; }

    /// <summary>Last request with a valid credential, updated at most once a minute.</summary>
    public DateTime? LastSeenUtc { get; set; }
    public DateTime? RevokedUtc { get; set; }
}

/// <summary>
/// An instrument version's texts in another language (ISO 639 code, e.g. tyz, nut), added by an administrator on
/// <c>/admin/instruments</c>; the JSON of <see cref="CchcSurvey.Core.Instruments.InstrumentTranslation"/>, checked complete.
/// One per version and language (saving again replaces it).
/// </summary>
public sealed class InstrumentTranslationRow
{
    public int Id { get; set; }
    public int InstrumentVersionId { get; set; }
    public InstrumentVersion InstrumentVersion { get; set; } = null!;
    public required string Language { get; set; }
    public required string Name { get; set; }
    public required string Json { get; set; }
    public DateTime SavedUtc { get; set; }
}

/// <summary>
/// A recording of one item's question in one language (people record them: there is no Tày or Nùng speech synthesis).
/// The file lives outside the web root under its SHA-256 (<c>Recordings:Path</c>); served by <c>/audio/{id}</c>.
/// </summary>
public sealed class InstrumentRecording
{
    public int Id { get; set; }
    public int InstrumentVersionId { get; set; }
    public required string ItemCode { get; set; }
    public required string Language { get; set; }
    public required string ContentType { get; set; }
    public required string Sha256 { get; set; }
    public long Length { get; set; }
    public DateTime UploadedUtc { get; set; }
}
