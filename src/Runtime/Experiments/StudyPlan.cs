using System.Globalization;
using SparseDsl.Language;

namespace SparseDsl.Experiments;

/// <summary>A grid point of a study: its position, the axis values that define it, and the resolved config.</summary>
public sealed record StudyPoint(int Index, GridPoint Values, RunConfig Config)
{
    public string Id => Config.Id;

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
                _ => throw new UserInputException($"unknown grid axis '{axis}'; known axes: {string.Join(", ", GridAxes.Known)}"),
            };
        }

        return config;
    }

    private static double Number(string axis, GridValue value) =>
        value.Number ?? throw new UserInputException($"grid axis '{axis}' needs numbers, got \"{value.Text}\"");

    private static Distribution ParseDistribution(GridValue value) =>
        Enum.TryParse<Distribution>(value.Text ?? "", ignoreCase: true, out var distribution)
            ? distribution
            : throw new UserInputException($"grid axis 'distribution' takes \"uniform\", \"er\" or \"erk\", got \"{value}\"");

    internal static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
