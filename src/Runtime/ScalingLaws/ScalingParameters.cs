using System.Globalization;

namespace SparseDsl.ScalingLaws;

/// <summary>Values for every constant of one law, by name (case-insensitive), in the law's order.</summary>
public sealed class ScalingParameters
{
    private readonly double[] _values;

    public ScalingParameters(ScalingLaw law, double[] values)
    {
        if (values.Length != law.Parameters.Length)
        {
            throw new ArgumentException($"{law.Name} has {law.Parameters.Length} parameters, got {values.Length} values.", nameof(values));
        }

        Law = law;
        _values = (double[])values.Clone();
    }

    public ScalingLaw Law { get; }

    /// <summary>A copy of the values in the law's parameter order.</summary>
    public double[] Values => (double[])_values.Clone();

    public double this[string name]
    {
        get
        {
            int i = Law.IndexOf(name);
            return i >= 0 ? _values[i] : throw new KeyNotFoundException($"{Law.Name} has no parameter '{name}'.");
        }
    }

    public double this[int index] => _values[index];

    public ScalingParameters With(string name, double value)
    {
        int i = Law.IndexOf(name);
        if (i < 0)
        {
            throw new KeyNotFoundException($"{Law.Name} has no parameter '{name}'.");
        }

        double[] copy = Values;
        copy[i] = value;
        return new ScalingParameters(Law, copy);
    }

    public IReadOnlyDictionary<string, double> ToDictionary()
    {
        var map = new Dictionary<string, double>(StringComparer.Ordinal);
        for (int i = 0; i < _values.Length; i++)
        {
            map[Law.Parameters[i].Name] = _values[i];
        }

        return map;
    }

    /// <summary>
    /// Parses "a=6.2554,alpha=0.35" (the --freeze syntax): comma-separated name=value pairs, names of
    /// <paramref name="law"/>'s parameters, invariant-culture numbers.
    /// </summary>
    public static IReadOnlyDictionary<string, double> ParseAssignments(ScalingLaw law, string? text, string optionName = "--freeze")
    {
        var map = new Dictionary<string, double>(StringComparer.OrdinalIgnoreCase);
        if (string.IsNullOrWhiteSpace(text))
        {
            return map;
        }

        string known = string.Join(", ", law.Parameters.Select(p => p.Name));
        foreach (string part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int eq = part.IndexOf('=');
            if (eq <= 0)
            {
                throw new ScalingLawException($"{optionName}: '{part}' is not name=value; write e.g. {optionName} a=6.2554,alpha=0.3527.");
            }

            string name = part[..eq].Trim();
            string valueText = part[(eq + 1)..].Trim();
            int index = law.IndexOf(name);
            if (index < 0)
            {
                throw new ScalingLawException($"{optionName}: {law.Name} has no parameter '{name}'; its parameters are {known}.");
            }

            if (!double.TryParse(valueText, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value))
            {
                throw new ScalingLawException($"{optionName}: '{valueText}' for {name} is not a finite number; write it like 6.2554 or 1e-3.");
            }

            map[law.Parameters[index].Name] = value;
        }

        return map;
    }

    public override string ToString() =>
        string.Join(", ", Law.Parameters.Select((p, i) => p.Name + "=" + _values[i].ToString("R", CultureInfo.InvariantCulture)));
}
