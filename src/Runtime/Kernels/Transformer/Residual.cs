namespace SparseDsl.Kernels;

/// <summary>The residual stream's add: <c>y += x</c> element-wise (any layout); its backward pass is the identity on both branches.</summary>
public static class Residual
{
    /// <summary><c>y[i] += x[i]</c> for i &lt; count.</summary>
    /// <param name="y">The residual stream, accumulated into.</param>
    /// <param name="x">The branch's output.</param>
    /// <param name="count">Elements (dim · tokens).</param>
    public static void Add(float[] y, float[] x, int count)
    {
        Elementwise.Check(count, (y, nameof(y)), (x, nameof(x)));
        Elementwise.Run(count, (start, end) => Lanes.Add(y.AsSpan(start, end - start), x.AsSpan(start, end - start)));
    }
}
