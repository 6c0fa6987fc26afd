using System.Text;
using CchcSurvey.Core.Exports;
using CchcSurvey.Core.Instruments;

namespace CchcSurvey.Core.Tests.Exports;

/// <summary>
/// The fast microdata path against the code it replaced (<see cref="ReferenceExport"/>): the same cells from the same
/// stored answers, for every instrument and answer type, odd but valid JSON, unknown items and older versions, and
/// the same CSV bytes as CsvHelper for every kind of field.
/// </summary>
public sealed class FastExportTests
{
    private static readonly IReadOnlyList<InstrumentDefinition> BuiltIn = InstrumentCatalog.LoadBuiltIn();

    /// <summary>Texts that need escaping in JSON, quoting in CSV or neutralising, and every width of UTF-8.</summary>
    private static readonly string[] Texts =
    [
        "", "Tốt", "Cán bộ nhiệt tình, hướng dẫn chu đáo; chờ hơi lâu.", "=1+1", "+84 912", "-Thủ tục", "@admin", "\tcột", "\rdòng", "\nmới",
        "nói \"sẽ gọi lại\"", "\"", "a\r\nb", "back\\slash", "tab\tin", "điều 1\u2028điều 2", "emoji 🙂 ok", "\u0001control", "<b>&amp;</b>",
        "'already", " leading space", "trailing space ", new string('x', 1000), string.Concat(Enumerable.Repeat("\"ư,", 333)),
    ];

    private static string RandomText(Random random)
    {
        if (random.Next(3) > 0) return Texts[random.Next(Texts.Length)];
        const string pool = "aăâbcdđeêghiklmnoôơpqrstuưvxyÀÁẢÃẠẰẮẲẴẶ ,;\"'\\\r\n\t=+-@🙂\u00a0\u0007/";
        var chars = new StringBuilder();
        var length = random.Next(1, 60);
        while (chars.Length < length)
        {
            var at = random.Next(pool.Length);
            // Keep surrogate pairs whole: the answers of a real response are valid UTF-16.
            if (char.IsLowSurrogate(pool[at])) at--;
            chars.Append(pool[at]);
            if (char.IsHighSurrogate(pool[at])) chars.Append(pool[at + 1]);
        }
        return chars.ToString();
    }

    private static string Answers(InstrumentDefinition definition, Random random, bool withUnknownItems)
    {
        var answers = new Dictionary<string, AnswerValue>(StringComparer.Ordinal);
        foreach (var item in definition.Items)
        {
            if (random.NextDouble() < 0.15) continue;
            answers[item.Code] = item.Type switch
            {
                AnswerType.Likert5 => AnswerValue.FromNumber(random.Next(1, 6)),
                AnswerType.Likert3 => AnswerValue.FromNumber(random.Next(1, 4)),
                AnswerType.YesNo => AnswerValue.FromNumber(random.Next(0, 2)),
                // Now and then a code no version has (an option removed before the export's versions).
                AnswerType.Choice or AnswerType.Points => AnswerValue.FromCode(random.Next(20) == 0 ? "ma_cu" : item.Options[random.Next(item.Options.Count)].Code),
                AnswerType.Multi => AnswerValue.FromCodes(item.Options.Where(_ => random.Next(3) == 0).Select(o => o.Code).ToArray()),
                _ => AnswerValue.FromText(RandomText(random)),
            };
        }
        if (withUnknownItems && random.Next(4) == 0)
        {
            answers["A_BO"] = AnswerValue.FromNumber(random.Next(1, 6));
            answers["ZZ_BO"] = AnswerValue.FromCodes(["x", "y"]);
            answers["M_BO"] = AnswerValue.FromText(RandomText(random));
        }
        return AnswerCodec.Serialize(answers);
    }

