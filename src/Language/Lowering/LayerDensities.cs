using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace SparseDsl.Language;

/// <summary>Why a weight layer has its density.</summary>
public enum DensitySource
{
    /// <summary>Its own [Sparse] sparsity: 1 − s.</summary>
    Own,

    /// <summary>Its own N:M pattern: N/M.</summary>
    Pattern,

    /// <summary>[KeepDense]: 1.</summary>
    KeepDense,

    /// <summary>Its share of the model-level target under the distribution.</summary>
    Target,
}

/// <summary>The density chosen for one weight layer.</summary>
public sealed record LayerDensity(string Name, int In, int Out, double Density, DensitySource Source)
{
    public long DenseWeights => (long)Math.Max(In, 0) * Math.Max(Out, 0);

    public long ActiveWeights => ModelShapes.ActiveWeights(DenseWeights, Density);
}

/// <summary>Densities of every weight matrix (<see cref="ModelMatrices"/>) in order, or why the target cannot be reached.</summary>
public sealed record DensityPlan(EquatableArray<LayerDensity> Layers, string? Failure)
{
    public bool Success => Failure is null;

    public double? DensityOf(string layerName) => Layers.FirstOrDefault(l => l.Name == layerName)?.Density;
}

/// <summary>
/// Spreads a model-level sparsity target over the layers (SCIENCE.md §3, as RigL's sparse_utils does):
/// layers with their own [Sparse] keep their density (1 − s, or N/M), [KeepDense] layers stay dense, and the
/// remaining layers share the target so that their kept count equals (1 − s) × their dense count.
/// Uniform gives them one density; ER/ERK give d_l = ε (n_in + n_out)/(n_in n_out), solving ε, and a layer
/// that would exceed 1 is made dense and ε solved again.
/// </summary>
public static class LayerDensities
{
    /// <summary>The model's own target and distribution.</summary>
    public static DensityPlan Compute(ModelSpec model) => Compute(model, model.Sparsity, model.Distribution);

    public static DensityPlan Compute(ModelSpec model, double targetSparsity, Distribution distribution)
    {
        var densities = new List<LayerDensity>();
        var free = new List<int>();
        foreach (WeightMatrix matrix in ModelMatrices.Of(model))
        {
            if (matrix.KeepDense)
            {
                densities.Add(new LayerDensity(matrix.Name, matrix.In, matrix.Out, 1.0, DensitySource.KeepDense));
            }
            else if (matrix.Pattern?.FixedDensity is double fixedDensity)
            {
                densities.Add(new LayerDensity(matrix.Name, matrix.In, matrix.Out, fixedDensity, DensitySource.Pattern));
            }
            else if (matrix.Sparsity is double own)
            {
                densities.Add(new LayerDensity(matrix.Name, matrix.In, matrix.Out, 1.0 - own, DensitySource.Own));
            }
            else
            {
                free.Add(densities.Count);
                densities.Add(new LayerDensity(matrix.Name, matrix.In, matrix.Out, 1.0, DensitySource.Target));
            }
        }

        string target = targetSparsity.ToString("R", CultureInfo.InvariantCulture);
        if (!(targetSparsity >= 0 && targetSparsity < 1))
        {
            return new DensityPlan(densities.ToEquatableArray(), $"the sparsity target {target} is outside [0, 1); use a value like 0.9");
        }

        if (targetSparsity == 0)
        {
            return new DensityPlan(densities.ToEquatableArray(), null);
        }

        if (free.Count == 0 || free.All(i => densities[i].DenseWeights == 0))
        {
            return new DensityPlan(
                densities.ToEquatableArray(),
                $"the sparsity target {target} has no layer to apply to: every weight layer has its own [Sparse] or [KeepDense]; remove the target or let a layer follow it");
        }

        double[] solved = distribution == Distribution.Uniform
            ? free.Select(_ => 1.0 - targetSparsity).ToArray()
            : ErdosRenyi(free.Select(i => densities[i]).ToArray(), targetSparsity);
        for (int k = 0; k < free.Count; k++)
        {
            densities[free[k]] = densities[free[k]] with { Density = solved[k] };
        }

        return new DensityPlan(densities.ToEquatableArray(), null);
    }

    /// <summary>
    /// ER/ERK for fully connected layers: d_l = ε · (n_in + n_out) / (n_in · n_out) with Σ d_l n_l = (1 − s) Σ n_l;
    /// layers whose density would exceed 1 are fixed at 1 and ε is solved again over the rest.
    /// </summary>
    private static double[] ErdosRenyi(IReadOnlyList<LayerDensity> layers, double sparsity)
    {
        int count = layers.Count;
        double[] dense = layers.Select(l => (double)l.DenseWeights).ToArray();
        double[] raw = layers.Select(l => l.DenseWeights == 0 ? 0.0 : (double)(l.In + l.Out) / l.DenseWeights).ToArray();
        bool[] capped = new bool[count];
        double kept = (1 - sparsity) * dense.Sum();
        while (true)
        {
            double budget = kept;
            double divisor = 0;
            for (int l = 0; l < count; l++)
            {
                if (capped[l])
                {
                    budget -= dense[l];
                }
                else
                {
                    divisor += raw[l] * dense[l];
                }
            }

            if (divisor <= 0)
            {
                return capped.Select(c => c ? 1.0 : 0.0).ToArray();
            }

            double epsilon = budget / divisor;
            bool changed = false;
            for (int l = 0; l < count; l++)
            {
                if (!capped[l] && epsilon * raw[l] > 1)
                {
                    capped[l] = true;
                    changed = true;
                }
            }

            if (!changed)
            {
                return Enumerable.Range(0, count).Select(l => capped[l] ? 1.0 : epsilon * raw[l]).ToArray();
            }
        }
    }
}
