using System.Runtime.InteropServices;

namespace SparseDsl.Bench;

/// <summary>OpenBLAS's cblas_sgemm through P/Invoke (Debian libopenblas0-pthread). Bench only, never in the runtime.</summary>
internal static unsafe partial class OpenBlas
{
    private const string Library = "libopenblas.so.0";
    private const int RowMajor = 101, NoTrans = 111, Trans = 112;

    [LibraryImport(Library, EntryPoint = "cblas_sgemm")]
    private static partial void Sgemm(int order, int transA, int transB, int m, int n, int k, float alpha,
        float* a, int lda, float* b, int ldb, float beta, float* c, int ldc);

    [LibraryImport(Library, EntryPoint = "openblas_set_num_threads")]
    internal static partial void SetThreads(int threads);

    [LibraryImport(Library, EntryPoint = "openblas_get_corename")]
    private static partial IntPtr CoreName();

    [LibraryImport(Library, EntryPoint = "openblas_get_config")]
    private static partial IntPtr Config();

    internal static bool Available()
    {
        try
        {
            _ = Config();
            return true;
        }
        catch (DllNotFoundException)
        {
            return false;
        }
    }

    internal static string Describe() => $"{Marshal.PtrToStringAnsi(Config())} (kernel {Core()})";

    /// <summary>The kernel OpenBLAS chose when it loaded (after OPENBLAS_CORETYPE, or its fallback for an unknown CPU).</summary>
    internal static string Core() => Marshal.PtrToStringAnsi(CoreName()) ?? "unknown";

    /// <summary>Same meaning as <c>Gemm.Multiply</c>: row-major, tightly packed, C = op(A)·op(B) (+ C).</summary>
    internal static void Multiply(bool ta, bool tb, int m, int n, int k, float[] a, float[] b, float[] c, bool accumulate = false)
    {
        fixed (float* pa = a, pb = b, pc = c)
        {
            Sgemm(RowMajor, ta ? Trans : NoTrans, tb ? Trans : NoTrans, m, n, k, 1f,
                pa, ta ? m : k, pb, tb ? k : n, accumulate ? 1f : 0f, pc, n);
        }
    }
}
