using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using SparseDsl.Language;

namespace SparseDsl.Roslyn;

/// <summary>
/// The Roslyn face of <see cref="DiagnosticCatalog"/>: one descriptor per rule the analyzers report (and the generator,
/// in the one build where the compiler would not run the analyzers: see <see cref="GeneratorReports"/>). IDs,
/// categories and severities are written as constants so Roslyn's release tracking can check them against
/// AnalyzerReleases.*.md; a test checks that each one agrees with its catalog rule (SPD901 is the generator's).
/// </summary>
internal static class Descriptors
{
    private const string Message = "{0}";

    public static readonly DiagnosticDescriptor TypeNotPartial = new DiagnosticDescriptor(
        RuleIds.TypeNotPartial, Title(RuleIds.TypeNotPartial), Message, DiagnosticCatalog.ModelCategory, DiagnosticSeverity.Error, true, helpLinkUri: Link(RuleIds.TypeNotPartial));

    public static readonly DiagnosticDescriptor InvalidLayerMember = new DiagnosticDescriptor(
        RuleIds.InvalidLayerMember, Title(RuleIds.InvalidLayerMember), Message, DiagnosticCatalog.ModelCategory, DiagnosticSeverity.Error, true, helpLinkUri: Link(RuleIds.InvalidLayerMember));

    public static readonly DiagnosticDescriptor InvalidLayerOrder = new DiagnosticDescriptor(
        RuleIds.InvalidLayerOrder, Title(RuleIds.InvalidLayerOrder), Message, DiagnosticCatalog.ModelCategory, DiagnosticSeverity.Error, true, helpLinkUri: Link(RuleIds.InvalidLayerOrder));

    public static readonly DiagnosticDescriptor LayerSizeNotPositive = new DiagnosticDescriptor(
        RuleIds.LayerSizeNotPositive, Title(RuleIds.LayerSizeNotPositive), Message, DiagnosticCatalog.ModelCategory, DiagnosticSeverity.Error, true, helpLinkUri: Link(RuleIds.LayerSizeNotPositive));

    public static readonly DiagnosticDescriptor ExperimentModelNotSparseModel = new DiagnosticDescriptor(
        RuleIds.ExperimentModelNotSparseModel, Title(RuleIds.ExperimentModelNotSparseModel), Message, DiagnosticCatalog.ModelCategory, DiagnosticSeverity.Error, true, helpLinkUri: Link(RuleIds.ExperimentModelNotSparseModel));

    public static readonly DiagnosticDescriptor LossDoesNotFitOutput = new DiagnosticDescriptor(
        RuleIds.LossDoesNotFitOutput, Title(RuleIds.LossDoesNotFitOutput), Message, DiagnosticCatalog.ModelCategory, DiagnosticSeverity.Error, true, helpLinkUri: Link(RuleIds.LossDoesNotFitOutput));

    public static readonly DiagnosticDescriptor TypeNotTopLevel = new DiagnosticDescriptor(
        RuleIds.TypeNotTopLevel, Title(RuleIds.TypeNotTopLevel), Message, DiagnosticCatalog.ModelCategory, DiagnosticSeverity.Error, true, helpLinkUri: Link(RuleIds.TypeNotTopLevel));

    public static readonly DiagnosticDescriptor LayersOutsideModel = new DiagnosticDescriptor(
        RuleIds.LayersOutsideModel, Title(RuleIds.LayersOutsideModel), Message, DiagnosticCatalog.ModelCategory, DiagnosticSeverity.Error, true, helpLinkUri: Link(RuleIds.LayersOutsideModel));

    public static readonly DiagnosticDescriptor HeadsDoNotDivideWidth = new DiagnosticDescriptor(
        RuleIds.HeadsDoNotDivideWidth, Title(RuleIds.HeadsDoNotDivideWidth), Message, DiagnosticCatalog.ModelCategory, DiagnosticSeverity.Error, true, helpLinkUri: Link(RuleIds.HeadsDoNotDivideWidth));

    public static readonly DiagnosticDescriptor OptionValueUnknown = new DiagnosticDescriptor(
        RuleIds.OptionValueUnknown, Title(RuleIds.OptionValueUnknown), Message, DiagnosticCatalog.ModelCategory, DiagnosticSeverity.Error, true, helpLinkUri: Link(RuleIds.OptionValueUnknown));

