using System.Security.Cryptography;
using System.Text;
using CchcSurvey.Core.Instruments;
using CchcSurvey.Web.Data;
using CchcSurvey.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CchcSurvey.Web.Surveys;

public static class Channels
{
    public static readonly string[] All = ["qr", "kiosk", "paper", "web"];
    public static bool IsValid(string? channel) => channel is not null && All.Contains(channel, StringComparer.Ordinal);
}

/// <summary>A validated response ready to be stored.</summary>
public sealed record SubmissionCommand(
    Guid SubmissionId,
    Counter Counter,
    PublishedInstrument Instrument,
    string Channel,
    IReadOnlyDictionary<string, AnswerValue> Answers);

public enum SubmissionStatus
{
    /// <summary>Stored now (HTTP 201).</summary>
    Created,
    /// <summary>The same id and payload were stored before (HTTP 200, same body).</summary>
    Replayed,
    /// <summary>The id was stored before with another payload (HTTP 422); nothing changed.</summary>
    Conflict,
}

public sealed record SubmissionResult(SubmissionStatus Status, Guid SubmissionId)
{
    public string Receipt => $"/r/{SubmissionId}";
}

/// <summary>
/// Stores responses, the one path shared by the survey form and the JSON API. A response is
/// idempotent on its client-generated submission id: a retry with the same payload is acknowledged
/// again, a different payload under the same id is refused and changes nothing. Writing goes through
/// the <see cref="ResponseWriter"/> queue (group commit, statistics in the same transaction).
/// </summary>
public sealed class SubmissionService(SurveyDbContext db, LocalClock clock, ResponseWriter writer)
{
    public async Task<Counter?> FindActiveCounterAsync(string code, CancellationToken ct) =>
        await db.Counters.AsNoTracking().Include(c => c.Unit)
            .FirstOrDefaultAsync(c => c.Code == code && c.IsActive && c.Unit.IsActive, ct);

    public async Task<SubmissionResult> SubmitAsync(SubmissionCommand command, CancellationToken ct)
    {
        var answersJson = AnswerCodec.Serialize(command.Answers);
        var response = new Response
        {
            SubmissionId = command.SubmissionId,
            UnitId = command.Counter.UnitId,
            CounterId = command.Counter.Id,
            InstrumentVersionId = command.Instrument.VersionId,
            Channel = command.Channel,
            SubmittedHourUtc = clock.CurrentHourUtc(),
            AnswersJson = answersJson,
            PayloadHash = PayloadHash(command, answersJson),
        };
        var status = await writer.WriteAsync(response, command.Answers, ct);
        return new SubmissionResult(status, command.SubmissionId);
    }

    /// <summary>SHA-256 of everything that makes a response what it is (not its time).</summary>
    public static string PayloadHash(SubmissionCommand command, string answersJson) =>
        PayloadHash(command.Counter.Code, command.Instrument.Code, command.Instrument.Version, command.Channel, answersJson);

    /// <param name="place">The counter code, or the unit code of a paper response without counter.</param>
    public static string PayloadHash(string place, string instrument, int version, string channel, string answersJson) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{place}\n{instrument}\n{version}\n{channel}\n{answersJson}")));
}
