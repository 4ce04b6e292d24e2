using System.CommandLine;
using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace SparseDsl.Experiments;

/// <summary>
/// <c>slurm</c>: writes an <c>sbatch</c> script for a job array of K tasks, each of which runs <c>run --worker</c> of this
/// program on the shared store (the store's claims split the grid between them, and a point whose task died is
/// reclaimed by another once its lease ends); <c>--submit</c> also runs <c>sbatch</c> on it and prints the job id.
/// </summary>
internal static partial class SlurmCommand
{
    public static Command Create(StudyDefinition study, bool named)
    {
        var tasks = new Option<int>("--tasks") { Description = "Array tasks K (workers that share the grid): --array=0-(K-1).", DefaultValueFactory = _ => 4 };
        var time = new Option<string?>("--time") { Description = "Each task's time limit (sbatch --time), e.g. 02:00:00 or 1-00:00:00." };
        var partition = new Option<string?>("--partition") { Description = "The partition (sbatch --partition)." };
        var cpus = new Option<int?>("--cpus-per-task") { Description = "Cores per task (sbatch --cpus-per-task); the training kernels use that many." };
        var gpus = new Option<string?>("--gpus") { Description = "GPUs per task (sbatch --gpus), e.g. 1 or a100:1." };
        var mem = new Option<string?>("--mem") { Description = "Memory per node (sbatch --mem), e.g. 8G." };
        var store = new Option<string?>("--store")
        {
            Description = $"The store every task shares: postgres://USER@HOST[:PORT]/DATABASE (recommended; no password in it: PGPASSWORD or ~/.pgpass on the nodes), @FILE holding it, or an SQLite file on a filesystem the tasks share. Default: ${ResultStores.EnvironmentVariable} as the job inherits it, else {SqliteResultStore.DefaultFileName} here.",
        };
        var output = new Option<string?>("--output") { Description = $"The script's path (default {study.Name}.sbatch)." };
        var submit = new Option<bool>("--submit") { Description = "Run `sbatch` on the script and print the job id." };
        var steps = new Option<int?>("--steps") { Description = "Passed on to each task's `run` (a different config, so different run ids)." };
        var checkpointEvery = new Option<int?>("--checkpoint-every") { Description = "Passed on to each task's `run`." };
        var checkpointDir = new Option<string?>("--checkpoint-dir")
        {
            Description = "Passed on to each task's `run` (made absolute): a checkpoint folder every node reaches, so a point reclaimed from a dead task resumes from its checkpoint.",
        };
        var lease = new Option<double?>("--lease") { Description = "Passed on to each task's `run`: seconds before a dead task's point is taken over." };
        var dataDir = new Option<string?>("--data-dir") { Description = "Passed on to each task's `run` (made absolute): the data set's folder, shared by the nodes." };
        var backend = new Option<string?>("--backend") { Description = "Passed on to each task's `run`: auto | cpu | cuda | ilgpu-cpu." };
        backend.AcceptOnlyFromAmong("auto", "cpu", "cuda", "ilgpu-cpu");
        var command = new Command("slurm", "Write an sbatch script for a Slurm job array whose tasks are `run --worker` processes on a shared store; --submit submits it.")
        {
            tasks, time, partition, cpus, gpus, mem, store, output, submit, steps, checkpointEvery, checkpointDir, lease, dataDir, backend,
        };
        command.SetAction(parse => CommandGuard.Run(parse, () =>
        {
            var directives = new List<(string, string)>();
            void Add(string option, string? value)
            {
                if (value is not null)
                {
                    directives.Add((option, value));
                }
            }

            int k = parse.GetValue(tasks);
            if (k < 1)
            {
                throw new UserInputException($"--tasks must be at least 1, got {k}");
            }

            if (parse.GetValue(cpus) is < 1)
            {
                throw new UserInputException($"--cpus-per-task must be at least 1, got {parse.GetValue(cpus)}");
            }

            Add("--time", parse.GetValue(time));
            Add("--partition", parse.GetValue(partition));
            Add("--cpus-per-task", parse.GetValue(cpus)?.ToString(CultureInfo.InvariantCulture));
            Add("--gpus", parse.GetValue(gpus));
            Add("--mem", parse.GetValue(mem));
            foreach (var (option, value) in directives)
            {
                if (SlurmScript.CheckDirective(option, value) is { } problem)
                {
                    throw new UserInputException(problem);
                }
            }

            var (storeWords, note) = StoreArguments(parse.GetValue(store), Environment.GetEnvironmentVariable);
            var run = new List<string>(Program());
            if (named)
            {
                run.Add(study.Name);
            }

            run.AddRange(["run", "--worker"]);
            run.AddRange(storeWords);
            void Pass(string option, string? value)
            {
                if (value is not null)
                {
                    run.AddRange([option, value]);
                }
            }

            Pass("--steps", parse.GetValue(steps)?.ToString(CultureInfo.InvariantCulture));
            Pass("--checkpoint-every", parse.GetValue(checkpointEvery)?.ToString(CultureInfo.InvariantCulture));
            Pass("--checkpoint-dir", parse.GetValue(checkpointDir) is { } checkpoints ? Path.GetFullPath(checkpoints) : null);
            Pass("--lease", parse.GetValue(lease)?.ToString("R", CultureInfo.InvariantCulture));
            Pass("--data-dir", parse.GetValue(dataDir) is { } dir ? Path.GetFullPath(dir) : null);
            Pass("--backend", parse.GetValue(backend));
            string file = Path.GetFullPath(parse.GetValue(output) ?? study.Name + ".sbatch");
            var job = new SlurmJob(study.Name, k, directives, Environment.CurrentDirectory, run);
            var writer = parse.InvocationConfiguration.Output;
            return Execute(job, file, note, parse.GetValue(submit), writer);
        }));
        return command;
    }

