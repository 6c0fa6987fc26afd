using CchcSurvey.Core.Indices;

namespace CchcSurvey.Core.Tests.Indices;

public class StudentTQuantileTests
{
    private const double Z975 = 1.959963984540054;

    /// <summary>
    /// t(0.975, df) implied by the Student-t bounds of tests/data/reference/expected.json (SciPy stdtrit, CDFLIB
    /// cdft). df 9 and 38 are refined by the root finder; from df 39 on cdft returns the Cornish–Fisher start value.
    /// </summary>
    [Theory]
    [InlineData(9, 2.262157162740992)]
    [InlineData(38, 2.024394164575136)]
    [InlineData(39, 2.022690911734728)]
    [InlineData(50, 2.008559109715206)]
    [InlineData(216, 1.971007472002907)]
    public void Cdflib975_reproduces_the_quantiles_implied_by_the_reference(long df, double expected)
    {
        Assert.Equal(expected, StudentTQuantile.Cdflib975(df), 1e-13);
        Assert.Equal(expected, Estimators.TQuantile975(df), 1e-13);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(8)]
    [InlineData(30)]
    [InlineData(100)]
    [InlineData(1000)]
    [InlineData(100000)]
    public void Cdflib975_is_finite_and_within_1e7_relative_of_the_exact_quantile(long df)
    {
        var t = Estimators.TQuantile975(df);
        var exact = StudentTQuantile.Exact975(df);
        Assert.True(double.IsFinite(t), $"df = {df}: {t}");
        Assert.True(t > Z975, $"df = {df}: {t:R} ≤ z");
        Assert.True(Math.Abs(t - exact) <= 1e-7 * exact, $"df = {df}: {t:R} vs exact {exact:R}");
    }

    [Fact]
    public void Exact975_matches_known_values()
    {
        Assert.Equal(12.706204736174707, StudentTQuantile.Exact975(1), 1e-10);
        Assert.Equal(4.302652729749464, StudentTQuantile.Exact975(2), 1e-10);
        Assert.Equal(2.0085591120997, StudentTQuantile.Exact975(50), 1e-12);
    }

    [Fact]
    public void General_form_agrees_with_Cdflib975_and_is_antisymmetric()
    {
        foreach (var df in new long[] { 1, 2, 9, 38, 39, 216 })
        {
            Assert.Equal(StudentTQuantile.Cdflib975(df), StudentTQuantile.Cdflib(0.975, df), 1e-13);
            Assert.Equal(-StudentTQuantile.Cdflib975(df), StudentTQuantile.Cdflib(0.025, df), 1e-7);
        }
    }

    [Fact]
    public void Degrees_of_freedom_below_one_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => StudentTQuantile.Cdflib975(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Estimators.TQuantile975(0));
    }
}
