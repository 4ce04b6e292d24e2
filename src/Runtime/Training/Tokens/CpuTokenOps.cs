using SparseDsl.Kernels;

namespace SparseDsl.Training;

/// <summary>The vectorized CPU kernels as the shared orchestration's ops; <paramref name="rotary"/> is the network's table, or null.</summary>
internal sealed class CpuTokenOps(RotaryTable? rotary) : ITokenOps<float[]>
{
    public IScratch<float[]> NewScratch(int slots) => new CpuScratch(slots);

    public void Copy(float[] source, float[] target, long length) => Array.Copy(source, target, length);

    public void Add(float[] target, float[] addend, long length) => Residual.Add(target, addend, checked((int)length));

    public void GeluForward(float[] x, float[] y, long count) => Gelu.Forward(x, y, checked((int)count));

    public void GeluBackward(float[] x, float[] dy, float[] dx, long count) => Gelu.Backward(x, dy, dx, checked((int)count));

    public void SwiGluForward(float[] a, float[] b, float[] y, long count) => SwiGlu.Forward(a, b, y, checked((int)count));

    public void SwiGluBackward(float[] a, float[] b, float[] dy, float[] da, float[] db, long count) => SwiGlu.Backward(a, b, dy, da, db, checked((int)count));

    public void Rotate(float[] x, int width, int tokens, bool inverse)
    {
        var table = rotary ?? throw new InvalidOperationException("rotary positions without a rotary table");
        if (inverse)
        {
            Rotary.Backward(table, x, width, tokens);
        }
        else
        {
            Rotary.Forward(table, x, width, tokens);
        }
    }

    public void AttentionForward(float[] q, float[] k, float[] v, float[] output, float[] probabilities, int width, int heads, int tokens, int context) =>
        CausalSelfAttention.Forward(q, k, v, output, probabilities, width, heads, tokens, context);

    public void AttentionBackward(
        float[] q, float[] k, float[] v, float[] probabilities, float[] dOutput, float[] dq, float[] dk, float[] dv, int width, int heads, int tokens, int context) =>
        CausalSelfAttention.Backward(q, k, v, probabilities, dOutput, dq, dk, dv, width, heads, tokens, context);
}
