using System.Security.Cryptography;
using System.Text;
using CchcSurvey.Core.Instruments;
using CchcSurvey.Web.Data;
using CchcSurvey.Web.Infrastructure;
using CchcSurvey.Core.Integrity;
using CchcSurvey.Web.Integrity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CchcSurvey.Web.Surveys;

public static class Channels
{
    public static readonly string[] All = ["qr", "kiosk", "paper", "web"];
    public static bool IsValid(string? channel) => channel is not null && All.Contains(channel, StringComparer.Ordinal);
}

/// <summary>A validated response ready to be stored.</summary>
/// <param name="Token">The per-dossier token it redeems (plain text; only its hash goes further), or null.</param>
/// <param name="Device">The anonymous device cookie, or null; used only hashed, for the repeat-device flag.</param>
/// <param name="ElapsedSeconds">Seconds between showing the form and sending it, when known (TooFast flag).</param>
/// <param name="EnteredByOfficial">Scanned or typed from paper by an official: no time or device flags.</param>
public sealed record SubmissionCommand(
    Guid SubmissionId,
    Counter Counter,
    PublishedInstrument Instrument,
    string Channel,
    IReadOnlyDictionary<string, AnswerValue> Answers,
    string? Token = null,
    string? Device = null,
    double? ElapsedSeconds = null,
    bool EnteredByOfficial = false);

/// <summary>A response brought in bulk by an official (<see cref="SubmissionService.StoreBulkAsync"/>).</summary>
/// <param name="UnitCode">The unit's code: with <paramref name="Counter"/> null (a paper answer without counter) it takes the counter's place in the payload hash.</param>
/// <param name="SubmittedHourUtc">The hour the answer is filed under, already truncated to the hour.</param>
public sealed record BulkSubmission(
    Guid SubmissionId,
    int UnitId,
    string UnitCode,
    Counter? Counter,
    PublishedInstrument Instrument,
    string Channel,
    IReadOnlyDictionary<string, AnswerValue> Answers,
    DateTime SubmittedHourUtc);

/// <summary>How a bulk store went: stored now, already stored with the same payload, refused (same id, other payload).</summary>
public sealed record BulkOutcome(int Created, int Replayed, int Conflicts);

public enum SubmissionStatus
{
    /// <summary>Stored now (HTTP 201).</summary>
    Created,
    /// <summary>The same id and payload were stored before (HTTP 200, same body).</summary>
    Replayed,
    /// <summary>The id was stored before with another payload (HTTP 422); nothing changed.</summary>
    Conflict,
    /// <summary>The per-dossier token was already used or has expired (HTTP 409); nothing changed.</summary>
    TokenRejected,
    /// <summary>The counter's submission limit is reached (HTTP 429, <see cref="SubmissionResult.RetryAfter"/>); nothing changed.</summary>
    RateLimited,
}

public sealed record SubmissionResult(SubmissionStatus Status, Guid SubmissionId, TimeSpan? RetryAfter = null)
{
    public string Receipt => $"/r/{SubmissionId}";
}

/// <summary>
/// Stores responses, the one path shared by the survey form and the JSON API. A response is
/// idempotent on its client-generated submission id: a retry with the same payload is acknowledged
/// again, a different payload under the same id is refused and changes nothing. Writing goes through
/// the <see cref="ResponseWriter"/> queue (group commit, statistics in the same transaction).
/// </summary>
public sealed class SubmissionService(LocalClock clock, ResponseWriter writer, IOptions<IntegrityOptions> integrity, CounterRateLimiter counterLimit)
{
    public async Task<SubmissionResult> SubmitAsync(SubmissionCommand command, CancellationToken ct)
    {
        // Every submission takes from its counter's budget, whatever route, cookie or channel it came with.
        if (counterLimit.TryAcquire(command.Counter.Id) is { } retry)
            return new SubmissionResult(SubmissionStatus.RateLimited, command.SubmissionId, retry);
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
        var flags = ResponseFlags.None;
        if (command.ElapsedSeconds is double elapsed && elapsed < integrity.Value.TooFastThreshold(command.Instrument.Code)
            && ResponseFlagReasons.AllRatingsAtTop(command.Instrument.Definition, command.Answers))
            flags |= ResponseFlags.TooFast;
        var tokenHash = command.Token is null ? null : DossierTokenService.Hash(command.Token);
        // A kiosk tablet (or a paper clerk) is one device for many citizens: its cookie says nothing about repeats.
        var device = command.Channel is "kiosk" or "paper" ? null : command.Device;
        var status = await writer.WriteAsync(new ResponseWrite(response, command.Answers, tokenHash, device, (int)flags, command.Counter.OpeningHours, command.EnteredByOfficial), ct);
        Operations.SurveyMetrics.Stored(status);
        return new SubmissionResult(status, command.SubmissionId);
    }

