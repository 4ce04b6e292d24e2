using System.CommandLine;

namespace SparseDsl.ScalingLaws;

/// <summary>What the fit options on a command line resolve to.</summary>
public sealed record FitSettings(ScalingLaw Law, FitOptions Options, string? JsonPath, string? PlotDirectory);

/// <summary>
/// The options of every <c>fit</c>/<c>report</c> verb (the sparsedsl tool's and the generated programs'):
/// --law, --freeze, --holdout, --bootstrap, --json, --plot, --starts, --seed, --huber-delta, --exponents, --joint.
/// Attach them with <see cref="AddTo"/>, read them with <see cref="Read"/>.
/// </summary>
public sealed class FitCommandOptions
{
    public Option<string> Law { get; } = new("--law")
    {
        Description = "chinchilla | data-constrained | sparse-data-constrained",
        Required = true,
    };

    public Option<string?> Freeze { get; } = new("--freeze")
    {
        Description = "hold constants at given values: name=value,... (e.g. a=6.2554,alpha=0.3527)",
    };

    public Option<string?> Holdout { get; } = new("--holdout")
    {
        Description = "leave out runs matching COLUMN OP VALUE [&& ...] and score them (e.g. params==max, params>=1e9)",
    };

    public Option<int> Bootstrap { get; } = new("--bootstrap")
    {
        Description = "bootstrap resamples over runs for intervals (0: none)",
        DefaultValueFactory = _ => 0,
    };

    public Option<string?> Json { get; } = new("--json")
    {
        Description = "write the fit as JSON to this file",
    };

    public Option<string?> Plot { get; } = new("--plot")
    {
        Description = "write the figures (PNG and SVG) into this directory",
    };

    public Option<int> Starts { get; } = new("--starts")
    {
        Description = "most grid starting points per stage (the published constants are always tried too)",
        DefaultValueFactory = _ => 64,
    };

    public Option<int> Seed { get; } = new("--seed")
    {
        Description = "seed for the start grid and the bootstrap",
        DefaultValueFactory = _ => 1,
    };

    public Option<double> HuberDelta { get; } = new("--huber-delta")
    {
        Description = "Huber δ on log-loss residuals",
        DefaultValueFactory = _ => 1e-3,
    };

    public Option<string?> Exponents { get; } = new("--exponents")
    {
        Description = "tied (β = α) or free; default: tied for data-constrained, free for chinchilla",
    };

    public Option<bool> Joint { get; } = new("--joint")
    {
        Description = "fit all free constants at once instead of in the law's stages",
    };

    public IEnumerable<Option> All =>
        [Law, Freeze, Holdout, Bootstrap, Json, Plot, Starts, Seed, HuberDelta, Exponents, Joint];

    public void AddTo(Command command)
    {
        foreach (Option option in All)
        {
            command.Options.Add(option);
        }
    }

    /// <summary>Resolves the parsed options; bad values throw <see cref="ScalingLawException"/> with the fix.</summary>
    public FitSettings Read(ParseResult result)
    {
        ScalingLaw law = ScalingLaw.Parse(result.GetValue(Law) ?? string.Empty);
        string? holdout = result.GetValue(Holdout);
        int bootstrap = result.GetValue(Bootstrap);
        if (bootstrap < 0)
        {
            throw new ScalingLawException($"--bootstrap: {bootstrap} is negative; give a count such as 200, or 0 for none.");
        }

        int starts = result.GetValue(Starts);
        if (starts < 0)
        {
            throw new ScalingLawException($"--starts: {starts} is negative; give a count such as 64.");
        }

        double delta = result.GetValue(HuberDelta);
        if (!(delta > 0.0) || !double.IsFinite(delta))
        {
            throw new ScalingLawException($"--huber-delta: {delta} must be a positive number such as 1e-3.");
        }

        bool? tie = result.GetValue(Exponents)?.Trim().ToLowerInvariant() switch
        {
            null or "" => null,
            "tied" => true,
            "free" => false,
            string other => throw new ScalingLawException($"--exponents: '{other}' is neither tied nor free."),
        };

        var options = new FitOptions
        {
            Frozen = ScalingParameters.ParseAssignments(law, result.GetValue(Freeze)),
            Holdout = string.IsNullOrWhiteSpace(holdout) ? null : HoldoutPredicate.Parse(holdout),
            Bootstrap = bootstrap,
            MaxStarts = starts,
            Seed = result.GetValue(Seed),
            HuberDelta = delta,
            TieExponents = tie,
            Staged = !result.GetValue(Joint),
        };

        return new FitSettings(law, options, result.GetValue(Json), result.GetValue(Plot));
    }
}
