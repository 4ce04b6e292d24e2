using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace SparseDsl.Data;

/// <summary>
/// Fashion-MNIST (Xiao, Rasul and Vollgraf 2017): 28×28 grey images of 10 clothing classes, 60,000 train and
/// 10,000 test, as four IDX files. Pixels become floats in [0, 1] (byte / 255); nothing is standardized here
/// (<see cref="Dataset.Standardized"/> does that when a study wants it).
/// </summary>
public static class FashionMnist
{
    public const string Name = "fashion-mnist";
    public const int Features = 784;
    public const int Classes = 10;

    /// <summary>Images in the train split (the test split has 10,000).</summary>
    public const int TrainCount = 60_000;

    /// <summary>The Debian package that ships the files, and where inside it they lie.</summary>
    public const string DebianPackage = "dataset-fashion-mnist";
    public const string PackagePath = "usr/share/datasets/fashion-mnist";

    public const string TrainImages = "train-images-idx3-ubyte.gz";
    public const string TrainLabels = "train-labels-idx1-ubyte.gz";
    public const string TestImages = "t10k-images-idx3-ubyte.gz";
    public const string TestLabels = "t10k-labels-idx1-ubyte.gz";

    /// <summary>
    /// SHA-256 of the four files as shipped in dataset-fashion-mnist 0.0~git20200523.55506a9-1 (Debian 12).
    /// Debian recompressed them, so they differ from the .gz files on Zalando's site.
    /// </summary>
    public static IReadOnlyList<PinnedFile> Files { get; } =
    [
        new(TrainImages, "b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7"),
        new(TrainLabels, "0ae29f65d86684f32d1b9c85147786c547b9c6aebcaf235f0400a0cce308b056"),
        new(TestImages, "cc1d090a38ace84dfa1aa66e3ada7c336ef481a96936906477e6dd344da56eaa"),
        new(TestLabels, "8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05"),
    ];

    /// <summary>
    /// Loads the four files from <paramref name="directory"/>. Each may also be present uncompressed (the name
    /// without <c>.gz</c>). A missing file throws <see cref="FileNotFoundException"/> naming it.
    /// </summary>
    public static Dataset Load(string directory)
    {
        DataSplit train = LoadSplit(directory, TrainImages, TrainLabels);
        DataSplit test = LoadSplit(directory, TestImages, TestLabels);
        return new Dataset(Name, Features, Classes, train, test);
    }

    /// <summary>The first of the four files that <paramref name="directory"/> lacks (in either form), or null.</summary>
    public static string? FirstMissingFile(string directory)
    {
        foreach (PinnedFile file in Files)
        {
            if (!TryFind(directory, file.Name, out _))
            {
                return file.Name;
            }
        }

        return null;
    }

    private static DataSplit LoadSplit(string directory, string imagesName, string labelsName)
    {
        string imagesPath = Find(directory, imagesName);
        string labelsPath = Find(directory, labelsName);
        IdxImages images = IdxReader.ReadImages(imagesPath);
        byte[] labels = IdxReader.ReadLabels(labelsPath);
        if (images.Count != labels.Length)
        {
            throw new InvalidDataException($"{imagesPath} holds {images.Count} images but {labelsPath} {labels.Length} labels.");
        }

        if (images.PixelsPerImage != Features)
        {
            throw new InvalidDataException($"{imagesPath}: images are {images.Rows}x{images.Columns}, expected 28x28.");
        }

        float[] inputs = ToUnitFloats(images.Pixels);

        var classes = new int[labels.Length];
        for (int s = 0; s < labels.Length; s++)
        {
            if (labels[s] >= Classes)
            {
                throw new InvalidDataException($"{labelsPath}: label {labels[s]} at sample {s} is not a class in [0, {Classes}).");
            }

            classes[s] = labels[s];
        }

        return new DataSplit(inputs, classes, Features);
    }

    /// <summary>byte / 255 (one loop over 47M values: compiled optimized at once rather than tiered up).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float[] ToUnitFloats(byte[] pixels)
    {
        var inputs = new float[pixels.Length];
        const float scale = 1f / 255f;
        for (int k = 0; k < pixels.Length; k++)
        {
            inputs[k] = pixels[k] * scale;
        }

        return inputs;
    }

    private static string Find(string directory, string name)
    {
        if (TryFind(directory, name, out string? path))
        {
            return path;
        }

        throw new FileNotFoundException($"{Name}: {Path.Combine(directory, name)} is missing (nor is it there uncompressed).", Path.Combine(directory, name));
    }

    private static bool TryFind(string directory, string name, [NotNullWhen(true)] out string? path)
    {
        path = Path.Combine(directory, name);
        if (File.Exists(path))
        {
            return true;
        }

        path = Path.Combine(directory, Path.GetFileNameWithoutExtension(name));
        if (File.Exists(path))
        {
            return true;
        }

        path = null;
        return false;
    }
}

/// <summary>A file with its pinned SHA-256 (lower-case hex).</summary>
public sealed record PinnedFile(string Name, string Sha256);
