using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace SparseDsl.ScalingLaws;

/// <summary>Writes a <see cref="FitResult"/> as JSON (the --json schema) and as a markdown report with figures.</summary>
public static class FitReport
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>
    /// {law, parameters: {name: value}, objective, r2, n, holdout_r2?, holdout_n?, intervals?: {name: [lo, hi]},
    /// interval_level?, free, frozen, tied_exponents, huber_delta, flat_directions, stages, notes, residuals}.
    /// </summary>
    public static string ToJson(FitResult fit)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("law", fit.Law.Name);
            w.WriteStartObject("parameters");
            foreach ((string name, double value) in fit.Parameters.ToDictionary())
            {
                w.WriteNumber(name, value);
            }

            w.WriteEndObject();
            w.WriteNumber("objective", fit.Objective);
            WriteNumberOrNull(w, "r2", fit.R2);
            w.WriteNumber("n", fit.N);
            if (fit.HoldoutN > 0)
            {
                if (fit.HoldoutR2 is { } h)
                {
                    WriteNumberOrNull(w, "holdout_r2", h);
                }

                w.WriteNumber("holdout_n", fit.HoldoutN);
            }

            if (fit.Intervals is { } intervals)
            {
                w.WriteStartObject("intervals");
                foreach (ParameterInterval iv in intervals)
                {
                    w.WriteStartArray(iv.Name);
                    w.WriteNumberValue(iv.Lower);
                    w.WriteNumberValue(iv.Upper);
                    w.WriteEndArray();
                }

                w.WriteEndObject();
                w.WriteNumber("interval_level", fit.IntervalLevel);
                w.WriteNumber("bootstrap", fit.BootstrapSamples.Count);
            }

            WriteStrings(w, "free", fit.FreeParameters);
            WriteStrings(w, "frozen", fit.Frozen.Keys.Order(StringComparer.Ordinal));
            w.WriteBoolean("tied_exponents", fit.TiedExponents);
            w.WriteNumber("huber_delta", fit.HuberDelta);
            WriteStrings(w, "flat_directions", fit.FlatDirections.Select(f => f.Description));
            w.WriteStartArray("stages");
            foreach (StageResult s in fit.Stages)
            {
                w.WriteStartObject();
                w.WriteString("name", s.Name);
                w.WriteNumber("runs", s.Runs);
                WriteStrings(w, "free", s.Free);
                WriteNumberOrNull(w, "objective", s.Objective);
                w.WriteNumber("starts", s.Starts);
                if (s.Note is not null)
                {
                    w.WriteString("note", s.Note);
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
            WriteStrings(w, "notes", fit.Notes);
            w.WriteStartArray("residuals");
            foreach (FitResidual r in fit.Residuals)
            {
                w.WriteStartObject();
                w.WriteNumber("index", r.Index);
                if (r.Id is not null)
                {
                    w.WriteString("id", r.Id);
                }

                w.WriteNumber("loss", r.Loss);
                w.WriteNumber("predicted", r.Predicted);
                w.WriteNumber("log_residual", r.LogResidual);
                w.WriteBoolean("held_out", r.HeldOut);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    /// <summary>
    /// Writes <c>report.md</c> and its figures into <paramref name="directory"/>: constants with intervals, fit
    /// quality, flat directions, stages, predictions and the largest residuals. Returns the report's path.
    /// </summary>
    public static string WriteMarkdown(string directory, FitResult fit, IReadOnlyList<ScalingObservation> runs, string source)
    {
        IReadOnlyDictionary<string, string> figures = ScalingPlots.Write(directory, fit, runs);
        string path = Path.Combine(directory, "report.md");
        File.WriteAllText(path, ToMarkdown(fit, runs, source, figures.Keys));
        return path;
    }

    public static string ToMarkdown(FitResult fit, IReadOnlyList<ScalingObservation> runs, string source, IEnumerable<string> figureNames)
    {
        var md = new StringBuilder();
        md.Append(Inv, $"# Scaling-law fit: {fit.Law.Name}\n\n");
        md.Append(Inv, $"Source: `{source}` ({runs.Count} runs). Law: {fit.Law.Formula}.\n\n");
        md.Append(Inv, $"Objective Σ Huber_δ(log L̂ − log L) = {fit.Objective:G6} (δ = {fit.HuberDelta:G3}); R² = {fit.R2:0.0000} on {fit.N} fitted runs");
        md.Append(fit.HoldoutN > 0 ? string.Create(Inv, $"; held-out R² = {Fmt(fit.HoldoutR2)} on {fit.HoldoutN} runs.\n\n") : ".\n\n");

        md.Append("## Constants\n\n");
        bool hasIntervals = fit.Intervals is not null;
        md.Append(hasIntervals
            ? string.Create(Inv, $"| name | value | {fit.IntervalLevel:P0} interval ({fit.BootstrapSamples.Count} bootstrap fits) | status | meaning |\n|---|---|---|---|---|\n")
            : "| name | value | status | meaning |\n|---|---|---|---|\n");
        for (int i = 0; i < fit.Law.Parameters.Length; i++)
        {
            LawParameter p = fit.Law.Parameters[i];
            string status = fit.Frozen.ContainsKey(p.Name) ? "frozen" : fit.FreeParameters.Contains(p.Name) ? "fitted" : "tied to alpha";
            string interval = fit.Intervals?.FirstOrDefault(iv => iv.Name == p.Name) is { } iv
                ? string.Create(Inv, $"[{iv.Lower:G5}, {iv.Upper:G5}]")
                : "—";
            md.Append(hasIntervals
                ? string.Create(Inv, $"| {p.Name} | {fit.Parameters[i]:G7} | {interval} | {status} | {p.Description} |\n")
                : string.Create(Inv, $"| {p.Name} | {fit.Parameters[i]:G7} | {status} | {p.Description} |\n"));
        }

        md.Append('\n');
        if (fit.FlatDirections.Count > 0)
        {
            md.Append("## Flat directions\n\nThe objective barely changes along these combinations, so the constants in them are not identified separately by these runs:\n\n");
            foreach (FlatDirection f in fit.FlatDirections)
            {
                md.Append("- ").Append(f.Description).Append('\n');
            }

            md.Append('\n');
        }

        md.Append("## Stages\n\n| stage | runs | fitted | objective | starts |\n|---|---|---|---|---|\n");
        foreach (StageResult s in fit.Stages)
        {
            md.Append(Inv, $"| {s.Name} | {s.Runs} | {(s.Free.Count == 0 ? "—" : string.Join(", ", s.Free))} | {Fmt(s.Objective, "G6")} | {s.Starts} |\n");
        }

        md.Append('\n');
        foreach (string note in fit.Notes)
        {
            md.Append("- Note: ").Append(note).Append('\n');
        }

        AppendPredictions(md, fit, runs);

        md.Append("## Figures\n\n");
        foreach (string name in figureNames)
        {
            md.Append(Inv, $"![{name}]({name}.png)\n\n");
        }

        md.Append("## Largest residuals\n\n| run | loss | predicted | log residual | held out |\n|---|---|---|---|---|\n");
        foreach (FitResidual r in fit.Residuals.OrderByDescending(r => Math.Abs(r.LogResidual)).Take(10))
        {
            md.Append(Inv, $"| {r.Id ?? (r.Index + 1).ToString(Inv)} | {r.Loss:0.0000} | {r.Predicted:0.0000} | {r.LogResidual:+0.0000;-0.0000} | {(r.HeldOut ? "yes" : "no")} |\n");
        }

        return md.ToString();
    }

    private static void AppendPredictions(StringBuilder md, FitResult fit, IReadOnlyList<ScalingObservation> runs)
    {
        ScalingParameters p = fit.Parameters;
        double u = runs.Select(r => r.UniqueTokens).Order().ElementAt(runs.Count / 2);
        double n = runs.Select(r => r.ResolvedActiveParams).Order().ElementAt(runs.Count / 2);
        double c = runs.Select(r => 6.0 * r.ResolvedActiveParams * r.Tokens).Order().ElementAt(runs.Count / 2);
        md.Append(Inv, $"## Predictions (median U = {u:G3}, N = {n:G3}, C = {c:G3} FLOPs)\n\n");
        ComputeOptimum co = ScalingPredictions.ComputeOptimal(p, c, u);
        md.Append(Inv, $"- Compute-optimal at C: density {co.Density:0.###}, N = {co.ActiveParams:G3} active parameters, D = {co.Tokens:G3} tokens ({co.Epochs:0.##} epochs), loss {co.Loss:0.0000}{Interval(fit, q => ScalingPredictions.ComputeOptimal(q, c, u).Loss)}.\n");
        double epochs = ScalingPredictions.EpochsWhereRepetitionStopsPaying(p, n, u);
        md.Append(Inv, $"- Repetition stops paying (an extra epoch gains < 0.001 nats) after {epochs:0} epochs for N = {n:G3}, U = {u:G3}{Interval(fit, q => ScalingPredictions.EpochsWhereRepetitionStopsPaying(q, n, u), "0")}.\n");
        if (fit.Law.Kind == ScalingLawKind.SparseDataConstrained)
        {
            DensityOptimum lo = ScalingPredictions.LossOptimalDensity(p, u);
            md.Append(Inv, $"- Loss-optimal density for U (unlimited compute): {lo.Density:0.###} (loss {lo.Loss:0.0000}){Interval(fit, q => ScalingPredictions.LossOptimalDensity(q, u).Density, "0.###")}.\n");
        }

        md.Append('\n');
    }

    private static string Interval(FitResult fit, Func<ScalingParameters, double> quantity, string format = "0.0000") =>
        fit.IntervalOf(quantity) is { } iv
            ? string.Create(Inv, $" ({fit.IntervalLevel:P0} interval {iv.Lower.ToString(format, Inv)}–{iv.Upper.ToString(format, Inv)})")
            : string.Empty;

    private static string Fmt(double? value, string format = "0.0000") =>
        value is { } v && double.IsFinite(v) ? v.ToString(format, Inv) : "—";

    private static void WriteNumberOrNull(Utf8JsonWriter w, string name, double value)
    {
        if (double.IsFinite(value))
        {
            w.WriteNumber(name, value);
        }
        else
        {
            w.WriteNull(name);
        }
    }

    private static void WriteStrings(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (string v in values)
        {
            w.WriteStringValue(v);
        }

        w.WriteEndArray();
    }
}
