using SparseDsl.Data;
using SparseDsl.Language;

namespace SparseDsl.Experiments;

/// <summary>The data set a study names, loaded once per process; synthetic data is sized to the model.</summary>
internal static class StudyData
{
    public static Dataset Load(StudyDefinition study, string? dataDir)
    {
        // Noise 2.5 keeps the synthetic task hard enough that density shows in the accuracy.
        if (study.Data == SyntheticData.Name)
        {
            var layers = study.Model.Layers;
            return SyntheticData.Create(new SyntheticOptions(Seed: 0, Features: layers[0].Units, Classes: layers[layers.Count - 1].Units, Noise: 2.5));
        }

        return DataCatalog.Resolve(study.Data, dataDir);
    }
}
