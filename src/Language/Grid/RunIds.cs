using System;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography;
using System.Text;

namespace SparseDsl.Language;

/// <summary>
/// Stable run ids: the first 12 hex digits of the SHA-256 of a canonical configuration string. The same resolved
/// configuration gives the same id on every machine and culture, so reruns find their finished points.
/// </summary>
public static class RunIds
{
    public const int Length = 12;

    /// <summary>12 lowercase hex digits of SHA-256(UTF-8 <paramref name="canonicalConfig"/>).</summary>
    public static string Compute(string canonicalConfig)
    {
        using var sha = SHA256.Create();
        byte[] hash = sha.ComputeHash(Encoding.UTF8.GetBytes(canonicalConfig));
        var hex = new StringBuilder(Length);
        for (int i = 0; i < Length / 2; i++)
        {
            hex.Append(hash[i].ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
        }

        return hex.ToString();
    }

    /// <summary>
    /// <c>key=value</c> lines sorted by key (ordinal), newlines inside values escaped: the order settings were added
    /// in does not change the id. Keys must be distinct.
    /// </summary>
    public static string Canonical(IEnumerable<KeyValuePair<string, string>> settings)
    {
        KeyValuePair<string, string>[] sorted = settings.OrderBy(s => s.Key, StringComparer.Ordinal).ToArray();
        for (int i = 1; i < sorted.Length; i++)
        {
            if (sorted[i].Key == sorted[i - 1].Key)
            {
                throw new ArgumentException($"setting '{sorted[i].Key}' appears twice", nameof(settings));
            }
        }

        return string.Join("\n", sorted.Select(s => Escape(s.Key) + "=" + Escape(s.Value)));
    }

    /// <summary>
    /// The canonical configuration of one grid point of an experiment: model, data, steps, batch, eval-every,
    /// optimizer and schedule as written, with the point's axis values replacing or adding settings by axis name.
    /// </summary>
    public static string CanonicalConfig(ExperimentSpec experiment, GridPoint point)
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["model"] = experiment.ModelFullName,
            ["data"] = experiment.Data,
            [GridAxes.Steps] = Numbers.Show(experiment.Steps),
            [GridAxes.Batch] = Numbers.Show(experiment.Batch),
            ["eval-every"] = Numbers.Show(experiment.EvalEvery),
            ["optimizer"] = experiment.OptimizerText.Trim(),
            ["schedule"] = experiment.ScheduleText.Trim(),
        };
        foreach (GridAssignment assignment in point.Values)
        {
            settings[assignment.Axis] = assignment.Value.Text is string text ? "\"" + text + "\"" : assignment.Value.ToString();
        }

        return Canonical(settings);
    }

    /// <summary>The run id of one grid point: <c>Compute(CanonicalConfig(experiment, point))</c>.</summary>
    public static string For(ExperimentSpec experiment, GridPoint point) => Compute(CanonicalConfig(experiment, point));

    private static string Escape(string text) => text.Replace("\\", "\\\\").Replace("\n", "\\n").Replace("\r", "\\r");
}
