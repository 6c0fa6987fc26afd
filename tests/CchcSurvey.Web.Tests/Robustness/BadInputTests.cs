using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using CchcSurvey.Core.Instruments;
using CchcSurvey.Web.Tests.Infrastructure;
using CchcSurvey.Web.Tests.Pages.Survey;
using Xunit.Abstractions;

namespace CchcSurvey.Web.Tests.Robustness;

/// <summary>
/// The bad-input test: thousands of generated malformed requests to POST /api/v1/responses and to the citizen
/// form (/s/{counter}, /kiosk/{counter}). Never a 5xx; the API always answers problem details with a title, the
/// form a 400 page with a visible message (or the 404 page); and no rejected request changes the database.
/// The generator is deterministic (fixed seed), so a failure names a case that can be replayed.
/// </summary>
public sealed class BadInputTests(SurveyAppFactory factory, ITestOutputHelper output) : IClassFixture<SurveyAppFactory>
{
    private const int Seed = 20261125;
    private const string ApiUrl = "/api/v1/responses";

    /// <summary>What a case must do: be refused, be stored (valid), or either (text the validator may keep).</summary>
    private enum Expect { Reject, Accept, Either }

    private sealed record ApiCase(string Category, string Name, byte[] Body, string? ContentType, Expect Expect);

    private sealed record FormCase(string Category, string Name, string Url, HttpContent Content, Expect Expect, HttpClient? Client = null);

    private static readonly IReadOnlyList<InstrumentDefinition> Instruments = InstrumentCatalog.LoadBuiltIn().GroupBy(i => i.Code).Select(g => g.MaxBy(i => i.Version)!).ToList(); // what the site serves: the current version of each

    private static readonly string[] SqlStrings =
    [
        "' OR '1'='1", "'; DROP TABLE Responses; --", "1; DELETE FROM Responses", "\" OR \"\"=\"", "' UNION SELECT * FROM Users --",
        "admin'--", "1' AND SLEEP(5)#", "%' OR 1=1 --",
    ];

    private static readonly string[] HtmlStrings =
    [
        "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "\"><svg onload=alert(1)>", "javascript:alert(1)",
        "<iframe src=//evil.example>", "&lt;b&gt;", "{{7*7}}", "${7*7}",
    ];

    private static readonly string[] FormulaStrings =
    [
        "=cmd|' /C calc'!A0", "+SUM(1,2)", "@SUM(1+1)", "-1+1", "=HYPERLINK(\"http://evil.example\",\"x\")", "=1+1", "\t=1", "\r=1",
    ];

    // ------------------------------------------------------------------------------------------- the API

    [Fact]
    public async Task Robustness_thousands_of_malformed_API_requests_are_refused_with_problem_details_and_store_nothing()
    {
        var client = factory.CreateClient();
        var counters = await CountersByInstrumentAsync(client);
        var rng = new Random(Seed);
        var cases = new ApiCaseGenerator(rng, counters).Generate();
        Assert.True(cases.Count(c => c.Expect != Expect.Accept) >= 1500, $"only {cases.Count} API cases");

        var byCategory = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var byStatus = new SortedDictionary<int, int>();
        var failures = new List<string>();
        var acceptedEither = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var fingerprint = Fingerprint();
        foreach (var c in cases)
        {
            using var content = new ByteArrayContent(c.Body);
            content.Headers.ContentType = null;
            if (c.ContentType is not null) content.Headers.TryAddWithoutValidation("Content-Type", c.ContentType);
            HttpResponseMessage response;
            try { response = await client.PostAsync(ApiUrl, content); }
            catch (Exception e) { failures.Add($"[{c.Category}] {c.Name}: the request threw {e.GetType().Name}: {e.Message}"); fingerprint = Fingerprint(); continue; }
            using (response)
            {
                var status = (int)response.StatusCode;
                byCategory[c.Category] = byCategory.GetValueOrDefault(c.Category) + 1;
                byStatus[status] = byStatus.GetValueOrDefault(status) + 1;
                var body = await response.Content.ReadAsStringAsync();
                var after = Fingerprint();
                var stored = after != fingerprint;
                string? problem = null;
                if (status >= 500) problem = $"server error {status}: {Shorten(body)}";
                else if (status is 200 or 201)
                {
                    if (c.Expect == Expect.Reject) problem = $"accepted ({status}) a request that must be refused";
                    else if (status == 201 && after.Count != fingerprint.Count + 1) problem = $"201 but the count went {fingerprint.Count} → {after.Count}";
                    else if (status == 200 && stored) problem = "200 (replay) but the database changed";
                    if (c.Expect == Expect.Either) acceptedEither[c.Category] = acceptedEither.GetValueOrDefault(c.Category) + 1;
                }
                else
                {
                    if (c.Expect == Expect.Accept) problem = $"refused ({status}) a valid request: {Shorten(body)}";
                    else if (status is not (400 or 404 or 409 or 413 or 415 or 422)) problem = $"unexpected status {status}";
                    else if (response.Content.Headers.ContentType?.MediaType != "application/problem+json") problem = $"{status} without problem details ({response.Content.Headers.ContentType})";
                    else if (!HasTitle(body)) problem = $"{status} problem details without a title: {Shorten(body)}";
                    if (stored) problem = (problem is null ? "" : problem + "; ") + $"refused ({status}) but the database changed {fingerprint} → {after}";
                }
                if (problem is not null) failures.Add($"[{c.Category}] {c.Name}: {problem}");
                fingerprint = after;
            }
        }

        output.WriteLine($"API requests: {cases.Count} ({cases.Count(c => c.Expect == Expect.Reject)} must be refused, " +
                         $"{cases.Count(c => c.Expect == Expect.Either)} may be stored (text answers, BOM) of which {acceptedEither.Values.Sum()} were, " +
                         $"{cases.Count(c => c.Expect == Expect.Accept)} valid controls)");
        output.WriteLine("By category: " + string.Join(", ", byCategory.Select(p => $"{p.Key} {p.Value}")));
        output.WriteLine("By status: " + string.Join(", ", byStatus.Select(p => $"{p.Key}: {p.Value}")));
        output.WriteLine("Stored although odd (valid by the rules): " + string.Join(", ", acceptedEither.Select(p => $"{p.Key} {p.Value}")));
        foreach (var f in failures.Take(50)) output.WriteLine("FAIL " + f);
        Assert.True(failures.Count == 0, $"{failures.Count} of {cases.Count} API cases failed; first: {string.Join(" | ", failures.Take(8))}");
    }

    private sealed class ApiCaseGenerator(Random rng, IReadOnlyDictionary<string, string> counters)
    {
        private readonly List<ApiCase> _cases = [];
        private readonly HashSet<Guid> _ids = [];

        public List<ApiCase> Generate()
        {
            WrongTypes();
            OutOfRange();
            UnknownItems();
            ForeignItems();
            UnmetConditions();
            Fields();
            SubmissionIds();
            UnknownReferences();
            Tokens();
            Injection("sql", SqlStrings);
            Injection("html", HtmlStrings);
            Injection("formula", FormulaStrings);
            Syntax();
            Encodings();
            ContentTypes();
            Sizes();
            // Valid controls interleaved: the counter must move when it should.
            var controls = Enumerable.Range(0, 40).Select(_ => Valid()).ToList();
            var all = _cases.OrderBy(_ => rng.Next()).ToList();
            for (var i = 0; i < controls.Count; i++) all.Insert(Math.Min(all.Count, (i + 1) * all.Count / (controls.Count + 1)), controls[i]);
            return all;
        }

        private Guid NewId()
        {
            var bytes = new byte[16];
            rng.NextBytes(bytes);
            bytes[7] = (byte)(bytes[7] & 0x0F | 0x40);
            bytes[8] = (byte)(bytes[8] & 0x3F | 0x80);
            var id = new Guid(bytes);
            _ids.Add(id);
            return id;
        }

        private static string J(string s) => JsonSerializer.Serialize(s);

        private InstrumentDefinition AnyInstrument() => Instruments[rng.Next(Instruments.Count)];

        private static InstrumentDefinition Instrument(string code) => Instruments.Single(i => i.Code == code);

