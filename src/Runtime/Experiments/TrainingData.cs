using SparseDsl.Data;

namespace SparseDsl.Experiments;

/// <summary>
/// What a study trains on, loaded once per process: a labelled <see cref="Dataset"/> (images, synthetic clusters) for
/// an [Input] + [Dense] model, or a <see cref="TokenCorpus"/> (brown, text:PATH) for a language model.
/// </summary>
public sealed class TrainingData
{
    private TrainingData(string name, Dataset? labelled, TokenCorpus? text)
    {
        Name = name;
        Labelled = labelled;
        Text = text;
    }

    public string Name { get; }

    /// <summary>The labelled data set, or null for text.</summary>
    public Dataset? Labelled { get; }

    /// <summary>The token corpus, or null for labelled data.</summary>
    public TokenCorpus? Text { get; }

    public static implicit operator TrainingData(Dataset data) => new(data.Name, data, null);

    public static implicit operator TrainingData(TokenCorpus corpus) => new(corpus.Name, null, corpus);

    /// <summary>The labelled data set; a language model's study never asks for it (SPD308 keeps the two apart).</summary>
    public Dataset RequireLabelled() =>
        Labelled ?? throw new UserInputException($"data set '{Name}' is text; an [Input] + [Dense] model trains on labelled data (fashion-mnist, synthetic)");

    /// <summary>The token corpus; see <see cref="RequireLabelled"/>.</summary>
    public TokenCorpus RequireText() =>
        Text ?? throw new UserInputException($"data set '{Name}' is labelled; a language model trains on text (brown, text:PATH)");
}
