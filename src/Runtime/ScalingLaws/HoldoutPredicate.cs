using System.Globalization;

namespace SparseDsl.ScalingLaws;

/// <summary>
/// The --holdout language: one or more comparisons joined by <c>&amp;&amp;</c> (all must hold), each
/// <c>COLUMN OP VALUE</c> with OP one of <c>== != &gt;= &lt;= &gt; &lt;</c> (<c>=</c> means <c>==</c>) and VALUE a number
/// (<c>1e9</c>, <c>2.5</c>) or <c>max</c>/<c>min</c> (the column's largest/smallest value over all runs).
/// COLUMN is <c>params</c>, <c>active_params</c>, <c>density</c>, <c>tokens</c>, <c>unique_tokens</c>, <c>loss</c>,
/// <c>epochs</c> or any numeric column of the input by its header name. Examples: <c>params==max</c>,
/// <c>params&gt;=1e9</c>, <c>density&lt;1 &amp;&amp; epochs&gt;4</c>.
/// </summary>
public sealed class HoldoutPredicate
{
    private static readonly string[] Operators = ["==", "!=", ">=", "<=", ">", "<", "="];

    private readonly IReadOnlyList<Comparison> _comparisons;

    private HoldoutPredicate(string text, IReadOnlyList<Comparison> comparisons)
    {
        Text = text;
        _comparisons = comparisons;
    }

    public string Text { get; }

    public static HoldoutPredicate Parse(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new ScalingLawException("--holdout: the expression is empty; write e.g. --holdout \"params==max\".");
        }

        var comparisons = new List<Comparison>();
        foreach (string raw in text.Split("&&", StringSplitOptions.TrimEntries))
        {
            comparisons.Add(ParseComparison(raw, text));
        }

        return new HoldoutPredicate(text.Trim(), comparisons);
    }

    /// <summary>Which observations are held out (max/min are taken over all of them).</summary>
    public bool[] Evaluate(IReadOnlyList<ScalingObservation> observations)
    {
        var mask = new bool[observations.Count];
        Array.Fill(mask, true);
        foreach (Comparison cmp in _comparisons)
        {
            double[] column = new double[observations.Count];
            for (int i = 0; i < observations.Count; i++)
            {
                column[i] = Lookup(observations[i], cmp.Column)
                    ?? throw new ScalingLawException(
                        $"--holdout: run {i + 1} has no column '{cmp.Column}'; use params, active_params, density, tokens, unique_tokens, loss, epochs or a numeric column of the input.");
            }

            double target = cmp.Bound switch
            {
                "max" => column.Max(),
                "min" => column.Min(),
                _ => cmp.Value,
            };

            for (int i = 0; i < column.Length; i++)
            {
                mask[i] &= Holds(column[i], cmp.Operator, target);
            }
        }

        return mask;
    }

    public override string ToString() => Text;

    private static double? Lookup(ScalingObservation o, string column)
    {
        switch (column.ToLowerInvariant())
        {
            case "params":
                return o.Params;
            case "active_params":
                return o.ResolvedActiveParams;
            case "density":
                return o.ResolvedDensity;
            case "tokens":
                return o.Tokens;
            case "unique_tokens":
                return o.UniqueTokens;
            case "loss":
                return o.Loss;
            case "epochs":
                return o.Epochs;
        }

        if (o.Columns is { } columns)
        {
            foreach ((string key, double value) in columns)
            {
                if (string.Equals(key, column, StringComparison.OrdinalIgnoreCase))
                {
                    return value;
                }
            }
        }

        return null;
    }

    private static bool Holds(double x, string op, double target)
    {
        // Relative tolerance for equality: CSV round-trips print 2.81e9 as 2810000000.0.
        bool equal = Math.Abs(x - target) <= 1e-9 * Math.Max(Math.Abs(x), Math.Abs(target));
        return op switch
        {
            "==" or "=" => equal,
            "!=" => !equal,
            ">=" => x >= target || equal,
            "<=" => x <= target || equal,
            ">" => x > target && !equal,
            "<" => x < target && !equal,
            _ => false,
        };
    }

    private static Comparison ParseComparison(string raw, string whole)
    {
        foreach (string op in Operators)
        {
            int at = raw.IndexOf(op, StringComparison.Ordinal);
            if (at <= 0)
            {
                continue;
            }

            string column = raw[..at].Trim();
            string valueText = raw[(at + op.Length)..].Trim();
            if (column.Length == 0 || valueText.Length == 0 || column.Any(char.IsWhiteSpace))
            {
                break;
            }

            string lower = valueText.ToLowerInvariant();
            if (lower is "max" or "min")
            {
                return new Comparison(column, op, 0.0, lower);
            }

            if (double.TryParse(valueText, NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
            {
                return new Comparison(column, op, value, null);
            }

            throw new ScalingLawException(
                $"--holdout: '{valueText}' in '{whole}' is not a number, max or min; write e.g. params>=1e9 or params==max.");
        }

        throw new ScalingLawException(
            $"--holdout: cannot read '{raw}' in '{whole}'; write COLUMN OP VALUE with OP one of == != >= <= > <, e.g. params==max or tokens>=1e10 && density<1.");
    }

    private sealed record Comparison(string Column, string Operator, double Value, string? Bound);
}