    private static MicrodataRecord Record(InstrumentDefinition definition, string json, int i) =>
        new(Guid.NewGuid(), "VQ-AS", i % 7 == 0 ? null : "VQ-AS-Q1", definition.Code, definition.Version, i % 2 == 0 ? "qr" : "paper",
            new DateOnly(2025, 1, 1).AddDays(i % 400), i % 5, json);

    private static void AssertSameCells(MicrodataLayout layout, in MicrodataRecord record)
    {
        var cells = layout.NewRow();
        // Dirty the row first: a filled row must not keep anything of the previous one.
        cells.AsSpan().Fill(ExportCell.Of("stale"));
        layout.Fill(record, "p", cells);
        var expected = ReferenceExport.Fill(layout, record, "p");
        for (var i = 0; i < cells.Length; i++)
            Assert.True(expected[i] == cells[i], $"{layout.Columns[i]}: expected '{expected[i]}' ({expected[i].Number is not null}), got '{cells[i]}' for {record.AnswersJson}");
    }

    [Fact]
    public void Every_instrument_and_answer_type_gives_the_cells_of_the_old_parser()
    {
        var random = new Random(5);
        var all = new MicrodataLayout(BuiltIn);
        foreach (var definition in BuiltIn)
        {
            var one = new MicrodataLayout([definition]);
            for (var i = 0; i < 1500; i++)
            {
                var record = Record(definition, Answers(definition, random, withUnknownItems: true), i);
                AssertSameCells(all, record);
                AssertSameCells(one, record);
            }
        }
    }

    [Fact]
    public void Items_of_an_older_version_fill_their_column_and_items_no_exported_version_has_are_left_out()
    {
        var v1 = BuiltIn.Single(d => d.Code == "NHANH");
        // Version 2 drops LY_DO and asks a new question.
        var v2 = v1 with
        {
            Version = 2,
            Sections = [.. v1.Sections.Select(s => s with { Items = [.. s.Items.Where(i => i.Code != "LY_DO")] }),
                new SectionDefinition { Code = "S_MOI", Title = new("Mới", "New"), Items = [new ItemDefinition { Code = "AA_MOI", Type = AnswerType.Likert5, Text = new("Câu mới", "New question") }] }],
        };
        var both = new MicrodataLayout([v1, v2]);
        var onlyV2 = new MicrodataLayout([v2]);
        Assert.Contains("LY_DO", both.Columns);
        Assert.DoesNotContain("LY_DO", onlyV2.Columns);
        var random = new Random(7);
        for (var i = 0; i < 1000; i++)
        {
            var definition = i % 2 == 0 ? v1 : v2;
            var record = Record(definition, Answers(definition, random, withUnknownItems: true), i);
            AssertSameCells(both, record);
            AssertSameCells(onlyV2, record);
        }
        var cells = onlyV2.NewRow();
        onlyV2.Fill(Record(v1, """{"HL":2,"LY_DO":["cho_lau"]}""", 1), "p", cells);
        Assert.Equal(2d, cells[onlyV2.Columns.ToList().IndexOf("HL")].Number);
    }