    public static readonly DiagnosticDescriptor TiedToInvalid = new DiagnosticDescriptor(
        RuleIds.TiedToInvalid, Title(RuleIds.TiedToInvalid), Message, DiagnosticCatalog.ModelCategory, DiagnosticSeverity.Error, true, helpLinkUri: Link(RuleIds.TiedToInvalid));

    public static readonly DiagnosticDescriptor SparsityOutOfRange = new DiagnosticDescriptor(
        RuleIds.SparsityOutOfRange, Title(RuleIds.SparsityOutOfRange), Message, DiagnosticCatalog.SparsityCategory, DiagnosticSeverity.Error, true, helpLinkUri: Link(RuleIds.SparsityOutOfRange));

    public static readonly DiagnosticDescriptor PatternDoesNotParse = new DiagnosticDescriptor(
        RuleIds.PatternDoesNotParse, Title(RuleIds.PatternDoesNotParse), Message, DiagnosticCatalog.SparsityCategory, DiagnosticSeverity.Error, true, helpLinkUri: Link(RuleIds.PatternDoesNotParse));

    public static readonly DiagnosticDescriptor BlockDoesNotDivideLayer = new DiagnosticDescriptor(
        RuleIds.BlockDoesNotDivideLayer, Title(RuleIds.BlockDoesNotDivideLayer), Message, DiagnosticCatalog.SparsityCategory, DiagnosticSeverity.Error, true, helpLinkUri: Link(RuleIds.BlockDoesNotDivideLayer));

    public static readonly DiagnosticDescriptor InvalidNOfM = new DiagnosticDescriptor(
        RuleIds.InvalidNOfM, Title(RuleIds.InvalidNOfM), Message, DiagnosticCatalog.SparsityCategory, DiagnosticSeverity.Error, true, helpLinkUri: Link(RuleIds.InvalidNOfM));

    public static readonly DiagnosticDescriptor SparsityContradictsPattern = new DiagnosticDescriptor(
        RuleIds.SparsityContradictsPattern, Title(RuleIds.SparsityContradictsPattern), Message, DiagnosticCatalog.SparsityCategory, DiagnosticSeverity.Error, true, helpLinkUri: Link(RuleIds.SparsityContradictsPattern));

    public static readonly DiagnosticDescriptor DistributionCannotReachTarget = new DiagnosticDescriptor(
        RuleIds.DistributionCannotReachTarget, Title(RuleIds.DistributionCannotReachTarget), Message, DiagnosticCatalog.SparsityCategory, DiagnosticSeverity.Error, true, helpLinkUri: Link(RuleIds.DistributionCannotReachTarget));

    public static readonly DiagnosticDescriptor SparseOnLayerWithoutWeights = new DiagnosticDescriptor(
        RuleIds.SparseOnLayerWithoutWeights, Title(RuleIds.SparseOnLayerWithoutWeights), Message, DiagnosticCatalog.SparsityCategory, DiagnosticSeverity.Error, true, helpLinkUri: Link(RuleIds.SparseOnLayerWithoutWeights));

    public static readonly DiagnosticDescriptor BlockLargerThanLayer = new DiagnosticDescriptor(
        RuleIds.BlockLargerThanLayer, Title(RuleIds.BlockLargerThanLayer), Message, DiagnosticCatalog.SparsityCategory, DiagnosticSeverity.Error, true, helpLinkUri: Link(RuleIds.BlockLargerThanLayer));

    public static readonly DiagnosticDescriptor SparseOnKeepDenseLayer = new DiagnosticDescriptor(
        RuleIds.SparseOnKeepDenseLayer, Title(RuleIds.SparseOnKeepDenseLayer), Message, DiagnosticCatalog.SparsityCategory, DiagnosticSeverity.Error, true, helpLinkUri: Link(RuleIds.SparseOnKeepDenseLayer));

    public static readonly DiagnosticDescriptor ScheduleDoesNotParse = new DiagnosticDescriptor(
        RuleIds.ScheduleDoesNotParse, Title(RuleIds.ScheduleDoesNotParse), Message, DiagnosticCatalog.TrainingCategory, DiagnosticSeverity.Error, true, helpLinkUri: Link(RuleIds.ScheduleDoesNotParse));

