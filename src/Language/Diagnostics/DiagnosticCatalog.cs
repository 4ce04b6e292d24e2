using System.Collections.Generic;

namespace SparseDsl.Language;

/// <summary>
/// Every SparseDsl rule, once. IDs group by hundreds: 0xx model declaration, 1xx sparsity, 2xx schedules and
/// optimizers, 3xx experiments and grids, 4xx kernels/backends, 9xx generator-internal. Rule functions in
/// src/Language/Validation build the messages; analyzers report them; the generator refuses specs with errors.
/// </summary>
public static class DiagnosticCatalog
{
    public const string ModelCategory = "SparseDsl.Model";
    public const string SparsityCategory = "SparseDsl.Sparsity";
    public const string TrainingCategory = "SparseDsl.Training";
    public const string ExperimentCategory = "SparseDsl.Experiment";
    public const string BackendCategory = "SparseDsl.Backend";
    public const string InternalCategory = "SparseDsl.Internal";

    private const string Message = "{0}";

    // 0xx: model declaration
    public static readonly RuleDescriptor TypeNotPartial = new(RuleIds.TypeNotPartial, "Model or experiment type must be partial", Message, RuleSeverity.Error, ModelCategory);
    public static readonly RuleDescriptor InvalidLayerMember = new(RuleIds.InvalidLayerMember, "Layer member must be one partial Layer property with one layer attribute", Message, RuleSeverity.Error, ModelCategory);
    public static readonly RuleDescriptor InvalidLayerOrder = new(RuleIds.InvalidLayerOrder, "Model layers are not in an order SparseDsl can build", Message, RuleSeverity.Error, ModelCategory);
    public static readonly RuleDescriptor LayerSizeNotPositive = new(RuleIds.LayerSizeNotPositive, "Layer size must be positive", Message, RuleSeverity.Error, ModelCategory);
    public static readonly RuleDescriptor ExperimentModelNotSparseModel = new(RuleIds.ExperimentModelNotSparseModel, "Experiment must name a [SparseModel] type", Message, RuleSeverity.Error, ModelCategory);
    public static readonly RuleDescriptor LossDoesNotFitOutput = new(RuleIds.LossDoesNotFitOutput, "Loss does not fit the output layer", Message, RuleSeverity.Error, ModelCategory);
    public static readonly RuleDescriptor TypeNotTopLevel = new(RuleIds.TypeNotTopLevel, "Model or experiment type must be a top-level, non-generic class", Message, RuleSeverity.Error, ModelCategory);
    public static readonly RuleDescriptor LayersOutsideModel = new(RuleIds.LayersOutsideModel, "Layers declared in a class that is not a [SparseModel]", Message, RuleSeverity.Error, ModelCategory);
    public static readonly RuleDescriptor HeadsDoNotDivideWidth = new(RuleIds.HeadsDoNotDivideWidth, "Attention heads must divide the model width", Message, RuleSeverity.Error, ModelCategory);
    public static readonly RuleDescriptor OptionValueUnknown = new(RuleIds.OptionValueUnknown, "Unknown option value", Message, RuleSeverity.Error, ModelCategory);
    public static readonly RuleDescriptor TiedToInvalid = new(RuleIds.TiedToInvalid, "TiedTo must name the model's [Embedding]", Message, RuleSeverity.Error, ModelCategory);

    // 1xx: sparsity
    public static readonly RuleDescriptor SparsityOutOfRange = new(RuleIds.SparsityOutOfRange, "Sparsity must be in [0, 1)", Message, RuleSeverity.Error, SparsityCategory);
    public static readonly RuleDescriptor PatternDoesNotParse = new(RuleIds.PatternDoesNotParse, "Sparsity pattern does not parse", Message, RuleSeverity.Error, SparsityCategory);
    public static readonly RuleDescriptor BlockDoesNotDivideLayer = new(RuleIds.BlockDoesNotDivideLayer, "Block size must divide the layer's dimensions", Message, RuleSeverity.Error, SparsityCategory);
    public static readonly RuleDescriptor InvalidNOfM = new(RuleIds.InvalidNOfM, "N:M pattern is invalid for this layer", Message, RuleSeverity.Error, SparsityCategory);
    public static readonly RuleDescriptor SparsityContradictsPattern = new(RuleIds.SparsityContradictsPattern, "Explicit sparsity contradicts the pattern", Message, RuleSeverity.Error, SparsityCategory);
    public static readonly RuleDescriptor DistributionCannotReachTarget = new(RuleIds.DistributionCannotReachTarget, "Distribution cannot reach the sparsity target", Message, RuleSeverity.Error, SparsityCategory);
    public static readonly RuleDescriptor SparseOnLayerWithoutWeights = new(RuleIds.SparseOnLayerWithoutWeights, "[Sparse] on a layer without weights", Message, RuleSeverity.Error, SparsityCategory);
    public static readonly RuleDescriptor BlockLargerThanLayer = new(RuleIds.BlockLargerThanLayer, "Block is larger than the layer", Message, RuleSeverity.Error, SparsityCategory);
    public static readonly RuleDescriptor SparseOnKeepDenseLayer = new(RuleIds.SparseOnKeepDenseLayer, "[Sparse] on a [KeepDense] layer", Message, RuleSeverity.Error, SparsityCategory);

