using SparseDsl.Training;

namespace SparseDsl.Experiments;

/// <summary>
/// How a topology update is stored in the long metrics table, and read back for <c>report</c>:
/// <c>topology/loss_before</c>, <c>topology/loss_after</c>, and per layer <c>topology/{layer}/density|dropped|grown</c>.
/// </summary>
public static class TopologyMetrics
{
    public const string Prefix = "topology/";
    public const string LossBefore = Prefix + "loss_before";
    public const string LossAfter = Prefix + "loss_after";

    public static IReadOnlyList<Metric> Of(TopologyUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        var metrics = new List<Metric> { new(LossBefore, update.LossBefore), new(LossAfter, update.LossAfter) };
        foreach (var layer in update.Layers)
        {
            metrics.Add(new(LayerName(layer.Layer, "density"), layer.Density));
            metrics.Add(new(LayerName(layer.Layer, "dropped"), layer.Dropped));
            metrics.Add(new(LayerName(layer.Layer, "grown"), layer.Grown));
        }

        return metrics;
    }

    /// <summary>The updates of a run as stored, by step (the inverse of <see cref="Of"/>).</summary>
    public static IReadOnlyList<TopologyUpdate> Read(IReadOnlyList<MetricRecord> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var updates = new List<TopologyUpdate>();
        foreach (var step in rows.Where(r => r.Name.StartsWith(Prefix, StringComparison.Ordinal)).GroupBy(r => r.Step).OrderBy(g => g.Key))
        {
            var values = step.ToDictionary(r => r.Name, r => r.Value, StringComparer.Ordinal);
            var layers = values.Keys
                .Where(k => k.EndsWith("/density", StringComparison.Ordinal))
                .Select(k => k[Prefix.Length..^"/density".Length])
                .OrderBy(name => name, StringComparer.Ordinal)
                .Select(name => new LayerTopologyUpdate(
                    name,
                    values[LayerName(name, "density")],
                    (long)values.GetValueOrDefault(LayerName(name, "dropped")),
                    (long)values.GetValueOrDefault(LayerName(name, "grown"))))
                .ToList();
            updates.Add(new TopologyUpdate((int)step.Key, values.GetValueOrDefault(LossBefore, double.NaN), values.GetValueOrDefault(LossAfter, double.NaN), layers));
        }

        return updates;
    }

    private static string LayerName(string layer, string what) => Prefix + layer + "/" + what;
}