    public static readonly DiagnosticDescriptor UpdateIntervalOutOfRange = new DiagnosticDescriptor(
        RuleIds.UpdateIntervalOutOfRange, Title(RuleIds.UpdateIntervalOutOfRange), Message, DiagnosticCatalog.TrainingCategory, DiagnosticSeverity.Error, true, helpLinkUri: Link(RuleIds.UpdateIntervalOutOfRange));

    public static readonly DiagnosticDescriptor DropFractionOutOfRange = new DiagnosticDescriptor(
        RuleIds.DropFractionOutOfRange, Title(RuleIds.DropFractionOutOfRange), Message, DiagnosticCatalog.TrainingCategory, DiagnosticSeverity.Error, true, helpLinkUri: Link(RuleIds.DropFractionOutOfRange));

    public static readonly DiagnosticDescriptor ScheduleWindowInvalid = new DiagnosticDescriptor(
        RuleIds.ScheduleWindowInvalid, Title(RuleIds.ScheduleWindowInvalid), Message, DiagnosticCatalog.TrainingCategory, DiagnosticSeverity.Error, true, helpLinkUri: Link(RuleIds.ScheduleWindowInvalid));

    public static readonly DiagnosticDescriptor GmpFinalBelowInitial = new DiagnosticDescriptor(
        RuleIds.GmpFinalBelowInitial, Title(RuleIds.GmpFinalBelowInitial), Message, DiagnosticCatalog.TrainingCategory, DiagnosticSeverity.Error, true, helpLinkUri: Link(RuleIds.GmpFinalBelowInitial));

    public static readonly DiagnosticDescriptor OptimizerDoesNotParse = new DiagnosticDescriptor(
        RuleIds.OptimizerDoesNotParse, Title(RuleIds.OptimizerDoesNotParse), Message, DiagnosticCatalog.TrainingCategory, DiagnosticSeverity.Error, true, helpLinkUri: Link(RuleIds.OptimizerDoesNotParse));

    public static readonly DiagnosticDescriptor OptimizerValueOutOfRange = new DiagnosticDescriptor(
        RuleIds.OptimizerValueOutOfRange, Title(RuleIds.OptimizerValueOutOfRange), Message, DiagnosticCatalog.TrainingCategory, DiagnosticSeverity.Error, true, helpLinkUri: Link(RuleIds.OptimizerValueOutOfRange));

    public static readonly DiagnosticDescriptor SmetOptionInvalid = new DiagnosticDescriptor(
        RuleIds.SmetOptionInvalid, Title(RuleIds.SmetOptionInvalid), Message, DiagnosticCatalog.TrainingCategory, DiagnosticSeverity.Error, true, helpLinkUri: Link(RuleIds.SmetOptionInvalid));

    public static readonly DiagnosticDescriptor UnknownGridAxis = new DiagnosticDescriptor(
        RuleIds.UnknownGridAxis, Title(RuleIds.UnknownGridAxis), Message, DiagnosticCatalog.ExperimentCategory, DiagnosticSeverity.Error, true, helpLinkUri: Link(RuleIds.UnknownGridAxis));

    public static readonly DiagnosticDescriptor GridValuesInvalid = new DiagnosticDescriptor(
        RuleIds.GridValuesInvalid, Title(RuleIds.GridValuesInvalid), Message, DiagnosticCatalog.ExperimentCategory, DiagnosticSeverity.Error, true, helpLinkUri: Link(RuleIds.GridValuesInvalid));

    public static readonly DiagnosticDescriptor GridAxisRepeated = new DiagnosticDescriptor(
        RuleIds.GridAxisRepeated, Title(RuleIds.GridAxisRepeated), Message, DiagnosticCatalog.ExperimentCategory, DiagnosticSeverity.Error, true, helpLinkUri: Link(RuleIds.GridAxisRepeated));

    public static readonly DiagnosticDescriptor GridTooLarge = new DiagnosticDescriptor(
        RuleIds.GridTooLarge, Title(RuleIds.GridTooLarge), Message, DiagnosticCatalog.ExperimentCategory, DiagnosticSeverity.Warning, true, helpLinkUri: Link(RuleIds.GridTooLarge));

