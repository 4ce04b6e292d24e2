namespace SparseDsl.Language.Tests.Expressions;

using System.Collections.Generic;
using System.Globalization;
using SparseDsl.Language;
using E = SparseDsl.Language.Expressions;

/// <summary><c>Expressions.Print</c>: one canonical text per schedule, which parses back to an equal spec.</summary>
public class SchedulePrinterTests
{
    private static SparsityScheduleSpec Ok(string text)
    {
        ParseResult<SparsityScheduleSpec> result = E.ParseSchedule(text);
        Assert.True(result.Success, text + ": " + result.Error);
        return result.Value!;
    }

    /// <summary>Every kind, alone and with each of its options (every value form: steps, percentages, flags, growth).</summary>
    public static TheoryData<string> EveryKindAndOption()
    {
        var data = new TheoryData<string> { "static", "gmp to=0.9", "gmp to=0.975", "set", "rigl", "smet" };
        foreach (string option in new[] { "every=7", "from=0.25", "start=3", "start=12.5%", "end=900", "end=66.7%" })
        {
            data.Add("gmp to=0.9 " + option);
        }

        var dynamicOptions = new List<string>
        {
            "every=1", "every=250", "drop=0.25", "drop=1e-3", "constant", "cosine", "floor=0.01", "floor=0",
            "start=0", "start=500", "start=10%", "start=0.1%", "until=15000", "until=33.3%", "until=75%", "until=100%",
            "grow=random", "grow=gradient", "grow=momentum",
        };
        foreach (string kind in new[] { "set", "rigl", "smet" })
        {
            foreach (string option in dynamicOptions)
            {
                data.Add(kind + " " + option);
            }
        }

        foreach (string option in new[] { "warmup=1", "warmup=100", "density-lr=0", "density-lr=0.5", "density-lr=1", "warmup=20 density-lr=0.3" })
        {
            data.Add("smet " + option);
        }

        data.Add("gmp from=0.1 to=0.95 start=5% end=12345 every=33");
        data.Add("rigl every=50 drop=0.35 constant floor=0.001 start=7.5% until=0.6e4 grow=momentum");
        data.Add("smet every=10 drop=0.2 cosine floor=0.005 start=1% until=99.9% grow=gradient warmup=64 density-lr=0.25");
        return data;
    }

    [Theory]
    [MemberData(nameof(EveryKindAndOption))]
    public void PrintedSchedule_ParsesBackToAnEqualSpec(string text)
    {
        SparsityScheduleSpec spec = Ok(text);
        string printed = E.Print(spec);

        Assert.Equal(spec, Ok(printed));
        Assert.Equal(printed, E.Print(Ok(printed)));
    }

    [Theory]
    [InlineData("static", "static")]
    [InlineData("gmp to=0.9", "gmp from=0 to=0.9 start=10% end=80% every=100")]
    [InlineData("set", "set every=100 drop=0.3 constant floor=0 start=0 until=100% grow=random")]
    [InlineData("rigl every=50", "rigl every=50 drop=0.3 cosine floor=0 start=0 until=75% grow=gradient")]
    [InlineData("smet", "smet every=100 drop=0.2 cosine floor=0.005 start=0 until=100% grow=random")]
    [InlineData("smet density-lr=0.5 warmup=10", "smet every=100 drop=0.2 cosine floor=0.005 start=0 until=100% grow=random warmup=10 density-lr=0.5")]
    [InlineData("set   until=12.5%  every=1e3", "set every=1000 drop=0.3 constant floor=0 start=0 until=12.5% grow=random")]
    public void Schedule_PrintsEveryOptionInAFixedOrder(string text, string canonical) => Assert.Equal(canonical, E.Print(Ok(text)));

    [Fact]
    public void SchedulesThatMeanTheSame_PrintTheSame() =>
        Assert.Equal(E.Print(Ok("rigl")), E.Print(Ok("rigl cosine grow=gradient until=75% drop=0.3 every=100")));

    [Fact]
    public void OptionChangedInTheSpec_PrintsTheNewValue() =>
        Assert.Equal(
            "rigl every=25 drop=0.1 cosine floor=0 start=0 until=75% grow=gradient",
            E.Print(Ok("rigl every=100 drop=0.3") with { Every = 25, Drop = 0.1 }));

    [Fact]
    public void Numbers_PrintInTheInvariantCultureWhateverTheCurrentOne()
    {
        CultureInfo before = CultureInfo.CurrentCulture;
        try
        {
            // A culture that writes 0,25 and a Unicode minus (globalization-invariant mode forbids named cultures).
            var odd = (CultureInfo)CultureInfo.InvariantCulture.Clone();
            odd.NumberFormat.NumberDecimalSeparator = ",";
            odd.NumberFormat.NegativeSign = "\u2212";
            CultureInfo.CurrentCulture = odd;
            Assert.Equal("set every=-1 drop=0.25 constant floor=0 start=0 until=12.5% grow=random", E.Print(Ok("set every=-1 drop=0.25 until=12.5%")));
        }
        finally
        {
            CultureInfo.CurrentCulture = before;
        }
    }
}
