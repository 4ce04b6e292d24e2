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

    /// <summary>
    /// Canonical JSON: keys in a fixed order, numbers in round-trip invariant form. A key added after the first
    /// stores existed is written only when set ("pattern", "sampling", "unique_tokens", "epochs", "width", "blocks"), so a config without it keeps its run id.
    /// </summary>
    public string ToCanonicalJson()
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

        text.Length--; // trailing comma
        return text.Append('}').ToString();
    }

    public string Id => RunIds.Compute(ToCanonicalJson());

    private static void Append(StringBuilder text, string key, string value) => text.Append('"').Append(key).Append("\":").Append(value).Append(',');

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string Quote(string value) => System.Text.Json.JsonSerializer.Serialize(value);
}
