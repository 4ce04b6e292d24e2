using System.Globalization;
using System.Text;

namespace SparseDsl.ScalingLaws;

/// <summary>
/// Column names of a runs CSV. Null means "the usual names": params | parameters | n_params;
/// active_params; density; tokens | train_tokens; unique_tokens | unique; loss | val_loss | validation_loss |
/// eval_loss; name | id | run (optional labels).
/// </summary>
public sealed record CsvColumns
{
    public string? Params { get; init; }

    public string? ActiveParams { get; init; }

    public string? Density { get; init; }

    public string? Tokens { get; init; }

    public string? UniqueTokens { get; init; }

    public string? Loss { get; init; }

    public string? Id { get; init; }
}

/// <summary>
/// Reads runs from CSV (header row, comma-separated, RFC 4180 quotes) — results that need not come from SparseDsl.
/// Every error is one line naming the file, the line, the column and the fix.
/// </summary>
public static class ScalingCsv
{
    public static IReadOnlyList<ScalingObservation> Read(string path, CsvColumns? columns = null)
    {
        if (!File.Exists(path))
        {
            throw new ScalingLawException($"{path}: file not found; pass an existing CSV with --csv.");
        }

        using var reader = new StreamReader(path, Encoding.UTF8);
        return Parse(reader, path, columns);
    }

    public static IReadOnlyList<ScalingObservation> Parse(TextReader reader, string source, CsvColumns? columns = null)
    {
        columns ??= new CsvColumns();
        string? headerLine = reader.ReadLine();
        int lineNumber = 1;
        while (headerLine is not null && headerLine.Trim().Length == 0)
        {
            headerLine = reader.ReadLine();
            lineNumber++;
        }

        if (headerLine is null)
        {
            throw new ScalingLawException($"{source}: the file is empty; it needs a header row (params,tokens,unique_tokens,loss) and one row per run.");
        }

        string[] header = SplitLine(headerLine.TrimStart('\uFEFF'), source, lineNumber).Select(h => h.Trim()).ToArray();
        string found = string.Join(", ", header);

        int Find(string? given, string option, bool required, params string[] usual)
        {
            string[] names = given is null ? usual : [given];
            foreach (string name in names)
            {
                int at = Array.FindIndex(header, h => string.Equals(h, name, StringComparison.OrdinalIgnoreCase));
                if (at >= 0)
                {
                    return at;
                }
            }

            if (required || given is not null)
            {
                throw new ScalingLawException(
                    $"{source}: no column '{names[0]}' (the header has {found}); add it or name the column with {option} NAME.");
            }

            return -1;
        }

        int paramsAt = Find(columns.Params, "--params-col", true, "params", "parameters", "n_params");
        int activeAt = Find(columns.ActiveParams, "--active-col", false, "active_params");
        int densityAt = Find(columns.Density, "--density-col", false, "density");
        int tokensAt = Find(columns.Tokens, "--tokens-col", true, "tokens", "train_tokens");
        int uniqueAt = Find(columns.UniqueTokens, "--unique-col", true, "unique_tokens", "unique");
        int lossAt = Find(columns.Loss, "--loss-col", true, "loss", "val_loss", "validation_loss", "eval_loss");
        int idAt = Find(columns.Id, "--id-col", false, "name", "id", "run");

        var runs = new List<ScalingObservation>();
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNumber++;
            if (line.Trim().Length == 0)
            {
                continue;
            }

            string[] cells = SplitLine(line, source, lineNumber);
            if (cells.Length != header.Length)
            {
                throw new ScalingLawException(
                    $"{source} line {lineNumber}: {cells.Length} cells for {header.Length} columns; every row needs one cell per header column.");
            }

            double Required(int at) => Number(cells, at, header, source, lineNumber, optional: false)!.Value;

            double p = Required(paramsAt);
            double? active = activeAt >= 0 ? Number(cells, activeAt, header, source, lineNumber, optional: true) : null;
            double? density = densityAt >= 0 ? Number(cells, densityAt, header, source, lineNumber, optional: true) : null;
            if (density is { } d && d > 1.0)
            {
                throw new ScalingLawException(
                    $"{source} line {lineNumber}, column '{header[densityAt]}': {cells[densityAt].Trim()} is above 1; density is the kept fraction of weights, in (0, 1].");
            }

            if (active is { } a && a > p * (1.0 + 1e-9))
            {
                throw new ScalingLawException(
                    $"{source} line {lineNumber}, column '{header[activeAt]}': {cells[activeAt].Trim()} exceeds params ({cells[paramsAt].Trim()}); active parameters are at most the raw count.");
            }

            var extra = new Dictionary<string, double>(StringComparer.OrdinalIgnoreCase);
            for (int c = 0; c < header.Length; c++)
            {
                if (double.TryParse(cells[c].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double v))
                {
                    extra[header[c]] = v;
                }
            }

            runs.Add(new ScalingObservation(p, active, density, Required(tokensAt), Required(uniqueAt), Required(lossAt))
            {
                Id = idAt >= 0 ? cells[idAt].Trim() : null,
                Columns = extra,
            });
        }

        if (runs.Count == 0)
        {
            throw new ScalingLawException($"{source}: the header has no rows under it; add one row per run.");
        }

        return runs;
    }

    private static double? Number(string[] cells, int at, string[] header, string source, int line, bool optional)
    {
        string text = cells[at].Trim();
        string where = $"{source} line {line}, column '{header[at]}'";
        if (text.Length == 0)
        {
            if (optional)
            {
                return null;
            }

            throw new ScalingLawException($"{where}: the cell is empty; fill it in or remove the row.");
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
        {
            throw new ScalingLawException($"{where}: '{text}' is not a number; write it like 2.81e9 or 3.25 (a dot for decimals).");
        }

        if (double.IsNaN(value) || double.IsInfinity(value))
        {
            throw new ScalingLawException($"{where}: {text} is not a finite number; replace it or remove the row.");
        }

        if (value <= 0.0)
        {
            throw new ScalingLawException($"{where}: {text} is not positive; every count, density and loss must be greater than 0.");
        }

        return value;
    }

    private static string[] SplitLine(string line, string source, int lineNumber)
    {
        var cells = new List<string>();
        var current = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char ch = line[i];
            if (quoted)
            {
                if (ch == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    current.Append('"');
                    i++;
                }
                else if (ch == '"')
                {
                    quoted = false;
                }
                else
                {
                    current.Append(ch);
                }
            }
            else if (ch == '"')
            {
                quoted = true;
            }
            else if (ch == ',')
            {
                cells.Add(current.ToString());
                current.Clear();
            }
            else
            {
                current.Append(ch);
            }
        }

        if (quoted)
        {
            throw new ScalingLawException($"{source} line {lineNumber}: a quote is not closed; close it or remove it.");
        }

        cells.Add(current.ToString().TrimEnd('\r'));
        return cells.ToArray();
    }
}
