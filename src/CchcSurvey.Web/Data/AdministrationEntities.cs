namespace CchcSurvey.Web.Data;

/// <summary>
/// One line of the audit log: who did what to what, and when. Written by <c>Administration.AuditLog</c>;
/// append-only (no page edits or deletes it). <see cref="Details"/> is short free text and never holds a
/// password or a token.
/// </summary>
public sealed class AuditEntry
{
    public long Id { get; set; }
    public DateTime UtcTime { get; set; }

    /// <summary>The official's e-mail, "system", "anonymous" or "api-token:{id}".</summary>
    public required string Actor { get; set; }

    /// <summary>A short verb such as sign-in, unit-move or instrument-publish (<c>AuditActions</c>).</summary>
    public required string Action { get; set; }

    /// <summary>What was acted on: a unit or counter code, "NHANH v2", an e-mail, "api-token:7" …</summary>
    public string Target { get; set; } = "";

    public string Details { get; set; } = "";
}

/// <summary>
/// An administrator's choice of the lead department (cơ quan chủ trì) for one SIPAS-DV element of one unit,
/// inherited by its subtree unless a unit below sets its own. No row: inherit (nearest ancestor's row, then
/// configuration, then the defaults; <c>Indices.ElementLeads</c>).
/// </summary>
public sealed class UnitElementLead
{
    public int Id { get; set; }
    public int UnitId { get; set; }
    public Unit Unit { get; set; } = null!;

    /// <summary>TC, TT, CC, KQ or PA.</summary>
    public required string Element { get; set; }

    public required string Department { get; set; }
}
