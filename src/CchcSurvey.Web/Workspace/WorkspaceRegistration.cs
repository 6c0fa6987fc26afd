namespace CchcSurvey.Web.Workspace;

public static class WorkspaceRegistration
{
    /// <summary>Comments, alerts (scanner, e-mail, background service), cases and publishing.</summary>
    public static IServiceCollection AddWorkspace(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<AlertOptions>(configuration.GetSection(AlertOptions.Section));
        services.Configure<SmtpOptions>(configuration.GetSection(SmtpOptions.Section));
        services.Configure<CaseOptions>(configuration.GetSection(CaseOptions.Section));
        services.AddScoped<AlertScanner>();
        services.AddScoped<AlertMailer>();
        services.AddScoped<AlertBadge>();
        services.AddSingleton<IAlertSender, SmtpAlertSender>();
        services.AddHostedService<AlertBackgroundService>();
        services.AddScoped<PublicationBuilder>();
        return services;
    }
}