        /// <summary>A valid value for an item, as raw JSON.</summary>
        private string ValidValue(ItemDefinition item) => item.Type switch
        {
            AnswerType.Likert5 => rng.Next(1, 6).ToString(),
            AnswerType.Likert3 => rng.Next(1, 4).ToString(),
            AnswerType.YesNo => rng.Next(0, 2).ToString(),
            AnswerType.Choice or AnswerType.Points => J(item.Options[rng.Next(item.Options.Count)].Code),
            AnswerType.Multi => "[" + J(item.Options[rng.Next(item.Options.Count)].Code) + "]",
            _ => J("Cán bộ nhiệt tình"),
        };

        /// <summary>A few valid answers; conditional items only with their condition met.</summary>
        private List<(string Name, string Raw)> ValidAnswers(InstrumentDefinition def, string? except = null)
        {
            var answers = new List<(string, string)>();
            if (def.Code == "NHANH")
            {
                var hl = rng.Next(1, 6);
                answers.Add(("HL", hl.ToString()));
                if (hl <= 3 && except is null) answers.Add(("LY_DO", "[\"cho_lau\"]"));
                return answers.Where(a => a.Item1 != except).ToList();
            }
            foreach (var item in def.Items.Where(i => i.ShowWhen is null && i.Code != except).OrderBy(_ => rng.Next()).Take(4))
                answers.Add((item.Code, ValidValue(item)));
            return answers;
        }

        private static string Answers(IEnumerable<(string Name, string Raw)> answers) =>
            "{" + string.Join(",", answers.Select(a => $"{J(a.Name)}:{a.Raw}")) + "}";

        private List<(string Name, string Raw)> Envelope(InstrumentDefinition def, IEnumerable<(string Name, string Raw)> answers, Guid? id = null) =>
        [
            ("submissionId", J((id ?? NewId()).ToString())),
            ("counter", J(counters[def.Code])),
            ("instrument", J(def.Code)),
            // channel kiosk needs an enrolled tablet of one counter (Kiosks/KioskTabletTests), so the mix is qr and web.
            ("channel", J(rng.Next(2) == 0 ? "qr" : "web")),
            ("answers", Answers(answers)),
        ];

        private static string Object(IEnumerable<(string Name, string Raw)> fields) =>
            "{" + string.Join(",", fields.Select(f => $"{J(f.Name)}:{f.Raw}")) + "}";

        private void Add(string category, string name, string json, Expect expect = Expect.Reject, string? contentType = "application/json") =>
            _cases.Add(new ApiCase(category, name, Encoding.UTF8.GetBytes(json), contentType, expect));

        private void AddBytes(string category, string name, byte[] body, Expect expect = Expect.Reject, string? contentType = "application/json") =>
            _cases.Add(new ApiCase(category, name, body, contentType, expect));

        private ApiCase Valid()
        {
            var def = AnyInstrument();
            return new ApiCase("valid-control", $"valid {def.Code}", Encoding.UTF8.GetBytes(Object(Envelope(def, ValidAnswers(def)))), "application/json", Expect.Accept);
        }

        /// <summary>One answer replaced with a bad value, the others valid.</summary>
        private void AddAnswer(string category, InstrumentDefinition def, ItemDefinition item, string raw, Expect expect = Expect.Reject)
        {
            var answers = ValidAnswers(def, item.Code);
            if (item.ShowWhen is { } condition)
            {
                // Meet the condition so that the bad value, not the condition, is what is refused.
                answers.RemoveAll(a => a.Name == condition.Item);
                answers.Add((condition.Item, (condition.Max ?? condition.Min ?? 1).ToString()));
            }
            answers.Insert(rng.Next(answers.Count + 1), (item.Code, raw));
            Add(category, $"{def.Code}.{item.Code}={Shorten(raw)}", Object(Envelope(def, answers)), expect);
        }

        private void WrongTypes()
        {
            foreach (var def in Instruments)
            foreach (var item in def.Items)
            {
                string[] bad = item.Type switch
                {
                    AnswerType.Likert5 or AnswerType.Likert3 or AnswerType.YesNo =>
                        ["\"1\"", "\"abc\"", "1.5", "1.0", "true", "false", "[1]", "{\"value\":1}", "99999999999999999999", "-3", "1e309", "\"\"", "[]"],
                    AnswerType.Choice or AnswerType.Points =>
                        [J("khong_co"), "1", "0", J(item.Options[0].Code.ToUpperInvariant() + "X"), J(" " + item.Options[0].Code), "\"\"", $"[{J(item.Options[0].Code)}]", "true", "{}"],
                    AnswerType.Multi =>
                        [$"[{J(item.Options[0].Code)},{J(item.Options[0].Code)}]", "[\"khong_co\"]", "[]", J(item.Options[0].Code), "[1]", "[null]",
                         $"[{J(item.Options[0].Code)},\"khong_co\"]", "{\"0\":\"x\"}", "true", "5", $"[[{J(item.Options[0].Code)}]]"],
                    _ => [J(new string('a', 1001)), J(new string('ư', 5000)), "123", "true", "[\"a\"]", "{\"text\":\"a\"}"],
                };
                foreach (var raw in bad) AddAnswer("wrong-type", def, item, raw);
            }
        }

        private void OutOfRange()
        {
            foreach (var def in Instruments)
            foreach (var item in def.Items.Where(i => i.Type is AnswerType.Likert5 or AnswerType.Likert3 or AnswerType.YesNo))
            {
                var (min, max) = AnswerRules.IntegerRange(item.Type);
                foreach (var v in new long[] { min - 1, max + 1, -1, int.MaxValue, int.MinValue, 2147483648 }.Distinct().Where(v => v < min || v > max))
                    AddAnswer("out-of-range", def, item, v.ToString());
            }
        }

        private void UnknownItems()
        {
            string[] names = ["XYZ", "hl", "Hl", "HL ", " HL", "", "HL\u0000", "__proto__", "constructor", "answers", "1", "ĐÁNH_GIÁ", "HL.1", "HL[0]", "C10", "TC0"];
            foreach (var def in Instruments)
            foreach (var name in names)
            {
                var answers = ValidAnswers(def);
                answers.Add((name, "1"));
                Add("unknown-item", $"{def.Code}.{Shorten(name)}", Object(Envelope(def, answers)));
            }
        }

        private void ForeignItems()
        {
            foreach (var def in Instruments)
            foreach (var other in Instruments.Where(o => o != def))
            foreach (var item in other.Items.Where(i => def.FindItem(i.Code) is null).OrderBy(_ => rng.Next()).Take(5))
            {
                var answers = ValidAnswers(def);
                answers.Add((item.Code, ValidValue(item)));
                Add("foreign-item", $"{other.Code}.{item.Code} sent as {def.Code}", Object(Envelope(def, answers)));
            }
        }

        private void UnmetConditions()
        {
            var nhanh = Instrument("NHANH");
            foreach (var hl in new string?[] { "4", "5", null })
            foreach (var (name, raw) in new[] { ("LY_DO", "[\"cho_lau\"]"), ("LY_DO", "[\"phi\",\"khac\"]"), ("GOP_Y", J("Chờ lâu")), ("GOP_Y", J("=1+1")) })
            {
                List<(string, string)> answers = hl is null ? [] : [("HL", hl)];
                answers.Add((name, raw));
                Add("unmet-condition", $"NHANH HL={hl ?? "missing"} {name}={raw}", Object(Envelope(nhanh, answers)));
            }
            foreach (var hl in new[] { "null", "\"na\"" })
                Add("unmet-condition", $"NHANH HL={hl} LY_DO", Object(Envelope(nhanh, [("HL", hl), ("LY_DO", "[\"cho_lau\"]")])));
        }

