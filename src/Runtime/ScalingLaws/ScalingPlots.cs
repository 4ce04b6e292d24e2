using System.Globalization;
using ScottPlot;

namespace SparseDsl.ScalingLaws;

/// <summary>
/// Figures of a fit, each as PNG and SVG (ScottPlot, headless): loss vs tokens per density with fitted curves,
/// iso-loss contours over (N, D), loss-optimal density vs U (sparse law), and residuals.
/// </summary>
public static class ScalingPlots
{
    public const int Width = 800;
    public const int Height = 560;

    /// <summary>Writes every figure into <paramref name="directory"/> (created if needed); returns the PNG paths by figure name.</summary>
    public static IReadOnlyDictionary<string, string> Write(string directory, FitResult fit, IReadOnlyList<ScalingObservation> runs)
    {
        Directory.CreateDirectory(directory);
        var written = new Dictionary<string, string>(StringComparer.Ordinal);
        Save(directory, "loss_vs_tokens", LossVsTokens(fit, runs), written);
        Save(directory, "iso_loss", IsoLoss(fit, runs), written);
        if (fit.Law.Kind == ScalingLawKind.SparseDataConstrained)
        {
            Save(directory, "optimal_density", OptimalDensity(fit, runs), written);
        }

        Save(directory, "residuals", Residuals(fit), written);
        return written;
    }

    private static void Save(string directory, string name, Plot plot, Dictionary<string, string> written)
    {
        string png = Path.Combine(directory, name + ".png");
        plot.SavePng(png, Width, Height);
        plot.SaveSvg(Path.Combine(directory, name + ".svg"), Width, Height);
        written[name] = png;
    }

    private static Color ColorFor(int index) => new ScottPlot.Palettes.Category10().GetColor(index);

    private static string DensityLabel(double d) => "d = " + d.ToString("0.####", CultureInfo.InvariantCulture);

    private static Plot LossVsTokens(FitResult fit, IReadOnlyList<ScalingObservation> runs)
    {
        var plot = new Plot();
        double[] densities = runs.Select(r => Math.Round(r.ResolvedDensity, 6)).Distinct().OrderByDescending(d => d).ToArray();
        for (int k = 0; k < densities.Length; k++)
        {
            double d = densities[k];
            Color color = ColorFor(k);
            ScalingObservation[] group = runs.Where(r => Math.Round(r.ResolvedDensity, 6) == d).ToArray();
            var points = plot.Add.ScatterPoints(group.Select(r => Math.Log10(r.Tokens)).ToArray(), group.Select(r => r.Loss).ToArray(), color);
            points.LegendText = DensityLabel(d);
            points.MarkerSize = 5;

            foreach (var curve in group.GroupBy(r => (r.Params, r.UniqueTokens)).Where(g => g.Count() >= 2))
            {
                double lo = Math.Log10(curve.Min(r => r.Tokens));
                double hi = Math.Log10(curve.Max(r => r.Tokens));
                double[] xs = Enumerable.Range(0, 40).Select(i => lo + (hi - lo) * i / 39.0).ToArray();
                double[] ys = xs.Select(x => fit.Law.Loss(fit.Parameters, curve.Key.Params * d, Math.Pow(10, x), curve.Key.UniqueTokens, d)).ToArray();
                var line = plot.Add.ScatterLine(xs, ys, color);
                line.LineWidth = 1;
            }
        }

        plot.Title($"{fit.Law.Name}: loss vs tokens (points observed, lines fitted per model and U)");
        plot.XLabel("log10 tokens D");
        plot.YLabel("loss");
        plot.ShowLegend();
        return plot;
    }

