namespace SparseDsl.Experiments;

/// <summary>
/// An [Experiment] the generator did not turn into a program because it uses what this version cannot run yet
/// (SPD401): running it prints <see cref="Reason"/> instead of training something other than what was declared.
/// </summary>
public sealed record UnavailableStudy(string Name, string Reason);
