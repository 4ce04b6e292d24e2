namespace SparseDsl.Data;

/// <summary>
/// A labelled classification data set held in memory: a train split and a test split of samples with
/// <see cref="Features"/> inputs each and a label in [0, <see cref="Classes"/>). Treat the arrays as read-only:
/// one instance is shared by every run in a process.
/// </summary>
public sealed class Dataset
{
    public Dataset(string name, int features, int classes, DataSplit train, DataSplit test)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentOutOfRangeException.ThrowIfLessThan(features, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 2);
        CheckSplit(train, features, classes, nameof(train));
        CheckSplit(test, features, classes, nameof(test));
        Name = name;
        Features = features;
        Classes = classes;
        Train = train;
        Test = test;
    }

    /// <summary>The catalog name (<c>fashion-mnist</c>, <c>synthetic</c>, …).</summary>
    public string Name { get; }

    /// <summary>Inputs per sample (784 for Fashion-MNIST).</summary>
    public int Features { get; }

    /// <summary>Number of classes; labels are in [0, Classes).</summary>
    public int Classes { get; }

    public DataSplit Train { get; }

    public DataSplit Test { get; }

    /// <summary>
    /// A copy with every feature standardized by the train split's mean and standard deviation,
    /// <c>x' = (x − mean) / (std + epsilon)</c>, test included (as the SET reference code does). Loaders do not
    /// standardize by themselves.
    /// </summary>
    public Dataset Standardized(float epsilon = 1e-4f)
    {
        int n = Train.Count;
        var mean = new double[Features];
        var variance = new double[Features];
        for (int s = 0; s < n; s++)
        {
            ReadOnlySpan<float> row = Train.Sample(s);
            for (int i = 0; i < Features; i++)
            {
                mean[i] += row[i];
            }
        }

        for (int i = 0; i < Features; i++)
        {
            mean[i] /= n;
        }

        for (int s = 0; s < n; s++)
        {
            ReadOnlySpan<float> row = Train.Sample(s);
            for (int i = 0; i < Features; i++)
            {
                double d = row[i] - mean[i];
                variance[i] += d * d;
            }
        }

        var scale = new float[Features];
        var shift = new float[Features];
        for (int i = 0; i < Features; i++)
        {
            double std = Math.Sqrt(variance[i] / n);
            scale[i] = (float)(1.0 / (std + epsilon));
            shift[i] = (float)mean[i];
        }

        return new Dataset(Name, Features, Classes, Apply(Train), Apply(Test));

        DataSplit Apply(DataSplit split)
        {
            var inputs = new float[split.Inputs.Length];
            for (int s = 0; s < split.Count; s++)
            {
                int offset = s * Features;
                for (int i = 0; i < Features; i++)
                {
                    inputs[offset + i] = (split.Inputs[offset + i] - shift[i]) * scale[i];
                }
            }

            return new DataSplit(inputs, split.Labels, Features);
        }
    }

    public override string ToString() =>
        $"{Name}: {Features} features, {Classes} classes, {Train.Count} train, {Test.Count} test";

    private static void CheckSplit(DataSplit split, int features, int classes, string which)
    {
        ArgumentNullException.ThrowIfNull(split, which);
        if (split.Features != features)
        {
            throw new ArgumentException($"The {which} split has {split.Features} features, the data set {features}.", which);
        }

        foreach (int label in split.Labels)
        {
            if ((uint)label >= (uint)classes)
            {
                throw new ArgumentException($"The {which} split has label {label}, outside [0, {classes}).", which);
            }
        }
    }
}
