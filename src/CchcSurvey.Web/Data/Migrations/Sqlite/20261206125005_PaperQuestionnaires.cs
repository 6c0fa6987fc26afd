using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CchcSurvey.Web.Data.Migrations.Sqlite
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
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Serial = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    CounterId = table.Column<int>(type: "INTEGER", nullable: false),
                    InstrumentVersionId = table.Column<int>(type: "INTEGER", nullable: false),
                    Language = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    Pages = table.Column<int>(type: "INTEGER", nullable: false),
                    PrintedOn = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Status = table.Column<int>(type: "INTEGER", nullable: false),
                    PendingSubmissionId = table.Column<Guid>(type: "TEXT", nullable: true),
                    CellsJson = table.Column<string>(type: "TEXT", nullable: true),
                    FirstEntryJson = table.Column<string>(type: "TEXT", nullable: true),
                    FirstEntryBy = table.Column<string>(type: "TEXT", nullable: true)
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
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    SheetId = table.Column<int>(type: "INTEGER", nullable: true),
                    UnitId = table.Column<int>(type: "INTEGER", nullable: true),
                    PageNumber = table.Column<int>(type: "INTEGER", nullable: false),
                    Status = table.Column<int>(type: "INTEGER", nullable: false),
                    Problem = table.Column<string>(type: "TEXT", maxLength: 300, nullable: true),
                    MarksJson = table.Column<string>(type: "TEXT", nullable: true),
                    CornersJson = table.Column<string>(type: "TEXT", nullable: true),
                    ImagePng = table.Column<byte[]>(type: "BLOB", nullable: false),
                    ScannedUtc = table.Column<DateTime>(type: "TEXT", nullable: false)
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
