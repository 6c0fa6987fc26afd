namespace CchcSurvey.Web.Infrastructure;

/// <summary>
/// Finds the repository root (the folder holding CchcSurvey.sln) so that <c>dotnet run</c> uses the
/// top-level <c>wwwroot/</c> and <c>data/</c>; a published app has neither and uses its own folder.
/// </summary>
public static class RepositoryPaths
{
    public static string Root(string contentRoot)
    {
        for (var dir = new DirectoryInfo(contentRoot); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CchcSurvey.sln")))
                return dir.FullName;
        }
        return contentRoot;
    }

    public static string WebRoot(string contentRoot)
    {
        var repo = Path.Combine(Root(contentRoot), "wwwroot");
        if (Directory.Exists(repo)) return repo;
        var published = Path.Combine(AppContext.BaseDirectory, "wwwroot");
        return Directory.Exists(published) ? published : repo;
    }

    public static string DefaultSqliteFile(string contentRoot) => Path.Combine(Root(contentRoot), "data", "cchc.db");

    /// <summary>Files copied beside the binaries (demo organisation).</summary>
    public static string BundledFile(params string[] parts) => Path.Combine([AppContext.BaseDirectory, .. parts]);
}
