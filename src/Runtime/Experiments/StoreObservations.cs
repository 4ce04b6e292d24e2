using System.Globalization;
using System.Text.Json;
using SparseDsl.ScalingLaws;

namespace SparseDsl.Experiments;

/// <summary>
/// The finished runs of one study read for a scaling-law fit, the runs that could not be used and why, and how many
/// runs of the study are in each state.
/// </summary>
public sealed record StoreRuns(
    IReadOnlyList<ScalingObservation> Runs,
    IReadOnlyList<string> Skipped,
    IReadOnlyDictionary<RunStatus, int> StatusCounts)
{
    public int Count(RunStatus status) => StatusCounts.TryGetValue(status, out int n) ? n : 0;
}

/// <summary>
/// Turns a study's finished runs into <see cref="ScalingObservation"/>s: params = dense parameters, active_params =
/// active (nonzero) parameters at the end, tokens = samples seen, unique_tokens = the unique samples of the data
/// regime, loss = final test loss. Each observation also carries its columns by the names the CSV path uses
/// (<c>params active_params density tokens unique_tokens loss</c>), the store's other numbers
/// (<c>samples_seen unique_samples test_loss train_loss test_accuracy wall_seconds</c>) and every numeric key of the
/// run's config (<c>sparsity seed lr steps batch eval_every</c>), so a --holdout predicate can name any of them.
/// </summary>
public static class StoreObservations
{
    /// <summary>
    /// Reads the runs of <paramref name="study"/>; U is each run's own <c>unique_tokens</c> (the data-regime grid axis:
    /// its unique training samples or tokens) where its config has one, else <paramref name="uniqueSamples"/>.
    /// </summary>
    public static StoreRuns Read(IResultStore store, string study, double uniqueSamples)
    {
        ArgumentNullException.ThrowIfNull(store);
        IReadOnlyList<RunRecord> all = store.ListRuns(study);
        var counts = all.GroupBy(r => r.Status).ToDictionary(g => g.Key, g => g.Count());
        var runs = new List<ScalingObservation>();
        var skipped = new List<string>();
        foreach (RunRecord run in all.Where(r => r.Status == RunStatus.Finished))
        {
            // A run that stored its U (RunFigures) has it, whatever the default for runs on the whole split.
            double own = store.GetMetrics(run.Id, RunFigures.UniqueTokens).LastOrDefault()?.Value ?? uniqueSamples;
            if (From(run, own > 0 && double.IsFinite(own) ? own : uniqueSamples, out string? why) is { } observation)
            {
                runs.Add(observation);
            }
            else
            {
                skipped.Add($"{run.Id}: {why}");
            }
        }

        return new StoreRuns(runs, skipped, counts);
    }

    /// <summary>One finished run as an observation, or null with the reason it cannot be fitted.</summary>
    public static ScalingObservation? From(RunRecord run, double uniqueSamples, out string? whyNot)
    {
        ArgumentNullException.ThrowIfNull(run);
        whyNot = run switch
        {
            { Final: null } => "it has no final metrics",
            { DenseParameters: not > 0 } => "its dense parameter count is missing",
            { ActiveParameters: not > 0 } => "its active parameter count is missing",
            { Final.SamplesSeen: not > 0 } => "it saw no samples",
            _ when !(run.Final!.TestLoss > 0.0 && double.IsFinite(run.Final.TestLoss)) =>
                $"its test loss is {run.Final.TestLoss.ToString(CultureInfo.InvariantCulture)} (diverged or not measured)",
            _ => null,
        };
        if (whyNot is not null)
        {
            return null;
        }

        FinalMetrics final = run.Final!;
        double dense = run.DenseParameters!.Value;
        if (double.IsNaN(uniqueSamples) && !(ConfigUnique(run.ConfigJson) > 0))
        {
            whyNot = "its unique training samples U are not known (it stored none, and the data set's size is not known here); pass --unique-samples N";
            return null;
        }

        double active = Math.Min(run.ActiveParameters!.Value, dense);
        double tokens = final.SamplesSeen;
        var columns = new Dictionary<string, double>(StringComparer.OrdinalIgnoreCase);
        AddConfigNumbers(run.ConfigJson, columns);

        // A run trained on a budget of U unique samples (the 'unique_tokens' axis) says so in its config: that U is
        // its own, whatever the default for runs on the whole training split.
        if (columns.TryGetValue("unique_tokens", out double own) && own > 0)
        {
            uniqueSamples = own;
        }

        columns["params"] = dense;
        columns["active_params"] = active;
        columns["density"] = active / dense;
        columns["tokens"] = tokens;
        columns["samples_seen"] = tokens;
        columns["unique_tokens"] = uniqueSamples;
        columns["unique_samples"] = uniqueSamples;
        columns["loss"] = final.TestLoss;
        columns["test_loss"] = final.TestLoss;
        AddFinite(columns, "train_loss", final.TrainLoss);
        AddFinite(columns, "test_accuracy", final.TestAccuracy);
        AddFinite(columns, "wall_seconds", final.WallSeconds);
        return new ScalingObservation(dense, active, null, tokens, uniqueSamples, final.TestLoss)
        {
            Id = run.Id,
            Columns = columns,
        };
    }

    private static double ConfigUnique(string configJson)
    {
        var columns = new Dictionary<string, double>(StringComparer.OrdinalIgnoreCase);
        AddConfigNumbers(configJson, columns);
        return columns.TryGetValue("unique_tokens", out double own) ? own : double.NaN;
    }

    private static void AddFinite(Dictionary<string, double> columns, string name, double value)
    {
        if (double.IsFinite(value))
        {
            columns[name] = value;
        }
    }

    private static void AddConfigNumbers(string json, Dictionary<string, double> columns)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return;
            }

            foreach (JsonProperty property in document.RootElement.EnumerateObject())
            {
                if (property.Value.ValueKind == JsonValueKind.Number && property.Value.TryGetDouble(out double value))
                {
                    columns[property.Name] = value;
                }
            }
        }
        catch (JsonException)
        {
            // A config that is not JSON has no columns to offer; the run still fits.
        }
    }
}
