using System.CommandLine;
using System.Globalization;
using SparseDsl.ScalingLaws;

namespace SparseDsl.Experiments;

/// <summary>
/// <c>fit</c>: the sparsedsl tool's fit verb (every option: --law, --freeze, --holdout, --bootstrap, --json, --plot,
/// --report, ...) fed from this study's store instead of a CSV (<see cref="StoreObservations"/> says which numbers).
/// </summary>
internal static class FitCommand
{
    public static Command Create(StudyDefinition study)
    {
        var store = ExperimentProgram.StoreOption();
        var unique = new Option<double?>("--unique-samples")
        {
            Description = "U, the unique training samples of the runs that trained on the whole train split (default: its size); a run with a 'unique_tokens' value keeps its own",
        };
        var options = new FitCommandOptions();
        Command command = ScalingCommands.CreateFitCommand(parse => Load(study, parse, options, parse.GetValue(store)!, parse.GetValue(unique)), options);
        command.Description = $"Fit a scaling law to the finished runs of {study.Name} in the store and print its constants, R², and intervals.";
        command.Options.Add(store);
        command.Options.Add(unique);
        return command;
    }

    private static RunSource Load(StudyDefinition study, ParseResult parse, FitCommandOptions options, string path, double? uniqueOption)
    {
        double uniqueSamples = UniqueSamples(study, uniqueOption);
        StoreRuns read;
        try
        {
            using IResultStore results = ResultStores.OpenExisting(path)
                ?? throw new ScalingLawException($"no results store at '{path}'; run `run` first or pass --store PATH.");
            path = results is SqliteResultStore ? path : results.Location;
            read = StoreObservations.Read(results, study.Name, uniqueSamples);
        }
        catch (ResultStoreException error)
        {
            throw new ScalingLawException(error.Message);
        }
        catch (Exception error) when (error is InvalidOperationException or InvalidDataException)
        {
            throw new ScalingLawException($"cannot read the results store '{path}': {error.Message.TrimEnd('.')}; pass --store PATH of a store that `run` wrote.");
        }

        TextWriter err = parse.InvocationConfiguration.Error;
        foreach (string skipped in read.Skipped)
        {
            err.WriteLine($"note: skipped finished run {skipped}.");
        }

        if (read.Count(RunStatus.Diverged) is > 0 and int diverged)
        {
            err.WriteLine($"note: skipped {diverged} diverged run(s) of {study.Name} (NaN or infinite loss; `report` lists them).");
        }

        if (read.Runs.Count == 0)
        {
            string states = string.Join(", ", read.StatusCounts.OrderBy(kv => kv.Key).Select(kv => $"{kv.Value} {kv.Key.ToString().ToLowerInvariant()}"));
            throw new ScalingLawException(
                $"{path} has no finished runs of {study.Name} to fit ({(states.Length == 0 ? "no runs at all" : states)}); run `run` first, or pass --store PATH of the store that has them.");
        }

        FitSettings settings = options.Read(parse);
        int free = ScalingLawFitter.FreeParameterCount(settings.Law, settings.Options);
        int fitted = settings.Options.Holdout is { } holdout ? holdout.Evaluate(read.Runs).Count(h => !h) : read.Runs.Count;
        if (fitted < free + 1)
        {
            throw new ScalingLawException(
                $"{path} has {read.Runs.Count} usable finished run(s) of {study.Name}{(fitted < read.Runs.Count ? $" ({fitted} left after --holdout)" : "")}; "
                + $"fitting {settings.Law.Name} with {free} free constant(s) needs at least {free + 1}; run more grid points (add values to a [Grid] axis, then `run`) or hold constants with --freeze.");
        }

        return new RunSource(read.Runs, $"{study.Name} in {path}");
    }

    private static double UniqueSamples(StudyDefinition study, double? given)
    {
        if (given is { } u)
        {
            return u > 0 && double.IsFinite(u)
                ? u
                : throw new ScalingLawException($"--unique-samples: {u.ToString(CultureInfo.InvariantCulture)} must be a positive count, such as 60000.");
        }

        // Unknown here (a text corpus): every run stored its own U (RunFigures); one that did not is skipped, saying so.
        return StudyData.TrainCount(study) ?? double.NaN;
    }
}
