namespace SparseDsl;

// User-facing enums live here (namespace SparseDsl) so the attributes in the runtime and the specs the
// generator builds share one definition; the generator reads the attribute's constant and casts.

/// <summary>Nonlinearity applied after a layer's affine map.</summary>
public enum Activation
{
    /// <summary>No nonlinearity: y = Wx + b (the usual output layer).</summary>
    None = 0,

    /// <summary>max(0, x).</summary>
    Relu = 1,

    /// <summary>tanh(x).</summary>
    Tanh = 2,

    /// <summary>1 / (1 + e^−x).</summary>
    Sigmoid = 3,
}

/// <summary>Training objective on the model's output layer.</summary>
public enum Loss
{
    /// <summary>Softmax over the output units, cross-entropy against the class label (needs at least 2 output units, SPD006).</summary>
    SoftmaxCrossEntropy = 0,

    /// <summary>Mean squared error of the outputs against the one-hot label.</summary>
    MeanSquaredError = 1,

    /// <summary>Cross-entropy over a vocabulary for next-token prediction; this version has no text data set to train it on.</summary>
    NextToken = 2,
}

/// <summary>How a model-level sparsity target is split across layers (SCIENCE.md §3).</summary>
public enum Distribution
{
    /// <summary>Every sparsifiable layer gets the same density.</summary>
    Uniform = 0,

    /// <summary>Erdős–Rényi: d_l ∝ (n_in + n_out) / (n_in · n_out).</summary>
    Er = 1,

    /// <summary>Erdős–Rényi-Kernel: d_l ∝ Σ dims / Π dims (equals ER for fully connected layers).</summary>
    Erk = 2,
}
