using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace CchcSurvey.Web.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class StatisticsCells : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "Flags",
                table: "Responses",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.CreateTable(
                name: "StatisticsCells",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    UnitId = table.Column<int>(type: "integer", nullable: false),
                    InstrumentVersionId = table.Column<int>(type: "integer", nullable: false),
                    Period = table.Column<byte>(type: "smallint", nullable: false),
                    PeriodStart = table.Column<DateOnly>(type: "date", nullable: false),
                    Channel = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    Flagged = table.Column<bool>(type: "boolean", nullable: false),
                    Responses = table.Column<long>(type: "bigint", nullable: false),
                    OverallN = table.Column<long>(type: "bigint", nullable: false),
                    OverallSatisfied = table.Column<long>(type: "bigint", nullable: false),
                    Data = table.Column<string>(type: "text", nullable: false),
                    Revision = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_StatisticsCells", x => x.Id);
                    table.ForeignKey(
                        name: "FK_StatisticsCells_InstrumentVersions_InstrumentVersionId",
                        column: x => x.InstrumentVersionId,
                        principalTable: "InstrumentVersions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_StatisticsCells_Units_UnitId",
                        column: x => x.UnitId,
                        principalTable: "Units",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Responses_SubmittedHourUtc",
                table: "Responses",
                column: "SubmittedHourUtc");

            migrationBuilder.CreateIndex(
                name: "IX_StatisticsCells_InstrumentVersionId",
                table: "StatisticsCells",
                column: "InstrumentVersionId");

            migrationBuilder.CreateIndex(
                name: "IX_StatisticsCells_UnitId_InstrumentVersionId_Period_PeriodSta~",
                table: "StatisticsCells",
                columns: new[] { "UnitId", "InstrumentVersionId", "Period", "PeriodStart", "Channel", "Flagged" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "StatisticsCells");

            migrationBuilder.DropIndex(
                name: "IX_Responses_SubmittedHourUtc",
                table: "Responses");

            migrationBuilder.DropColumn(
                name: "Flags",
                table: "Responses");
        }
    }
}
