using System.Globalization;

namespace SparseDsl.Language;

/// <summary>Invariant formatting for numbers inside rule messages.</summary>
internal static class Numbers
{
    public static string Show(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    public static string Show(int value) => value.ToString(CultureInfo.InvariantCulture);
}
