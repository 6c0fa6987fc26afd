using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace CchcSurvey.Web.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class PaperQuestionnaires : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "PaperSheets",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Serial = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    CounterId = table.Column<int>(type: "integer", nullable: false),
                    InstrumentVersionId = table.Column<int>(type: "integer", nullable: false),
                    Language = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    Pages = table.Column<int>(type: "integer", nullable: false),
                    PrintedOn = table.Column<DateOnly>(type: "date", nullable: false),
                    Status = table.Column<int>(type: "integer", nullable: false),
                    PendingSubmissionId = table.Column<Guid>(type: "uuid", nullable: true),
                    CellsJson = table.Column<string>(type: "text", nullable: true),
                    FirstEntryJson = table.Column<string>(type: "text", nullable: true),
                    FirstEntryBy = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PaperSheets", x => x.Id);
                    table.ForeignKey(
                        name: "FK_PaperSheets_Counters_CounterId",
                        column: x => x.CounterId,
                        principalTable: "Counters",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_PaperSheets_InstrumentVersions_InstrumentVersionId",
                        column: x => x.InstrumentVersionId,
                        principalTable: "InstrumentVersions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "PaperPages",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    SheetId = table.Column<int>(type: "integer", nullable: true),
                    UnitId = table.Column<int>(type: "integer", nullable: true),
                    PageNumber = table.Column<int>(type: "integer", nullable: false),
                    Status = table.Column<int>(type: "integer", nullable: false),
                    Problem = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    MarksJson = table.Column<string>(type: "text", nullable: true),
                    CornersJson = table.Column<string>(type: "text", nullable: true),
                    ImagePng = table.Column<byte[]>(type: "bytea", nullable: false),
                    ScannedUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PaperPages", x => x.Id);
                    table.ForeignKey(
                        name: "FK_PaperPages_PaperSheets_SheetId",
                        column: x => x.SheetId,
                        principalTable: "PaperSheets",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_PaperPages_SheetId",
                table: "PaperPages",
                column: "SheetId");

            migrationBuilder.CreateIndex(
                name: "IX_PaperPages_Status_UnitId",
                table: "PaperPages",
                columns: new[] { "Status", "UnitId" });

            migrationBuilder.CreateIndex(
                name: "IX_PaperSheets_CounterId",
                table: "PaperSheets",
                column: "CounterId");

            migrationBuilder.CreateIndex(
                name: "IX_PaperSheets_InstrumentVersionId",
                table: "PaperSheets",
                column: "InstrumentVersionId");

            migrationBuilder.CreateIndex(
                name: "IX_PaperSheets_Serial",
                table: "PaperSheets",
                column: "Serial",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_PaperSheets_Status_CounterId",
                table: "PaperSheets",
                columns: new[] { "Status", "CounterId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "PaperPages");

            migrationBuilder.DropTable(
                name: "PaperSheets");
        }
    }
}