    public static readonly DiagnosticDescriptor UnknownDataSet = new DiagnosticDescriptor(
        RuleIds.UnknownDataSet, Title(RuleIds.UnknownDataSet), Message, DiagnosticCatalog.ExperimentCategory, DiagnosticSeverity.Error, true, helpLinkUri: Link(RuleIds.UnknownDataSet));

    public static readonly DiagnosticDescriptor TrainingLengthInvalid = new DiagnosticDescriptor(
        RuleIds.TrainingLengthInvalid, Title(RuleIds.TrainingLengthInvalid), Message, DiagnosticCatalog.ExperimentCategory, DiagnosticSeverity.Error, true, helpLinkUri: Link(RuleIds.TrainingLengthInvalid));

    public static readonly DiagnosticDescriptor GridValueInvalidForAxis = new DiagnosticDescriptor(
        RuleIds.GridValueInvalidForAxis, Title(RuleIds.GridValueInvalidForAxis), Message, DiagnosticCatalog.ExperimentCategory, DiagnosticSeverity.Error, true, helpLinkUri: Link(RuleIds.GridValueInvalidForAxis));

    public static readonly DiagnosticDescriptor DataSetDoesNotFitModel = new DiagnosticDescriptor(
        RuleIds.DataSetDoesNotFitModel, Title(RuleIds.DataSetDoesNotFitModel), Message, DiagnosticCatalog.ExperimentCategory, DiagnosticSeverity.Error, true, helpLinkUri: Link(RuleIds.DataSetDoesNotFitModel));

    public static readonly DiagnosticDescriptor NotSupportedYet = new DiagnosticDescriptor(
        RuleIds.NotSupportedYet, Title(RuleIds.NotSupportedYet), Message, DiagnosticCatalog.BackendCategory, DiagnosticSeverity.Warning, true, helpLinkUri: Link(RuleIds.NotSupportedYet));

    /// <summary>Every descriptor, in ID order.</summary>
    public static ImmutableArray<DiagnosticDescriptor> All { get; } = ImmutableArray.Create(
        TypeNotPartial, InvalidLayerMember, InvalidLayerOrder, LayerSizeNotPositive,
        ExperimentModelNotSparseModel, LossDoesNotFitOutput, LayersOutsideModel, TypeNotTopLevel,
        HeadsDoNotDivideWidth, OptionValueUnknown, TiedToInvalid, SparsityOutOfRange, PatternDoesNotParse,
        BlockDoesNotDivideLayer, InvalidNOfM, SparsityContradictsPattern, DistributionCannotReachTarget,
        SparseOnLayerWithoutWeights, BlockLargerThanLayer, SparseOnKeepDenseLayer, ScheduleDoesNotParse, UpdateIntervalOutOfRange,
        DropFractionOutOfRange, ScheduleWindowInvalid, GmpFinalBelowInitial,
        OptimizerDoesNotParse, OptimizerValueOutOfRange, SmetOptionInvalid, UnknownGridAxis,
        GridValuesInvalid, GridAxisRepeated, GridTooLarge, UnknownDataSet,
        TrainingLengthInvalid, GridValueInvalidForAxis, DataSetDoesNotFitModel, NotSupportedYet);

    private static readonly Dictionary<string, DiagnosticDescriptor> ById = All.ToDictionary(d => d.Id);

    public static DiagnosticDescriptor For(RuleDescriptor rule) => ById[rule.Id];

    /// <summary>Every rule of the given categories, for an analyzer's SupportedDiagnostics.</summary>
    public static ImmutableArray<DiagnosticDescriptor> InCategories(params string[] categories) =>
        All.Where(d => categories.Contains(d.Category)).ToImmutableArray();

    /// <summary>A finding as a diagnostic; one without a source location falls back to the declaration.</summary>
    public static Diagnostic ToDiagnostic(Finding finding, ISymbol declaration)
    {
        var properties = finding.Replacement is null
            ? ImmutableDictionary<string, string?>.Empty
            : ImmutableDictionary<string, string?>.Empty.Add(DiagnosticProperties.Replacement, finding.Replacement);
        return Diagnostic.Create(For(finding.Rule), finding.Location ?? declaration.Locations.FirstOrDefault(), properties, finding.Message);
    }

    private static string Title(string id) => DiagnosticCatalog.Find(id)!.Title;

    private static string Link(string id) => HelpLinks.For(DiagnosticCatalog.Find(id)!);
}