    [Theory]
    [InlineData("""{}""")]
    [InlineData("""{"HL":2,"GOP_Y":"ngược thứ tự","LY_DO":["thai_do"]}""")]
    [InlineData("""{"\u0048L":3,"GOP_\u0059":"t\u00ean tho\u00e1t"}""")]
    [InlineData(""" { "GOP_Y" : "có khoảng trắng" , "HL" : 4 , "LY_DO" : [ "cho_lau" , "thai_do" ] } """)]
    [InlineData("""{"HL":1,"HL":5}""")]
    [InlineData("""{"LY_DO":["cho_lau"],"LY_DO":["thai_do"]}""")]
    [InlineData("""{"LY_DO":[]}""")]
    [InlineData("""{"LY_DO":["","thai_do"]}""")]
    [InlineData("""{"LY_DO":["cho_lau",null,"thai_do"]}""")]
    [InlineData("""{"LY_DO":[null,"thai_do",""]}""")]
    [InlineData("""{"LY_DO":["c\u0068o_lau","m\u1edbi"]}""")]
    [InlineData("""{"LY_DO":"cho_lau"}""")]
    [InlineData("""{"HL":-3,"GOP_Y":""}""")]
    [InlineData("""{"GOP_Y":"a\"b\nc\r\\d\t\u0000e\ud83d\ude42"}""")]
    [InlineData("""{"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA":1,"HL":5}""")]
    [InlineData("""{"A_BO":[1,2],"HL":5}""")]
    [InlineData("""{"HL":5,"ZZ":{"a":1}}""")]
    public void Valid_but_unusual_json_gives_the_cells_of_the_old_parser(string json)
    {
        foreach (var layout in new[] { new MicrodataLayout(BuiltIn.Where(d => d.Code == "NHANH")), new MicrodataLayout(BuiltIn) })
        {
            MicrodataRecord record = Record(BuiltIn.Single(d => d.Code == "NHANH"), json, 1);
            Exception? old = null;
            try { ReferenceExport.Fill(layout, record, "p"); }
            catch (Exception e) { old = e; }
            if (old is null) AssertSameCells(layout, record);
            else Assert.ThrowsAny<Exception>(() => layout.Fill(record, "p", layout.NewRow()));
        }
    }

    [Theory]
    [InlineData("""[]""")]
    [InlineData("""not json""")]
    [InlineData("""{"HL":true}""")]
    [InlineData("""{"HL":null}""")]
    [InlineData("""{"HL":1.5}""")]
    [InlineData("""{"HL":99999999999}""")]
    [InlineData("""{"LY_DO":[1]}""")]
    [InlineData("""{"LY_DO":[["a"]]}""")]
    [InlineData("""{"HL":""")]
    public void Broken_answers_fail_as_they_did(string json)
    {
        var layout = new MicrodataLayout(BuiltIn.Where(d => d.Code == "NHANH"));
        var record = Record(BuiltIn.Single(d => d.Code == "NHANH"), json, 1);
        Assert.ThrowsAny<Exception>(() => ReferenceExport.Fill(layout, record, "p"));
        Assert.ThrowsAny<Exception>(() => layout.Fill(record, "p", layout.NewRow()));
    }

    private static async Task<byte[]> CsvAsync(IReadOnlyList<string> columns, IEnumerable<ExportCell[]> rows)
    {
        using var output = new NonSeekableStream { ForbidSynchronousWrites = true };
        await using (var writer = new CsvTableWriter(output))
        {
            await writer.StartTableAsync("t", columns);
            foreach (var row in rows) await writer.WriteRowAsync(row);
            await writer.CompleteAsync();
        }
        return output.ToArray();
    }

    private static void AssertSameBytes(byte[] expected, byte[] actual)
    {
        var at = expected.AsSpan().CommonPrefixLength(actual);
        Assert.True(at == expected.Length && at == actual.Length,
            $"differ at byte {at}: expected …{Encoding.UTF8.GetString(expected.AsSpan(Math.Max(0, at - 40), Math.Min(80, expected.Length - Math.Max(0, at - 40))))}…, " +
            $"got …{Encoding.UTF8.GetString(actual.AsSpan(Math.Max(0, at - 40), Math.Min(80, actual.Length - Math.Max(0, at - 40))))}…");
    }

