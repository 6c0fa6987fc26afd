using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CchcSurvey.Web.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Integrity : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "OpeningHours",
                table: "Counters",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "DeviceSightings",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    KeyHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    CounterId = table.Column<int>(type: "INTEGER", nullable: false),
                    HourUtc = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DeviceSightings", x => x.Id);
                    table.ForeignKey(
                        name: "FK_DeviceSightings_Counters_CounterId",
                        column: x => x.CounterId,
                        principalTable: "Counters",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "DossierCounts",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    UnitId = table.Column<int>(type: "INTEGER", nullable: false),
                    Month = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Count = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DossierCounts", x => x.Id);
                    table.ForeignKey(
                        name: "FK_DossierCounts_Units_UnitId",
                        column: x => x.UnitId,
                        principalTable: "Units",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "DossierTokens",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    TokenHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    CounterId = table.Column<int>(type: "INTEGER", nullable: false),
                    ExpiresUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UsedHourUtc = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DossierTokens", x => x.Id);
                    table.ForeignKey(
                        name: "FK_DossierTokens_Counters_CounterId",
                        column: x => x.CounterId,
                        principalTable: "Counters",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "SightingSecrets",
                columns: table => new
                {
                    Day = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Secret = table.Column<byte[]>(type: "BLOB", maxLength: 32, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SightingSecrets", x => x.Day);
                });

            migrationBuilder.CreateIndex(
                name: "IX_DeviceSightings_CounterId",
                table: "DeviceSightings",
                column: "CounterId");

            migrationBuilder.CreateIndex(
                name: "IX_DeviceSightings_HourUtc",
                table: "DeviceSightings",
                column: "HourUtc");

            migrationBuilder.CreateIndex(
                name: "IX_DeviceSightings_KeyHash_CounterId_HourUtc",
                table: "DeviceSightings",
                columns: new[] { "KeyHash", "CounterId", "HourUtc" });

            migrationBuilder.CreateIndex(
                name: "IX_DossierCounts_UnitId_Month",
                table: "DossierCounts",
                columns: new[] { "UnitId", "Month" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_DossierTokens_CounterId",
                table: "DossierTokens",
                column: "CounterId");

            migrationBuilder.CreateIndex(
                name: "IX_DossierTokens_TokenHash",
                table: "DossierTokens",
                column: "TokenHash",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "DeviceSightings");

            migrationBuilder.DropTable(
                name: "DossierCounts");

            migrationBuilder.DropTable(
                name: "DossierTokens");

            migrationBuilder.DropTable(
                name: "SightingSecrets");

            migrationBuilder.DropColumn(
                name: "OpeningHours",
                table: "Counters");
        }
    }
}
