using System.Reflection;
using System.Text.RegularExpressions;
using CchcSurvey.Core.Anonymisation;

namespace CchcSurvey.Core.Tests.Anonymisation;

/// <summary>
/// The scrubber runs on text typed by anonymous citizens: each of its expressions gives up after a bounded time, and
/// a text that makes one give up is withheld whole (never stored unscrubbed).
/// </summary>
public class TextScrubberLimitsTests
{
    public static TheoryData<string> Expressions()
    {
        var data = new TheoryData<string>();
        foreach (var method in Patterns()) data.Add(method.Name);
        return data;
    }

    private static IEnumerable<MethodInfo> Patterns() =>
        typeof(TextScrubber).GetMethods(BindingFlags.NonPublic | BindingFlags.Static).Where(m => m.ReturnType == typeof(Regex) && m.GetParameters().Length == 0);

    [Theory]
    [MemberData(nameof(Expressions))]
    public void Every_expression_has_a_match_timeout(string name)
    {
        var regex = (Regex)Patterns().Single(m => m.Name == name).Invoke(null, null)!;
        Assert.NotEqual(Regex.InfiniteMatchTimeout, regex.MatchTimeout);
        Assert.True(regex.MatchTimeout <= TimeSpan.FromSeconds(1), $"{name}: {regex.MatchTimeout}");
    }

    [Fact]
    public void There_are_expressions_to_check() => Assert.True(Patterns().Count() >= 7);

    [Fact]
    public void A_text_that_exhausts_an_expression_is_withheld_not_stored_as_it_is()
    {
        // A run of characters an e-mail address may start with, and no '@': every start position scans to the end.
        var hostile = new string('a', 400_000) + " 0912345678";
        // Quadratic work (about 10^11 steps): no machine finishes it within the timeout, so the text is withheld.
        Assert.Equal(TextScrubber.WithheldPlaceholder, TextScrubber.Scrub(hostile));
        // Ordinary comments are untouched by the limit.
        Assert.Equal("Gọi [số điện thoại] mãi không ai nghe", TextScrubber.Scrub("Gọi 0389-123-456 mãi không ai nghe"));
    }
}