    // 2xx: schedules and optimizers
    public static readonly RuleDescriptor ScheduleDoesNotParse = new(RuleIds.ScheduleDoesNotParse, "Sparsity schedule does not parse", Message, RuleSeverity.Error, TrainingCategory);
    public static readonly RuleDescriptor UpdateIntervalOutOfRange = new(RuleIds.UpdateIntervalOutOfRange, "Update interval must be positive and shorter than training", Message, RuleSeverity.Error, TrainingCategory);
    public static readonly RuleDescriptor DropFractionOutOfRange = new(RuleIds.DropFractionOutOfRange, "Drop fraction must be in (0, 1)", Message, RuleSeverity.Error, TrainingCategory);
    public static readonly RuleDescriptor ScheduleWindowInvalid = new(RuleIds.ScheduleWindowInvalid, "Schedule must start before it ends and within training", Message, RuleSeverity.Error, TrainingCategory);
    public static readonly RuleDescriptor GmpFinalBelowInitial = new(RuleIds.GmpFinalBelowInitial, "GMP final sparsity is below its initial sparsity", Message, RuleSeverity.Error, TrainingCategory);
    public static readonly RuleDescriptor OptimizerDoesNotParse = new(RuleIds.OptimizerDoesNotParse, "Optimizer does not parse", Message, RuleSeverity.Error, TrainingCategory);
    public static readonly RuleDescriptor OptimizerValueOutOfRange = new(RuleIds.OptimizerValueOutOfRange, "Optimizer option is out of range", Message, RuleSeverity.Error, TrainingCategory);
    public static readonly RuleDescriptor SmetOptionInvalid = new(RuleIds.SmetOptionInvalid, "SMET optimizer option is invalid", Message, RuleSeverity.Error, TrainingCategory);

    // 3xx: experiments and grids
    public static readonly RuleDescriptor UnknownGridAxis = new(RuleIds.UnknownGridAxis, "Unknown grid axis", Message, RuleSeverity.Error, ExperimentCategory);
    public static readonly RuleDescriptor GridValuesInvalid = new(RuleIds.GridValuesInvalid, "Grid axis values are missing, unreadable or repeated", Message, RuleSeverity.Error, ExperimentCategory);
    public static readonly RuleDescriptor GridAxisRepeated = new(RuleIds.GridAxisRepeated, "Grid axis declared twice", Message, RuleSeverity.Error, ExperimentCategory);
    public static readonly RuleDescriptor GridTooLarge = new(RuleIds.GridTooLarge, "Grid has more points than the limit", Message, RuleSeverity.Warning, ExperimentCategory);
    public static readonly RuleDescriptor UnknownDataSet = new(RuleIds.UnknownDataSet, "Unknown data set", Message, RuleSeverity.Error, ExperimentCategory);
    public static readonly RuleDescriptor TrainingLengthInvalid = new(RuleIds.TrainingLengthInvalid, "Steps, batch and evaluation interval must be positive and consistent", Message, RuleSeverity.Error, ExperimentCategory);
    public static readonly RuleDescriptor GridValueInvalidForAxis = new(RuleIds.GridValueInvalidForAxis, "Grid value is invalid for its axis", Message, RuleSeverity.Error, ExperimentCategory);
    public static readonly RuleDescriptor DataSetDoesNotFitModel = new(RuleIds.DataSetDoesNotFitModel, "Data set does not fit the model", Message, RuleSeverity.Error, ExperimentCategory);

    // 4xx: kernels and backends
    public static readonly RuleDescriptor NotSupportedYet = new(RuleIds.NotSupportedYet, "Not supported by this version yet", Message, RuleSeverity.Warning, BackendCategory);

    // 9xx: generator-internal
    public static readonly RuleDescriptor GeneratorInternalError = new(RuleIds.GeneratorInternalError, "SparseDsl generator internal error", Message, RuleSeverity.Error, InternalCategory);

    /// <summary>Every rule in ID order.</summary>
    public static IReadOnlyList<RuleDescriptor> All { get; } = new[]
    {
        TypeNotPartial, InvalidLayerMember, InvalidLayerOrder, LayerSizeNotPositive, ExperimentModelNotSparseModel, LossDoesNotFitOutput, LayersOutsideModel, TypeNotTopLevel,
        HeadsDoNotDivideWidth, OptionValueUnknown, TiedToInvalid,
        SparsityOutOfRange, PatternDoesNotParse, BlockDoesNotDivideLayer, InvalidNOfM, SparsityContradictsPattern, DistributionCannotReachTarget,
        SparseOnLayerWithoutWeights, BlockLargerThanLayer, SparseOnKeepDenseLayer,
        ScheduleDoesNotParse, UpdateIntervalOutOfRange, DropFractionOutOfRange, ScheduleWindowInvalid, GmpFinalBelowInitial,
        OptimizerDoesNotParse, OptimizerValueOutOfRange, SmetOptionInvalid,
        UnknownGridAxis, GridValuesInvalid, GridAxisRepeated, GridTooLarge, UnknownDataSet, TrainingLengthInvalid, GridValueInvalidForAxis, DataSetDoesNotFitModel,
        NotSupportedYet,
        GeneratorInternalError,
    };

    /// <summary>The rule with <paramref name="id"/>, or null.</summary>
    public static RuleDescriptor? Find(string id)
    {
        foreach (RuleDescriptor rule in All)
        {
            if (rule.Id == id)
            {
                return rule;
            }
        }

        return null;
    }
}
