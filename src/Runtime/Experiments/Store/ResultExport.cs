using System.Text.Json;

namespace SparseDsl.Experiments;

/// <summary>
/// <c>report --json PATH</c>: every run's resolved config, status (with the step of a diverged run), final numbers and
/// how many times it was claimed, as one JSON document, ordered by study then id, numbers in invariant form (NaN and
/// missing values as null).
/// </summary>
public static class ResultExport
{
    public const int FormatVersion = 1;

    /// <summary>Writes the runs of <paramref name="study"/> (all when null) to <paramref name="path"/>.</summary>
    public static void WriteJson(IResultStore store, string path, string? study = null, bool includeEvals = false)
    {
        using FileStream file = File.Create(path);
        WriteJson(store, file, study, includeEvals);
    }

    public static void WriteJson(IResultStore store, Stream output, string? study = null, bool includeEvals = false)
    {
        ArgumentNullException.ThrowIfNull(store);
        using var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteNumber("format", FormatVersion);
        json.WriteStartArray("runs");
        foreach (RunRecord run in store.ListRuns(study))
        {
            WriteRun(json, run, includeEvals ? store.GetEvals(run.Id) : null);
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteRun(Utf8JsonWriter json, RunRecord run, IReadOnlyList<EvalRecord>? evals)
    {
        json.WriteStartObject();
        json.WriteString("id", run.Id);
        json.WriteString("study", run.Study);
        json.WriteString("status", RunRows.StatusText(run.Status));
        json.WritePropertyName("config");
        WriteConfig(json, run.ConfigJson);
        Time(json, "startedUtc", run.StartedUtc);
        Time(json, "finishedUtc", run.FinishedUtc);
        Number(json, "wallSeconds", run.WallSeconds);
        Number(json, "samplesSeen", run.SamplesSeen);
        Number(json, "activeParameters", run.ActiveParameters);
        Number(json, "denseParameters", run.DenseParameters);
        Number(json, "peakManagedBytes", run.PeakManagedBytes);
        if (run.Final is { } final)
        {
            json.WriteStartObject("final");
            Number(json, "trainLoss", final.TrainLoss);
            Number(json, "testLoss", final.TestLoss);
            Number(json, "testAccuracy", final.TestAccuracy);
            json.WriteEndObject();
        }
        else
        {
            json.WriteNull("final");
        }

        if (run.Error is not null)
        {
            json.WriteString("error", run.Error);
        }

        if (run.DivergedStep is { } step)
        {
            json.WriteNumber("divergedStep", step);
        }

        json.WriteNumber("attempts", run.Attempts);

        if (evals is not null)
        {
            json.WriteStartArray("evals");
            foreach (EvalRecord eval in evals)
            {
                json.WriteStartObject();
                json.WriteNumber("step", eval.Step);
                json.WriteNumber("samplesSeen", eval.SamplesSeen);
                Number(json, "trainLoss", eval.TrainLoss);
                Number(json, "testLoss", eval.TestLoss);
                Number(json, "trainAccuracy", eval.TrainAccuracy);
                Number(json, "testAccuracy", eval.TestAccuracy);
                Number(json, "wallSeconds", eval.WallSeconds);
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        json.WriteEndObject();
    }

    /// <summary>The stored config embedded as JSON; text that is not valid JSON is kept as a string.</summary>
    private static void WriteConfig(Utf8JsonWriter json, string config)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(config);
            document.RootElement.WriteTo(json);
        }
        catch (JsonException)
        {
            json.WriteStringValue(config);
        }
    }

    private static void Number(Utf8JsonWriter json, string name, double? value)
    {
        if (value is { } v && double.IsFinite(v))
        {
            json.WriteNumber(name, v);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private static void Number(Utf8JsonWriter json, string name, long? value)
    {
        if (value is { } v)
        {
            json.WriteNumber(name, v);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private static void Time(Utf8JsonWriter json, string name, DateTimeOffset? value)
    {
        if (value is { } v)
        {
            json.WriteString(name, v.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture));
        }
        else
        {
            json.WriteNull(name);
        }
    }
}
