using SparseDsl.Sparse;

namespace SparseDsl.Training.Device;

/// <summary>
/// What a device network does around a topology update that runs on the host (both model kinds): RigL's gradient
/// sources copied off first, values and state downloaded, the changed weights uploaded after.
/// </summary>
internal interface IDeviceTopology
{
    Func<Linear, DenseGradientRows> CaptureDenseGradients();

    void DownloadForUpdate();

    void UploadAfterUpdate();
}

/// <summary>The device trainers' step hook for a dynamic schedule (the CPU's is <see cref="Trainer.TopologyHook"/>).</summary>
internal static class DeviceTopologyHook
{
    /// <summary>
    /// Null without a dynamic schedule. On an update step: the same batch's loss just before and just after the update
    /// (<paramref name="batchLoss"/>, a forward over the batch still in the trainer's buffers), the update itself on the
    /// host over the downloaded values and state, then the changed layers go up again.
    /// </summary>
    public static TrainingLoop.Topology? Create(DynamicSparsity? dynamic, IDeviceTopology network, Func<int[], double> batchLoss) =>
        dynamic is null ? null : (completed, labels) =>
        {
            if (!dynamic.UpdatesAfter(completed))
            {
                return null;
            }

            var gradients = dynamic.NeedsGradient ? network.CaptureDenseGradients() : null;
            double before = batchLoss(labels);
            network.DownloadForUpdate();
            var layers = dynamic.Update(completed, gradients);
            network.UploadAfterUpdate();
            return new TopologyUpdate(completed, before, batchLoss(labels), layers);
        };
}
