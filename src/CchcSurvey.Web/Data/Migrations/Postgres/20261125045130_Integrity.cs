using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace CchcSurvey.Web.Data.Migrations.Postgres
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
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "DeviceSightings",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    KeyHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    CounterId = table.Column<int>(type: "integer", nullable: false),
                    HourUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
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
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    UnitId = table.Column<int>(type: "integer", nullable: false),
                    Month = table.Column<DateOnly>(type: "date", nullable: false),
                    Count = table.Column<int>(type: "integer", nullable: false)
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
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    TokenHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    CounterId = table.Column<int>(type: "integer", nullable: false),
                    ExpiresUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UsedHourUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
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
                    Day = table.Column<DateOnly>(type: "date", nullable: false),
                    Secret = table.Column<byte[]>(type: "bytea", maxLength: 32, nullable: false)
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
