using System.Globalization;
using System.Security.Cryptography;
using CchcSurvey.Core.Instruments;
using CchcSurvey.Web.Data;
using CchcSurvey.Web.Surveys;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace CchcSurvey.Web.Pages.Survey;

/// <summary>
/// What every survey form page needs, taken by constructor (one parameter, so that the three pages and this base
/// class do not repeat a list of seven).
/// </summary>
public sealed class SurveyFormServices(SurveyDbContext db, SurveyResolver resolver, SubmissionService submissions, IAntiforgery antiforgery,
    IDataProtectionProvider dataProtection, TimeProvider time, IStringLocalizer<SurveyResource> localizer)
{
    public SurveyDbContext Db => db;
    public SurveyResolver Resolver => resolver;
    public SubmissionService Submissions => submissions;
    public IAntiforgery Antiforgery => antiforgery;
    public IDataProtectionProvider DataProtection => dataProtection;
    public TimeProvider Time => time;
    public IStringLocalizer<SurveyResource> Localizer => localizer;
}

/// <summary>One answer option as rendered: the posted value, its label, and the face (level 1–5) for the quick rating.</summary>
public sealed record OptionView(string Value, string Label, int? FaceLevel = null, bool IsNoOpinion = false);

/// <summary>Consecutive items of a section that share one showWhen condition (null: always shown).</summary>
public sealed record ItemGroup(ItemCondition? Condition, IReadOnlyList<ItemDefinition> Items);

/// <summary>
/// The citizen survey form shared by <c>/s/{counter}</c> (channel qr), <c>/t/{token}</c> (qr) and <c>/kiosk/{counter}</c>
/// (web until tablets can be enrolled, see <see cref="ChannelPolicy"/>):
/// a plain HTML form (works without JavaScript), validated with <see cref="AnswerValidator.ValidateForm"/>,
/// stored through <see cref="SubmissionService"/>, then Post/Redirect/Get to a thank-you page. The hidden
/// submission id is generated when the form is rendered, so a double submit or a refresh is idempotent.
/// The antiforgery token is checked in the handler, not by the framework's filter, so that a citizen whose token
/// is stale (cookie lost, keys rotated, form reopened) gets the form back with the answers and a message, not a bare 400.
/// </summary>
[IgnoreAntiforgeryToken]
public abstract class SurveyFormModel(SurveyFormServices services) : PageModel
{
    public const string SubmissionIdField = "submissionId";
    public const string HoneypotField = "website";
    public const string QuickInstrument = "NHANH";

    /// <summary>A filled-in form is a few kilobytes; far larger posts are refused before they are read.</summary>
    public const int MaxBodyBytes = 64 * 1024;

    public const int MaxFormValues = 500;


    protected IStringLocalizer<SurveyResource> S => services.Localizer;

    /// <summary>The front door shared with the JSON API; the form never caches (a citizen sees the counter as it is now).</summary>
    protected SurveyResolver Resolver => services.Resolver;

    /// <summary>The channel this page's submissions carry (decided by <see cref="ChannelPolicy"/> for the kiosk page).</summary>
    public abstract string Channel { get; }

    /// <summary>The kiosk page (big buttons, back to a fresh form), whatever channel it may send.</summary>
    public virtual bool IsKiosk => false;

    public Counter? Counter { get; protected set; }

    public PublishedInstrument? Instrument { get; private set; }

    public Guid SubmissionId { get; private set; }

    /// <summary>True when the counter or instrument does not exist: the page shows the 404 message.</summary>
    public bool IsNotFound { get; private set; }

    /// <summary>The posted raw values, to keep the answers when the form is shown again.</summary>
    public Dictionary<string, IReadOnlyList<string>> Posted { get; private set; } = new(StringComparer.Ordinal);

    /// <summary>Vietnamese (or English) message per item code.</summary>
    public Dictionary<string, string> Errors { get; } = new(StringComparer.Ordinal);

    public string? FormMessage { get; private set; }

    public string Culture => CultureInfo.CurrentUICulture.Name;

    /// <summary>The quick rating: faces instead of a numeric scale, no "no opinion" option.</summary>
    public bool IsQuick => Instrument?.Code == QuickInstrument;

    /// <summary>The survey's counter and instrument from the route (<c>{counter}/{instrument?}</c>); null when found, else the page to show.</summary>
    protected virtual async Task<IActionResult?> LoadTargetAsync(bool posting, CancellationToken ct)
    {
        var counter = RouteData.Values["counter"]?.ToString() ?? "";
        var instrument = RouteData.Values["instrument"]?.ToString();
        Counter = await Resolver.CounterAsync(counter, SurveyCaching.None, ct);
        if (Counter is null) return NotFoundPage();
        return await LoadInstrumentAsync(instrument, ct) ? null : NotFoundPage();
    }

