namespace SparseDsl.ScalingLaws;

/// <summary>
/// A problem with the user's input (a CSV cell, a --freeze list, a --holdout expression, an empty stage).
/// The message is one line that names the input and the fix; command lines print it and exit with code 2.
/// </summary>
public sealed class ScalingLawException(string message) : Exception(message);
