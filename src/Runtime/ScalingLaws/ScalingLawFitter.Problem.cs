namespace SparseDsl.ScalingLaws;

public static partial class ScalingLawFitter
{
    /// <summary>
    /// The fixed part of a fit: which constants are frozen by the user, whether β follows α, and the map between
    /// the optimizer's coordinates (log for positive constants) and the constants.
    /// </summary>
    private sealed class Problem
    {
        private Problem(ScalingLaw law, bool tied, int follower, int leader, Dictionary<int, double> frozen, double delta)
        {
            Law = law;
            Tied = tied;
            Follower = follower;
            Leader = leader;
            Frozen = frozen;
            HuberDelta = delta;
            AllFree = Enumerable.Range(0, law.Parameters.Length)
                .Where(i => !frozen.ContainsKey(i) && !(tied && i == follower))
                .ToArray();
        }

        public ScalingLaw Law { get; }

        public bool Tied { get; }

        public int Follower { get; }

        public int Leader { get; }

        public Dictionary<int, double> Frozen { get; }

        public double HuberDelta { get; }

        public int[] AllFree { get; }

        public static Problem Create(ScalingLaw law, FitOptions options)
        {
            var frozen = new Dictionary<int, double>();
            foreach ((string name, double value) in options.Frozen)
            {
                int i = law.IndexOf(name);
                if (i < 0)
                {
                    throw new ScalingLawException(
                        $"--freeze: {law.Name} has no parameter '{name}'; its parameters are {string.Join(", ", law.Parameters.Select(p => p.Name))}.");
                }

                if (!double.IsFinite(value))
                {
                    throw new ScalingLawException($"--freeze: {name}={value} is not a finite number.");
                }

                if (law.Parameters[i].Transform == ParameterTransform.Log && value <= 0.0)
                {
                    throw new ScalingLawException($"--freeze: {name} must be positive; got {Format(value)}.");
                }

                frozen[i] = value;
            }

            bool tied = law.TiePair is not null && (options.TieExponents ?? law.TiesByDefault);
            int follower = -1;
            int leader = -1;
            if (law.TiePair is { } pair)
            {
                follower = law.IndexOf(pair.Follower);
                leader = law.IndexOf(pair.Leader);
            }

            if (tied)
            {
                bool hasF = frozen.TryGetValue(follower, out double fv);
                bool hasL = frozen.TryGetValue(leader, out double lv);
                if (hasF && hasL && Math.Abs(fv - lv) > 1e-12 * Math.Abs(lv))
                {
                    throw new ScalingLawException(
                        $"--freeze: alpha={Format(lv)} and beta={Format(fv)} differ but β is tied to α; freeze one of them or fit with untied exponents.");
                }

                if (hasF && !hasL)
                {
                    frozen[leader] = fv;
                }

                if (frozen.TryGetValue(leader, out double l))
                {
                    frozen[follower] = l;
                }
            }

            return new Problem(law, tied, follower, leader, frozen, options.HuberDelta);
        }

        /// <summary>Published constants with the frozen ones and the tie applied.</summary>
        public double[] InitialValues()
        {
            double[] values = Law.Parameters.Select(p => p.Published).ToArray();
            foreach ((int i, double v) in Frozen)
            {
                values[i] = v;
            }

            ApplyTie(values);
            return values;
        }

        public void ApplyTie(double[] values)
        {
            if (Tied)
            {
                values[Follower] = values[Leader];
            }
        }

        public double ToInternal(int index, double value) =>
            Law.Parameters[index].Transform == ParameterTransform.Log ? Math.Log(value) : value;

        public double ToNatural(int index, double z) =>
            Law.Parameters[index].Transform == ParameterTransform.Log ? Math.Exp(z) : z;

        /// <summary>Constants from <paramref name="baseValues"/> with the free ones set from <paramref name="z"/>.</summary>
        public void Expand(double[] baseValues, int[] free, ReadOnlySpan<double> z, double[] into)
        {
            Array.Copy(baseValues, into, baseValues.Length);
            for (int j = 0; j < free.Length; j++)
            {
                into[free[j]] = ToNatural(free[j], z[j]);
            }

            ApplyTie(into);
        }

        public string CoordinateName(int index) =>
            Law.Parameters[index].Transform == ParameterTransform.Log
                ? "log " + Law.Parameters[index].Name
                : Law.Parameters[index].Name;
    }
}
