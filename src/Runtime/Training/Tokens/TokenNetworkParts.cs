using SparseDsl.Kernels;

namespace SparseDsl.Training;

/// <summary>
/// A language model's trainable pieces as the device network needs them, in the orchestration's order: what
/// <see cref="Device.DeviceTokenNetwork"/> puts on an accelerator. The host network stays their one owner.
/// </summary>
internal interface ITokenNetworkParts
{
    /// <summary>E [V, D].</summary>
    Parameter Table { get; }

    /// <summary>P [T, D] for learned positions; null with rotary positions.</summary>
    Parameter? Positions { get; }

    /// <summary>The untied head's W [V, D]; null when the head is tied to <see cref="Table"/>.</summary>
    Parameter? HeadTable { get; }

    IReadOnlyList<TransformerBlockParts> Blocks { get; }

    NormLayer Final { get; }
}

/// <summary>One block's pieces: its heads, the rotary table (or null), its norms, and Q, K, V, O, Up, (Gate,) Down.</summary>
internal sealed record TransformerBlockParts(int Heads, RotaryTable? Rotary, NormLayer Norm1, NormLayer Norm2, IReadOnlyList<Linear> Matrices)
{
    public bool IsSwiGlu => Matrices.Count == 7;
}
