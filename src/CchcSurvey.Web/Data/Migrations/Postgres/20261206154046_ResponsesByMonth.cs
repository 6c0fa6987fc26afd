using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CchcSurvey.Web.Data.Migrations.Postgres
{
    /// <summary>
    /// Partitions Responses by month of SubmittedHourUtc (Vietnam time, UTC+7), with a default partition; EF Core has
    /// no partition support, so this is raw SQL and the model does not change. A partitioned table's unique indexes
    /// must include the partition key, so: the primary key becomes (Id, SubmittedHourUtc), the index on SubmissionId
    /// stops being unique and the unpartitioned SubmissionIds table (written by ResponseRows in the same statement)
    /// keeps ids unique; the foreign keys from Cases and CommentNotes to Responses(Id) are dropped. Months are made
    /// by cchc_add_response_months (here and at every start). See docs/deployment.md, section 6a.
    /// </summary>
    public partial class ResponsesByMonth : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(@"
CREATE TABLE ""SubmissionIds"" (""SubmissionId"" uuid NOT NULL, CONSTRAINT ""PK_SubmissionIds"" PRIMARY KEY (""SubmissionId""));
INSERT INTO ""SubmissionIds"" (""SubmissionId"") SELECT ""SubmissionId"" FROM ""Responses"";

DO $$
DECLARE r record;
BEGIN
    FOR r IN SELECT conrelid::regclass AS tbl, conname FROM pg_constraint WHERE confrelid = '""Responses""'::regclass AND contype = 'f' LOOP
        EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', r.tbl, r.conname);
    END LOOP;
    ALTER TABLE ""Responses"" RENAME TO ""Responses_unpartitioned"";
    FOR r IN SELECT indexrelid::regclass::text AS name FROM pg_index WHERE indrelid = '""Responses_unpartitioned""'::regclass LOOP
        EXECUTE format('ALTER INDEX %s RENAME TO %I', r.name, trim(both '""' from r.name) || '_unpartitioned');
    END LOOP;
END $$;

CREATE TABLE ""Responses"" (LIKE ""Responses_unpartitioned"" INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING GENERATED)
    PARTITION BY RANGE (""SubmittedHourUtc"");
CREATE TABLE ""Responses_default"" PARTITION OF ""Responses"" DEFAULT;

CREATE FUNCTION cchc_add_response_months(first_month date, last_month date) RETURNS integer LANGUAGE plpgsql AS $f$
DECLARE
    m date := date_trunc('month', first_month)::date;
    made integer := 0;
    name text;
    low timestamptz;
    high timestamptz;
BEGIN
    WHILE m <= last_month LOOP
        name := 'Responses_' || to_char(m, 'YYYY_MM');
        low := (m::text || ' 00:00:00+07')::timestamptz;
        high := ((m + interval '1 month')::date::text || ' 00:00:00+07')::timestamptz;
        IF to_regclass(format('%I', name)) IS NULL
           AND NOT EXISTS (SELECT 1 FROM ""Responses_default"" WHERE ""SubmittedHourUtc"" >= low AND ""SubmittedHourUtc"" < high) THEN
            EXECUTE format('CREATE TABLE %I PARTITION OF ""Responses"" FOR VALUES FROM (%L) TO (%L)', name, low, high);
            made := made + 1;
        END IF;
        m := (m + interval '1 month')::date;
    END LOOP;
    RETURN made;
END
$f$;

SELECT cchc_add_response_months(
    LEAST(COALESCE((SELECT min(""SubmittedHourUtc"") AT TIME ZONE '+07' FROM ""Responses_unpartitioned"")::date, current_date), current_date),
    (current_date + interval '24 months')::date);

INSERT INTO ""Responses"" OVERRIDING SYSTEM VALUE SELECT * FROM ""Responses_unpartitioned"";
DROP TABLE ""Responses_unpartitioned"";

DO $$
DECLARE s text := pg_get_serial_sequence('""Responses""', 'Id');
BEGIN
    PERFORM setval(s, COALESCE((SELECT max(""Id"") FROM ""Responses""), 0) + 1, false);
    IF s <> 'public.""Responses_Id_seq""' THEN EXECUTE format('ALTER SEQUENCE %s RENAME TO %I', s, 'Responses_Id_seq'); END IF;
END $$;

ALTER TABLE ""Responses"" ADD CONSTRAINT ""PK_Responses"" PRIMARY KEY (""Id"", ""SubmittedHourUtc"");
CREATE INDEX ""IX_Responses_CounterId"" ON ""Responses"" (""CounterId"");
CREATE INDEX ""IX_Responses_InstrumentVersionId"" ON ""Responses"" (""InstrumentVersionId"");
CREATE INDEX ""IX_Responses_SubmissionId"" ON ""Responses"" (""SubmissionId"");
CREATE INDEX ""IX_Responses_SubmittedHourUtc"" ON ""Responses"" (""SubmittedHourUtc"");
CREATE INDEX ""IX_Responses_UnitId_SubmittedHourUtc"" ON ""Responses"" (""UnitId"", ""SubmittedHourUtc"");
ALTER TABLE ""Responses"" ADD CONSTRAINT ""FK_Responses_Counters_CounterId"" FOREIGN KEY (""CounterId"") REFERENCES ""Counters"" (""Id"") ON DELETE RESTRICT;
ALTER TABLE ""Responses"" ADD CONSTRAINT ""FK_Responses_InstrumentVersions_InstrumentVersionId"" FOREIGN KEY (""InstrumentVersionId"") REFERENCES ""InstrumentVersions"" (""Id"") ON DELETE RESTRICT;
ALTER TABLE ""Responses"" ADD CONSTRAINT ""FK_Responses_Units_UnitId"" FOREIGN KEY (""UnitId"") REFERENCES ""Units"" (""Id"") ON DELETE RESTRICT;
");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(@"
DO $$
DECLARE r record;
BEGIN
    ALTER TABLE ""Responses"" RENAME TO ""Responses_partitioned"";
    FOR r IN SELECT indexrelid::regclass::text AS name FROM pg_index WHERE indrelid = '""Responses_partitioned""'::regclass LOOP
        EXECUTE format('ALTER INDEX %s RENAME TO %I', r.name, trim(both '""' from r.name) || '_partitioned');
    END LOOP;
END $$;
CREATE TABLE ""Responses"" (LIKE ""Responses_partitioned"" INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING GENERATED);
INSERT INTO ""Responses"" OVERRIDING SYSTEM VALUE SELECT * FROM ""Responses_partitioned"";
DROP TABLE ""Responses_partitioned"" CASCADE;
DROP FUNCTION cchc_add_response_months(date, date);
DROP TABLE ""SubmissionIds"";
DO $$
DECLARE s text := pg_get_serial_sequence('""Responses""', 'Id');
BEGIN
    PERFORM setval(s, COALESCE((SELECT max(""Id"") FROM ""Responses""), 0) + 1, false);
    IF s <> 'public.""Responses_Id_seq""' THEN EXECUTE format('ALTER SEQUENCE %s RENAME TO %I', s, 'Responses_Id_seq'); END IF;
END $$;
ALTER TABLE ""Responses"" ADD CONSTRAINT ""PK_Responses"" PRIMARY KEY (""Id"");
CREATE INDEX ""IX_Responses_CounterId"" ON ""Responses"" (""CounterId"");
CREATE INDEX ""IX_Responses_InstrumentVersionId"" ON ""Responses"" (""InstrumentVersionId"");
CREATE UNIQUE INDEX ""IX_Responses_SubmissionId"" ON ""Responses"" (""SubmissionId"");
CREATE INDEX ""IX_Responses_SubmittedHourUtc"" ON ""Responses"" (""SubmittedHourUtc"");
CREATE INDEX ""IX_Responses_UnitId_SubmittedHourUtc"" ON ""Responses"" (""UnitId"", ""SubmittedHourUtc"");
ALTER TABLE ""Responses"" ADD CONSTRAINT ""FK_Responses_Counters_CounterId"" FOREIGN KEY (""CounterId"") REFERENCES ""Counters"" (""Id"") ON DELETE RESTRICT;
ALTER TABLE ""Responses"" ADD CONSTRAINT ""FK_Responses_InstrumentVersions_InstrumentVersionId"" FOREIGN KEY (""InstrumentVersionId"") REFERENCES ""InstrumentVersions"" (""Id"") ON DELETE RESTRICT;
ALTER TABLE ""Responses"" ADD CONSTRAINT ""FK_Responses_Units_UnitId"" FOREIGN KEY (""UnitId"") REFERENCES ""Units"" (""Id"") ON DELETE RESTRICT;
ALTER TABLE ""Cases"" ADD CONSTRAINT ""FK_Cases_Responses_ResponseId"" FOREIGN KEY (""ResponseId"") REFERENCES ""Responses"" (""Id"") ON DELETE CASCADE;
ALTER TABLE ""CommentNotes"" ADD CONSTRAINT ""FK_CommentNotes_Responses_ResponseId"" FOREIGN KEY (""ResponseId"") REFERENCES ""Responses"" (""Id"") ON DELETE CASCADE;
");
        }
    }
}
