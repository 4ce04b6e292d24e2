using SparseDsl.ScalingLaws;

namespace SparseDsl.Runtime.Tests.ScalingLaws;

/// <summary>
/// The laws written straight from SCIENCE.md §1–2 in plain float64 (no logs, no logsumexp): the slow twins the
/// predictions are checked against.
/// </summary>
internal static class ReferenceLaws
{
    /// <summary>The seed paper's law; the data-constrained law is the case d = 1, f = 1, R* constant.</summary>
    public static double Sparse(ScalingParameters p, double n, double tokens, double u, double d)
    {
        double s = 1 - d;
        double f = Math.Pow(d, p["epsilon"]) + p["c"] * Math.Pow(s, p["mu"]);
        double rnStar = p["gamma1"] * (1 + p["c11"] * s - p["c21"] * s * s);
        double rdStar = p["gamma2"] * (1 + p["c12"] * s - p["c22"] * s * s);
        return Core(Math.Exp(p["a"]), Math.Exp(p["b"]), Math.Exp(p["e"]), p["alpha"], p["alpha"], f, rnStar, rdStar, n, tokens, u);
    }

    public static double DataConstrained(ScalingParameters p, double n, double tokens, double u) =>
        Core(Math.Exp(p["a"]), Math.Exp(p["b"]), Math.Exp(p["e"]), p["alpha"], p["beta"], 1.0, p["rn_star"], p["rd_star"], n, tokens, u);

    /// <summary>The sparse law in the limit N, D → ∞ at fixed U: N′ → U_N·(1 + R_N*), D′ → U·(1 + R_D*), U_N = N_opt(U).</summary>
    public static double SparseLimit(ScalingParameters p, double u, double d)
    {
        double s = 1 - d;
        double bigA = Math.Exp(p["a"]), bigB = Math.Exp(p["b"]), alpha = p["alpha"];
        double f = Math.Pow(d, p["epsilon"]) + p["c"] * Math.Pow(s, p["mu"]);
        double rnStar = p["gamma1"] * (1 + p["c11"] * s - p["c21"] * s * s);
        double rdStar = p["gamma2"] * (1 + p["c12"] * s - p["c22"] * s * s);
        double g = Math.Pow(alpha * bigA * f / (alpha * bigB), 1 / (alpha + alpha));
        double nOpt = g * g * u; // G·(G·U)^(β/α) with β = α
        return Math.Exp(p["e"]) + bigA * f / Math.Pow(nOpt * (1 + rnStar), alpha) + bigB / Math.Pow(u * (1 + rdStar), alpha);
    }

    /// <summary>
    /// G = (α·A·f/(β·B))^(1/(α+β)); C(U) = 6·(G·U)^((α+β)/α); N_opt = G·(C/6)^(β/(α+β)); U_N = min(N, N_opt);
    /// R_N = max(N/U_N − 1, 0), R_D = max(D/U − 1, 0); N′, D′ with decay; L = E + A·f/N′^α + B/D′^β.
    /// </summary>
    private static double Core(
        double bigA, double bigB, double bigE, double alpha, double beta, double f, double rnStar, double rdStar, double n, double tokens, double u)
    {
        double g = Math.Pow(alpha * bigA * f / (beta * bigB), 1 / (alpha + beta));
        double compute = 6 * Math.Pow(g * u, (alpha + beta) / alpha);
        double nOpt = g * Math.Pow(compute / 6, beta / (alpha + beta));
        double uN = Math.Min(n, nOpt);
        double rN = Math.Max(n / uN - 1, 0);
        double rD = Math.Max(tokens / u - 1, 0);
        double nEff = uN + uN * rnStar * (1 - Math.Exp(-rN / rnStar));
        double dEff = u + u * rdStar * (1 - Math.Exp(-rD / rdStar));
        return bigE + bigA * f / Math.Pow(nEff, alpha) + bigB / Math.Pow(dEff, beta);
    }
}