    /// <summary>The per-dossier token the submission redeems (the <c>/t/{token}</c> page), or null.</summary>
    protected virtual string? TokenForSubmission => null;

    /// <summary>Whether the submission's token was refused because it expired (rather than because it was used).</summary>
    protected virtual Task<bool> TokenExpiredAsync(CancellationToken ct) => Task.FromResult(false);

    /// <summary>A message shown instead of the form (e.g. a used token), with the page's status code.</summary>
    public (string Title, string Message)? Unavailable { get; protected set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (await LoadTargetAsync(posting: false, ct) is { } page) return page;
        SubmissionId = Guid.NewGuid();
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (await LoadTargetAsync(posting: true, ct) is { } page) return page;
        IFormCollection form;
        try
        {
            form = Request.HasFormContentType ? await Request.ReadFormAsync(ct) : FormCollection.Empty;
        }
        catch (InvalidDataException)
        {
            // Over the form limits ([RequestFormLimits]): too many fields or a field too long.
            return Refused(S["Phiếu gửi lên không hợp lệ hoặc quá lớn. Vui lòng điền lại."]);
        }
        if (!Request.HasFormContentType) return Refused(S["Phiếu gửi lên không hợp lệ hoặc quá lớn. Vui lòng điền lại."]);
        _postedStamp = form[RenderedField].ToString();
        Posted = form.Where(f => f.Key != SubmissionIdField && f.Key != HoneypotField && !f.Key.StartsWith("__", StringComparison.Ordinal))
            .ToDictionary(f => f.Key, f => (IReadOnlyList<string>)f.Value.Select(v => v ?? "").ToList(), StringComparer.Ordinal);
        SubmissionId = Guid.TryParse(form[SubmissionIdField].ToString(), out var id) && id != Guid.Empty ? id : Guid.NewGuid();
        var last = Instrument!.Definition.Sections.Count - 1;
        Step = int.TryParse(form[StepField].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var step) ? Math.Clamp(step, 0, last) : last;

        // Missing, stale or tampered token: nothing is stored; the page comes back with a fresh token and the answers kept.
        if (!await services.Antiforgery.IsRequestValidAsync(HttpContext))
            return Refused(S["Phiên làm việc đã hết hạn nên phiếu chưa được ghi nhận. Vui lòng bấm Gửi một lần nữa."]);

        // Honeypot: people never see the field; a bot that fills it gets the thank-you page and nothing is stored.
        if (!string.IsNullOrEmpty(form[HoneypotField].ToString())) return RedirectToThanks(SubmissionId);

        var validation = AnswerValidator.ValidateForm(Instrument.Definition, Posted);
        var nav = form[NavField].ToString();
        if (!validation.IsValid)
        {
            // Back to the step that holds the first bad answer (they only come from tampered or stale forms).
            Step = StepOf(validation.Errors[0].Item) ?? Step;
            foreach (var error in validation.Errors)
            {
                var item = Instrument.Definition.FindItem(error.Item);
                Errors.TryAdd(error.Item, item?.Type == AnswerType.Text
                    ? S["Góp ý dài quá 1000 ký tự, vui lòng rút gọn."]
                    : S["Lựa chọn không hợp lệ, vui lòng chọn lại."]);
            }
            FormMessage = S["Có câu trả lời chưa hợp lệ. Vui lòng xem lại các câu được đánh dấu."];
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        if (nav is NavNext or NavBack)
        {
            // Without JavaScript the answers travel in the form from step to step; nothing is stored before "Gửi".
            Step = Math.Clamp(Step + (nav == NavNext ? 1 : -1), 0, Instrument.Definition.Sections.Count - 1);
            return Page();
        }
        if (validation.Answers.Count == 0)
        {
            FormMessage = IsQuick
                ? S["Vui lòng chọn một mức đánh giá rồi bấm Gửi."]
                : S["Vui lòng trả lời ít nhất một câu hỏi rồi bấm Gửi."];
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        // A kiosk tablet is one device for many citizens: its cookie says nothing about repeats (it still has its own rate limit).
        var result = await services.Submissions.SubmitAsync(new SubmissionCommand(SubmissionId, Counter!, Instrument, Channel, validation.Answers,
            TokenForSubmission, IsKiosk ? null : DeviceCookie.Read(HttpContext), ElapsedSinceRender(_postedStamp)), ct);
        if (result.Status == SubmissionStatus.RateLimited) return new TooManySubmissionsResult(result.RetryAfter ?? TimeSpan.FromMinutes(1));
        if (result.Status == SubmissionStatus.TokenRejected)
            return TokenUnavailablePage(used: !await TokenExpiredAsync(ct));
        if (result.Status == SubmissionStatus.Conflict)
        {
            // The id was used for other answers (e.g. back button, changed answer, submit again): nothing changed.
            FormMessage = S["Phiếu này đã được gửi trước đó với câu trả lời khác, nên lần gửi này chưa được ghi nhận. Nếu muốn gửi câu trả lời mới, vui lòng bấm Gửi một lần nữa."];
            SubmissionId = Guid.NewGuid();
            Response.StatusCode = StatusCodes.Status409Conflict;
            return Page();
        }
        return RedirectToThanks(result.SubmissionId);
    }

    /// <summary>The form again with a message and nothing stored (400 unless told otherwise).</summary>
    protected PageResult Refused(string message, int status = StatusCodes.Status400BadRequest)
    {
        FormMessage = message;
        if (SubmissionId == Guid.Empty) SubmissionId = Guid.NewGuid();
        Response.StatusCode = status;
        return Page();
    }

    private IActionResult RedirectToThanks(Guid id)
    {
        var code = Uri.EscapeDataString(Counter!.Code);
        var culture = CultureQuery();
        return Redirect(IsKiosk
            ? $"/kiosk/{code}/cam-on{(culture.Length > 0 ? "?" + culture : "")}"
            : $"/s/{code}/cam-on/{id}{(culture.Length > 0 ? "?" + culture : "")}");
    }

    /// <summary>"culture=en" when the request asked for a culture explicitly, so the next page keeps the language.</summary>
    private string CultureQuery()
    {
        var culture = Request.Query["culture"].ToString();
        return culture is "en" or "vi" ? "culture=" + culture : "";
    }

    /// <summary>Loads the instrument (the counter's default when none is named) of the already loaded <see cref="Counter"/>.</summary>
    protected async Task<bool> LoadInstrumentAsync(string? instrumentCode, CancellationToken ct)
    {
        if (Counter is null) return false;
        // A typed or shared URL may differ in case or spaces; the API takes codes exactly.
        var code = string.IsNullOrWhiteSpace(instrumentCode) ? null : instrumentCode.Trim().ToUpperInvariant();
        ViewData["UnitName"] = Counter.Unit.Name;
        ViewData["CounterName"] = Counter.Name;
        Instrument = (await Resolver.InstrumentAsync(Counter, code, null, SurveyCaching.None, ct)).Instrument;
        if (Instrument is null) return false;
        await LoadLanguageAsync(ct);
        ViewData["Title"] = TitleText;
        return true;
    }

    // ---------------------------------------------------------------- languages beyond vi and en, recordings

    /// <summary>The languages of this instrument version beyond vi and en.</summary>
    public IReadOnlyList<LanguageChoice> Languages { get; private set; } = [];

    /// <summary>The chosen translation (tyz, nut, …), or null for Vietnamese / English.</summary>
    public InstrumentTranslation? Translation { get; private set; }

    /// <summary>The language of the questions: the translation's code, or vi / en.</summary>
    public string Language => Translation?.Language ?? (Culture.StartsWith("en", StringComparison.Ordinal) ? "en" : "vi");

    /// <summary>Item code → URL of the recording of its question in <see cref="Language"/>.</summary>
    public IReadOnlyDictionary<string, string> Recordings { get; private set; } = new Dictionary<string, string>();

    /// <summary>
    /// <c>?lang=CODE</c> picks a language (remembered on the device in a cookie); vi and en go back to the
    /// instrument's own texts. An unknown code is ignored.
    /// </summary>
    private async Task LoadLanguageAsync(CancellationToken ct)
    {
        Languages = await InstrumentLanguages.LanguagesAsync(services.Db, Instrument!.VersionId, ct);
        var asked = Request.Query["lang"].ToString().Trim().ToLowerInvariant();
        var chosen = asked.Length > 0 ? asked : Request.Cookies[InstrumentLanguages.LanguageCookie] ?? "";
        if (asked is "vi" or "en")
            Response.Cookies.Delete(InstrumentLanguages.LanguageCookie);
        else if (Languages.Any(l => l.Code == chosen))
        {
            Translation = await InstrumentLanguages.TranslationAsync(services.Db, Instrument, chosen, ct);
            if (asked.Length > 0 && Translation is not null)
                Response.Cookies.Append(InstrumentLanguages.LanguageCookie, chosen, new CookieOptions
                {
                    HttpOnly = true, SameSite = SameSiteMode.Lax, Secure = Request.IsHttps, IsEssential = true, Path = "/", MaxAge = TimeSpan.FromDays(365),
                });
        }
        Recordings = await InstrumentLanguages.RecordingsAsync(services.Db, Instrument.VersionId, Language, ct);
    }

    /// <summary>The citizen-facing title (plain words); the official name with its legal basis is for officials.</summary>
    public string TitleText => Translation?.Title ?? (Instrument!.Definition.CitizenTitle ?? Instrument.Definition.Title).For(Culture);

    public string? IntroText => Translation?.Intro ?? Instrument!.Definition.Intro?.For(Culture);

    /// <summary>
    /// True when an intro already tells citizens they may skip questions (SIPAS-DV's does, in Vietnamese and
    /// English), so the form's own hint is not said a second time.
    /// </summary>
    public static bool SaysSkip(string? intro) => intro is not null
        && (intro.Contains("bỏ qua", StringComparison.OrdinalIgnoreCase) || intro.Contains("skip", StringComparison.OrdinalIgnoreCase));

    public string SectionTitle(SectionDefinition section) => Translation?.SectionTitle(section) ?? section.Title.For(Culture);

    public string ItemText(ItemDefinition item) => Translation?.ItemText(item) ?? item.Text.For(Culture);

    /// <summary>The 409 page of a per-dossier token that was already used or has expired: nothing is stored.</summary>
    protected PageResult TokenUnavailablePage(bool used)
    {
        Unavailable = used
            ? (S["Mã khảo sát đã được sử dụng"].Value, S["Mã khảo sát in trên phiếu hẹn này đã được dùng để gửi đánh giá, mỗi mã chỉ dùng được một lần. Cảm ơn ông/bà đã tham gia."].Value)
            : (S["Mã khảo sát đã hết hạn"].Value, S["Mã khảo sát in trên phiếu hẹn này đã hết hạn. Ông/bà vẫn có thể đánh giá bằng mã QR dán tại quầy."].Value);
        ViewData["Title"] = Unavailable.Value.Title;
        Response.StatusCode = StatusCodes.Status409Conflict;
        return Page();
    }

    protected PageResult NotFoundPage(string? message = null)
    {
        if (message is not null) ViewData["NotFoundMessage"] = message;
        IsNotFound = true;
        ViewData["Title"] = S["Không tìm thấy trang khảo sát"].Value;
        Response.StatusCode = StatusCodes.Status404NotFound;
        return Page();
    }

    /// <summary>Sets the anonymous device cookie (rate limiting only) and remembers an explicit language choice.</summary>
    public override void OnPageHandlerExecuting(PageHandlerExecutingContext context)
    {
        ViewData["BodyClass"] = IsKiosk ? "citizen kiosk" : "citizen";
        EnsureDeviceCookie(HttpContext);
        RememberCulture(HttpContext);
    }

    public static void EnsureDeviceCookie(HttpContext http) => DeviceCookie.Ensure(http);

    public static void RememberCulture(HttpContext http)
    {
        var culture = http.Request.Query["culture"].ToString();
        if (culture is not ("en" or "vi")) return;
        http.Response.Cookies.Append(CookieRequestCultureProvider.DefaultCookieName,
            CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture)),
            new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Lax, Secure = http.Request.IsHttps, IsEssential = true, Path = "/", MaxAge = TimeSpan.FromDays(365) });
    }

    // ---------------------------------------------------------------- time since the form was shown

    /// <summary>Hidden field with the protected time the form was first shown ("__" keeps it out of the answers).</summary>
    public const string RenderedField = "__rendered";

    private IDataProtector Protector => services.DataProtection.CreateProtector("CchcSurvey.SurveyForm.Rendered");

    private long NowMs => services.Time.GetUtcNow().ToUnixTimeMilliseconds();

    private string? _postedStamp;

    private long? RenderedAt(string stamp)
    {
        if (string.IsNullOrEmpty(stamp)) return null;
        try
        {
            return long.TryParse(Protector.Unprotect(stamp), NumberStyles.None, CultureInfo.InvariantCulture, out var ms) ? ms : null;
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    /// <summary>
    /// Seconds since the form was first shown, from the server's own protected stamp (cannot be forged, needs no
    /// JavaScript, never stored); null when the stamp is missing or tampered with.
    /// </summary>
    private double? ElapsedSinceRender(string stamp) => RenderedAt(stamp) is long ms ? Math.Max(0, (NowMs - ms) / 1000.0) : null;

    /// <summary>The stamp to render: the posted one when valid (the form shown again keeps its first time), else now.</summary>
    public string RenderedStamp
    {
        get
        {
            // Only a form that was read successfully counts (reading an over-limit form again would throw).
            var posted = _postedStamp ?? "";
            return RenderedAt(posted) is not null ? posted : Protector.Protect(NowMs.ToString(CultureInfo.InvariantCulture));
        }
    }

    // ---------------------------------------------------------------- rendering helpers

    public IEnumerable<ItemGroup> Groups(SectionDefinition section)
    {
        var current = new List<ItemDefinition>();
        ItemCondition? condition = null;
        foreach (var item in section.Items)
        {
            if (current.Count > 0 && item.ShowWhen != condition)
            {
                yield return new ItemGroup(condition, current);
                current = [];
            }
            condition = item.ShowWhen;
            current.Add(item);
        }
        if (current.Count > 0) yield return new ItemGroup(condition, current);
    }

    public string ConditionLabel(ItemCondition condition) => condition is { Min: null, Max: int max } && max <= 3
        ? S["Nếu chưa hài lòng (chọn mức 1 đến {0} ở trên), ông/bà có thể cho biết thêm:", max]
        : S["Chỉ trả lời nếu phù hợp với lựa chọn ở câu trên:"];

    /// <summary>The options of a single- or multi-choice item, in order, with "Không ý kiến" where sensible.</summary>
    public IReadOnlyList<OptionView> Options(ItemDefinition item)
    {
        var c = Culture;
        var options = new List<OptionView>();
        switch (item.Type)
        {
            case AnswerType.Likert5:
            case AnswerType.Likert3:
                var count = item.Type == AnswerType.Likert5 ? 5 : 3;
                string[] defaults = item.Type == AnswerType.Likert5
                    ? [S["Rất không hài lòng"], S["Không hài lòng"], S["Bình thường"], S["Hài lòng"], S["Rất hài lòng"]]
                    : [S["Không hài lòng"], S["Hài lòng"], S["Rất hài lòng"]];
                for (var level = 1; level <= count; level++)
                {
                    var label = Translation?.ScaleLabel(item, level)
                        ?? (item.Scale is { } scale && scale.Count == count ? scale[level - 1].For(c) : defaults[level - 1]);
                    int? face = IsQuick && count == 5 ? level : null;
                    options.Add(new OptionView(level.ToString(CultureInfo.InvariantCulture), label, face));
                }
                break;
            case AnswerType.YesNo:
                options.Add(new OptionView("1", S["Có"]));
                options.Add(new OptionView("0", S["Không"]));
                break;
            case AnswerType.Choice:
            case AnswerType.Points:
            case AnswerType.Multi:
                options.AddRange(item.Options.Select(o => new OptionView(o.Code, Translation?.OptionLabel(item, o) ?? o.Label.For(c))));
                break;
        }
        if (!IsQuick && item.Type is not (AnswerType.Multi or AnswerType.Text))
            options.Add(new OptionView(AnswerValidator.NoOpinionValue, item.NoOpinion?.For(c) ?? S["Không ý kiến"], IsNoOpinion: true));
        return options;
    }

    // ---------------------------------------------------------------- one section per screen

    /// <summary>Hidden field with the section shown (0-based); "__" keeps it out of the answers.</summary>
    public const string StepField = "__step";

    /// <summary>The name of the Next / Back / Send buttons; Next and Back store nothing.</summary>
    public const string NavField = "__nav";

    public const string NavNext = "next";
    public const string NavBack = "back";

    /// <summary>Seconds a citizen needs per question on average, for "còn khoảng N phút" (an estimate, rounded up).</summary>
    private const int SecondsPerItem = 10;

    /// <summary>The section shown on this screen (0 on first load).</summary>
    public int Step { get; private set; }

    private int? StepOf(string itemCode)
    {
        var sections = Instrument!.Definition.Sections;
        for (var i = 0; i < sections.Count; i++)
            if (sections[i].Items.Any(x => x.Code == itemCode)) return i;
        return null;
    }

    /// <summary>Minutes still needed from the start of section <paramref name="step"/>: questions left × 10 s, at least 1.</summary>
    public int MinutesLeft(int step)
    {
        var items = Instrument!.Definition.Sections.Skip(step).Sum(sec => sec.Items.Count(i => i.ShowWhen is null));
        return Math.Max(1, (items * SecondsPerItem + 59) / 60);
    }

    public bool IsChecked(string item, string value) => Posted.TryGetValue(item, out var values) && values.Contains(value);

    public string PostedText(string item) => Posted.TryGetValue(item, out var values) && values.Count > 0 ? values[0] : "";
}
