using CchcSurvey.Core.Instruments;

namespace CchcSurvey.Core.Tests;

/// <summary>Paths of the reference data copied next to the test binary (see the csproj).</summary>
internal static class ReferenceData
{
    public static string Directory => Path.Combine(AppContext.BaseDirectory, "data", "reference");
    public static string ResponsesCsv => Path.Combine(Directory, "responses.csv");
    public static string UnitsCsv => Path.Combine(Directory, "units.csv");
    public static string ExpectedJson => Path.Combine(Directory, "expected.json");

    public static InstrumentDefinition Instrument(string code) =>
        InstrumentCatalog.FindBuiltIn(code) ?? throw new InvalidOperationException($"no built-in instrument {code}");
}