        private void Fields()
        {
            string[] required = ["submissionId", "counter", "instrument", "channel", "answers"];
            foreach (var def in Instruments)
            {
                foreach (var field in required)
                {
                    var fields = Envelope(def, ValidAnswers(def));
                    Add("missing-field", $"{def.Code} without {field}", Object(fields.Where(f => f.Name != field)));
                    Add("null-field", $"{def.Code} {field}=null", Object(fields.Select(f => f.Name == field ? (f.Name, "null") : f)));
                    foreach (var renamed in new[] { field.ToUpperInvariant(), char.ToUpperInvariant(field[0]) + field[1..], field + "s", field.Replace("Id", "_id") + "_" })
                        Add("wrong-field-name", $"{def.Code} {field} as {renamed}", Object(fields.Select(f => f.Name == field ? (renamed, f.Raw) : f)));
                    foreach (var wrong in new[] { "1", "true", "[]", "{}", "\"\"" }.Where(w => !(field == "answers" && w == "{}")))
                        Add("wrong-field-type", $"{def.Code} {field}={wrong}", Object(fields.Select(f => f.Name == field ? (f.Name, wrong) : f)));
                }
                foreach (var (name, raw) in new[] { ("extra", "1"), ("id", "1"), ("__proto__", "{}"), ("unit", J("VQ")), ("Answers", "{}"), ("receipt", J("/r/x")), ("", "0") })
                {
                    var fields = Envelope(def, ValidAnswers(def));
                    fields.Insert(rng.Next(fields.Count + 1), (name, raw));
                    Add("extra-field", $"{def.Code} +{name}", Object(fields));
                }
                Add("empty-answers", $"{def.Code} no answers", Object(Envelope(def, [])), Expect.Either);
            }
        }

        private void SubmissionIds()
        {
            string[] ids =
            [
                "", " ", "123", "not-a-uuid", Guid.Empty.ToString(), "00000000-0000-0000-0000-00000000000g", new string('1', 36),
                "0c5e8b0e-1f2a-4b3c-9d4e-5f6a7b8c9d0e0", "0c5e8b0e-1f2a-4b3c-9d4e", "{}", new string('a', 101),
            ];
            foreach (var def in Instruments)
            {
                foreach (var id in ids)
                    Add("bad-submission-id", $"{def.Code} id={Shorten(id)}",
                        Object(Envelope(def, ValidAnswers(def)).Select(f => f.Name == "submissionId" ? (f.Name, J(id)) : f)));
                foreach (var raw in new[] { "123", "true", "[\"" + Guid.NewGuid() + "\"]", "{\"id\":1}" })
                    Add("bad-submission-id", $"{def.Code} id={raw}", Object(Envelope(def, ValidAnswers(def)).Select(f => f.Name == "submissionId" ? (f.Name, raw) : f)));
            }
        }

        private void UnknownReferences()
        {
            foreach (var def in Instruments)
            {
                foreach (var counter in new[] { "NOPE-Q1", counters[def.Code].ToLowerInvariant(), counters[def.Code] + " ", " " + counters[def.Code], "", new string('Q', 101), "VQ", "*", "%" })
                    Add("unknown-counter", $"{def.Code} counter={Shorten(counter)}", Object(Envelope(def, ValidAnswers(def)).Select(f => f.Name == "counter" ? (f.Name, J(counter)) : f)));
                foreach (var instrument in new[] { def.Code.ToLowerInvariant(), def.Code + " ", "ABC", "", def.Code + ".v1", "NHANH2" })
                    Add("unknown-instrument", $"{def.Code} instrument={instrument}", Object(Envelope(def, ValidAnswers(def)).Select(f => f.Name == "instrument" ? (f.Name, J(instrument)) : f)));
                // A version that was never published (one past the current), and values that are no version at all.
                foreach (var version in new[] { "0", "-1", (def.Version + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), "99", "\"1\"", "1.5", "1e309", "true", "[1]", "2147483648" })
                {
                    var fields = Envelope(def, ValidAnswers(def));
                    fields.Insert(3, ("version", version));
                    Add("unknown-version", $"{def.Code} version={version}", Object(fields));
                }
                foreach (var channel in new[] { "QR", "sms", "", "paper ", "web2", "Kiosk" })
                    Add("unknown-channel", $"{def.Code} channel={channel}", Object(Envelope(def, ValidAnswers(def)).Select(f => f.Name == "channel" ? (f.Name, J(channel)) : f)));
            }
            // An instrument sent to a counter of another unit that does not offer it.
            var nhanhOnly = counters["NHANH"];
            foreach (var def in Instruments.Where(d => !Offers(counters, nhanhOnly, d.Code)))
                Add("unknown-instrument", $"{def.Code} at {nhanhOnly}", Object(Envelope(def, ValidAnswers(def)).Select(f => f.Name == "counter" ? (f.Name, J(nhanhOnly)) : f)));
        }

        private void Tokens()
        {
            string[] tokens = ["abc", "", "eyJhbGciOiJub25lIn0.eyJkb3NzaWVyIjoiMSJ9.", "CfDJ8" + new string('A', 60), "../../etc/passwd", "' OR 1=1 --", new string('t', 5000)];
            foreach (var def in Instruments)
            {
                foreach (var token in tokens)
                {
                    var withCounter = Envelope(def, ValidAnswers(def));
                    withCounter.Insert(1, ("token", J(token)));
                    Add("token", $"{def.Code} token={Shorten(token)} +counter", Object(withCounter));
                    Add("token", $"{def.Code} token={Shorten(token)} -counter", Object(withCounter.Where(f => f.Name != "counter")));
                }
                foreach (var raw in new[] { "null", "123", "true", "[]", "{}" })
                {
                    var fields = Envelope(def, ValidAnswers(def));
                    fields.Add(("token", raw));
                    Add("token", $"{def.Code} token={raw}", Object(fields));
                }
            }
        }

        private void Injection(string category, string[] strings)
        {
            var nhanh = Instrument("NHANH");
            var dv = Instrument("SIPAS-DV");
            foreach (var s in strings)
            {
                var def = AnyInstrument();
                foreach (var field in new[] { "submissionId", "counter", "instrument", "channel" })
                    Add(category, $"{field}={s}", Object(Envelope(def, ValidAnswers(def)).Select(f => f.Name == field ? (f.Name, J(s)) : f)));
                Add(category, $"item name {s}", Object(Envelope(def, [.. ValidAnswers(def), (s, "1")])));
                Add(category, $"HL={s}", Object(Envelope(nhanh, [("HL", J(s))])));
                Add(category, $"LY_DO=[{s}]", Object(Envelope(nhanh, [("HL", "2"), ("LY_DO", $"[{J(s)}]")])));
                Add(category, $"GIOI_TINH={s}", Object(Envelope(dv, [("HL_CHUNG", "4"), ("GIOI_TINH", J(s))])));
                Add(category, $"MONG_DOI=[TT,{s}]", Object(Envelope(dv, [("HL_CHUNG", "4"), ("MONG_DOI", $"[\"TT\",{J(s)}]")])));
                var pointsItem = Instrument("TT01").Items.First(i => i.Type == AnswerType.Points);
                Add(category, $"TT01.{pointsItem.Code}={s}", Object(Envelope(Instrument("TT01"), [(pointsItem.Code, J(s))])));
                // A formula or markup in a TEXT answer is a valid comment: stored (escaped on output), not refused.
                Add(category + "-in-text", $"GOP_Y={s}", Object(Envelope(dv, [("HL_CHUNG", "3"), ("GOP_Y", J(s))])), Expect.Either);
                Add(category + "-in-text", $"NHANH GOP_Y={s}", Object(Envelope(nhanh, [("HL", "1"), ("GOP_Y", J(s))])), Expect.Either);
            }
        }

