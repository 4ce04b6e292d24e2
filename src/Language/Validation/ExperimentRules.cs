using System;
using System.Collections.Generic;
using System.Linq;
using static SparseDsl.Language.DiagnosticCatalog;
using static SparseDsl.Language.Numbers;

namespace SparseDsl.Language;

/// <summary>
/// The rules an [Experiment] must satisfy: SPD005, SPD201–209 (by parsing its optimizer and schedule strings),
/// SPD301–308 and SPD401 for schedules this version cannot run yet. Grid values of the 'schedule' and 'pattern' axes
/// are judged by the same rules as [SparsitySchedule] and [Sparse] (SPD102–108, SPD201–209, SPD401), at the value. The texts are judged as written: a declaration
/// without [Optimizer] or [SparsitySchedule] has <see cref="DefaultOptimizer"/> and <see cref="DefaultSchedule"/>
/// (the parser fills them in), so an empty text is an attribute written empty, and does not parse.
/// </summary>
public static partial class ExperimentRules
{
    /// <summary>The optimizer used when an experiment has no [Optimizer].</summary>
    public const string DefaultOptimizer = "adamw";

    /// <summary>The schedule used when an experiment has no [SparsitySchedule].</summary>
    public const string DefaultSchedule = "static";

    /// <summary>
    /// The data sets this version can load by name: labelled examples for an [Input] + [Dense] model
    /// (<c>fashion-mnist</c>, <c>synthetic</c>) and text for a language model (<c>brown</c>). A text file is
    /// <c>text:PATH</c>.
    /// </summary>
    public static readonly string[] KnownDataSets = { "fashion-mnist", "synthetic", "brown" };

    /// <summary>The data sets of labelled examples, for an [Input] + [Dense] model.</summary>
    private static readonly string[] LabelledDataSets = { "fashion-mnist", "synthetic" };

    /// <summary>The prefix of a text file as the data set: <c>text:PATH</c>.</summary>
    private const string TextFilePrefix = "text:";

    /// <summary>What a data set holds, as far as the model is concerned.</summary>
    private enum DataKind
    {
        Unknown,
        Labelled,
        Text,
    }

    private const string Experiment = "Experiment";

    public static IReadOnlyList<Violation> Validate(ExperimentSpec experiment, ModelSpec? model, int maxGridPoints = 10000)
    {
        var found = new List<Violation>();
        var type = new ViolationTarget(experiment.FullName);
        if (model is null)
        {
            found.Add(new Violation(
                ExperimentModelNotSparseModel,
                $"Experiment '{experiment.Name}' names '{experiment.ModelFullName}', which is not a [SparseModel]; pass typeof of a partial class marked [SparseModel]",
                type with { Attribute = Experiment, ArgumentIndex = 0 }));
        }

        // A model with errors of its own is reported on the model; judging grid values or regrowth against it
        // would only repeat those errors here, so the model-dependent rules skip it.
        ModelSpec? judged = model is not null && ModelRules.Validate(model).Any(v => v.IsError) ? null : model;

        Training(experiment, type, found);
        DataFit(experiment, model, type, found);
        GridCheck grid = Grid(experiment, judged, type, maxGridPoints, found);

        // Schedule and optimizer windows are judged against the shortest run of the grid.
        int steps = grid.MinSteps ?? experiment.Steps;
        if (steps > 0)
        {
            Schedule(experiment, judged, steps, type, found);
            Optimizer(experiment, steps, type, found);
            GridSchedules(experiment, judged, steps, grid, found);
        }

        return found;
    }

    private static void Training(ExperimentSpec experiment, ViolationTarget type, List<Violation> found)
    {
        ViolationTarget attribute = type with { Attribute = Experiment };
        if (KindOf(experiment.Data) == DataKind.Unknown)
        {
            found.Add(new Violation(
                UnknownDataSet,
                experiment.Data.StartsWith(TextFilePrefix, StringComparison.Ordinal)
                    ? $"Data set '{experiment.Data}' names no file; write {TextFilePrefix}PATH with the path of a text file, e.g. \"{TextFilePrefix}data/corpus.txt\""
                    : $"Data set '{experiment.Data}' is unknown; known data sets: {string.Join(", ", KnownDataSets)}, {TextFilePrefix}PATH",
                attribute with { ArgumentName = "Data" }));
        }

        if (experiment.Steps <= 0)
        {
            found.Add(new Violation(TrainingLengthInvalid, $"Steps = {Show(experiment.Steps)} must be positive; use e.g. Steps = 1000", attribute with { ArgumentName = "Steps" }));
        }

        if (experiment.Batch <= 0)
        {
            found.Add(new Violation(TrainingLengthInvalid, $"Batch = {Show(experiment.Batch)} must be positive; use e.g. Batch = 128", attribute with { ArgumentName = "Batch" }));
        }

        if (experiment.EvalEvery < 0)
        {
            found.Add(new Violation(
                TrainingLengthInvalid,
                $"EvalEvery = {Show(experiment.EvalEvery)} must not be negative; use 0 to evaluate only at the end, or a positive interval",
                attribute with { ArgumentName = "EvalEvery" }));
        }
        else if (experiment.Steps > 0 && experiment.EvalEvery > experiment.Steps)
        {
            found.Add(new Violation(
                TrainingLengthInvalid,
                $"EvalEvery = {Show(experiment.EvalEvery)} is larger than Steps = {Show(experiment.Steps)}, so it never evaluates during training; use at most {Show(experiment.Steps)} or 0 for only the end",
                attribute with { ArgumentName = "EvalEvery" }));
        }
    }