    private static Plot IsoLoss(FitResult fit, IReadOnlyList<ScalingObservation> runs)
    {
        var plot = new Plot();
        double u = Median(runs.Select(r => r.UniqueTokens));
        double nLo = Math.Log10(runs.Min(r => r.ResolvedActiveParams)) - 0.5;
        double nHi = Math.Log10(runs.Max(r => r.ResolvedActiveParams)) + 0.5;
        double dLo = Math.Log10(runs.Min(r => r.Tokens)) - 0.5;
        double dHi = Math.Log10(runs.Max(r => r.Tokens)) + 0.5;
        const int Cells = 60;
        var grid = new Coordinates3d[Cells, Cells];
        for (int i = 0; i < Cells; i++)
        {
            for (int j = 0; j < Cells; j++)
            {
                double x = nLo + (nHi - nLo) * j / (Cells - 1);
                double y = dLo + (dHi - dLo) * i / (Cells - 1);
                grid[i, j] = new Coordinates3d(x, y, fit.Law.Loss(fit.Parameters, Math.Pow(10, x), Math.Pow(10, y), u, 1.0));
            }
        }

        plot.Add.ContourLines(grid, 12);
        var observed = plot.Add.ScatterPoints(
            runs.Select(r => Math.Log10(r.ResolvedActiveParams)).ToArray(), runs.Select(r => Math.Log10(r.Tokens)).ToArray(), Colors.Black);
        observed.MarkerSize = 3;
        observed.LegendText = "runs";
        plot.Title(string.Create(CultureInfo.InvariantCulture, $"iso-loss contours over (N, D), dense, U = {u:0.###e0}"));
        plot.XLabel("log10 active parameters N");
        plot.YLabel("log10 tokens D");
        return plot;
    }

    private static Plot OptimalDensity(FitResult fit, IReadOnlyList<ScalingObservation> runs)
    {
        var plot = new Plot();
        double uLo = Math.Log10(runs.Min(r => r.UniqueTokens)) - 1;
        double uHi = Math.Log10(runs.Max(r => r.UniqueTokens)) + 1;
        double[] xs = Enumerable.Range(0, 30).Select(i => uLo + (uHi - uLo) * i / 29.0).ToArray();
        double[] lossOptimal = xs.Select(x => ScalingPredictions.LossOptimalDensity(fit.Parameters, Math.Pow(10, x)).Density).ToArray();
        var a = plot.Add.ScatterLine(xs, lossOptimal, ColorFor(0));
        a.LegendText = "loss-optimal (unlimited compute)";
        double compute = Median(runs.Select(r => 6.0 * r.ResolvedActiveParams * r.Tokens));
        double[] computeOptimal = xs.Select(x => ScalingPredictions.ComputeOptimal(fit.Parameters, compute, Math.Pow(10, x)).Density).ToArray();
        var b = plot.Add.ScatterLine(xs, computeOptimal, ColorFor(1));
        b.LegendText = string.Create(CultureInfo.InvariantCulture, $"compute-optimal at C = {compute:0.##e0} FLOPs");
        plot.Title("optimal density vs unique tokens U");
        plot.XLabel("log10 unique tokens U");
        plot.YLabel("density d");
        plot.ShowLegend();
        return plot;
    }

    private static Plot Residuals(FitResult fit)
    {
        var plot = new Plot();
        FitResidual[] fitted = fit.Residuals.Where(r => !r.HeldOut).ToArray();
        var a = plot.Add.ScatterPoints(fitted.Select(r => r.Predicted).ToArray(), fitted.Select(r => r.LogResidual).ToArray(), ColorFor(0));
        a.LegendText = "fitted runs";
        FitResidual[] held = fit.Residuals.Where(r => r.HeldOut).ToArray();
        if (held.Length > 0)
        {
            var b = plot.Add.ScatterPoints(held.Select(r => r.Predicted).ToArray(), held.Select(r => r.LogResidual).ToArray(), ColorFor(3));
            b.LegendText = "held-out runs";
        }

        plot.Add.HorizontalLine(0, 1, Colors.Gray, LinePattern.Dashed);
        plot.Title("residuals log L̂ − log L");
        plot.XLabel("predicted loss L̂");
        plot.YLabel("log residual");
        plot.ShowLegend();
        return plot;
    }

    private static double Median(IEnumerable<double> values)
    {
        double[] sorted = values.OrderBy(v => v).ToArray();
        return sorted[sorted.Length / 2];
    }
}
