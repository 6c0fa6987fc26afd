using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CchcSurvey.Web.Data.Migrations.Sqlite
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
            // cchc_sha256_hex is registered on every connection of the app (SqlitePragmaInterceptor).
            migrationBuilder.Sql("""
                UPDATE "Responses" SET "PayloadHash" = h."Hash"
                FROM (SELECT r."Id" AS "Id",
                             cchc_sha256_hex(c."Code" || char(10) || v."Code" || char(10) || v."Version" || char(10) || r."Channel" || char(10) || r."AnswersJson") AS "Hash"
                      FROM "Responses" r
                      JOIN "Counters" c ON c."Id" = r."CounterId"
                      JOIN "InstrumentVersions" v ON v."Id" = r."InstrumentVersionId") AS h
                WHERE "Responses"."Id" = h."Id" AND "Responses"."PayloadHash" <> h."Hash";
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {

        }
    }
}
