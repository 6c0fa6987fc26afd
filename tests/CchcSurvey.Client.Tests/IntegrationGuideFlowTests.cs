using System.Globalization;
using System.Net.Http.Headers;
using CchcSurvey.Client;
using CchcSurvey.Web.Cli;
using CchcSurvey.Web.Tests.Infrastructure;

namespace CchcSurvey.Client.Tests;

/// <summary>
/// docs/integration.md, step by step, through the client NSwag generated from docs/openapi/v1.json: a commune's
/// one-stop software, with its manager's API token, issues a per-dossier survey token when it prints a receipt, the
/// citizen answers through it, the software pushes the month's dossier count and reads its indices and the ranking
/// of the district's communes; each documented error arrives as an ApiException with its status.
/// </summary>
public sealed class IntegrationGuideFlowTests(SurveyAppFactory factory) : IClassFixture<SurveyAppFactory>
{
    private async Task<string> ApiTokenAsync(string email, string role, string? unit)
    {
        string[] add = ["user", "add", "--email", email, "--password", "Mot-cua-Password-1", "--role", role];
        Assert.Equal(0, await CommandLine.RunAsync(factory.Services, unit is null ? add : [.. add, "--unit", unit], TextWriter.Null, TextWriter.Null));
        var output = new StringWriter();
        Assert.Equal(0, await CommandLine.RunAsync(factory.Services, ["token", "add", "--email", email], output, TextWriter.Null));
        return output.ToString().TrimEnd().Split('\n').Last().Trim();
    }

    private CchcClient ClientWith(string? token)
    {
        var http = factory.CreateClient();
        if (token is not null) http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return new CchcClient(http.BaseAddress!.ToString().TrimEnd('/'), http);
    }

    [Fact]
    public async Task The_one_stop_flow_of_the_guide_runs_from_the_generated_client()
    {
        // 0. The administrator gives the commune's one-stop software a manager's API token (scope: the commune).
        var software = ClientWith(await ApiTokenAsync("motcua@an-son.vn", "manager", "VQ-AS"));
        var citizen = ClientWith(null);

        // 1. A dossier is received: the software asks for a survey token and prints its url as a QR code on the receipt.
        var issued = await software.IssueSurveyTokenAsync(new TokenRequest { Counter = "VQ-AS-Q1", Dossier = "000.00.21.H36-260105-0001" });
        Assert.EndsWith("/t/" + issued.Token, issued.Url);
        Assert.True(DateTime.Parse(issued.Expires, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal) > DateTime.UtcNow);

        // 2. The citizen scans it and answers (here through the same API, as a kiosk or the survey page would).
        var answer = new SubmissionRequest
        {
            SubmissionId = Guid.NewGuid(), Token = issued.Token, Instrument = "NHANH", Channel = "qr",
            Answers = new Dictionary<string, object> { ["HL"] = 5 },
        };
        var accepted = await citizen.SubmitResponseAsync(answer);
        Assert.Equal(answer.SubmissionId, accepted.SubmissionId);
        var receipt = await citizen.GetReceiptAsync(answer.SubmissionId.ToString());
        Assert.True(receipt.Recorded);
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}$", receipt.Date);

        // A second answer with the same token is refused (409); a retry of the first is accepted again (200).
        var again = await Assert.ThrowsAsync<ApiException<ProblemDetails>>(() => citizen.SubmitResponseAsync(new SubmissionRequest
        {
            SubmissionId = Guid.NewGuid(), Token = issued.Token, Instrument = "NHANH", Channel = "qr", Answers = new Dictionary<string, object> { ["HL"] = 1 },
        }));
        Assert.Equal(409, again.StatusCode);
        Assert.Equal(answer.SubmissionId, (await citizen.SubmitResponseAsync(answer)).SubmissionId);

        // 3. Month end: the software pushes the month's dossier count (sending it again replaces it).
        var month = DateTime.UtcNow.AddHours(7).ToString("yyyy-MM", CultureInfo.InvariantCulture);
        Assert.Equal(1, (await software.PushDossierCountsAsync(new DossierCountRequest { Unit = "VQ-AS", Month = month, Count = 120 })).Written);
        Assert.Equal(1, (await software.PushDossierCountsAsync(new DossierCountRequest { Unit = "VQ-AS", Month = month, Count = 121 })).Written);

        // 4. Its dashboard reads the commune's indices.
        var indices = await software.GetUnitIndicesAsync("VQ-AS");
        Assert.Contains("NHANH", indices.Keys);
        Assert.Equal(1L, Convert.ToInt64(indices["NHANH"].AdditionalProperties["responses"].ToString(), CultureInfo.InvariantCulture));

        // 5. The district reads the ranking of its communes (a district official's token).
        var district = ClientWith(await ApiTokenAsync("thongke@van-quan.vn", "viewer", "VQ"));
        var ranking = await district.GetUnitRankingAsync("VQ", instrument: "NHANH");
        Assert.Equal("HL", ranking.Item);

        // Errors as the guide says: outside the token's scope 404, bad input 400, no token 401.
        var outside = await Assert.ThrowsAsync<ApiException<ProblemDetails>>(() => software.GetUnitIndicesAsync("VQ-TT"));
        Assert.Equal(404, outside.StatusCode);
        var badMonth = await Assert.ThrowsAsync<ApiException<HttpValidationProblemDetails>>(() =>
            software.PushDossierCountsAsync(new DossierCountRequest { Unit = "VQ-AS", Month = "13/2026", Count = 1 }));
        Assert.Equal(400, badMonth.StatusCode);
        Assert.Contains("month", badMonth.Result.Detail);
        var anonymous = await Assert.ThrowsAsync<ApiException>(() => citizen.IssueSurveyTokenAsync(new TokenRequest { Counter = "VQ-AS-Q1" }));
        Assert.Equal(401, anonymous.StatusCode);
    }
}
