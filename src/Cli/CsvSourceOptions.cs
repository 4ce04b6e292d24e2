using System.CommandLine;
using SparseDsl.ScalingLaws;

namespace SparseDsl.Cli;

/// <summary>--csv FILE and the column-name options (defaults: params, active_params, density, tokens, unique_tokens, loss/val_loss).</summary>
internal sealed class CsvSourceOptions
{
    private readonly Option<string> _csv = new("--csv") { Description = "runs CSV: params[, active_params | density], tokens, unique_tokens, loss", Required = true };
    private readonly Option<string?> _params = new("--params-col") { Description = "column of raw (dense-equivalent) parameter counts" };
    private readonly Option<string?> _active = new("--active-col") { Description = "column of active parameter counts" };
    private readonly Option<string?> _density = new("--density-col") { Description = "column of densities in (0, 1]" };
    private readonly Option<string?> _tokens = new("--tokens-col") { Description = "column of training tokens D" };
    private readonly Option<string?> _unique = new("--unique-col") { Description = "column of unique tokens U" };
    private readonly Option<string?> _loss = new("--loss-col") { Description = "column of final losses" };
    private readonly Option<string?> _id = new("--id-col") { Description = "column of run names" };

    public void AddTo(Command command)
    {
        foreach (Option option in new Option[] { _csv, _params, _active, _density, _tokens, _unique, _loss, _id })
        {
            command.Options.Add(option);
        }
    }

    public RunSource Load(ParseResult result)
    {
        string path = result.GetValue(_csv)!;
        var columns = new CsvColumns
        {
            Params = result.GetValue(_params),
            ActiveParams = result.GetValue(_active),
            Density = result.GetValue(_density),
            Tokens = result.GetValue(_tokens),
            UniqueTokens = result.GetValue(_unique),
            Loss = result.GetValue(_loss),
            Id = result.GetValue(_id),
        };
        return new RunSource(ScalingCsv.Read(path, columns), path);
    }
}
