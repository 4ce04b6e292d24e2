using SparseDsl.Kernels;

namespace SparseDsl.Bench;

// The example MLP's layers (784-1000-1000-10), as the generator would emit them.
internal readonly struct Hidden1Shape : ILayerShape { public static int In => 784; public static int Out => 1000; }

internal readonly struct Hidden2Shape : ILayerShape { public static int In => 1000; public static int Out => 1000; }

// The hidden layers at the nearest shapes 16 × 16 tiles divide (1000 is not a multiple of 16; 784 = 49·16, 1008 = 63·16).
internal readonly struct Hidden1Block16Shape : ILayerShape { public static int In => 784; public static int Out => 1008; }

internal readonly struct Hidden2Block16Shape : ILayerShape { public static int In => 1008; public static int Out => 1008; }

internal readonly struct OutputShape : ILayerShape { public static int In => 1000; public static int Out => 10; }

internal readonly struct Square1024 : ILayerShape { public static int In => 1024; public static int Out => 1024; }
