namespace SparseDsl.Kernels;

public static unsafe partial class Gemm
{
    /// <summary>One product in flight: pointers (pinned by the caller), shapes, and the two parallel phases.</summary>
    private struct Job
    {
        internal float* A, B, C, Bias, PackA, PackB;
        internal int M, N, K, MPanels, NPanels;
        internal bool TransA, TransB, Accumulate;

        // Block sizes in micro-panels, chosen per product so that both cores get work.
        private int mcPanels, ncPanels, mBlocks, nBlocks;

        internal void Run()
        {
            // Phase 1: pack every A and B micro-panel over the full depth K.
            Job self = this;
            int packTasks = MPanels + NPanels;
            long packWork = ((long)MPanels * MR + (long)NPanels * NR) * K;
            int packChunks = packWork < 1 << 16 ? 1 : Math.Min(packTasks, 4 * Workers.Count);
            Workers.For(packChunks, chunk =>
            {
                int start = (int)((long)packTasks * chunk / packChunks);
                int end = (int)((long)packTasks * (chunk + 1) / packChunks);
                for (int t = start; t < end; t++)
                {
                    if (t < self.MPanels)
                    {
                        self.PackPanelA(t);
                    }
                    else
                    {
                        self.PackPanelB(t - self.MPanels);
                    }
                }
            });

            // Phase 2: blocks of C, each a (rows × columns) tile of micro-panels.
            ChooseBlocks();
            self = this;
            Workers.For(mBlocks * nBlocks, task => self.ComputeBlock(task / self.nBlocks, task % self.nBlocks));
        }

        private void ChooseBlocks()
        {
            mcPanels = Math.Min(MPanels, 128 / MR);
            ncPanels = Math.Min(NPanels, 256 / NR);
            long flops = 2L * M * N * K;
            int wanted = flops < 1 << 20 ? 1 : 2 * Workers.Count;
            while (Blocks(MPanels, mcPanels) * Blocks(NPanels, ncPanels) < wanted && (mcPanels > 1 || ncPanels > 1))
            {
                if (mcPanels >= ncPanels * NR / MR / 4 && mcPanels > 1)
                {
                    mcPanels = (mcPanels + 1) / 2;
                }
                else if (ncPanels > 1)
                {
                    ncPanels = (ncPanels + 1) / 2;
                }
                else
                {
                    mcPanels = (mcPanels + 1) / 2;
                }
            }

            mBlocks = Blocks(MPanels, mcPanels);
            nBlocks = Blocks(NPanels, ncPanels);
        }

        private static int Blocks(int panels, int perBlock) => (panels + perBlock - 1) / perBlock;

        private readonly void ComputeBlock(int mb, int nb)
        {
            int r0 = mb * mcPanels, r1 = Math.Min(MPanels, r0 + mcPanels);
            int q0 = nb * ncPanels, q1 = Math.Min(NPanels, q0 + ncPanels);
            int mr = MR, nr = NR;
            for (int pc = 0; pc < K; pc += KC)
            {
                int kc = Math.Min(KC, K - pc);
                bool first = pc == 0;
                for (int q = q0; q < q1; q++)
                {
                    float* bp = PackB + ((long)q * K + pc) * nr;
                    int col = q * nr;
                    int cols = Math.Min(nr, N - col);
                    for (int r = r0; r < r1; r++)
                    {
                        float* ap = PackA + ((long)r * K + pc) * mr;
                        int row = r * mr;
                        int rows = Math.Min(mr, M - row);
                        float* ct = C + (long)row * N + col;
                        int mode = !first || Accumulate ? ModeLoad : Bias != null ? ModeBias : ModeZero;
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

        private readonly void PackPanelA(int r)
        {
            int mr = MR;
            int row0 = r * mr;
            int rows = Math.Min(mr, M - row0);
            float* dst = PackA + (long)r * K * mr;
            if (!TransA)
            {
                // A is m×k: row i is contiguous; scatter each row into lane ii of the panel.
                for (int ii = 0; ii < rows; ii++)
                {
                    float* src = A + (long)(row0 + ii) * K;
                    for (int p = 0; p < K; p++)
                    {
                        dst[p * mr + ii] = src[p];
                    }
                }

                for (int ii = rows; ii < mr; ii++)
                {
                    for (int p = 0; p < K; p++)
                    {
                        dst[p * mr + ii] = 0f;
                    }
                }
            }
            else
            {
                // Aᵀ is k×m: the MR values of depth p are contiguous.
                for (int p = 0; p < K; p++)
                {
                    float* src = A + (long)p * M + row0;
                    float* d = dst + (long)p * mr;
                    int ii = 0;
                    for (; ii < rows; ii++)
                    {
                        d[ii] = src[ii];
                    }

                    for (; ii < mr; ii++)
                    {
                        d[ii] = 0f;
                    }
                }
            }
        }

        private readonly void PackPanelB(int q)
        {
            int nr = NR;
            int col0 = q * nr;
            int cols = Math.Min(nr, N - col0);
            float* dst = PackB + (long)q * K * nr;
            if (!TransB)
            {
                // B is k×n: the NR values of depth p are contiguous.
                for (int p = 0; p < K; p++)
                {
                    float* src = B + (long)p * N + col0;
                    float* d = dst + (long)p * nr;
                    if (cols == nr)
                    {
                        Buffer.MemoryCopy(src, d, nr * sizeof(float), nr * sizeof(float));
                    }
                    else
                    {
                        int jj = 0;
                        for (; jj < cols; jj++)
                        {
                            d[jj] = src[jj];
                        }

                        for (; jj < nr; jj++)
                        {
                            d[jj] = 0f;
                        }
                    }
                }
            }
            else
            {
                // Bᵀ is n×k: column j of B is row j of Bᵀ, contiguous over p.
                for (int jj = 0; jj < cols; jj++)
                {
                    float* src = B + (long)(col0 + jj) * K;
                    for (int p = 0; p < K; p++)
                    {
                        dst[p * nr + jj] = src[p];
                    }
                }

                for (int jj = cols; jj < nr; jj++)
                {
                    for (int p = 0; p < K; p++)
                    {
                        dst[p * nr + jj] = 0f;
                    }
                }
            }
        }
    }
}
