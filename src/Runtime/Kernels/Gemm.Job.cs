namespace SparseDsl.Kernels;

public static unsafe partial class Gemm
{
    /// <summary>One product in flight: pointers (pinned by the caller), shapes, and the two parallel phases.</summary>
    private struct Job
    {
        internal float* A, B, C, Bias, PackedB;
        internal int M, N, K, MPanels, NPanels;
        internal bool TransA, TransB, Accumulate;

        /// <summary>Whether <see cref="PackedB"/> already holds op(B) packed (<see cref="PackedOperand"/>): phase 1 is skipped.</summary>
        internal bool BIsPacked;

        // How C is cut into blocks (of micro-panels), chosen per product so that every core gets equal work.
        private int mBlocks, nBlocks;

        internal void Run()
        {
            // Phase 1: pack every B micro-panel over the full depth K (shared by all blocks of C).
            Job self = this;
            if (!BIsPacked)
            {
                PackAllB(B, TransB, N, K, NPanels, PackedB);
            }

            // Phase 2: blocks of C, each a (rows × columns) tile of micro-panels; each packs its own A block per depth
            // block into a per-thread buffer that stays in L2.
            ChooseBlocks();
            self = this;
            Workers.For(mBlocks * nBlocks, task => self.ComputeBlock(task / self.nBlocks, task % self.nBlocks));
        }

        /// <summary>Every B micro-panel of op(B) (n columns, depth k) into <paramref name="packed"/>, split across cores when large.</summary>
        internal static void PackAllB(float* b, bool transposeB, int n, int k, int nPanels, float* packed)
        {
            nint source = (nint)b, target = (nint)packed;
            long packWork = (long)nPanels * NR * k;
            int packChunks = packWork < 1 << 16 ? 1 : Math.Min(nPanels, 4 * Workers.Count);
            Workers.ForRange(nPanels, packChunks, (q0, q1) =>
            {
                for (int q = q0; q < q1; q++)
                {
                    PackB((float*)source, transposeB, n, k, q, (float*)target + (long)q * k * NR);
                }
            });
        }

        private void ChooseBlocks()
        {
            nBlocks = Blocks(NPanels, MaxNcPanels);
            mBlocks = Blocks(MPanels, MaxMcPanels);
            long flops = 2L * M * N * K;
            if (flops < 1 << 20)
            {
                // Too small to pay for waking a second core.
                mBlocks = nBlocks = 1;
                return;
            }

            // Equal-sized blocks, a multiple of the core count of them, so no core idles at the end.
            int workers = Workers.Count;
            while ((mBlocks * nBlocks < workers || mBlocks * nBlocks % workers != 0) && (mBlocks < MPanels || nBlocks < NPanels))
            {
                if (mBlocks < MPanels)
                {
                    mBlocks++;
                }
                else
                {
                    nBlocks++;
                }
            }
        }

        private static int Blocks(int panels, int perBlock) => (panels + perBlock - 1) / perBlock;

        private readonly void ComputeBlock(int mb, int nb)
        {
            int r0 = (int)((long)MPanels * mb / mBlocks), r1 = (int)((long)MPanels * (mb + 1) / mBlocks);
            int q0 = (int)((long)NPanels * nb / nBlocks), q1 = (int)((long)NPanels * (nb + 1) / nBlocks);
            int mr = MR, nr = NR;
            float* packed = Scratch.Pointer(Scratch.Get(ref Scratch.Block, (long)(r1 - r0) * KC * mr));
            for (int pc = 0; pc < K; pc += KC)
            {
                int kc = Math.Min(KC, K - pc);
                for (int r = r0; r < r1; r++)
                {
                    PackA(A, TransA, M, K, r, pc, kc, packed + (long)(r - r0) * kc * mr);
                }

                int mode = pc > 0 || Accumulate ? ModeLoad : Bias != null ? ModeBias : ModeZero;
                for (int q = q0; q < q1; q++)
                {
                    float* bp = PackedB + ((long)q * K + pc) * nr;
                    int col = q * nr;
                    int cols = Math.Min(nr, N - col);
                    for (int r = r0; r < r1; r++)
                    {
                        float* ap = packed + (long)(r - r0) * kc * mr;
                        int row = r * mr;
                        int rows = Math.Min(mr, M - row);
                        float* ct = C + (long)row * N + col;
                        if (rows == mr && cols == nr)
                        {
                            MicroKernel(ap, bp, kc, ct, N, mode, Bias + row);
                        }
                        else
                        {
                            EdgeTile(ap, bp, kc, ct, N, rows, cols, mode, Bias + row);
                        }
                    }
                }
            }
        }
    }
}
