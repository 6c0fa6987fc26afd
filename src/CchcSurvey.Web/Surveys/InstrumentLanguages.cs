using System.Security.Cryptography;
using CchcSurvey.Core.Instruments;
using CchcSurvey.Web.Data;
using CchcSurvey.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CchcSurvey.Web.Surveys;

/// <summary>A language a citizen can pick for an instrument version: its code and its own name.</summary>
public sealed record LanguageChoice(string Code, string Name);

/// <summary>
/// Languages beyond vi and en as data (translations of an instrument version), and recordings of the questions per
/// item and language, stored as files outside the web root under their SHA-256.
/// </summary>
public sealed class InstrumentLanguages(IConfiguration configuration, IWebHostEnvironment environment)
{
    public const string LanguageCookie = "cchc_lang";

    /// <summary>Largest recording accepted (a question read aloud is a few seconds: tens of kilobytes).</summary>
    public long MaxRecordingBytes => configuration.GetValue<long?>("Recordings:MaxBytes") ?? 1024 * 1024;

    public string RecordingsPath
    {
        get
        {
            var configured = configuration["Recordings:Path"];
            return string.IsNullOrWhiteSpace(configured)
                ? Path.Combine(RepositoryPaths.Root(environment.ContentRootPath), "data", "recordings")
                : Path.GetFullPath(configured);
        }
    }

    public static async Task<IReadOnlyList<LanguageChoice>> LanguagesAsync(SurveyDbContext db, int versionId, CancellationToken ct) =>
        await db.InstrumentTranslations.AsNoTracking().Where(t => t.InstrumentVersionId == versionId).OrderBy(t => t.Language)
            .Select(t => new LanguageChoice(t.Language, t.Name)).ToListAsync(ct);

    public static async Task<InstrumentTranslation?> TranslationAsync(SurveyDbContext db, PublishedInstrument instrument, string language, CancellationToken ct)
    {
        var json = await db.InstrumentTranslations.AsNoTracking()
            .Where(t => t.InstrumentVersionId == instrument.VersionId && t.Language == language).Select(t => t.Json).FirstOrDefaultAsync(ct);
        return json is null ? null : InstrumentTranslation.Parse(json, instrument.Definition, out _);
    }

    /// <summary>Item code → the URL of its recording in that language.</summary>
    public static async Task<IReadOnlyDictionary<string, string>> RecordingsAsync(SurveyDbContext db, int versionId, string language, CancellationToken ct) =>
        await db.InstrumentRecordings.AsNoTracking().Where(r => r.InstrumentVersionId == versionId && r.Language == language)
            .ToDictionaryAsync(r => r.ItemCode, r => $"/audio/{r.Id}", StringComparer.Ordinal, ct);

    /// <summary>"audio/ogg" (an Ogg stream with Opus or Vorbis audio), "audio/mpeg" (MP3), or null: decided by the bytes, not the name.</summary>
    public static string? Sniff(ReadOnlySpan<byte> data)
    {
        if (data.Length >= 36 && data[..4].SequenceEqual("OggS"u8))
        {
            var head = data[..Math.Min(data.Length, 128)];
            if (head.IndexOf("OpusHead"u8) >= 0 || head.IndexOf("vorbis"u8) >= 0) return "audio/ogg";
            return null;
        }
        if (data.Length >= 10 && data[..3].SequenceEqual("ID3"u8)) return "audio/mpeg";
        if (data.Length >= 4 && data[0] == 0xFF && (data[1] & 0xE0) == 0xE0 && (data[1] & 0x06) != 0) return "audio/mpeg";
        return null;
    }

    /// <summary>Stores the bytes under their SHA-256 (idempotent) and returns the hash.</summary>
    public async Task<string> SaveAsync(byte[] data, CancellationToken ct)
    {
        var sha = Convert.ToHexStringLower(SHA256.HashData(data));
        Directory.CreateDirectory(RecordingsPath);
        var path = Path.Combine(RecordingsPath, sha);
        if (!File.Exists(path))
        {
            var temp = path + ".tmp-" + Guid.NewGuid().ToString("N");
            await File.WriteAllBytesAsync(temp, data, ct);
            File.Move(temp, path, overwrite: true);
        }
        return sha;
    }

    /// <summary>The demo's recordings (<c>demo/recordings/{INSTRUMENT}.{ITEM}.{lang}.ogg</c>) on the current versions.</summary>
    public async Task SeedDemoAsync(SurveyDbContext db, CancellationToken ct)
    {
        var folder = RepositoryPaths.BundledFile("demo", "recordings");
        if (!Directory.Exists(folder)) return;
        foreach (var file in Directory.GetFiles(folder, "*.ogg").Order(StringComparer.Ordinal))
        {
            var parts = Path.GetFileNameWithoutExtension(file).Split('.');
            if (parts.Length != 3) continue;
            var version = await db.InstrumentVersions.AsNoTracking().FirstOrDefaultAsync(v => v.Code == parts[0] && v.IsCurrent, ct);
            if (version is null) continue;
            var bytes = await File.ReadAllBytesAsync(file, ct);
            if (Sniff(bytes) is not { } type) continue;
            if (await db.InstrumentRecordings.AnyAsync(r => r.InstrumentVersionId == version.Id && r.ItemCode == parts[1] && r.Language == parts[2], ct)) continue;
            db.InstrumentRecordings.Add(new InstrumentRecording
            {
                InstrumentVersionId = version.Id, ItemCode = parts[1], Language = parts[2], ContentType = type,
                Sha256 = await SaveAsync(bytes, ct), Length = bytes.Length, UploadedUtc = DateTime.UtcNow,
            });
        }
        await db.SaveChangesAsync(ct);
    }

    public string FileOf(string sha) => Path.Combine(RecordingsPath, sha);

    public static void MapAudio(IEndpointRouteBuilder app) =>
        app.MapGet("/audio/{id:int}", async (int id, HttpContext http, SurveyDbContext db, InstrumentLanguages languages, CancellationToken ct) =>
        {
            var recording = await db.InstrumentRecordings.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, ct);
            if (recording is null) return Results.NotFound();
            var file = languages.FileOf(recording.Sha256);
            if (!File.Exists(file)) return Results.NotFound();
            // A recording never changes under its id (a new upload gets a new id): cache it for a year.
            http.Response.Headers.CacheControl = "public, max-age=31536000, immutable";
            return Results.File(file, recording.ContentType, enableRangeProcessing: true,
                entityTag: new Microsoft.Net.Http.Headers.EntityTagHeaderValue($"\"{recording.Sha256}\""));
        });
}
