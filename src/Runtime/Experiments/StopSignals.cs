using System.Runtime.InteropServices;

namespace SparseDsl.Experiments;

/// <summary>
/// SIGINT (Ctrl+C) and SIGTERM (Slurm's pre-emption, <c>kill</c>) stop a <c>run</c> cleanly instead of killing it: the
/// first cancels the token, so training stops at the next step, the current run is released and the store's WAL is
/// checkpointed on the way out. A second signal kills the process as usual.
/// </summary>
internal sealed class StopSignals : IDisposable
{
    private readonly List<PosixSignalRegistration> registrations = [];
    private PosixSignal? received;

    private StopSignals()
    {
    }

    /// <summary>The signal that stopped the run, as its name.</summary>
    public string Received => received switch
    {
        PosixSignal.SIGTERM => "SIGTERM",
        _ => "SIGINT",
    };

    /// <summary>128 + the signal's number, as a shell reports a process stopped by it.</summary>
    public int ExitCode => received == PosixSignal.SIGTERM ? 143 : 130;

    public static StopSignals Register(CancellationTokenSource stop)
    {
        var signals = new StopSignals();
        foreach (PosixSignal signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM })
        {
            signals.registrations.Add(PosixSignalRegistration.Create(signal, context =>
            {
                if (stop.IsCancellationRequested)
                {
                    return; // the second signal: default handling ends the process
                }

                signals.received = context.Signal;
                context.Cancel = true;
                stop.Cancel();
            }));
        }

        return signals;
    }

    public void Dispose()
    {
        foreach (PosixSignalRegistration registration in registrations)
        {
            registration.Dispose();
        }
    }
}
