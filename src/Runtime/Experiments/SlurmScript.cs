using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace SparseDsl.Experiments;

/// <summary>What one <c>slurm</c> script asks Slurm for, and the worker command each array task runs.</summary>
/// <param name="Study">The study's name (the job's name and the log files' prefix).</param>
/// <param name="Tasks">The array's size K: tasks 0 to K-1, each one worker on the shared store.</param>
/// <param name="Directives">The <c>#SBATCH</c> options other than the array, the job name and the output, in order (<c>--time</c>, value).</param>
/// <param name="WorkingDirectory">The folder each task starts in (the one <c>slurm</c> ran in), absolute.</param>
/// <param name="Worker">The worker's command line: the program (and its .dll under the dotnet host), the study when named, <c>run --worker</c> and its options.</param>
internal sealed record SlurmJob(string Study, int Tasks, IReadOnlyList<(string Option, string Value)> Directives, string WorkingDirectory, IReadOnlyList<string> Worker);

/// <summary>
/// Writes the <c>sbatch</c> script of a <see cref="SlurmJob"/>. Every value on the worker's command line is single-quoted
/// for the shell (<see cref="Quote"/>), so no option, path or store name can run a command. The <c>#SBATCH</c> lines
/// are read by <c>sbatch</c>, not by the shell, which has no quoting rule for them: their values are held to the
/// characters Slurm's own names, times and sizes use (<see cref="CheckDirective"/>), and anything else is refused.
/// </summary>
internal static partial class SlurmScript
{
    /// <summary>
    /// <paramref name="value"/> as one POSIX shell word: inside single quotes, where nothing is special, and each
    /// single quote written as <c>'\''</c> (close, an escaped quote, reopen). A plain word is written as it is.
    /// </summary>
    public static string Quote(string value) =>
        value.Length > 0 && PlainWord().IsMatch(value) ? value : "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    /// <summary>
    /// Null when <paramref name="value"/> may follow <c>#SBATCH --OPTION=</c>, else why not: one line naming
    /// <paramref name="option"/>. Letters, digits and <c>_ . , : - + = / @ %</c> only, and no line break.
    /// </summary>
    public static string? CheckDirective(string option, string value) =>
        value.Length > 0 && DirectiveValue().IsMatch(value)
            ? null
            : $"{option} \"{Printable(value)}\" cannot be written on an #SBATCH line: use letters, digits and _ . , : - + = / @ % only (as Slurm's names, times and sizes do)";

    /// <summary>The script: the directives, then <c>cd</c> to the working folder and <c>exec</c> of the worker.</summary>
    public static string Write(SlurmJob job)
    {
        var text = new StringBuilder();
        text.Append("#!/bin/bash\n");
        text.Append(CultureInfo.InvariantCulture, $"# {job.Study}: a Slurm job array of {job.Tasks} task(s), written by the `slurm` verb.\n");
        text.Append("# Each task is one worker on the shared store: it claims a free grid point, trains it, stores the result and\n");
        text.Append("# claims the next, until no point is free; a task that dies leaves its point to the others once its lease ends.\n");
        text.Append("# Submit with `sbatch FILE`; `squeue -j JOB` lists the tasks, `list` and `report` the points.\n");
        text.Append(CultureInfo.InvariantCulture, $"#SBATCH --job-name={Directive("--job-name", job.Study)}\n");
        text.Append(CultureInfo.InvariantCulture, $"#SBATCH --array=0-{job.Tasks - 1}\n");
        foreach (var (option, value) in job.Directives)
        {
            text.Append(CultureInfo.InvariantCulture, $"#SBATCH {option}={Directive(option, value)}\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"#SBATCH --output={Directive("--output", job.Study)}-%A_%a.out\n");
        // A pre-empted or requeued task runs again (its point, released on SIGTERM, resumes from its checkpoint) and its
        // log keeps both attempts.
        text.Append("#SBATCH --requeue\n");
        text.Append("#SBATCH --open-mode=append\n");
        text.Append("set -euo pipefail\n");
        text.Append(CultureInfo.InvariantCulture, $"cd {Quote(job.WorkingDirectory)}\n");
        text.Append("# The task's cores, for the training kernels (Slurm sets this with --cpus-per-task).\n");
        text.Append("if [ -n \"${SLURM_CPUS_PER_TASK:-}\" ]; then export DOTNET_PROCESSOR_COUNT=\"$SLURM_CPUS_PER_TASK\"; fi\n");
        text.Append("echo \"task ${SLURM_ARRAY_TASK_ID:-?} of job ${SLURM_ARRAY_JOB_ID:-?} on $(hostname)\"\n");
        text.Append("exec");
        foreach (string word in job.Worker)
        {
            text.Append(' ').Append(Quote(word));
        }

        text.Append('\n');
        return text.ToString();
    }

    private static string Directive(string option, string value) =>
        CheckDirective(option, value) is { } problem ? throw new UserInputException(problem) : value;

    private static string Printable(string value) =>
        value.Replace("\n", "\\n", StringComparison.Ordinal).Replace("\r", "\\r", StringComparison.Ordinal).Replace("\0", "\\0", StringComparison.Ordinal);

    [GeneratedRegex(@"^[A-Za-z0-9_./,:=@%+-]+\z")]
    private static partial Regex PlainWord();

    [GeneratedRegex(@"^[A-Za-z0-9_./,:=@%+-]+\z")]
    private static partial Regex DirectiveValue();
}
