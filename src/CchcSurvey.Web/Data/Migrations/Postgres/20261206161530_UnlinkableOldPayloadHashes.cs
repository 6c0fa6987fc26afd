using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CchcSurvey.Web.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class UnlinkableOldPayloadHashes : Migration
    {
        /// <summary>
        /// Responses stored before migration Unlinkable through a per-dossier token kept a payload hash of
        /// "t:" + SHA-256(token) instead of the counter code: a database reader could hash the token table's rows and
        /// find which response each token gave. Every response with a counter gets its hash again the way new
        /// responses get it (counter code, instrument, version, channel, answers: SubmissionService.PayloadHash), so a
        /// token's response and a counter-QR response with the same counter, instrument, channel and answers hold the
        /// same hash. Only rows whose hash differs are written. A retry of such an old submission with the same answers
        /// is still recognised (the retry's hash is computed the same way). Responses without a counter (paper by
        /// unit) never had a token. Down leaves the hashes as they are: the old ones cannot be made again, and
        /// must not be.
        /// </summary>
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                UPDATE "Responses" AS t SET "PayloadHash" = h."Hash"
                FROM (SELECT r."Id" AS "Id",
                             encode(sha256(convert_to(c."Code" || E'\n' || v."Code" || E'\n' || v."Version"::text || E'\n' || r."Channel" || E'\n' || r."AnswersJson", 'UTF8')), 'hex') AS "Hash"
                      FROM "Responses" r
                      JOIN "Counters" c ON c."Id" = r."CounterId"
                      JOIN "InstrumentVersions" v ON v."Id" = r."InstrumentVersionId") AS h
                WHERE t."Id" = h."Id" AND t."PayloadHash" <> h."Hash";
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {

        }
    }
}