    /// <summary>How many bulk responses are handed to the writer at a time: several of its batches, so that it commits full ones.</summary>
    private const int BulkWindow = 4096;

    /// <summary>
    /// Stores responses an official brings in bulk — paper questionnaires imported from a file, demo data — through
    /// the same writer and the same idempotency rule as every channel: a stored id with the same payload is
    /// <see cref="SubmissionStatus.Replayed"/> (stored once, however often a file is imported), with another payload a
    /// <see cref="SubmissionStatus.Conflict"/> that changes nothing. Not a citizen's visit, so no counter budget and
    /// only the flags that apply to entered answers (<see cref="ResponseWrite.EnteredByOfficial"/>); each keeps its own
    /// hour. The writer commits batch by batch: an interrupted import is completed by running it again.
    /// </summary>
    public async Task<BulkOutcome> StoreBulkAsync(IEnumerable<BulkSubmission> submissions, IProgress<int>? progress, CancellationToken ct)
    {
        // At start-up (demo data) and on the command line the host has not started the writer yet.
        await writer.StartAsync(ct);
        var window = new List<Task<SubmissionStatus>>(BulkWindow);
        var (created, replayed, conflicts, done) = (0, 0, 0, 0);
        async Task DrainAsync()
        {
            foreach (var status in await Task.WhenAll(window))
            {
                if (status == SubmissionStatus.Created) created++;
                else if (status == SubmissionStatus.Replayed) replayed++;
                else conflicts++;
            }
            done += window.Count;
            window.Clear();
            progress?.Report(done);
        }
        foreach (var submission in submissions)
        {
            var answersJson = AnswerCodec.Serialize(submission.Answers);
            var response = new Response
            {
                SubmissionId = submission.SubmissionId,
                UnitId = submission.UnitId,
                CounterId = submission.Counter?.Id,
                InstrumentVersionId = submission.Instrument.VersionId,
                Channel = submission.Channel,
                SubmittedHourUtc = submission.SubmittedHourUtc,
                AnswersJson = answersJson,
                PayloadHash = PayloadHash(submission.Counter?.Code ?? submission.UnitCode, submission.Instrument.Code, submission.Instrument.Version, submission.Channel, answersJson),
            };
            window.Add(writer.WriteAsync(new ResponseWrite(response, submission.Answers, EnteredByOfficial: true), ct));
            if (window.Count == BulkWindow) await DrainAsync();
        }
        if (window.Count > 0) await DrainAsync();
        return new BulkOutcome(created, replayed, conflicts);
    }

    /// <summary>
    /// SHA-256 of everything that makes a response what it is (not its time). Never anything derived from a
    /// per-dossier token: a token's response must be indistinguishable in storage from a counter-QR response
    /// with the same counter, hour, instrument, channel and answers (METHODOLOGY §6, Unlinkable). A retry with
    /// the same id and answers is recognised all the same; the token itself was checked when first redeemed.
    /// </summary>
    public static string PayloadHash(SubmissionCommand command, string answersJson) =>
        PayloadHash(command.Counter.Code, command.Instrument.Code, command.Instrument.Version, command.Channel, answersJson);

    /// <param name="place">The counter code, or the unit code of a paper response without counter.</param>
    public static string PayloadHash(string place, string instrument, int version, string channel, string answersJson) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{place}\n{instrument}\n{version}\n{channel}\n{answersJson}")));
}
