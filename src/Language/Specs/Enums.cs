namespace SparseDsl;

// User-facing enums live here (namespace SparseDsl) so the attributes in the runtime and the specs the
// generator builds share one definition; the generator reads the attribute's constant and casts.

/// <summary>Nonlinearity applied after a layer's affine map.</summary>
public enum Activation
{
    None = 0,
    Relu = 1,
    Tanh = 2,
    Sigmoid = 3,
}

/// <summary>Training objective on the model's output layer.</summary>
public enum Loss
{
    SoftmaxCrossEntropy = 0,
    MeanSquaredError = 1,
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
