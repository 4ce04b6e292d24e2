using BenchmarkDotNet.Running;
using SparseDsl.Bench;

// `kernels`: the quick side-by-side study printed as a markdown table (docs/PERFORMANCE.md).
// `generator`: build-time cost of the generator and analyzers, in process (bench/build-cost.sh measures dotnet build).
// Anything else goes to BenchmarkDotNet (e.g. `--filter *Gemm*`).
if (args.Length > 0 && args[0] == "kernels")
{
    return KernelStudy.Run(args[1..]);
}

if (args.Length > 0 && args[0] == "probe")
{
    return Probe.Run();
}

if (args.Length > 0 && args[0] == "generator")
{
    return GeneratorCost.Run(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(KernelStudy).Assembly).Run(args);
return 0;
