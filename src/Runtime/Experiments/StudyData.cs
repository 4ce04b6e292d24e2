using SparseDsl.Data;
using SparseDsl.Language;

namespace SparseDsl.Experiments;

/// <summary>The data set a study names, loaded once per process; synthetic data is sized to the model.</summary>
internal static class StudyData
{
    public static TrainingData Load(StudyDefinition study, string? dataDir)
    {
        if (TextCatalog.IsTextName(study.Data))
        {
            return TextCatalog.Resolve(study.Data, dataDir);
        }

        if (study.Data == SyntheticData.Name)
        {
            return SyntheticData.Create(SyntheticFor(study));
        }

        return DataCatalog.Resolve(study.Data, dataDir);
    }

    /// <summary>
    /// Why the study's model cannot train on its data set or with its loss (one sentence ending in the fix), or null. The
    /// build says the same (SPD006, SPD308); this guards definitions built by hand and older builds.
    /// </summary>
    public static string? Mismatch(StudyDefinition study)
    {
        bool text = TextCatalog.IsTextName(study.Data);
        if (study.Model.IsTokenModel)
        {
            return text ? null : $"{study.Model.Name} is a language model and data set '{study.Data}' is not text; use Data = \"brown\" or \"text:PATH\"";
        }

        if (study.Model.Loss == Loss.NextToken)
        {
            return $"loss NextToken needs a language model ([Embedding], [TransformerBlock], [LayerNorm], [Unembedding]); {study.Model.Name} is an [Input] + [Dense] network, so declare Loss = Loss.SoftmaxCrossEntropy or Loss.MeanSquaredError";
        }

        return text ? $"data set '{study.Data}' is text, and {study.Model.Name} is an [Input] + [Dense] network; train it on labelled data (fashion-mnist, synthetic), or declare a language model" : null;
    }

    /// <summary>
    /// The unique training samples every run of <paramref name="study"/> draws from: the whole train split (runs do
    /// not take a unique budget yet), known without loading the data; null for a data set whose size is not known.
    /// </summary>
    public static int? TrainCount(StudyDefinition study) => study.Data switch
    {
        SyntheticData.Name => SyntheticFor(study).TrainCount,
        FashionMnist.Name => FashionMnist.TrainCount,
        _ => null,
    };

    // Noise 2.5 keeps the synthetic task hard enough that density shows in the accuracy.
    private static SyntheticOptions SyntheticFor(StudyDefinition study)
    {
        var layers = study.Model.Layers;
        return new SyntheticOptions(Seed: 0, Features: layers[0].Units, Classes: layers[layers.Count - 1].Units, Noise: 2.5);
    }
}
