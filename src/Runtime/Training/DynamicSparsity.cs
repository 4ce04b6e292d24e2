using SparseDsl.Data;
using SparseDsl.Kernels;
using SparseDsl.Language;
using SparseDsl.Sparse;

namespace SparseDsl.Training;

/// <summary>One layer's part of a topology update: its density after it, and the weights dropped and grown.</summary>
public sealed record LayerTopologyUpdate(string Layer, double Density, long Dropped, long Grown);

/// <summary>
/// One topology update after completed step <see cref="Step"/>: the batch-mean training loss of that step's batch
/// just before the update and, on the same batch, just after it (the spike SMET's warm-up removes), and every layer's part.
/// </summary>
public sealed record TopologyUpdate(int Step, double LossBefore, double LossAfter, IReadOnlyList<LayerTopologyUpdate> Layers);

/// <summary>
/// A network's sparsity schedule at run time: after the steps the <see cref="TopologySchedule"/> names, every sparse
/// layer's mask is updated by the one <see cref="MaskUpdater"/> (drop by magnitude, grow at random or by the dense
/// gradient of the step's batch; GMP drops to its cubic target) and applied to the layer's <see cref="SparseWeight"/>,
/// which moves values and optimizer state together. Each (layer, step) has its own seed, so masks repeat run to run.
/// </summary>
public sealed class DynamicSparsity
{
    private readonly TopologySchedule schedule;
    private readonly Linear[] layers;

    private DynamicSparsity(TopologySchedule schedule, Linear[] layers)
    {
        this.schedule = schedule;
        this.layers = layers;
    }

    /// <summary>The updates of <paramref name="network"/> under <paramref name="spec"/>, or null when its topology never changes.</summary>
    public static DynamicSparsity? For(INetwork network, SparsityScheduleSpec? spec, int totalSteps)
    {
        ArgumentNullException.ThrowIfNull(network);
        if (spec is null || spec.Kind == ScheduleKind.Static)
        {
            return null;
        }

        // Layers that are or will become sparse; [KeepDense] and density-1 layers stay as built.
        var sparse = network.Matrices.Where(l => l.Plan.TargetDensity < 1).ToArray();
        return new DynamicSparsity(new TopologySchedule(spec, totalSteps), sparse);
    }

    public TopologySchedule Schedule => schedule;

    /// <summary>Whether <see cref="Update"/> runs after completed step <paramref name="step"/>.</summary>
    public bool UpdatesAfter(int step) => schedule.UpdatesAfter(step);

    /// <summary>Whether an update needs each layer's dense gradient (RigL's growth): the trainer captures it first.</summary>
    public bool NeedsGradient => schedule.Grow == GrowCriterion.Gradient;

    /// <summary>The layers whose topology changes, in order.</summary>
    public IReadOnlyList<Linear> Layers => layers;

    /// <summary>
    /// Updates every sparse layer's mask after completed step <paramref name="step"/>. <paramref name="gradientOf"/>
    /// gives a layer's dense gradient rows of the step's batch when <see cref="NeedsGradient"/> (the trainer captured
    /// them before anything could overwrite the step's activations).
    /// </summary>
    public IReadOnlyList<LayerTopologyUpdate> Update(int step, Func<Linear, DenseGradientRows>? gradientOf = null)
    {
        if (NeedsGradient && gradientOf is null)
        {
            throw new ArgumentNullException(nameof(gradientOf), "gradient growth needs each layer's dense gradient rows");
        }

        // Layers are independent (each has its own seed), so they update side by side, one per core (the kernels an
        // update calls then run on its core; a single layer's update spreads its moves over the cores); the result keeps
        // layer order.
        var updates = new LayerTopologyUpdate[layers.Length];
        Workers.For(layers.Length, i => updates[i] = UpdateLayer(layers[i], step, gradientOf));
        return updates;
    }

    private LayerTopologyUpdate UpdateLayer(Linear layer, int step, Func<Linear, DenseGradientRows>? gradientOf)
    {
        SparseWeight weight = layer.Weight;
        UnitLayout layout = weight.Layout;
        UpdateScratch scratch = UpdateScratch.ForThisThread;
        int activeCount = weight.Format.ActiveUnitCount;
        int[] active = scratch.OldUnits(activeCount); // the plan reads the format's units into it
        int drop = schedule.IsPruning
            ? (int)(activeCount - ModelShapes.ActiveWeights(layout.UnitCount, PrunedDensity(layer, step)))
            : (int)Math.Floor(activeCount * schedule.DropFraction(step));
        if (drop <= 0)
        {
            return new LayerTopologyUpdate(layer.Name, weight.Format.Density, 0, 0);
        }

        var random = new SeededRandomSource(SeededRandom.For(unchecked((ulong)layer.Plan.Seed), RandomPurpose.MaskUpdate, (ulong)step));
        DenseGradientRows? gradient = NeedsGradient ? gradientOf!(layer) : null;
        TopologyPlan change = MaskUpdater.Plan(layout, active, activeCount, weight.Parameter.Values, drop, schedule.Grow, random, gradient, scratch, weight.Format);
        weight.Apply(change);
        return new LayerTopologyUpdate(layer.Name, weight.Format.Density, (long)change.Dropped * layout.UnitSize, (long)change.Grown * layout.UnitSize);
    }

    private double PrunedDensity(Linear layer, int step) =>
        1 - schedule.PrunedSparsity(1 - layer.Plan.Density, 1 - layer.Plan.TargetDensity, step);
}
