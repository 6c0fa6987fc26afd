using CchcSurvey.Core.Instruments;
using CchcSurvey.Web.Indices;

namespace CchcSurvey.Web.Pages.Shared;

/// <summary>
/// What <c>_PlanningFigures.cshtml</c> shows: the planning figures of one unit, instrument and period, with the links to
/// turn the weighting on and off, and whether the reader may import dossier counts (a manager or an administrator).
/// </summary>
public sealed record PlanningView(FiguresService.Planning Planning, InstrumentDefinition Definition, string WeightedUrl, string UnweightedUrl,
    bool CanImportDossiers, bool WeightAsked);
