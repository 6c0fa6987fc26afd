namespace CchcSurvey.Web.Data;

/// <summary>
/// The last run of a background job, shared by every app instance on the database, so that a job runs once per
/// interval whatever the number of instances (<see cref="Operations.JobLeases"/>). One row per job, created by the
/// migration.
/// </summary>
public sealed class JobLease
{
    /// <summary>The job: <c>alerts</c>, <c>sighting-cleanup</c>.</summary>
    public required string Name { get; set; }

    /// <summary>When an instance last claimed (and so ran) the job, UTC.</summary>
    public DateTime LastRunUtc { get; set; }

    /// <summary>Runs so far: a check for operators and tests that one run happened per interval.</summary>
    public long Runs { get; set; }

    /// <summary>The instance that ran it last (host name and process id), for operators.</summary>
    public string? Holder { get; set; }
}
