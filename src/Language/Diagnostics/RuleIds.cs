namespace SparseDsl.Language;

/// <summary>
/// Every rule ID as a constant, so the analyzers' descriptors name them at compile time (Roslyn's release
/// tracking reads AnalyzerReleases.*.md against constant IDs). The rules themselves are in <see cref="DiagnosticCatalog"/>.
/// </summary>
public static class RuleIds
{
    public const string TypeNotPartial = "SPD001";
    public const string InvalidLayerMember = "SPD002";
    public const string InvalidLayerOrder = "SPD003";
    public const string LayerSizeNotPositive = "SPD004";
    public const string ExperimentModelNotSparseModel = "SPD005";
    public const string LossDoesNotFitOutput = "SPD006";
    public const string LayersOutsideModel = "SPD007";
    public const string TypeNotTopLevel = "SPD008";
    public const string HeadsDoNotDivideWidth = "SPD009";
    public const string OptionValueUnknown = "SPD010";
    public const string TiedToInvalid = "SPD011";
    public const string SparsityOutOfRange = "SPD101";
    public const string PatternDoesNotParse = "SPD102";
    public const string BlockDoesNotDivideLayer = "SPD103";
    public const string InvalidNOfM = "SPD104";
    public const string SparsityContradictsPattern = "SPD105";
    public const string DistributionCannotReachTarget = "SPD106";
    public const string SparseOnLayerWithoutWeights = "SPD107";
    public const string BlockLargerThanLayer = "SPD108";
    public const string SparseOnKeepDenseLayer = "SPD109";
    public const string ScheduleDoesNotParse = "SPD201";
    public const string UpdateIntervalOutOfRange = "SPD202";
    public const string DropFractionOutOfRange = "SPD203";
    public const string ScheduleWindowInvalid = "SPD204";
    public const string GmpFinalBelowInitial = "SPD205";
    // SPD206 (regrowth criterion not supported by the pattern) is retired: every pattern regrows by gradient within its
    // units and N:M groups, and momentum regrowth is SPD401 for every pattern. The ID is not reused.
    public const string OptimizerDoesNotParse = "SPD207";
    public const string OptimizerValueOutOfRange = "SPD208";
    public const string SmetOptionInvalid = "SPD209";
    public const string UnknownGridAxis = "SPD301";
    public const string GridValuesInvalid = "SPD302";
    public const string GridAxisRepeated = "SPD303";
    public const string GridTooLarge = "SPD304";
    public const string UnknownDataSet = "SPD305";
    public const string TrainingLengthInvalid = "SPD306";
    public const string GridValueInvalidForAxis = "SPD307";
    public const string DataSetDoesNotFitModel = "SPD308";
    public const string NotSupportedYet = "SPD401";
    public const string GeneratorInternalError = "SPD901";
}

/// <summary>Names of the properties an SPD diagnostic carries to its code fix.</summary>
public static class DiagnosticProperties
{
    /// <summary>The text that should stand at the diagnostic's span instead (<see cref="Violation.Replacement"/>).</summary>
    public const string Replacement = "SparseDsl.Replacement";
}
