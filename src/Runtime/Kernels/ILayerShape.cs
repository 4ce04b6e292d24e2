namespace SparseDsl.Kernels;

/// <summary>
/// A layer's compile-time shape. The generator emits one struct per layer (<c>Hidden1Shape : ILayerShape</c>
/// with <c>In => 784</c>, <c>Out => 1000</c>); kernels generic over it get the constants baked in by the JIT.
/// </summary>
public interface ILayerShape
{
    static abstract int In { get; }

    static abstract int Out { get; }
}
