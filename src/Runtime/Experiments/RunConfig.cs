using System.Globalization;
using System.Text;
using SparseDsl.Language;

namespace SparseDsl.Experiments;

/// <summary>
/// One grid point fully resolved: everything that decides what a run computes. Its canonical text (fixed key
/// order, invariant numbers) is hashed into the run id, so the same config always gets the same id.
/// </summary>
/// <param name="Study">The study's name (the [Experiment] class).</param>
/// <param name="Model">The model's name (the [SparseModel] class).</param>
/// <param name="Data">The data set: fashion-mnist or synthetic.</param>
/// <param name="Steps">Training steps.</param>
/// <param name="Batch">Samples per step.</param>
/// <param name="EvalEvery">Evaluation interval in steps (0: only at the end).</param>
/// <param name="Optimizer">The optimizer expression as declared.</param>
/// <param name="Schedule">The schedule expression: the declared text or a 'schedule' grid value, verbatim, or its canonical form when 'update_every' or 'drop' changed it.</param>
/// <param name="Sparsity">The model-level sparsity target of this point.</param>
/// <param name="Distribution">How the target is spread over the layers.</param>
/// <param name="Seed">The run's seed.</param>
/// <param name="LearningRate">The 'lr' grid value, or null for the optimizer's own.</param>
/// <param name="Pattern">
/// The pattern expression (a 'pattern' grid value, verbatim) of the layers that follow the model-level target, or
/// null for the patterns as declared.
/// </param>
/// <param name="Sampling">The 'sampling' grid value (<c>full</c>, <c>rs2 r=0.1</c>), or null for full passes.</param>
/// <param name="UniqueTokens">The 'unique_tokens' grid value U (for image data, samples), or null for the whole train split.</param>
/// <param name="Epochs">
/// The 'epochs' grid value, or null. Without a 'steps' axis or --steps, <see cref="Steps"/> is then 0: the run trains
/// the steps of its <see cref="SparseDsl.Data.DataRegime"/> (U × epochs / batch, RS2: r·U × epochs / batch).
/// </param>
public sealed record RunConfig(
    string Study,
    string Model,
    string Data,
    int Steps,
    int Batch,
    int EvalEvery,
    string Optimizer,
    string Schedule,
    double Sparsity,
    Distribution Distribution,
    int Seed,
    double? LearningRate,
    string? Pattern = null,
    string? Sampling = null,
    long? UniqueTokens = null,
    int? Epochs = null)
{
    /// <summary>The 'width' grid value (a language model's width), or null for the declared one.</summary>
    public int? Width { get; init; }

    /// <summary>The 'blocks' grid value (a language model's block count), or null for the declared one.</summary>
    public int? Blocks { get; init; }

    /// <summary>The data regime the run trains under: U, epochs and sampling from this config (the defaults when absent).</summary>
    public SparseDsl.Data.DataRegime Regime => new()
    {
        UniqueExamples = UniqueTokens,
        Epochs = Epochs ?? 1,
        Sampling = Sampling is string text ? SparseDsl.Data.Sampling.Parse(text) : SparseDsl.Data.Sampling.Full,
    };

    /// <summary>Whether the run's steps follow from its regime (an 'epochs' value and <see cref="Steps"/> 0).</summary>
    public bool StepsFromRegime => Epochs is not null && Steps == 0;

    /// <summary>The version of the run record that <see cref="ToCanonicalJson"/> writes and <see cref="Id"/> hashes.</summary>
    public const int Format = 2;

    /// <summary>
    /// The run record in canonical form, from which <see cref="Id"/> is derived: <c>"format":2</c> first, keys in a fixed
    /// order, numbers in round-trip invariant form, and every expression parsed and printed back canonically (the
    /// optimizer and schedule with each option and its value, the pattern and sampling in their one spelling), so the
    /// same run written two ways (<c>lr=1e-3</c>, <c>lr=0.001</c>; <c>every=100 drop=0.3</c> in either order) is one
    /// run. Keys without a value are left out (<c>lr</c> unless a grid sets it, <c>pattern</c>, <c>sampling</c>,
    /// <c>unique_tokens</c>, <c>epochs</c>, <c>width</c>, <c>blocks</c>), so adding a key in a later version keeps the
    /// ids of records without it. An expression that does not parse is kept as written (the run then fails with its
    /// one-line error).
    /// </summary>
    public string ToCanonicalJson()
    {
        var text = new StringBuilder("{");
        Append(text, "format", Number(Format));
        Append(text, "study", Quote(Study));
        Append(text, "model", Quote(Model));
        Append(text, "data", Quote(Data));
        Append(text, "steps", Number(Steps));
        Append(text, "batch", Number(Batch));
        Append(text, "eval_every", Number(EvalEvery));
        Append(text, "optimizer", Quote(Expressions.ParseOptimizer(Optimizer) is { Success: true } optimizer ? Expressions.Print(optimizer.Value!) : Optimizer));
        Append(text, "schedule", Quote(Expressions.ParseSchedule(Schedule) is { Success: true } schedule ? Expressions.Print(schedule.Value!) : Schedule));
        Append(text, "sparsity", Number(Sparsity));
        Append(text, "distribution", Quote(Distribution.ToString().ToLowerInvariant()));
        Append(text, "seed", Number(Seed));
        if (LearningRate is double lr)
        {
            Append(text, "lr", Number(lr));
        }

        if (Pattern is not null)
        {
            Append(text, "pattern", Quote(Expressions.ParsePattern(Pattern) is { Success: true } pattern ? pattern.Value!.ToString() : Pattern));
        }

        if (Sampling is not null)
        {
            Append(text, "sampling", Quote(CanonicalSampling(Sampling)));
        }

        AppendRegimeAndSize(text);
        text.Length--; // trailing comma
        return text.Append('}').ToString();
    }

    /// <summary>The run id: 12 hex digits of the SHA-256 of <see cref="ToCanonicalJson"/>.</summary>
    public string Id => RunIds.Compute(ToCanonicalJson());

    /// <summary>
    /// The id this run had before run records were canonical (format 1: the expressions as written, <c>"lr":null</c>):
    /// a store written by that version keeps its runs under it, and <c>run</c> adopts them (<see cref="IResultStore.AdoptRun"/>).
    /// </summary>
    public string LegacyId => RunIds.Compute(ToLegacyJson());

    /// <summary>The format-1 record, frozen: what <see cref="LegacyId"/> hashes.</summary>
    internal string ToLegacyJson()
    {
        var text = new StringBuilder("{");
        Append(text, "study", Quote(Study));
        Append(text, "model", Quote(Model));
        Append(text, "data", Quote(Data));
        Append(text, "steps", Number(Steps));
        Append(text, "batch", Number(Batch));
        Append(text, "eval_every", Number(EvalEvery));
        Append(text, "optimizer", Quote(Optimizer));
        Append(text, "schedule", Quote(Schedule));
        Append(text, "sparsity", Number(Sparsity));
        Append(text, "distribution", Quote(Distribution.ToString().ToLowerInvariant()));
        Append(text, "seed", Number(Seed));
        Append(text, "lr", LearningRate is double lr ? Number(lr) : "null");
        if (Pattern is not null)
        {
            Append(text, "pattern", Quote(Pattern));
        }

        if (Sampling is not null)
        {
            Append(text, "sampling", Quote(Sampling));
        }

        AppendRegimeAndSize(text);
        text.Length--; // trailing comma
        return text.Append('}').ToString();
    }

    private void AppendRegimeAndSize(StringBuilder text)
    {
        if (UniqueTokens is long unique)
        {
            Append(text, "unique_tokens", Number(unique));
        }

        if (Epochs is int epochs)
        {
            Append(text, "epochs", Number(epochs));
        }

        if (Width is int width)
        {
            Append(text, "width", Number(width));
        }

        if (Blocks is int blocks)
        {
            Append(text, "blocks", Number(blocks));
        }
    }

    private static string CanonicalSampling(string text)
    {
        try
        {
            return SparseDsl.Data.Sampling.Parse(text).ToString();
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            return text;
        }
    }

    private static void Append(StringBuilder text, string key, string value) => text.Append('"').Append(key).Append("\":").Append(value).Append(',');

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string Quote(string value) => System.Text.Json.JsonSerializer.Serialize(value);
}
