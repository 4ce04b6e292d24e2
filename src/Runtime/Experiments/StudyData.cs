using SparseDsl.Data;
using SparseDsl.Language;

namespace SparseDsl.Experiments;

/// <summary>The data set a study names, loaded once per process; synthetic data is sized to the model.</summary>
internal static class StudyData
{
    public static Dataset Load(StudyDefinition study, string? dataDir)
    {
        if (study.Data == SyntheticData.Name)
        {
            return SyntheticData.Create(SyntheticFor(study));
        }

        return DataCatalog.Resolve(study.Data, dataDir);
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
