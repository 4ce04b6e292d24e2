namespace SparseDsl.Training;

/// <summary>
/// What one backend gives the shared transformer orchestration (<see cref="BlockPass{T}"/>): its elementwise, attention
/// and rotary kernels over tensors of type <typeparamref name="T"/> (a CPU <c>float[]</c>, a device
/// <c>ArrayView&lt;float&gt;</c>), feature-major [rows, tokens] with token n = b·T + t, and its scratch buffers.
/// </summary>
internal interface ITokenOps<T>
{
    /// <summary>Scratch buffers of <paramref name="slots"/> slots, each grown to the length asked for.</summary>
    IScratch<T> NewScratch(int slots);

    /// <summary>The first <paramref name="length"/> elements of <paramref name="source"/> into <paramref name="target"/>.</summary>
    void Copy(T source, T target, long length);

    /// <summary><c>target += addend</c> over <paramref name="length"/> elements (a residual).</summary>
    void Add(T target, T addend, long length);

    void GeluForward(T x, T y, long count);

    /// <summary>From GELU's input x and ∂y, ∂x.</summary>
    void GeluBackward(T x, T dy, T dx, long count);

    /// <summary><c>y = silu(a) ⊙ b</c> (a the gate).</summary>
    void SwiGluForward(T a, T b, T y, long count);

    void SwiGluBackward(T a, T b, T dy, T da, T db, long count);

    /// <summary>Rotary positions on q or k [width, tokens] in place (<paramref name="inverse"/>: the backward rotation).</summary>
    void Rotate(T x, int width, int tokens, bool inverse);

    /// <summary>Causal multi-head attention: output [width, tokens] and P from q, k, v [width, tokens].</summary>
    void AttentionForward(T q, T k, T v, T output, T probabilities, int width, int heads, int tokens, int context);

    /// <summary>∂q, ∂k, ∂v [width, tokens] (overwritten) from ∂output and the forward's P.</summary>
    void AttentionBackward(T q, T k, T v, T probabilities, T dOutput, T dq, T dk, T dv, int width, int heads, int tokens, int context);
}

/// <summary>A weight matrix in a block as the orchestration drives it (a CPU <see cref="Linear"/> or a device layer).</summary>
internal interface ILinearPass<T>
{
    /// <summary>y [out, tokens] = W·x + b, in a buffer of the layer's.</summary>
    T Forward(T x, int tokens);

    /// <summary>From ∂y (left unchanged: a RigL capture keeps it), the weight and bias gradients and ∂x [in, tokens].</summary>
    T Backward(T dy, int tokens);

    /// <summary>The last forward's y.</summary>
    T Output { get; }
}

/// <summary>A layer or RMS norm as the orchestration drives it.</summary>
internal interface INormPass<T>
{
    T Forward(T x, int tokens);

    /// <summary>∂x into <paramref name="dx"/> (added when <paramref name="accumulate"/>); γ's and β's gradients added to.</summary>
    void Backward(T dy, T dx, int tokens, bool accumulate);

    void ZeroGradients();
}

/// <summary>Scratch buffers by slot, reallocated only when a slot must grow.</summary>
internal interface IScratch<T> : IDisposable
{
    T Get(int slot, long length);
}

/// <summary>The CPU's scratch: one array per slot.</summary>
internal sealed class CpuScratch(int slots) : IScratch<float[]>
{
    private readonly float[]?[] arrays = new float[slots][];

    public float[] Get(int slot, long length) => Buffers.Ensure(ref arrays[slot], length);

    public void Dispose()
    {
    }
}
