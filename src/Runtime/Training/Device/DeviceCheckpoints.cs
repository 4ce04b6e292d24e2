using ILGPU.Runtime;

namespace SparseDsl.Training.Device;

/// <summary>
/// Checkpoints of a device run in the CPU trainer's format and code (<see cref="TrainingCheckpoint"/>,
/// <see cref="CheckpointFolder"/>, the <see cref="Trainer"/>'s checkpoint hook and resume):
/// the host network is where the state is written from and restored into. The topology already lives in the host
/// weights (updates run there); values, optimizer slots and SMET's ages live on the device and are downloaded on a
/// checkpoint step only. The optimizer's step is the <see cref="DeviceOptimizer"/>'s own counter. Written over a host
/// network and its device parameters rather than one device network type, so every device trainer uses it.
/// </summary>
/// <param name="accelerator">The device the parameters live on (waited for before a download).</param>
/// <param name="host">The host network: its parameters are each one of <paramref name="parameters"/>' <see cref="DeviceParameter.Host"/>.</param>
/// <param name="parameters">Every trainable array on the device.</param>
/// <param name="optimizer">The device optimizer over <paramref name="parameters"/>.</param>
/// <param name="uploadTopology">Re-uploads every layer's index arrays from its host weight, whatever its version.</param>
internal sealed class DeviceCheckpoints(Accelerator accelerator, INetwork host, IReadOnlyList<DeviceParameter> parameters, DeviceOptimizer optimizer, Action uploadTopology)
{
    /// <summary>The loop's step hook that saves into <paramref name="folder"/> every <paramref name="every"/> steps (as the CPU trainer's); null when none are kept.</summary>
    public Action<TrainingLoop.Position>? Hook(CheckpointFolder? folder, int every, TrainingSettings settings) =>
        Trainer.CheckpointHook(folder, every, settings, position => Capture(position, settings.Seed));

    /// <summary>The device state after <paramref name="position"/>'s step, downloaded into the host network and taken from there.</summary>
    public TrainingCheckpoint Capture(TrainingLoop.Position position, long seed)
    {
        accelerator.Synchronize();
        foreach (var parameter in parameters)
        {
            // Values, gradient, slots and ages: the same download a topology update makes, so the device run goes on untouched.
            parameter.DownloadAll();
        }

        return TrainingCheckpoint.Capture(host, optimizer.StepCount, position, seed);
    }

    /// <summary>
    /// Restores <paramref name="checkpoint"/> into the host network (as the CPU trainer's resume does),
    /// then uploads every parameter and every layer's topology and sets the optimizer's step; returns where the loop goes
    /// on from, or null without a checkpoint.
    /// </summary>
    public TrainingLoop.Position? Resume(TrainingCheckpoint? checkpoint, TrainingSettings settings)
    {
        if (checkpoint is null)
        {
            return null;
        }

        // The host parameters hold no optimizer state of their own in a device run: give them the device's shape so
        // the checkpoint's slots and ages have somewhere to go (and a checkpoint of another shape is refused).
        foreach (var parameter in parameters)
        {
            parameter.AllocateHostState();
        }

        TrainingLoop.Position? position = Trainer.Resume(checkpoint, host, optimizer.RestoreStepCount, settings);
        foreach (var parameter in parameters)
        {
            parameter.UploadAll();
        }

        // Forced, not by version: the device copy must take the restored topology even if a version number matched.
        uploadTopology();
        return position;
    }
}