    [Fact]
    public async Task The_csv_has_the_bytes_csvhelper_wrote_for_every_kind_of_text_and_number()
    {
        double[] numbers = [0, 1, 5, 9, 10, 42, -1, -0.0, 0.5, 12.5, -3.25, 1.0 / 3, 1e14, 1e15 - 1, 1e15, 1e16, 123456789012345678, 1e-7, 5e-324,
            double.MaxValue, -double.MaxValue, 2147483647, -2147483648, 0.1 + 0.2];
        string?[] texts = [null, .. Texts, "lone \ud800 high", "lone \udc00 low", "\ud83d", "end \ud83d"];
        var random = new Random(3);
        var rows = new List<ExportCell[]>();
        for (var r = 0; r < 3000; r++)
            rows.Add(Enumerable.Range(0, 9).Select(c => random.Next(3) switch
            {
                0 => ExportCell.Of(numbers[random.Next(numbers.Length)]),
                1 => ExportCell.Of(texts[random.Next(texts.Length)]),
                _ => random.Next(2) == 0 ? ExportCell.Empty : ExportCell.Of(RandomText(random)),
            }).ToArray());
        string[] columns = ["id", "=formula", "tên, có dấu", "\"q\"", "-", "+x", "@a", "a\nb", ""];
        AssertSameBytes(ReferenceExport.Csv(columns, rows), await CsvAsync(columns, rows));
    }

    private static async Task<byte[]> JsonAsync(IReadOnlyList<string> columns, IEnumerable<ExportCell[]> rows)
    {
        using var output = new NonSeekableStream { ForbidSynchronousWrites = true };
        await using (var writer = new JsonTableWriter(output))
        {
            await writer.StartTableAsync("t", columns);
            foreach (var row in rows) await writer.WriteRowAsync(row);
            await writer.CompleteAsync();
        }
        return output.ToArray();
    }

    [Fact]
    public async Task The_json_has_the_bytes_utf8jsonwriter_wrote_for_every_kind_of_text_and_number()
    {
        double[] numbers = [0, 1, 5, 10, -1, -0.0, 0.5, 12.5, 1.0 / 3, 1e15, 1e16, 1e-7, 5e-324, double.MaxValue, -double.MaxValue, 0.1 + 0.2];
        string?[] texts = [null, .. Texts, "\u0041", "</script>", "\ud800", "\u00e9 é", "\b\f", "\u007f\u0080\u009f", "\u200b\ufeff"];
        var random = new Random(4);
        var rows = new List<ExportCell[]>();
        for (var r = 0; r < 3000; r++)
            rows.Add(Enumerable.Range(0, 7).Select(c => random.Next(3) switch
            {
                0 => ExportCell.Of(numbers[random.Next(numbers.Length)]),
                1 => ExportCell.Of(texts[random.Next(texts.Length)]),
                _ => random.Next(2) == 0 ? ExportCell.Empty : ExportCell.Of(RandomText(random)),
            }).ToArray());
        string[] columns = ["id", "tên \"có\" dấu", "a\\b", "<x>", "=f", "", "NHANH.HL"];
        AssertSameBytes(ReferenceExport.Json(columns, rows), await JsonAsync(columns, rows));
        AssertSameBytes(ReferenceExport.Json(columns, []), await JsonAsync(columns, []));
        Assert.Equal("[]"u8.ToArray(), await JsonAsync(["a"], []));
    }

