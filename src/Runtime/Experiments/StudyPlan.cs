using System.Globalization;
using SparseDsl.Language;

namespace SparseDsl.Experiments;

/// <summary>A grid point: its position, the axis values that define it, and the resolved config.</summary>
public sealed record GridPoint(int Index, IReadOnlyList<KeyValuePair<string, GridValue>> Values, RunConfig Config)
{
    public string Id => Config.Id;

    /// <summary><c>sparsity=0.9 seed=2</c>.</summary>
    public string Label => Values.Count == 0 ? "(single run)" : string.Join(" ", Values.Select(v => v.Key + "=" + v.Value));
}

/// <summary>Resolves a study's grid into points, each a complete <see cref="RunConfig"/>.</summary>
public static class StudyPlan
{
    public static IReadOnlyList<GridPoint> Resolve(StudyDefinition study, int? stepsOverride = null)
    {
        var axes = study.Grid.Select(axis =>
        {
            var parsed = Expressions.ParseGridValues(axis.Values);
            if (!parsed.Success)
            {
                throw new UserInputException($"grid axis '{axis.Name}' (\"{axis.Values}\") does not parse at column {parsed.Error!.Column}: {parsed.Error.Message}");
            }

            return new GridAxisSpec(axis.Name, parsed.Value);
        }).ToList();

        var points = new List<GridPoint>();
        foreach (var values in GridPoints.Expand(axes))
        {
            points.Add(new GridPoint(points.Count, values, Configure(study, values, stepsOverride)));
        }

        return points;
    }

    private static RunConfig Configure(StudyDefinition study, IReadOnlyList<KeyValuePair<string, GridValue>> values, int? stepsOverride)
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

        foreach (var (axis, value) in values)
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