    /// <summary>
    /// SPD308: a language model trains on text (<c>brown</c>, <c>text:PATH</c>), an [Input] + [Dense] model on labelled
    /// examples (<c>fashion-mnist</c>, <c>synthetic</c>). Judged on the model as declared, even one with errors of its
    /// own: which kind of model it is does not depend on them. A model that mixes the two kinds is SPD003's alone.
    /// </summary>
    private static void DataFit(ExperimentSpec experiment, ModelSpec? model, ViolationTarget type, List<Violation> found)
    {
        DataKind data = KindOf(experiment.Data);
        if (model is null || data == DataKind.Unknown || model.Layers.Count == 0)
        {
            return;
        }

        bool language = model.IsTokenModel;
        bool labelled = !model.Layers.Any(l => l.Kind is LayerKind.Embedding or LayerKind.TransformerBlock or LayerKind.LayerNorm or LayerKind.Unembedding);
        string given = experiment.Data == "synthetic" ? "Data set 'synthetic' (the default when Data is left out)" : $"Data set '{experiment.Data}'";
        ViolationTarget target = type with { Attribute = Experiment, ArgumentName = "Data" };
        if (language && data != DataKind.Text)
        {
            found.Add(new Violation(
                DataSetDoesNotFitModel,
                $"{given} holds labelled examples, but '{model.Name}' is a language model, which trains on text; use Data = \"brown\" or Data = \"{TextFilePrefix}PATH\" with a text file",
                target));
        }
        else if (labelled && data != DataKind.Labelled)
        {
            found.Add(new Violation(
                DataSetDoesNotFitModel,
                $"{given} is text, but '{model.Name}' is an [Input] + [Dense] model, which trains on labelled examples; use Data = \"fashion-mnist\" or Data = \"synthetic\", or declare a language model for text",
                target));
        }
    }

    /// <summary>Whether <paramref name="data"/> is a data set this version can load, and what it holds.</summary>
    private static DataKind KindOf(string data)
    {
        if (Array.IndexOf(LabelledDataSets, data) >= 0)
        {
            return DataKind.Labelled;
        }

        if (data == "brown" || (data.StartsWith(TextFilePrefix, StringComparison.Ordinal) && data.Substring(TextFilePrefix.Length).Trim().Length > 0))
        {
            return DataKind.Text;
        }

        return DataKind.Unknown;
    }

    /// <summary>The target of a <c>key=value</c> option inside an expression, or the whole argument when absent.</summary>
    private static ViolationTarget Option(ViolationTarget argument, string text, string key)
    {
        int at = FindOption(text, key);
        if (at < 0)
        {
            return argument;
        }

        return argument.At(at + 1, OptionEnd(text, at) - at);
    }

    /// <summary>
    /// 0-based end of the option whose key starts at <paramref name="at"/>: the key and, after an '=' (spaces
    /// allowed around it, as the grammar allows), its value tokens up to the next option, so <c>every = 0</c>
    /// and <c>betas=0.9, 0.999</c> are underlined whole.
    /// </summary>
    private static int OptionEnd(string text, int at)
    {
        IReadOnlyList<Token> tokens;
        try
        {
            tokens = Lexical.Tokenize(text);
        }
        catch (ParseFailure)
        {
            tokens = Array.Empty<Token>();
        }

        int i = 0;
        while (i < tokens.Count && tokens[i].Start != at)
        {
            i++;
        }

        if (i == tokens.Count)
        {
            int end = at;
            while (end < text.Length && !char.IsWhiteSpace(text[end]))
            {
                end++;
            }

            return end;
        }

        int last = i;
        if (i + 1 < tokens.Count && tokens[i + 1].Kind == TokenKind.Equals)
        {
            last = i + 1;

            // A word right after '=' is the value (grow=gradient); any other word starts the next option.
            for (int j = i + 2; j < tokens.Count && tokens[j].Kind != TokenKind.Equals && (tokens[j].Kind != TokenKind.Word || j == i + 2); j++)
            {
                last = j;
            }
        }

        return tokens[last].Start + tokens[last].Length;
    }

    /// <summary>0-based start of <paramref name="key"/> as a whole word in <paramref name="text"/>, or -1.</summary>
    private static int FindOption(string text, string key)
    {
        for (int at = text.IndexOf(key, StringComparison.Ordinal); at >= 0; at = text.IndexOf(key, at + 1, StringComparison.Ordinal))
        {
            bool startsWord = at == 0 || char.IsWhiteSpace(text[at - 1]);
            int after = at + key.Length;
            bool endsWord = after == text.Length || text[after] == '=' || char.IsWhiteSpace(text[after]);
            if (startsWord && endsWord)
            {
                return at;
            }
        }

        return -1;
    }
}
