using System.Globalization;

namespace SparseDsl.Experiments;

/// <summary>The <c>--points</c> and <c>--shard</c> filters.</summary>
internal static class PointSelection
{
    public static IReadOnlyList<StudyPoint> Apply(IReadOnlyList<StudyPoint> points, string? filter, string? shard)
    {
        IEnumerable<StudyPoint> selected = points;
        if (!string.IsNullOrWhiteSpace(filter))
        {
            var wanted = new List<StudyPoint>();
            foreach (string token in filter.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var match = int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out int index) && index < points.Count
                    ? points[index]
                    : points.SingleOrDefault(p => p.Id.StartsWith(token, StringComparison.OrdinalIgnoreCase))
                        ?? throw new UserInputException($"--points: '{token}' is neither a point index (0..{points.Count - 1}) nor a unique run id prefix; see `list`");
                wanted.Add(match);
            }

            selected = wanted.Distinct();
        }

        if (!string.IsNullOrWhiteSpace(shard))
        {
            var parts = shard.Split('/');
            if (parts.Length != 2
                || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int i)
                || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int n)
                || n <= 0 || i >= n)
            {
                throw new UserInputException($"--shard '{shard}' must be i/n with 0 <= i < n, e.g. 0/4");
            }

            selected = selected.Where(p => p.Index % n == i);
        }

        return selected.ToList();
    }
}