    [Fact]
    public async Task Lone_surrogates_and_quotes_in_json_are_escaped_as_utf8jsonwriter_escaped_them()
    {
        ExportCell[][] rows = [[ExportCell.Of("a \ud800 b \"c\"\n")], [ExportCell.Of("\udc00")], [ExportCell.Of("ok")]];
        var expected = ReferenceExport.Json(["t"], rows);
        AssertSameBytes(expected, await JsonAsync(["t"], rows));
        Assert.Contains("\\\"c\\\"", Encoding.UTF8.GetString(expected), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_table_of_one_column_writes_an_empty_field_as_two_quotes_as_csvhelper_did()
    {
        ExportCell[][] rows = [[ExportCell.Empty], [ExportCell.Of("")], [ExportCell.Of("a")], [ExportCell.Of(0d)]];
        AssertSameBytes(ReferenceExport.Csv([""], rows), await CsvAsync([""], rows));
        AssertSameBytes(ReferenceExport.Csv(["n"], rows), await CsvAsync(["n"], rows));
    }

    [Fact]
    public async Task Rows_far_longer_than_the_buffer_are_written_whole()
    {
        var wide = Enumerable.Range(0, 300).Select(i => $"c{i}").ToArray();
        var rows = Enumerable.Range(0, 40).Select(r => wide.Select((_, i) => ExportCell.Of(string.Concat(Enumerable.Repeat("\"ầ,", 333)) + r + i)).ToArray()).ToList();
        AssertSameBytes(ReferenceExport.Csv(wide, rows), await CsvAsync(wide, rows));
    }

    [Fact]
    public async Task Microdata_of_every_instrument_gives_the_csv_and_json_bytes_of_the_old_export()
    {
        var random = new Random(11);
        var layout = new MicrodataLayout(BuiltIn);
        var records = Enumerable.Range(0, 3000).Select(i =>
        {
            var definition = BuiltIn[random.Next(BuiltIn.Count)];
            return Record(definition, Answers(definition, random, withUnknownItems: true), i);
        }).ToList();
        var expected = ReferenceExport.Csv(layout.Columns, records.Select((r, i) => ReferenceExport.Fill(layout, r, $"p{i}")));
        var cells = layout.NewRow();
        var actual = await CsvAsync(layout.Columns, records.Select((r, i) =>
        {
            layout.Fill(r, $"p{i}", cells);
            return cells;
        }));
        AssertSameBytes(expected, actual);

        var expectedJson = ReferenceExport.Json(layout.Columns, records.Select((r, i) => ReferenceExport.Fill(layout, r, $"p{i}")));
        var actualJson = await JsonAsync(layout.Columns, records.Select((r, i) =>
        {
            layout.Fill(r, $"p{i}", cells);
            return cells;
        }));
        AssertSameBytes(expectedJson, actualJson);
    }
}

/// <summary>The pseudonym is AES-128 of the submission id under the export's key, cut to 64 bits.</summary>
public sealed class PseudonymizerTests
{
    [Fact]
    public void A_pseudonym_is_the_first_half_of_the_aes_block_of_the_id_and_the_same_for_the_same_id()
    {
        var random = new Random(9);
        var key = new byte[16];
        random.NextBytes(key);
        using var pseudonyms = new Pseudonymizer(key);
        using var aes = System.Security.Cryptography.Aes.Create();
        aes.Key = key;
        for (var i = 0; i < 2000; i++)
        {
            var bytes = new byte[16];
            random.NextBytes(bytes);
            var id = new Guid(bytes);
            var expected = Convert.ToHexStringLower(aes.EncryptEcb(id.ToByteArray(), System.Security.Cryptography.PaddingMode.None).AsSpan(0, 8));
            Assert.Equal(expected, pseudonyms.Of(id));
            Assert.Equal(expected, pseudonyms.Of(id)); // no chaining from one row to the next
        }
    }

    [Fact]
    public void The_fips_197_example_block_is_encrypted_as_the_standard_says()
    {
        // FIPS-197 appendix C.1: key 000102…0f, plaintext 00112233…ff, ciphertext 69c4e0d86a7b0430d8cdb78070b4c55a.
        using var pseudonyms = new Pseudonymizer(Convert.FromHexString("000102030405060708090a0b0c0d0e0f"));
        var id = new Guid(Convert.FromHexString("00112233445566778899aabbccddeeff"));
        Assert.Equal("69c4e0d86a7b0430", pseudonyms.Of(id));
    }

    [Fact]
    public void Two_exports_give_unrelated_pseudonyms_and_a_key_must_be_16_bytes()
    {
        var ids = Enumerable.Range(0, 1000).Select(_ => Guid.NewGuid()).ToList();
        using var first = new Pseudonymizer();
        using var second = new Pseudonymizer();
        Assert.Equal(1000, ids.Select(first.Of).Distinct().Count());
        Assert.Empty(ids.Select(first.Of).Intersect(ids.Select(second.Of)));
        Assert.Throws<ArgumentException>(() => new Pseudonymizer(new byte[32]));
    }
}
