using System.Runtime.CompilerServices;

namespace SparseDsl.Testing;

/// <summary>
/// Approved-file snapshots (the Verify workflow without Verify, which is not served here):
/// <c>Snapshots/NAME.verified.txt</c> beside the calling test file is the approved text; a mismatch writes
/// <c>NAME.received.txt</c> and fails; <c>UPDATE_SNAPSHOTS=1</c> accepts the received text. Never prompts.
/// </summary>
public static class Snapshot
{
    public static void Match(string actual, string name, [CallerFilePath] string callerFile = "")
    {
        string folder = Path.Combine(Path.GetDirectoryName(callerFile)!, "Snapshots");
        Directory.CreateDirectory(folder);
        string verified = Path.Combine(folder, name + ".verified.txt");
        string received = Path.Combine(folder, name + ".received.txt");
        string normalized = actual.Replace("\r\n", "\n");

        if (Environment.GetEnvironmentVariable("UPDATE_SNAPSHOTS") == "1")
        {
            File.WriteAllText(verified, normalized);
            File.Delete(received);
            return;
        }

        string? approved = File.Exists(verified) ? File.ReadAllText(verified).Replace("\r\n", "\n") : null;
        if (approved == normalized)
        {
            File.Delete(received);
            return;
        }

        File.WriteAllText(received, normalized);
        string reason = approved is null ? "no approved snapshot yet" : "differs from the approved snapshot";
        Assert.Fail($"{name}: {reason}. Review {received} and rerun with UPDATE_SNAPSHOTS=1 to accept it.");
    }
}