    /// <summary>Writes the script, says what it does, and with <paramref name="submit"/> submits it.</summary>
    private static int Execute(SlurmJob job, string file, string note, bool submit, TextWriter output)
    {
        string script = SlurmScript.Write(job);
        try
        {
            File.WriteAllText(file, script);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(file, File.GetUnixFileMode(file) | UnixFileMode.UserExecute);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserInputException($"cannot write the script '{file}': {e.Message.TrimEnd('.')}; pass --output FILE elsewhere");
        }

        output.WriteLine($"wrote {file}: {job.Tasks} array task(s), each `run --worker` on the shared store; submit it with `sbatch {SlurmScript.Quote(file)}`");
        output.WriteLine(note);
        if (!submit)
        {
            return 0;
        }

        string id = Submit(file);
        output.WriteLine($"submitted job {id}: `squeue -j {id}` shows its tasks, `list` the points");
        return 0;
    }

    /// <summary>Runs <c>sbatch FILE</c> and returns the job id from its "Submitted batch job N".</summary>
    internal static string Submit(string file)
    {
        var start = new ProcessStartInfo("sbatch") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(file);
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new Win32Exception();
        }
        catch (Win32Exception)
        {
            throw new UserInputException($"sbatch was not found on PATH: install Slurm's client here (Debian: apt-get install slurm-client), or copy {file} to a machine with Slurm and run `sbatch` on it there");
        }

        using (process)
        {
            var errors = process.StandardError.ReadToEndAsync();
            string said = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            string complaint = errors.Result.Trim().ReplaceLineEndings(" ");
            if (process.ExitCode != 0)
            {
                throw new UserInputException($"sbatch refused {file} (exit {process.ExitCode}): {complaint}");
            }

            return JobId(said) ?? throw new UserInputException($"sbatch said \"{said.Trim().ReplaceLineEndings(" ")}\", not \"Submitted batch job N\"; see `squeue --me`");
        }
    }

    /// <summary>N from sbatch's "Submitted batch job N" (also with " on cluster C" after it), or null.</summary>
    internal static string? JobId(string sbatchOutput) => Submitted().Match(sbatchOutput) is { Success: true } m ? m.Groups[1].Value : null;

    /// <summary>
    /// The <c>--store</c> words of the worker's command line, and one line about the store for the user. A URL with a
    /// password is refused (the script would hold it); a file path, @FILE or SQLite, is made absolute.
    /// </summary>
    internal static (IReadOnlyList<string> Words, string Note) StoreArguments(string? given, Func<string, string?> environment)
    {
        const string SqliteNote = "note: an SQLite store serves tasks on one node, or on a shared filesystem whose locks work; for tasks on several nodes use PostgreSQL (--store postgres://USER@HOST/DB)";
        if (string.IsNullOrWhiteSpace(given))
        {
            if (environment(ResultStores.EnvironmentVariable) is { Length: > 0 } inherited)
            {
                string resolved = ResultStores.Resolve(inherited, environment);
                return ([], $"store: ${ResultStores.EnvironmentVariable}, which each task inherits from the shell that runs sbatch (its default --export=ALL)"
                    + (PostgresUrl.IsPostgres(resolved) ? "" : "; " + SqliteNote));
            }

            string path = Path.GetFullPath(SqliteResultStore.DefaultFileName);
            return (["--store", path], $"store: {path}; {SqliteNote}");
        }

        given = given.Trim();
        if (given.StartsWith('@'))
        {
            string file = Path.GetFullPath(given[1..]);
            string resolved = ResultStores.Resolve("@" + file, environment);
            return (["--store", "@" + file], $"store: the one named in {file}, which every node must be able to read"
                + (PostgresUrl.IsPostgres(resolved) ? "" : "; " + SqliteNote));
        }

        if (PostgresUrl.IsPostgres(given))
        {
            var url = PostgresUrl.Parse(given);
            if (url.Password is not null)
            {
                throw new UserInputException($"--store {url.Display} holds a password, which the script would keep in plain text: "
                    + $"write the URL in a file only you can read and pass --store @FILE, or export {ResultStores.EnvironmentVariable} before sbatch and leave --store out, or give the password through PGPASSWORD or ~/.pgpass");
            }

            return (["--store", given], $"store: {url.Display} (each task's password, if the server asks for one, from PGPASSWORD or ~/.pgpass on its node)");
        }

        string sqlite = Path.GetFullPath(given);
        return (["--store", sqlite], $"store: {sqlite}; {SqliteNote}");
    }

    /// <summary>This program as a command line: its apphost, or the dotnet host and the program's .dll.</summary>
    private static List<string> Program()
    {
        string host = Environment.ProcessPath ?? throw new UserInputException("slurm: cannot find this program's path to write into the script");
        var words = new List<string> { host };
        if (string.Equals(Path.GetFileNameWithoutExtension(host), "dotnet", StringComparison.OrdinalIgnoreCase))
        {
            words.Add(Path.GetFullPath(Environment.GetCommandLineArgs()[0]));
        }

        return words;
    }

    [GeneratedRegex(@"Submitted batch job (\d+)")]
    private static partial Regex Submitted();
}
