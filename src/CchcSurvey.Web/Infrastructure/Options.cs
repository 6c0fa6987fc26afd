namespace CchcSurvey.Web.Infrastructure;

/// <summary><c>Database:*</c> — which provider the app runs on.</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";

    /// <summary><c>Sqlite</c> (default, embedded) or <c>Postgres</c>.</summary>
    public string Provider { get; set; } = "Sqlite";

    /// <summary>SQLite only: PRAGMA synchronous. FULL makes every acknowledged commit survive a power cut.</summary>
    public string SqliteSynchronous { get; set; } = "FULL";

    public bool IsPostgres => string.Equals(Provider, "Postgres", StringComparison.OrdinalIgnoreCase)
        || string.Equals(Provider, "PostgreSQL", StringComparison.OrdinalIgnoreCase);
}

/// <summary><c>Survey:*</c> — settings of the survey and its figures.</summary>
public sealed class SurveyOptions
{
    public const string Section = "Survey";

    /// <summary>Figures with fewer answers are "chưa đủ dữ liệu" (docs/methodology.md §4.9). Never below 5.</summary>
    public int MinN { get; set; } = 10;

    /// <summary>Local time zone of the organisation: dates on receipts and periods on dashboards.</summary>
    public string TimeZone { get; set; } = "Asia/Ho_Chi_Minh";

    /// <summary>Absolute base URL printed in QR codes (e.g. https://khaosat.langson.gov.vn); the request's own when empty.</summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>Who runs the survey, named in the citizens' trust panel and on the QR poster (Vietnamese).</summary>
    public string Operator { get; set; } = "Sở Nội vụ tỉnh Lạng Sơn";

    /// <summary><see cref="Operator"/> in English, for the English pages.</summary>
    public string OperatorEn { get; set; } = "the Lạng Sơn Department of Home Affairs";
    /// <summary>
    /// The instrument figures show when none is chosen (dashboard, ranking API, report and public headline). When it is
    /// empty or not published: the first published instrument with elements (InstrumentRegistry.DefaultAsync).
    /// </summary>
    public string? DefaultInstrument { get; set; }

    public int EffectiveMinN => Math.Max(5, MinN);
}

/// <summary><c>Demo:*</c> — the demo organisation seeded on first start (Development by default).</summary>
public sealed class DemoOptions
{
    public const string Section = "Demo";

    public bool Enabled { get; set; }

    /// <summary>Plausible responses generated on first start so that dashboards have something to show.</summary>
    public int Responses { get; set; } = 3000;

    public string AdminEmail { get; set; } = "admin@vanquan.demo";

    /// <summary>
    /// "2023": Văn Quan district as in 2023 (the default). "2025": the same, then the 2025 crosswalk
    /// (data/demo/lang-son-2025-crosswalk.csv) applied on first start: province → commune-level units, history merged.
    /// </summary>
    public string Organisation { get; set; } = "2023";

    /// <summary>When empty a random password is generated and printed once.</summary>
    public string? AdminPassword { get; set; }
}

/// <summary><c>RateLimiting:*</c> — limits on anonymous submissions.</summary>
public sealed class RateLimitingOptions
{
    public const string Section = "RateLimiting";

    public bool Enabled { get; set; } = true;

    /// <summary>Submissions one device (cookie) may send per minute.</summary>
    public int PerDevicePerMinute { get; set; } = 20;

    /// <summary>Submissions one counter may receive per minute, all devices together.</summary>
    public int PerCounterPerMinute { get; set; } = 120;

    /// <summary>Submissions an enrolled kiosk tablet may send at once (its queue after an outage).</summary>
    public int KioskBurst { get; set; } = 500;

    /// <summary>Submissions per minute that refill an enrolled tablet's allowance.</summary>
    public int PerKioskPerMinute { get; set; } = 120;
}

/// <summary><c>Tokens:*</c> — per-dossier single-use survey tokens.</summary>
public sealed class DossierTokenOptions
{
    public const string Section = "Tokens";

    /// <summary>Days a printed token stays valid.</summary>
    public double LifetimeDays { get; set; } = 7;
}

/// <summary><c>Integrity:*</c> — when a response is flagged as suspect (never deleted).</summary>
public sealed class IntegrityOptions
{
    public const string Section = "Integrity";

    /// <summary>Responses from one counter in one hour beyond this count are flagged Burst.</summary>
    public int BurstPerCounterPerHour { get; set; } = 60;

    /// <summary>
    /// Hours within which the same device at the same counter is flagged RepeatDevice; at most 24, because device
    /// keys rotate daily and only the previous day's key is used for matching.
    /// </summary>
    public int RepeatDeviceHours { get; set; } = 24;

    public int EffectiveRepeatDeviceHours => Math.Clamp(RepeatDeviceHours, 1, 24);

    /// <summary>All-top answers sent in fewer seconds than this are flagged TooFast, per instrument code.</summary>
    public Dictionary<string, double> TooFastSeconds { get; set; } = new(StringComparer.OrdinalIgnoreCase) { ["NHANH"] = 3 };

    /// <summary>The TooFast threshold of instruments not listed in <see cref="TooFastSeconds"/> (the long questionnaires).</summary>
    public double TooFastSecondsDefault { get; set; } = 20;

    /// <summary>Device sightings (hashed) and their daily secrets are deleted after this many hours.</summary>
    public int SightingRetentionHours { get; set; } = 72;

    public double TooFastThreshold(string instrument) =>
        TooFastSeconds.TryGetValue(instrument, out var seconds) ? seconds : TooFastSecondsDefault;
}

/// <summary><c>Security:*</c> — officials' accounts: two-factor sign-in and how soon a changed account ends its sessions.</summary>
public sealed class SecurityOptions
{
    public const string Section = "Security";

    /// <summary>Roles that must sign in with an authenticator app (comma-separated; empty: nobody must).</summary>
    public string RequireTwoFactor { get; set; } = Data.Roles.Admin;

    /// <summary>
    /// Seconds between two checks of a session cookie against its account (security stamp), 0 to 60. At 0 (the
    /// default) every request checks, so signing out, a lock, a demotion or a new scope ends the session at once.
    /// </summary>
    public int SessionValidationSeconds { get; set; }

    public IReadOnlyList<string> TwoFactorRoles =>
        RequireTwoFactor.Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public TimeSpan SessionValidationInterval => TimeSpan.FromSeconds(Math.Clamp(SessionValidationSeconds, 0, 60));
}

/// <summary><c>DataProtection:*</c> — the certificate that encrypts the Data Protection keys stored in the database.</summary>
public sealed class DataProtectionKeyOptions
{
    public const string Section = "DataProtection";

    /// <summary>A PKCS#12 file (.pfx/.p12) with the certificate and its private key; required in Production.</summary>
    public string? Certificate { get; set; }

    public string? CertificatePassword { get; set; }
}

/// <summary><c>ForwardedHeaders:*</c> — the TLS-terminating reverse proxies whose X-Forwarded-Proto is believed.</summary>
public sealed class ProxyOptions
{
    public const string Section = "ForwardedHeaders";

    /// <summary>IP addresses of the proxies (comma-separated). Empty: forwarded headers are ignored.</summary>
    public string KnownProxies { get; set; } = "";

    /// <summary>Networks of the proxies in CIDR notation (comma-separated), e.g. 10.0.0.0/24.</summary>
    public string KnownNetworks { get; set; } = "";
}
