using BenchmarkDotNet.Running;
using SparseDsl.Bench;

// `kernels`: the quick side-by-side study printed as a markdown table (docs/PERFORMANCE.md).
// `alignment`: CSR kernels on 64-byte-aligned against misaligned activation arrays.
// `blocks`: block-CSR layers (16×16, 8×8 tiles) at 90 % and 95 % sparsity against our dense, with a per-product split.
// `epoch`: one epoch of Fashion-MNIST, dense against 90 % and 95 % sparse.
// `dst`: dynamic sparse training: update cost per layer and per step, training state, SET epoch against dense and PyTorch.
// `lm`: language-model training throughput (TinyLm, tokens/s, MFU, memory) dense, unstructured and block 16×16, against PyTorch.
// `limits`: one core's FMA rate when operands are picked by data (loads, shuffles): the bound under any 2:4 kernel.
// `generator`: build-time cost of the generator and analyzers, in process (bench/build-cost.sh measures dotnet build).
// Anything else goes to BenchmarkDotNet (e.g. `--filter *Gemm*`).
// The Generator and Analyzers project references hand SparseDsl.Language.dll over as an analyzer dependency, and
// the SDK then leaves it out of this program's deps.json; it is in the output folder, so load it from there.
System.Runtime.Loader.AssemblyLoadContext.Default.Resolving += (context, name) =>
{
    string path = Path.Combine(AppContext.BaseDirectory, name.Name + ".dll");
    return File.Exists(path) ? context.LoadFromAssemblyPath(path) : null;
};

if (args.Length > 0 && args[0] == "kernels")
{
    return KernelStudy.Run(args[1..]);
}

if (args.Length > 0 && args[0] == "alignment")
{
    return AlignmentStudy.Run(args[1..]);
}

if (args.Length > 0 && args[0] == "probe")
{
    return Probe.Run();
}

if (args.Length > 0 && args[0] == "csr")
{
    return CsrStudy.Run(args[1..]);
}

if (args.Length > 0 && args[0] == "blocks")
{
    return BlockStudy.Run(args[1..]);
}

if (args.Length > 0 && args[0] == "epoch")
{
    return EpochStudy.Run(args[1..]);
}

if (args.Length > 0 && args[0] == "dst")
{
    return DstStudy.Run(args[1..]);
}

if (args.Length > 0 && args[0] == "lm")
{
    return LmStudy.Run(args[1..]);
}

if (args.Length > 0 && args[0] == "limits")
{
    return LimitsStudy.Run(args[1..]);
}

if (args.Length > 0 && args[0] == "generator")
{
    return GeneratorCost.Run(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(KernelStudy).Assembly).Run(args);
return 0;
