using System.Globalization;
using SparseDsl.Language;

namespace SparseDsl.Experiments;

/// <summary>A grid point of a study: its position, the axis values that define it, and the resolved config.</summary>
public sealed record StudyPoint(int Index, GridPoint Values, RunConfig Config)
{
    public string Id => Config.Id;

    /// <summary>The id an earlier SparseDsl stored this point under (<see cref="RunConfig.LegacyId"/>).</summary>
    public string LegacyId => Config.LegacyId;

    /// <summary>
    /// Moves the runs that <paramref name="store"/> keeps under the legacy ids of <paramref name="points"/> to their
    /// canonical ids (finished ones stay finished, so they are not trained again); returns how many moved.
    /// </summary>
    public static int AdoptLegacyRuns(IResultStore store, IEnumerable<StudyPoint> points)
    {
        ArgumentNullException.ThrowIfNull(store);
        int adopted = 0;
        foreach (StudyPoint point in points)
        {
            if (point.LegacyId != point.Id && store.GetRun(point.Id) is null && store.GetRun(point.LegacyId) is not null
                && store.AdoptRun(point.LegacyId, point.Id, point.Config.ToCanonicalJson()))
            {
                adopted++;
            }
        }

        return adopted;
    }

    /// <summary><c>sparsity=0.9 seed=2</c>.</summary>
    public string Label => Values.Values.Count == 0 ? "(single run)" : Values.ToString();
}

/// <summary>Resolves a study's grid into points, each a complete <see cref="RunConfig"/>.</summary>
public static class StudyPlan
{
    public static IReadOnlyList<StudyPoint> Resolve(StudyDefinition study, int? stepsOverride = null)
    {
        var axes = GridPoints.Parse(study.Grid);
        if (!axes.Success)
        {
            throw new UserInputException($"the grid does not parse at column {axes.Error!.Column}: {axes.Error.Message}");
        }

        var points = new List<StudyPoint>();
        foreach (var values in GridPoints.Expand(axes.Value))
        {
            points.Add(new StudyPoint(points.Count, values, Configure(study, values, stepsOverride)));
        }

        return points;
    }

    private static RunConfig Configure(StudyDefinition study, GridPoint point, int? stepsOverride)
    {
        var config = new RunConfig(
            study.Name,
            study.Model.FullName,
            study.Data,
            stepsOverride ?? study.Steps,
            study.Batch,
            study.EvalEvery,
            study.Optimizer,
            study.Schedule,
            study.Model.Sparsity,
            study.Model.Distribution,
            Seed: 1,
            LearningRate: null);

        foreach (var (axis, value) in point.Values)
        {
            config = axis switch
            {
                GridAxes.Sparsity => config with { Sparsity = Number(axis, value) },
                GridAxes.Seed => config with { Seed = (int)Number(axis, value) },
                GridAxes.LearningRate => config with { LearningRate = Number(axis, value) },
                GridAxes.Batch => config with { Batch = (int)Number(axis, value) },
                GridAxes.Steps => stepsOverride is null ? config with { Steps = (int)Number(axis, value) } : config,
                GridAxes.Distribution => config with { Distribution = ParseDistribution(value) },
                GridAxes.Schedule => config with { Schedule = Text(axis, value) },
                GridAxes.Pattern => config with { Pattern = Text(axis, value) },
                GridAxes.Sampling => config with { Sampling = SamplingText(value) },
                GridAxes.UniqueTokens => config with { UniqueTokens = (long)Number(axis, value) },
                GridAxes.Epochs => config with { Epochs = (int)Number(axis, value) },
                GridAxes.Width => config with { Width = (int)Number(axis, value) },
                GridAxes.Blocks => config with { Blocks = (int)Number(axis, value) },
                GridAxes.UpdateEvery or GridAxes.Drop => config, // below, once the point's schedule is known
                _ => throw new UserInputException($"unknown grid axis '{axis}'; known axes: {string.Join(", ", GridAxes.Known)}"),
            };
        }

        // An epochs value sets the run's length from its regime (Steps 0) unless a steps axis or --steps sets it.
        if (config.Epochs is not null && point[GridAxes.Steps] is null && stepsOverride is null)
        {
            config = config with { Steps = 0 };
        }

        int? every = point[GridAxes.UpdateEvery] is GridValue e ? (int)Number(GridAxes.UpdateEvery, e) : null;
        double? drop = point[GridAxes.Drop] is GridValue d ? Number(GridAxes.Drop, d) : null;
        if (every is not null || drop is not null)
        {
            config = config with { Schedule = ScheduleWith(config.Schedule, every, drop) };
        }

        // Gradual pruning prunes to its to= unless the point's own sparsity axis says otherwise.
        return point[GridAxes.Sparsity] is null && Expressions.ParseSchedule(config.Schedule).Value is { Kind: ScheduleKind.Gmp } gmp
            ? config with { Sparsity = gmp.FinalSparsity }
            : config;
    }

    /// <summary>
    /// <paramref name="text"/> with every= and drop= replaced, in canonical form (<see cref="Expressions.Print(SparsityScheduleSpec)"/>), or
    /// <paramref name="text"/> verbatim when the values are the ones it has, so its run id stays that of the declaration.
    /// </summary>
    private static string ScheduleWith(string text, int? every, double? drop)
    {
        var schedule = UserInputException.Parsed(Expressions.ParseSchedule(text), "schedule", text);
        if (every is not null && schedule.Kind == ScheduleKind.Static)
        {
            throw new UserInputException($"grid axis '{GridAxes.UpdateEvery}' cannot change schedule \"{text}\", which never updates the mask");
        }

        if (drop is not null && schedule.Kind is ScheduleKind.Static or ScheduleKind.Gmp)
        {
            throw new UserInputException($"grid axis '{GridAxes.Drop}' cannot change schedule \"{text}\", which has no drop fraction");
        }

        var changed = schedule with { Every = every ?? schedule.Every, Drop = drop ?? schedule.Drop };
        return changed == schedule ? text : Expressions.Print(changed);
    }

    private static double Number(string axis, GridValue value) =>
        value.Number ?? throw new UserInputException($"grid axis '{axis}' needs numbers, got \"{value.Text}\"");

    private static string Text(string axis, GridValue value) =>
        value.Text ?? throw new UserInputException($"grid axis '{axis}' needs expressions, got the number {value}");

    /// <summary>The sampling value in canonical form (<c>rs2 r=0.1</c>), so spacing does not change the run id.</summary>
    private static string SamplingText(GridValue value)
    {
        string text = Text(GridAxes.Sampling, value);
        try
        {
            return Data.Sampling.Parse(text).ToString();
        }
        catch (FormatException error)
        {
            throw new UserInputException($"grid axis '{GridAxes.Sampling}': {error.Message}");
        }
    }

    private static Distribution ParseDistribution(GridValue value) =>
        Enum.TryParse<Distribution>(value.Text ?? "", ignoreCase: true, out var distribution)
            ? distribution
            : throw new UserInputException($"grid axis 'distribution' takes \"uniform\", \"er\" or \"erk\", got \"{value}\"");

    internal static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