        private void Syntax()
        {
            var def = Instrument("NHANH");
            var id = NewId().ToString();
            var valid = $"{{\"submissionId\":\"{id}\",\"counter\":{J(counters["NHANH"])},\"instrument\":\"NHANH\",\"channel\":\"qr\",\"answers\":{{\"HL\":4}}}}";
            // Truncated: every proper prefix of an object is invalid JSON.
            foreach (var cut in Enumerable.Range(0, 40).Select(_ => rng.Next(0, valid.Length)).Distinct())
                Add("truncated", $"first {cut} chars", valid[..cut]);
            string P(string answers) => $"{{\"submissionId\":\"{NewId()}\",\"counter\":{J(counters["NHANH"])},\"instrument\":\"NHANH\",\"channel\":\"qr\",\"answers\":{answers}}}";
            string[] bad =
            [
                P("{\"HL\":4,}"), P("{\"HL\":4}") + ",", P("{\"HL\":4 /* comment */}"), "// c\n" + P("{\"HL\":4}"), P("{\"HL\":4}").Replace("\"qr\",", "\"qr\",,"),
                P("{'HL':4}"), P("{HL:4}"), P("{\"HL\":NaN}"), P("{\"HL\":Infinity}"), P("{\"HL\":-Infinity}"), P("{\"HL\":1e309}"), P("{\"HL\":-0}"),
                P("{\"HL\":0x4}"), P("{\"HL\":04}"), P("{\"HL\":+4}"), P("{\"HL\":4.}"), P("{\"HL\":.4}"), P("{\"HL\":undefined}"),
                P("{\"HL\":4}") + P("{\"HL\":4}"), P("{\"HL\":4}") + "x", "{" + P("{\"HL\":4}") + "}", P("{\"HL\":\"4\\x\"}"), P("{\"HL\":\"\\u00\"}"),
                P("{\"HL\":4}").Replace("\"qr\"", "'qr'"), P("{\"HL\":4}").Replace("\"qr\"", "\"q\nr\""), P("{\"HL\":True}"), P("{\"HL\":4"), P("[\"HL\",4]"),
                "", " ", "null", "true", "4", "\"text\"", "[]", "[{}]", "{}", "{\"\":\"\"}", "\u0000",
            ];
            foreach (var body in bad) Add("json-syntax", Shorten(body), body);
            // An integer written with an exponent is still an integer in JSON: either answer is fine.
            Add("json-syntax", "HL=4e0", P("{\"HL\":4e0}"), Expect.Either);
            // Duplicate property names are ambiguous (a proxy may read the first, the server the last): refused.
            var c = J(counters["NHANH"]);
            string[] duplicates =
            [
                $"{{\"submissionId\":\"{NewId()}\",\"counter\":\"NOPE\",\"counter\":{c},\"instrument\":\"NHANH\",\"channel\":\"qr\",\"answers\":{{\"HL\":4}}}}",
                $"{{\"submissionId\":\"{NewId()}\",\"counter\":{c},\"counter\":\"NOPE\",\"instrument\":\"NHANH\",\"channel\":\"qr\",\"answers\":{{\"HL\":4}}}}",
                $"{{\"submissionId\":\"{NewId()}\",\"counter\":{c},\"instrument\":\"NHANH\",\"channel\":\"qr\",\"answers\":{{\"HL\":4}},\"answers\":{{\"HL\":1}}}}",
                $"{{\"submissionId\":\"{NewId()}\",\"submissionId\":\"{NewId()}\",\"counter\":{c},\"instrument\":\"NHANH\",\"channel\":\"qr\",\"answers\":{{\"HL\":4}}}}",
                $"{{\"submissionId\":\"{NewId()}\",\"counter\":{c},\"instrument\":\"NHANH\",\"channel\":\"kiosk\",\"channel\":\"qr\",\"answers\":{{\"HL\":4}}}}",
                $"{{\"submissionId\":\"{NewId()}\",\"counter\":{c},\"instrument\":\"NHANH\",\"channel\":\"qr\",\"answers\":{{\"HL\":4,\"HL\":4}}}}",
                $"{{\"submissionId\":\"{NewId()}\",\"counter\":{c},\"instrument\":\"NHANH\",\"channel\":\"qr\",\"answers\":{{\"HL\":2,\"HL\":5}}}}",
                $"{{\"submissionId\":\"{NewId()}\",\"counter\":{c},\"instrument\":\"NHANH\",\"instrument\":\"NHANH\",\"channel\":\"qr\",\"answers\":{{\"HL\":4}}}}",
            ];
            foreach (var body in duplicates) Add("duplicate-property", Shorten(body, 120), body);
            // Deep nesting, at the root and inside an answer.
            foreach (var depth in new[] { 9, 64, 1000, 5000 })
            {
                Add("deep-json", $"arrays {depth} in HL", P("{\"HL\":" + new string('[', depth) + new string(']', depth) + "}"));
                Add("deep-json", $"objects {depth} in LY_DO", P("{\"HL\":2,\"LY_DO\":" + string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth) + "}"));
                Add("deep-json", $"unclosed {depth}", new string('[', depth));
                Add("deep-json", $"extra field {depth}", P("{\"HL\":4}")[..^1] + ",\"x\":" + string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth) + "}");
            }
            _ = def;
        }

        private void Encodings()
        {
            byte[][] sequences =
            [
                [0xC3, 0x28], [0xFF], [0xFE, 0xFF], [0xC0, 0xAF], [0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82], [0xF0, 0x9F, 0x98],
                [0xFD] , [0xE1, 0xBB], // a Vietnamese letter cut in half
            ];
            var nhanh = Instrument("NHANH");
            foreach (var seq in sequences)
            {
                var hex = Convert.ToHexString(seq);
                foreach (var (where, template) in new[]
                {
                    ("text", P2("{\"HL\":1,\"GOP_Y\":\"Ch@\"}")),
                    ("text-end", P2("{\"HL\":1,\"GOP_Y\":\"@\"}")),
                    ("code", P2("{\"HL\":2,\"LY_DO\":[\"cho_lau@\"]}")),
                    ("item-name", P2("{\"HL\":2,\"LY@\":1}")),
                    ("field-name", P2("{\"HL\":4}").Replace("\"channel\"", "\"chan@nel\"")),
                    ("counter", P2("{\"HL\":4}").Replace(J(counters["NHANH"]), J(counters["NHANH"])[..^1] + "@\"")),
                    ("channel", P2("{\"HL\":4}").Replace("\"qr\"", "\"q@r\"")),
                    ("between-tokens", P2("{\"HL\":4}").Replace("\"answers\":", "\"answers\":@")),
                })
                {
                    var at = template.IndexOf('@');
                    var bytes = Encoding.UTF8.GetBytes(template[..at]).Concat(seq).Concat(Encoding.UTF8.GetBytes(template[(at + 1)..])).ToArray();
                    AddBytes("invalid-utf8", $"{hex} in {where}", bytes);
                }
            }
            // Lone surrogates escaped in JSON: not Unicode text.
            foreach (var escape in new[] { "\\ud800", "\\udfff", "\\ud83d", "x\\udc00y" })
            {
                AddBytes("lone-surrogate", $"{escape} in code", Encoding.UTF8.GetBytes(P2("{\"HL\":2,\"LY_DO\":[\"" + escape + "\"]}")));
                AddBytes("lone-surrogate", $"{escape} in counter", Encoding.UTF8.GetBytes(P2("{\"HL\":4}").Replace(J(counters["NHANH"]), "\"" + escape + "\"")));
                AddBytes("lone-surrogate", $"{escape} in text", Encoding.UTF8.GetBytes(P2("{\"HL\":1,\"GOP_Y\":\"a" + escape + "\"}")), Expect.Either);
            }
            // Byte order marks: UTF-8's may be ignored (RFC 8259 §8.1); other encodings are not JSON here.
            var valid = P2("{\"HL\":5}");
            AddBytes("bom", "UTF-8 BOM", [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(valid)], Expect.Either);
            AddBytes("bom", "UTF-8 BOM twice", [0xEF, 0xBB, 0xBF, 0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(P2("{\"HL\":5}"))]);
            AddBytes("bom", "UTF-16LE with BOM", [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes(P2("{\"HL\":5}"))]);
            AddBytes("bom", "UTF-16BE with BOM", [.. Encoding.BigEndianUnicode.GetPreamble(), .. Encoding.BigEndianUnicode.GetBytes(P2("{\"HL\":5}"))]);
            AddBytes("bom", "UTF-16LE without BOM", Encoding.Unicode.GetBytes(P2("{\"HL\":5}")));
            AddBytes("bom", "UTF-32 with BOM", [.. Encoding.UTF32.GetPreamble(), .. Encoding.UTF32.GetBytes(P2("{\"HL\":5}"))]);
            AddBytes("bom", "BOM in the middle", Encoding.UTF8.GetBytes(P2("{\"HL\":5}").Replace("\"answers\":", "\"answers\":\uFEFF")));
            var latin1 = Encoding.Latin1.GetBytes(P2("{\"HL\":1,\"GOP_Y\":\"Thái độ tốt\"}".Replace("ộ", "o").Replace("ố", "o")));
            AddBytes("invalid-utf8", "Latin-1 text", latin1);
            _ = nhanh;
        }

        private string P2(string answers) =>
            $"{{\"submissionId\":\"{NewId()}\",\"counter\":{J(counters["NHANH"])},\"instrument\":\"NHANH\",\"channel\":\"qr\",\"answers\":{answers}}}";

        private void ContentTypes()
        {
            string?[] types =
            [
                null, "text/plain", "text/plain; charset=utf-8", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
                "application/json; charset=latin1", "application/json; charset=iso-8859-1", "application/json; charset=utf-16", "application/json; charset=windows-1258",
                "application/xml", "text/json", "application/jsonp", "application/json-patch+json", "application/javascript", "*/*", "application/octet-stream",
                "", "application", "json",
            ];
            foreach (var type in types)
            foreach (var _ in Enumerable.Range(0, 3))
                AddBytes("content-type", $"Content-Type: {type ?? "(none)"}", Encoding.UTF8.GetBytes(P2("{\"HL\":" + rng.Next(1, 6) + "}")), contentType: type);
            AddBytes("content-type", "form body", "submissionId=x&counter=y&HL=4"u8.ToArray(), contentType: "application/x-www-form-urlencoded");
            AddBytes("content-type", "multipart body", Encoding.UTF8.GetBytes("--x\r\nContent-Disposition: form-data; name=\"HL\"\r\n\r\n4\r\n--x--\r\n"), contentType: "multipart/form-data; boundary=x");
            AddBytes("content-type", "XML body", "<response><HL>4</HL></response>"u8.ToArray(), contentType: "application/xml");
        }

        private void Sizes()
        {
            var tenMb = 10 * 1024 * 1024;
            AddBytes("huge-body", "10 MB JSON text answer", Encoding.UTF8.GetBytes(P2("{\"HL\":1,\"GOP_Y\":\"" + new string('a', tenMb) + "\"}")));
            AddBytes("huge-body", "10 MB of zero bytes", new byte[tenMb]);
            AddBytes("huge-body", "65 KB whitespace", Encoding.UTF8.GetBytes(new string(' ', 65 * 1024) + P2("{\"HL\":4}")));
            AddBytes("huge-body", "2000 answers", Encoding.UTF8.GetBytes(P2("{" + string.Join(",", Enumerable.Range(0, 2000).Select(i => $"\"X{i}\":1")) + "}")));
            AddBytes("huge-body", "LY_DO with 3000 codes", Encoding.UTF8.GetBytes(P2("{\"HL\":2,\"LY_DO\":[" + string.Join(",", Enumerable.Repeat("\"cho_lau\"", 3000)) + "]}")));
            AddBytes("huge-body", "long item name", Encoding.UTF8.GetBytes(P2("{\"" + new string('H', 40_000) + "\":4}")));
        }
    }

    // Regressions found by the generator above: each of these was a 500 or was stored.

    public static TheoryData<string, byte[]> UndecodableBodies => new()
    {
        { "invalid UTF-8 in the channel (was 500)", [.. "{\"submissionId\":\"4f6d1c1e-52b8-4d38-9a57-1f0f7c2d6a10\",\"counter\":\"VQ-AS-Q1\",\"instrument\":\"NHANH\",\"channel\":\"q"u8, 0xC3, 0x28, .. "r\",\"answers\":{\"HL\":4}}"u8] },
        { "invalid UTF-8 in a field name (was 500)", [.. "{\"submissionId\":\"4f6d1c1e-52b8-4d38-9a57-1f0f7c2d6a11\",\"coun"u8, 0xFF, .. "ter\":\"VQ-AS-Q1\",\"instrument\":\"NHANH\",\"channel\":\"qr\",\"answers\":{\"HL\":4}}"u8] },
        { "half a Vietnamese letter in a comment (was 500)", [.. "{\"submissionId\":\"4f6d1c1e-52b8-4d38-9a57-1f0f7c2d6a12\",\"counter\":\"VQ-AS-Q1\",\"instrument\":\"NHANH\",\"channel\":\"qr\",\"answers\":{\"HL\":1,\"GOP_Y\":\"Ch"u8, 0xE1, 0xBB, .. "\"}}"u8] },
        { "lone surrogate escape in an option code (was 500)", "{\"submissionId\":\"4f6d1c1e-52b8-4d38-9a57-1f0f7c2d6a13\",\"counter\":\"VQ-AS-Q1\",\"instrument\":\"NHANH\",\"channel\":\"qr\",\"answers\":{\"HL\":2,\"LY_DO\":[\"\\ud800\"]}}"u8.ToArray() },
        { "lone surrogate escape in a comment (was 500)", "{\"submissionId\":\"4f6d1c1e-52b8-4d38-9a57-1f0f7c2d6a14\",\"counter\":\"VQ-AS-Q1\",\"instrument\":\"NHANH\",\"channel\":\"qr\",\"answers\":{\"HL\":1,\"GOP_Y\":\"a\\udc00\"}}"u8.ToArray() },
        { "duplicate counter (was stored under the last one)", "{\"submissionId\":\"4f6d1c1e-52b8-4d38-9a57-1f0f7c2d6a15\",\"counter\":\"NOPE\",\"counter\":\"VQ-AS-Q1\",\"instrument\":\"NHANH\",\"channel\":\"qr\",\"answers\":{\"HL\":4}}"u8.ToArray() },
        { "duplicate answers (was stored)", "{\"submissionId\":\"4f6d1c1e-52b8-4d38-9a57-1f0f7c2d6a16\",\"counter\":\"VQ-AS-Q1\",\"instrument\":\"NHANH\",\"channel\":\"qr\",\"answers\":{\"HL\":4},\"answers\":{\"HL\":1}}"u8.ToArray() },
    };

    [Theory]
    [MemberData(nameof(UndecodableBodies))]
    public async Task Robustness_undecodable_or_ambiguous_JSON_is_a_400_problem_and_stores_nothing(string why, byte[] body)
    {
        var client = factory.CreateClient();
        var before = Fingerprint();
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var response = await client.PostAsync(ApiUrl, content);
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{why}: got {(int)response.StatusCode}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(HasTitle(await response.Content.ReadAsStringAsync()), why);
        Assert.Equal(before, Fingerprint());
    }

    [Theory]
    [InlineData("application/json; charset=latin1", false)]
    [InlineData("application/json; charset=iso-8859-1", false)]
    [InlineData("application/json; charset=utf-16", false)]
    [InlineData("application/json-patch+json", false)]
    [InlineData("application/jsonp", false)]
    [InlineData("application/json", true)]
    [InlineData("application/json; charset=utf-8", true)]
    [InlineData("Application/JSON; charset=\"UTF-8\"", true)]
    public async Task Robustness_only_UTF8_application_json_is_read(string contentType, bool accepted)
    {
        var client = factory.CreateClient();
        var before = Fingerprint();
        using var content = new StringContent($"{{\"submissionId\":\"{Guid.NewGuid()}\",\"counter\":\"VQ-AS-Q1\",\"instrument\":\"NHANH\",\"channel\":\"qr\",\"answers\":{{\"HL\":5}}}}");
        content.Headers.Remove("Content-Type");
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        var response = await client.PostAsync(ApiUrl, content);
        Assert.Equal(accepted ? HttpStatusCode.Created : HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(before.Count + (accepted ? 1 : 0), Fingerprint().Count);
    }

    [Fact]
    public async Task Robustness_a_stale_form_token_gives_the_form_back_with_the_answers_and_a_message_then_sends()
    {
        var client = factory.CreateBrowserClient();
        var form = await SurveyForm.OpenAsync(client, "/s/VQ-AS-Q1/NHANH");
        var before = Fingerprint();
        var stale = form with { Token = form.Token[..^2] + (form.Token[^2] == 'A' ? "BB" : "AA") };
        var refused = await SurveyForm.PostAsync(client, stale, ("HL", "2"), ("LY_DO", "cho_lau"));
        // Was a bare JSON problem ("Bad Request") from the antiforgery filter: unreadable for a citizen at a kiosk.
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("text/html", refused.Content.Headers.ContentType?.MediaType);
        var html = await SurveyForm.HtmlAsync(refused);
        Assert.Contains("role=\"alert\"", html, StringComparison.Ordinal);
        Assert.Contains("Phiên làm việc đã hết hạn", html, StringComparison.Ordinal);
        Assert.Matches("name=\"HL\" value=\"2\"[^>]*checked", html);
        Assert.Equal(before, Fingerprint());

        var raw = await refused.Content.ReadAsStringAsync();
        var again = await SurveyForm.PostAsync(client, form with { Html = html, Token = Http.AntiforgeryToken(raw) }, ("HL", "2"), ("LY_DO", "cho_lau"));
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        Assert.Equal(before.Count + 1, Fingerprint().Count);
    }

    // ------------------------------------------------------------------------------------------- the form

    [Fact]
    public async Task Robustness_hundreds_of_malformed_form_posts_get_a_clear_refusal_and_store_nothing()
    {
        var api = factory.CreateClient();
        var counters = await CountersByInstrumentAsync(api);
        // The same browser is the enrolled tablet of the NHANH counter, so that its kiosk form may store answers.
        var (client, _) = await Kiosks.KioskEnrolment.EnrolledClientAsync(factory, counters["NHANH"]);
        var forms = new Dictionary<string, OpenedForm>(StringComparer.Ordinal);
        foreach (var def in Instruments)
            forms[def.Code] = await SurveyForm.OpenAsync(client, $"/s/{counters[def.Code]}/{def.Code}");
        forms["kiosk"] = await SurveyForm.OpenAsync(client, $"/kiosk/{counters["NHANH"]}");
        var stranger = factory.CreateBrowserClient();
        var strangerForm = await SurveyForm.OpenAsync(stranger, $"/s/{counters["NHANH"]}/NHANH");

        var rng = new Random(Seed);
        var cases = new FormCaseGenerator(rng, counters, forms, strangerForm, factory).Generate();
        Assert.True(cases.Count(c => c.Expect != Expect.Accept) >= 500, $"only {cases.Count} form cases");

        var byCategory = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var byStatus = new SortedDictionary<int, int>();
        var failures = new List<string>();
        var fingerprint = Fingerprint();
        foreach (var c in cases)
        {
            HttpResponseMessage response;
            try { response = await (c.Client ?? client).PostAsync(c.Url, c.Content); }
            catch (Exception e) { failures.Add($"[{c.Category}] {c.Name}: the request threw {e.GetType().Name}: {e.Message}"); fingerprint = Fingerprint(); continue; }
            using (response)
            {
                var status = (int)response.StatusCode;
                byCategory[c.Category] = byCategory.GetValueOrDefault(c.Category) + 1;
                byStatus[status] = byStatus.GetValueOrDefault(status) + 1;
                var html = await SurveyForm.HtmlAsync(response);
                var after = Fingerprint();
                var stored = after != fingerprint;
                string? problem = null;
                if (status >= 500) problem = $"server error {status}: {Shorten(html)}";
                else if (status == 302)
                {
                    var location = response.Headers.Location?.OriginalString ?? "";
                    if (!location.Contains("/cam-on", StringComparison.Ordinal)) problem = $"redirect to {location}";
                    else if (c.Expect == Expect.Reject && stored) problem = "redirected to thanks and stored a rejected post";
                    else if (c.Expect == Expect.Reject && c.Category != "honeypot") problem = "a post that must be refused went to the thank-you page";
                    else if (c.Expect == Expect.Accept && after.Count != fingerprint.Count + 1) problem = $"accepted but the count went {fingerprint.Count} → {after.Count}";
                }
                else
                {
                    if (c.Expect == Expect.Accept) problem = $"refused ({status}) a valid post";
                    else if (status == 400 && !html.Contains("role=\"alert\"", StringComparison.Ordinal)) problem = "400 without the message block";
                    else if (status == 404 && !html.Contains("Không tìm thấy", StringComparison.Ordinal)) problem = "404 without the not-found page";
                    else if (status is not (400 or 404 or 413)) problem = $"unexpected status {status}";
                    if (stored) problem = (problem is null ? "" : problem + "; ") + $"refused ({status}) but the database changed {fingerprint} → {after}";
                }
                if (problem is not null) failures.Add($"[{c.Category}] {c.Name}: {problem}");
                fingerprint = after;
            }
        }
        output.WriteLine($"Form posts: {cases.Count} ({cases.Count(c => c.Expect == Expect.Reject)} must be refused, " +
                         $"{cases.Count(c => c.Expect == Expect.Either)} may be stored, {cases.Count(c => c.Expect == Expect.Accept)} valid controls)");
        output.WriteLine("By category: " + string.Join(", ", byCategory.Select(p => $"{p.Key} {p.Value}")));
        output.WriteLine("By status: " + string.Join(", ", byStatus.Select(p => $"{p.Key}: {p.Value}")));
        foreach (var f in failures.Take(50)) output.WriteLine("FAIL " + f);
        Assert.True(failures.Count == 0, $"{failures.Count} of {cases.Count} form cases failed; first: {string.Join(" | ", failures.Take(8))}");
    }

    private sealed class FormCaseGenerator(Random rng, IReadOnlyDictionary<string, string> counters, Dictionary<string, OpenedForm> forms, OpenedForm strangerForm, SurveyAppFactory factory)
    {
        private readonly List<FormCase> _cases = [];

        public List<FormCase> Generate()
        {
            Antiforgery();
            WrongValues();
            Empty();
            Injection();
            HugeForms();
            SubmissionIds();
            WrongUrls();
            CrossInstrument();
            ContentTypes();
            var controls = Enumerable.Range(0, 30).Select(_ => Valid()).ToList();
            var all = _cases.OrderBy(_ => rng.Next()).ToList();
            for (var i = 0; i < controls.Count; i++) all.Insert(Math.Min(all.Count, (i + 1) * all.Count / (controls.Count + 1)), controls[i]);
            return all;
        }

        private static InstrumentDefinition Instrument(string code) => Instruments.Single(i => i.Code == code);

        private string ValidValue(ItemDefinition item) => item.Type switch
        {
            AnswerType.Likert5 => rng.Next(1, 6).ToString(),
            AnswerType.Likert3 => rng.Next(1, 4).ToString(),
            AnswerType.YesNo => rng.Next(0, 2).ToString(),
            AnswerType.Choice or AnswerType.Points or AnswerType.Multi => item.Options[rng.Next(item.Options.Count)].Code,
            _ => "Cán bộ hướng dẫn tận tình",
        };

        private List<(string, string)> ValidAnswers(InstrumentDefinition def, string? except = null)
        {
            if (def.Code == "NHANH") return except == "HL" ? [] : [("HL", rng.Next(4, 6).ToString())];
            return def.Items.Where(i => i.ShowWhen is null && i.Code != except).OrderBy(_ => rng.Next()).Take(4).Select(i => (i.Code, ValidValue(i))).ToList();
        }

        private static FormUrlEncodedContent Form(IEnumerable<(string Name, string Value)> fields) =>
            new(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)));

        private static IEnumerable<(string, string)> Envelope(OpenedForm form, IEnumerable<(string, string)> answers, string? id = null) =>
            [("__RequestVerificationToken", form.Token), ("submissionId", id ?? Guid.NewGuid().ToString()), .. answers];

        private void Add(string category, string name, string url, HttpContent content, Expect expect = Expect.Reject, HttpClient? client = null) =>
            _cases.Add(new FormCase(category, name, url, content, expect, client));

        private (OpenedForm Form, InstrumentDefinition Def) AnyForm()
        {
            var key = forms.Keys.OrderBy(k => k, StringComparer.Ordinal).ElementAt(rng.Next(forms.Count));
            return (forms[key], Instrument(key == "kiosk" ? "NHANH" : key));
        }

        private FormCase Valid()
        {
            var (form, def) = AnyForm();
            return new FormCase("valid-control", $"valid {def.Code}", form.Url, Form(Envelope(form, ValidAnswers(def))), Expect.Accept);
        }

        private void Antiforgery()
        {
            foreach (var (key, form) in forms)
            {
                var def = Instrument(key == "kiosk" ? "NHANH" : key);
                var token = form.Token;
                string[] tampered =
                [
                    token[..^1] + (token[^1] == 'A' ? 'B' : 'A'), token[..(token.Length / 2)], token + "A", new string(token.Reverse().ToArray()),
                    token.Replace(token[10], token[10] == 'x' ? 'y' : 'x'), "", " ", "CfDJ8" + new string('A', 150), "' OR 1=1 --", "<script>", strangerForm.Token,
                ];
                foreach (var t in tampered)
                    Add("antiforgery", $"{key} tampered token {Shorten(t, 12)}", form.Url, Form([("__RequestVerificationToken", t), ("submissionId", Guid.NewGuid().ToString()), .. ValidAnswers(def)]));
                Add("antiforgery", $"{key} no token", form.Url, Form([("submissionId", Guid.NewGuid().ToString()), .. ValidAnswers(def)]));
                Add("antiforgery", $"{key} token in another field", form.Url, Form([("RequestVerificationToken", token), ("submissionId", Guid.NewGuid().ToString()), .. ValidAnswers(def)]));
                Add("antiforgery", $"{key} token twice", form.Url, Form([("__RequestVerificationToken", token), ("__RequestVerificationToken", strangerForm.Token), .. ValidAnswers(def)]));
                // The right token without its cookie (another browser, or cookies blocked).
                Add("antiforgery", $"{key} token without the cookie", form.Url, Form(Envelope(form, ValidAnswers(def))), client: factory.CreateBrowserClient());
            }
        }

        private void WrongValues()
        {
            foreach (var (key, form) in forms)
            {
                var def = Instrument(key == "kiosk" ? "NHANH" : key);
                foreach (var item in def.Items)
                {
                    string[] bad = item.Type switch
                    {
                        AnswerType.Likert5 => ["6", "0", "abc", "-1", "4.0", "+4", " 4x", "1e1", "99999999999", "٤", "４"],
                        AnswerType.Likert3 => ["4", "0", "abc", "3.0"],
                        AnswerType.YesNo => ["2", "-1", "yes", "true"],
                        AnswerType.Choice or AnswerType.Points => ["khong_co", item.Options[0].Code.ToUpperInvariant() + "X", "1"],
                        AnswerType.Multi => ["khong_co", "NA", "cho_lau,thai_do"],
                        _ => [new string('a', 1001), new string('ư', 3000)],
                    };
                    foreach (var value in bad)
                    {
                        var answers = ValidAnswers(def, item.Code);
                        if (item.ShowWhen is { } condition) { answers.RemoveAll(a => a.Item1 == condition.Item); answers.Add((condition.Item, (condition.Max ?? condition.Min ?? 1).ToString())); }
                        answers.Add((item.Code, value));
                        Add("wrong-value", $"{key} {item.Code}={Shorten(value)}", form.Url, Form(Envelope(form, answers)));
                    }
                    if (item.Type == AnswerType.Multi)
                    {
                        var answers = ValidAnswers(def, item.Code);
                        if (item.ShowWhen is { } condition) { answers.RemoveAll(a => a.Item1 == condition.Item); answers.Add((condition.Item, "1")); }
                        answers.Add((item.Code, item.Options[0].Code));
                        answers.Add((item.Code, item.Options[0].Code));
                        Add("wrong-value", $"{key} {item.Code} twice the same option", form.Url, Form(Envelope(form, answers)));
                    }
                    else if (item.Type != AnswerType.Text)
                    {
                        var answers = ValidAnswers(def, item.Code);
                        if (item.ShowWhen is { } condition) { answers.RemoveAll(a => a.Item1 == condition.Item); answers.Add((condition.Item, "1")); }
                        answers.Add((item.Code, ValidValue(item)));
                        answers.Add((item.Code, ValidValue(item)));
                        Add("wrong-value", $"{key} {item.Code} two values", form.Url, Form(Envelope(form, answers)));
                    }
                }
                // LY_DO=unknown with HL=5: the value is checked before the condition drops it.
                if (def.Code == "NHANH")
                    foreach (var hl in new[] { "5", "4", "na", "" })
                        Add("wrong-value", $"{key} HL={hl} LY_DO=unknown", form.Url, Form(Envelope(form, [("HL", hl), ("LY_DO", "unknown")])));
            }
        }

        private void Empty()
        {
            foreach (var (key, form) in forms)
            {
                var def = Instrument(key == "kiosk" ? "NHANH" : key);
                Add("no-answer", $"{key} nothing", form.Url, Form(Envelope(form, [])));
                Add("no-answer", $"{key} only blanks", form.Url, Form(Envelope(form, def.Items.Select(i => (i.Code, "")))));
                Add("no-answer", $"{key} only whitespace", form.Url, Form(Envelope(form, def.Items.Where(i => i.Type != AnswerType.Text).Select(i => (i.Code, "  ")))));
                if (def.Code != "NHANH")
                    Add("no-answer", $"{key} all no opinion", form.Url, Form(Envelope(form, def.Items.Where(i => i.Type is not (AnswerType.Text or AnswerType.Multi)).Select(i => (i.Code, "na")))));
                // Answers that only exist under an unmet condition are dropped, so nothing is left to store.
                if (def.Code == "NHANH")
                    Add("no-answer", $"{key} LY_DO without HL", form.Url, Form(Envelope(form, [("LY_DO", "cho_lau"), ("GOP_Y", "Chờ lâu")])));
                Add("no-answer", $"{key} unknown fields only", form.Url, Form(Envelope(form, [("XYZ", "1"), ("hl", "4"), ("answers", "{}")])));
            }
        }

        private void Injection()
        {
            foreach (var (category, strings) in new[] { ("sql", SqlStrings), ("html", HtmlStrings), ("formula", FormulaStrings) })
            foreach (var s in strings)
            {
                var nhanh = forms["NHANH"];
                var dv = forms["SIPAS-DV"];
                Add(category, $"HL={s}", nhanh.Url, Form(Envelope(nhanh, [("HL", s)])));
                Add(category, $"LY_DO={s}", nhanh.Url, Form(Envelope(nhanh, [("HL", "2"), ("LY_DO", s)])));
                Add(category, $"GIOI_TINH={s}", dv.Url, Form(Envelope(dv, [("HL_CHUNG", "4"), ("GIOI_TINH", s)])));
                Add(category, $"MONG_DOI={s}", dv.Url, Form(Envelope(dv, [("HL_CHUNG", "4"), ("MONG_DOI", "TT"), ("MONG_DOI", s)])));
                Add(category, $"kiosk HL={s}", forms["kiosk"].Url, Form(Envelope(forms["kiosk"], [("HL", s)])));
                // In a comment box the same string is a valid answer.
                Add(category + "-in-text", $"GOP_Y={s}", dv.Url, Form(Envelope(dv, [("HL_CHUNG", "2"), ("GOP_Y", s)])), Expect.Either);
                // The honeypot: the thank-you page, nothing stored.
                Add("honeypot", $"website={s}", nhanh.Url, Form([.. Envelope(nhanh, [("HL", "5")]), ("website", s)]));
            }
        }

        private void HugeForms()
        {
            var nhanh = forms["NHANH"];
            var dv = forms["SIPAS-DV"];
            foreach (var size in new[] { 70 * 1024, 1024 * 1024, 10 * 1024 * 1024 })
            {
                Add("huge-form", $"GOP_Y of {size} chars", nhanh.Url, Form(Envelope(nhanh, [("HL", "1"), ("GOP_Y", new string('a', size))])));
                // Kestrel refuses a post over 64 KB with 413 ([RequestSizeLimit]); the test server has no body size limit, so here
                // the ignored field lets the valid answer through, unless it is over the form reader's 4 MB value limit (400).
                Add("huge-form", $"unknown field of {size} chars", dv.Url, Form(Envelope(dv, [("HL_CHUNG", "1"), ("X", new string('b', size))])), Expect.Either);
            }
            Add("huge-form", "field name of 100 000 chars", nhanh.Url, Form(Envelope(nhanh, [("HL", "4"), (new string('n', 100_000), "1")])));
            foreach (var count in new[] { 501, 1000, 2000, 5000 })
            {
                Add("huge-form", $"{count} unknown fields", dv.Url, Form(Envelope(dv, [("HL_CHUNG", "4"), .. Enumerable.Range(0, count).Select(i => ($"F{i}", "1"))])));
                Add("huge-form", $"{count} values of MONG_DOI", dv.Url, Form(Envelope(dv, [("HL_CHUNG", "4"), .. Enumerable.Range(0, count).Select(_ => ("MONG_DOI", "TT"))])));
            }
            // Under the value-count limit, a long list of repeated values is a validation error.
            Add("wrong-value", "400 values of HL", nhanh.Url, Form(Envelope(nhanh, Enumerable.Range(0, 400).Select(_ => ("HL", "4")))));
        }

        private void SubmissionIds()
        {
            // A mangled hidden id does not lose a citizen's answers: a fresh id is used (valid answers are stored).
            foreach (var id in new[] { "", "abc", Guid.Empty.ToString(), "' OR 1=1 --", "<script>", new string('1', 5000) })
            {
                var nhanh = forms["NHANH"];
                Add("bad-submission-id", $"id={Shorten(id)} with valid answers", nhanh.Url, Form(Envelope(nhanh, [("HL", "5")], id)), Expect.Accept);
                Add("bad-submission-id", $"id={Shorten(id)} with HL=6", nhanh.Url, Form(Envelope(nhanh, [("HL", "6")], id)));
                Add("bad-submission-id", $"id={Shorten(id)} with no answer", nhanh.Url, Form(Envelope(nhanh, [], id)));
            }
        }

        private void WrongUrls()
        {
            var nhanh = forms["NHANH"];
            var counter = counters["NHANH"];
            string[] urls =
            [
                "/s/NOPE-Q1", "/s/NOPE-Q1/NHANH", $"/s/{counter.ToLowerInvariant()}", $"/s/{counter}/NOPE", $"/s/{counter}/SIPAS", "/kiosk/NOPE-Q1",
                $"/kiosk/{counter.ToLowerInvariant()}", "/s/%27%20OR%201%3D1%20--", "/s/%3Cscript%3E", "/kiosk/%3Dcmd%7C", $"/s/{new string('Q', 300)}",
                $"/s/{counter}/%27%3B%20DROP%20TABLE%20Responses%3B", $"/s/{counter}%2500", $"/s/{Uri.EscapeDataString(counter + " ")}",
                // (A raw %00 in the path is refused by the test client itself, before it reaches the app.)
            ];
            foreach (var url in urls)
            {
                Add("wrong-url", url, url, Form(Envelope(nhanh, [("HL", "5")])));
                Add("antiforgery", url + " no token", url, Form([("submissionId", Guid.NewGuid().ToString()), ("HL", "5")]));
            }
            // Instruments the counter does not offer.
            var nhanhOnly = counters["NHANH"];
            foreach (var def in Instruments.Where(d => !Offers(counters, nhanhOnly, d.Code)))
                Add("wrong-url", $"{def.Code} at {nhanhOnly}", $"/s/{nhanhOnly}/{def.Code}", Form(Envelope(nhanh, ValidAnswers(def))));
        }

        private void CrossInstrument()
        {
            foreach (var def in Instruments)
            foreach (var (key, form) in forms.Where(f => f.Key != def.Code && !(f.Key == "kiosk" && def.Code == "NHANH")))
            {
                var target = Instrument(key == "kiosk" ? "NHANH" : key);
                foreach (var _ in Enumerable.Range(0, 3))
                {
                    // Only items the target does not have: an overlapping item (TT01's HL on NHANH) would be a valid answer there.
                    var answers = def.Items.Where(i => i.ShowWhen is null && target.FindItem(i.Code) is null).OrderBy(_ => rng.Next()).Take(5)
                        .Select(i => (i.Code, ValidValue(i))).ToList();
                    if (answers.Count == 0) continue;
                    Add("cross-instrument", $"{def.Code} form posted to {key}", form.Url, Form(Envelope(form, answers)));
                }
            }
        }

        private void ContentTypes()
        {
            var nhanh = forms["NHANH"];
            foreach (var key in forms.Keys.OrderBy(k => k, StringComparer.Ordinal))
            {
                var form = forms[key];
                Add("content-type", $"{key} JSON body", form.Url, new StringContent($"{{\"__RequestVerificationToken\":\"{form.Token}\",\"HL\":5}}", Encoding.UTF8, "application/json"));
                Add("content-type", $"{key} text/plain body", form.Url, new StringContent($"__RequestVerificationToken={form.Token}&HL=5", Encoding.UTF8, "text/plain"));
                var none = new ByteArrayContent(Encoding.UTF8.GetBytes($"__RequestVerificationToken={Uri.EscapeDataString(form.Token)}&HL=5"));
                Add("content-type", $"{key} no Content-Type", form.Url, none);
                Add("content-type", $"{key} empty body", form.Url, new ByteArrayContent([]));
                var invalid = new ByteArrayContent([.. Encoding.ASCII.GetBytes($"__RequestVerificationToken={Uri.EscapeDataString(form.Token)}&submissionId={Guid.NewGuid()}&HL=5&GOP_Y="), 0xC3, 0x28, 0xFF]);
                invalid.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded");
                // Decoded with replacement characters into a comment: stored as text, or dropped with HL=5.
                Add("invalid-utf8", $"{key} invalid UTF-8 bytes in a comment", form.Url, invalid, Expect.Either);
                var percent = new StringContent($"__RequestVerificationToken={Uri.EscapeDataString(form.Token)}&submissionId={Guid.NewGuid()}&HL=%C3%28%FF", Encoding.ASCII, "application/x-www-form-urlencoded");
                Add("invalid-utf8", $"{key} invalid UTF-8 percent-encoded in HL", form.Url, percent);
            }
            _ = nhanh;
        }
    }

    // ------------------------------------------------------------------------------------------- helpers

    private readonly record struct DbFingerprint(int Count, long MaxId)
    {
        public override string ToString() => $"{Count}/{MaxId}";
    }

    private DbFingerprint Fingerprint() =>
        factory.WithDatabase(db => new DbFingerprint(db.Responses.Count(), db.Responses.Max(r => (long?)r.Id) ?? 0));

    /// <summary>For each instrument, an active counter that offers it (NHANH: a counter that offers NHANH only, if any).</summary>
    private static async Task<Dictionary<string, string>> CountersByInstrumentAsync(HttpClient client)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        var defaults = new Dictionary<string, string>(StringComparer.Ordinal);
        using var list = JsonDocument.Parse(await client.GetStringAsync("/api/v1/counters"));
        var offers = new List<(string Counter, string[] Instruments)>();
        foreach (var counter in list.RootElement.EnumerateArray())
        {
            var code = counter.GetProperty("code").GetString()!;
            using var detail = JsonDocument.Parse(await client.GetStringAsync($"/api/v1/counters/{Uri.EscapeDataString(code)}"));
            offers.Add((code, detail.RootElement.GetProperty("instruments").EnumerateArray().Select(i => i.GetProperty("code").GetString()!).ToArray()));
            defaults[code] = detail.RootElement.GetProperty("instruments").EnumerateArray().Where(i => i.GetProperty("isDefault").GetBoolean()).Select(i => i.GetProperty("code").GetString()!).FirstOrDefault() ?? "";
        }
        foreach (var def in Instruments)
        {
            var offering = offers.Where(o => o.Instruments.Contains(def.Code) && (def.Code != "NHANH" || defaults[o.Counter] == "NHANH")).OrderBy(o => o.Instruments.Length).ThenBy(o => o.Counter, StringComparer.Ordinal).ToList();
            Assert.True(offering.Count > 0, $"no counter offers {def.Code}");
            result[def.Code] = def.Code == "NHANH" ? offering[0].Counter : offering[^1].Counter;
        }
        // Under "offers:{counter}" the instruments that counter offers, space-separated.
        foreach (var (counter, instruments) in offers) result["offers:" + counter] = string.Join(' ', instruments);
        return result;
    }

    private static bool Offers(IReadOnlyDictionary<string, string> counters, string counter, string instrument) =>
        counters["offers:" + counter].Split(' ').Contains(instrument, StringComparer.Ordinal);

    private static bool HasTitle(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            return json.RootElement.TryGetProperty("title", out var title) && title.ValueKind == JsonValueKind.String && title.GetString()!.Length > 0;
        }
        catch (JsonException) { return false; }
    }

    private static string Shorten(string s, int length = 60) =>
        s.Length <= length ? s.Replace("\n", "\\n") : s[..length].Replace("\n", "\\n") + $"…({s.Length})";
}
