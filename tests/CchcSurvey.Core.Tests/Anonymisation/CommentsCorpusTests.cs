using CchcSurvey.Core.Anonymisation;
using Xunit.Abstractions;

namespace CchcSurvey.Core.Tests.Anonymisation;

/// <summary>
/// The scrubber on a corpus of realistic Vietnamese citizen comments (comments-corpus.tsv: text, tab,
/// expected text). A comment that should survive but is changed is a false positive; a comment whose
/// personal data is not (exactly) replaced is a false negative. Both counts are printed and must be 0.
/// </summary>
public class CommentsCorpusTests(ITestOutputHelper output)
{
    private sealed record Entry(int Line, string Text, string Expected)
    {
        public bool HasPersonalData => Text != Expected;
    }

    private static List<Entry> Corpus()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Anonymisation", "comments-corpus.tsv");
        var entries = new List<Entry>();
        var lines = File.ReadAllLines(path, System.Text.Encoding.UTF8);
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var parts = line.Split('\t');
            Assert.True(parts.Length == 2, $"Line {i + 1} needs exactly one tab: {line}");
            entries.Add(new Entry(i + 1, parts[0], parts[1]));
        }
        return entries;
    }

    [Fact]
    public void Corpus_is_large_enough_and_covers_both_kinds()
    {
        var corpus = Corpus();
        Assert.True(corpus.Count >= 120, $"{corpus.Count} comments");
        Assert.True(corpus.Count(e => !e.HasPersonalData) >= 60, "at least 60 comments whose numbers must stay");
        foreach (var placeholder in new[] { TextScrubber.PhonePlaceholder, TextScrubber.IdNumberPlaceholder, TextScrubber.EmailPlaceholder, TextScrubber.DossierCodePlaceholder })
            Assert.True(corpus.Count(e => e.Expected.Contains(placeholder, StringComparison.Ordinal)) >= 5, $"few comments with {placeholder}");
    }

    [Fact]
    public void Scrubber_has_no_false_positives_or_negatives_on_the_corpus()
    {
        var corpus = Corpus();
        var falsePositives = new List<string>();
        var falseNegatives = new List<string>();
        foreach (var entry in corpus)
        {
            var actual = TextScrubber.Scrub(entry.Text);
            if (actual == entry.Expected) continue;
            var report = $"line {entry.Line}: «{entry.Text}» → «{actual}», expected «{entry.Expected}»";
            // Clean text that was changed, or personal data over-scrubbed into neighbouring words: false positive.
            // Personal data left (wholly or partly) in the text: false negative.
            if (!entry.HasPersonalData || Placeholders(actual) > Placeholders(entry.Expected)) falsePositives.Add(report);
            else falseNegatives.Add(report);
        }
        var clean = corpus.Count(e => !e.HasPersonalData);
        output.WriteLine($"Corpus: {corpus.Count} comments, {corpus.Count - clean} with personal data, {clean} without.");
        output.WriteLine($"False positives: {falsePositives.Count}");
        foreach (var r in falsePositives) output.WriteLine("  FP " + r);
        output.WriteLine($"False negatives: {falseNegatives.Count}");
        foreach (var r in falseNegatives) output.WriteLine("  FN " + r);
        Console.WriteLine($"TextScrubber corpus: {falsePositives.Count} false positives, {falseNegatives.Count} false negatives of {corpus.Count} comments.");

        Assert.True(falsePositives.Count == 0 && falseNegatives.Count == 0,
            $"{falsePositives.Count} false positives, {falseNegatives.Count} false negatives:\n" + string.Join("\n", falsePositives.Concat(falseNegatives)));
    }

    private static int Placeholders(string text) =>
        new[] { TextScrubber.PhonePlaceholder, TextScrubber.IdNumberPlaceholder, TextScrubber.EmailPlaceholder, TextScrubber.DossierCodePlaceholder }
            .Sum(p => (text.Length - text.Replace(p, "", StringComparison.Ordinal).Length) / p.Length);
}
