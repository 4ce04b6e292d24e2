using SparseDsl.Kernels;

namespace SparseDsl.Bench;

// The example MLP's layers (784-1000-1000-10), as the generator would emit them.
internal readonly struct Hidden1Shape : ILayerShape { public static int In => 784; public static int Out => 1000; }

internal readonly struct Hidden2Shape : ILayerShape { public static int In => 1000; public static int Out => 1000; }

internal readonly struct OutputShape : ILayerShape { public static int In => 1000; public static int Out => 10; }

internal readonly struct Square1024 : ILayerShape { public static int In => 1024; public static int Out => 1024; }
