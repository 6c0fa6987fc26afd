using System.Security.Cryptography;
using CchcSurvey.Web.Data;
using CchcSurvey.Web.Infrastructure;
using Microsoft.Extensions.Options;

namespace CchcSurvey.Web.Plans;

/// <summary><c>Plans:*</c> — evidence files and deadline reminders.</summary>
public sealed class PlanOptions
{
    public const string Section = "Plans";

    /// <summary>Folder of evidence files; empty = <c>data/evidence</c> under the repository (never under the web root).</summary>
    public string? EvidencePath { get; set; }

    /// <summary>Largest evidence file accepted.</summary>
    public long MaxEvidenceBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>Most files with one progress report.</summary>
    public int MaxEvidenceFiles { get; set; } = 5;

    /// <summary>Days before a task's deadline its lead units' managers are reminded by e-mail (0 = no reminder).</summary>
    public int ReminderDays { get; set; } = 7;
}

/// <summary>An uploaded file: its name as sent, and its bytes.</summary>
public sealed record EvidenceUpload(string FileName, byte[] Bytes);

/// <summary>
/// Evidence files of progress reports. A file is accepted by what its bytes are (magic numbers), never by the
/// name or the type the browser claims: PDF, PNG, JPEG, office documents (OOXML and ODF, which are ZIP archives
/// with their own manifest, and the old OLE2 formats). Names on disk are random; the folder is outside the web
/// root, so files are reachable only through <c>/plans/{code}/evidence/{id}</c>, which checks the scope.
/// </summary>
public sealed class EvidenceStore(IOptions<PlanOptions> options, IWebHostEnvironment environment)
{
    public long MaxBytes => options.Value.MaxEvidenceBytes;

    public string Folder
    {
        get
        {
            var configured = options.Value.EvidencePath;
            var folder = string.IsNullOrWhiteSpace(configured)
                ? Path.Combine(RepositoryPaths.Root(environment.ContentRootPath), "data", "evidence")
                : Path.GetFullPath(configured);
            var webRoot = Path.GetFullPath(environment.WebRootPath ?? RepositoryPaths.WebRoot(environment.ContentRootPath));
            if (Path.GetFullPath(folder).StartsWith(webRoot, StringComparison.Ordinal))
                throw new InvalidOperationException("Plans:EvidencePath must not be under the web root.");
            return folder;
        }
    }

    /// <summary>The Vietnamese reason the files cannot be accepted, or null when all are fine.</summary>
    public string? Check(IReadOnlyList<EvidenceUpload> files)
    {
        if (files.Count > options.Value.MaxEvidenceFiles) return $"Tối đa {options.Value.MaxEvidenceFiles} tệp minh chứng cho một lần báo cáo.";
        foreach (var file in files)
        {
            var name = SafeName(file.FileName);
            if (file.Bytes.Length == 0) return $"Tệp '{name}' rỗng.";
            if (file.Bytes.Length > MaxBytes) return $"Tệp '{name}' quá lớn ({file.Bytes.Length / 1024.0 / 1024.0:0.0} MB); tối đa {MaxBytes / 1024.0 / 1024.0:0.#} MB.";
            if (Sniff(file.Bytes, Path.GetExtension(name)) is null)
                return $"Tệp '{name}' không phải PDF, ảnh (PNG, JPEG) hoặc văn bản Office (docx, xlsx, pptx, odt, ods, doc, xls): nội dung tệp không đúng định dạng.";
        }
        return null;
    }

    /// <summary>Writes a checked file under a random name and returns its row (not yet added to the context).</summary>
    public async Task<PlanEvidence> SaveAsync(EvidenceUpload file, CancellationToken ct)
    {
        var folder = Folder;
        Directory.CreateDirectory(folder);
        var stored = Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();
        var name = SafeName(file.FileName);
        await File.WriteAllBytesAsync(Path.Combine(folder, stored), file.Bytes, ct);
        return new PlanEvidence
        {
            FileName = name, ContentType = Sniff(file.Bytes, Path.GetExtension(name))!, Size = file.Bytes.Length, StoredName = stored,
            Sha256 = Convert.ToHexString(SHA256.HashData(file.Bytes)).ToLowerInvariant(),
        };
    }

    public Stream? Open(PlanEvidence evidence)
    {
        var path = Path.Combine(Folder, evidence.StoredName);
        return File.Exists(path) ? File.OpenRead(path) : null;
    }

    public void Delete(string storedName)
    {
        try { File.Delete(Path.Combine(Folder, storedName)); } catch (IOException) { }
    }

    /// <summary>The file's name without folders or control characters, at most 200 characters.</summary>
    public static string SafeName(string name)
    {
        var file = Path.GetFileName(name.Replace('\\', '/'));
        file = new string(file.Where(c => !char.IsControl(c) && c is not '"' and not '/' and not ':').ToArray()).Trim();
        if (file.Length == 0) file = "minh-chung";
        return file.Length > 200 ? file[^200..] : file;
    }

    /// <summary>The content type the bytes really are, or null when they are none of the accepted kinds.</summary>
    public static string? Sniff(byte[] bytes, string extension)
    {
        static bool Starts(byte[] b, params byte[] magic) => b.Length >= magic.Length && b.AsSpan(0, magic.Length).SequenceEqual(magic);
        extension = extension.ToLowerInvariant();
        if (Starts(bytes, "%PDF-"u8.ToArray())) return "application/pdf";
        if (Starts(bytes, 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A)) return "image/png";
        if (Starts(bytes, 0xFF, 0xD8, 0xFF)) return "image/jpeg";
        if (Starts(bytes, 0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1))
            return extension switch { ".doc" => "application/msword", ".xls" => "application/vnd.ms-excel", ".ppt" => "application/vnd.ms-powerpoint", _ => null };
        if (Starts(bytes, 0x50, 0x4B, 0x03, 0x04)) return OfficeZip(bytes, extension);
        return null;
    }

    /// <summary>A ZIP is an office document only when it opens and holds the package manifest of its kind.</summary>
    private static string? OfficeZip(byte[] bytes, string extension)
    {
        try
        {
            using var zip = new System.IO.Compression.ZipArchive(new MemoryStream(bytes), System.IO.Compression.ZipArchiveMode.Read);
            var names = zip.Entries.Select(e => e.FullName).ToHashSet(StringComparer.Ordinal);
            if (names.Contains("[Content_Types].xml"))
                return extension switch
                {
                    ".docx" when names.Contains("word/document.xml") => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                    ".xlsx" when names.Contains("xl/workbook.xml") => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    ".pptx" when names.Contains("ppt/presentation.xml") => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
                    _ => null,
                };
            if (names.Contains("mimetype") && names.Contains("content.xml"))
                return extension switch { ".odt" => "application/vnd.oasis.opendocument.text", ".ods" => "application/vnd.oasis.opendocument.spreadsheet", _ => null };
            return null;
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }
}
