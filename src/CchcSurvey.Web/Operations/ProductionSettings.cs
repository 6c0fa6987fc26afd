namespace CchcSurvey.Web.Operations;

/// <summary>
/// Settings a production site must give explicitly (docs/deployment.md): without them it refuses to start with
/// one line naming the missing key, instead of running on defaults meant for trying the app out (a SQLite file
/// inside the installation directory, which an upgrade replaces).
/// </summary>
public static class ProductionSettings
{
    public static readonly string[] Required = ["ConnectionStrings:Survey"];

    public static void Check(IConfiguration configuration)
    {
        var missing = Required.Where(key => string.IsNullOrWhiteSpace(configuration[key])).ToList();
        if (missing.Count > 0)
            throw new InvalidOperationException(
                $"Production needs {string.Join(", ", missing)} (see docs/deployment.md); refusing to start on the development defaults.");
    }
}
