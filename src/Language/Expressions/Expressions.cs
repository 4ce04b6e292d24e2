using System;

namespace SparseDsl.Language;

/// <summary>Entry points of the SparseDsl expression language (grammar: docs/language.md).</summary>
public static class Expressions
{
    /// <summary><c>unstructured</c>, <c>block 16x16</c>, <c>2:4</c>, <c>rows</c>.</summary>
    public static ParseResult<SparsityPatternSpec> ParsePattern(string text) => throw new NotImplementedException();

    /// <summary><c>adamw lr=1e-3 wd=1e-4 warmup=5% cosine</c>, <c>sgd lr=0.1 momentum=0.9 nesterov</c>.</summary>
    public static ParseResult<OptimizerSpec> ParseOptimizer(string text) => throw new NotImplementedException();

    /// <summary><c>static</c>, <c>gmp ...</c>, <c>set ...</c>, <c>rigl ...</c>, <c>smet ...</c>.</summary>
    public static ParseResult<SparsityScheduleSpec> ParseSchedule(string text) => throw new NotImplementedException();

    /// <summary><c>0, 0.5, 0.9</c>, <c>1..3</c>, <c>1..16 x2</c>, <c>100k, 1M</c>, <c>"erk", "uniform"</c>.</summary>
    public static ParseResult<EquatableArray<GridValue>> ParseGridValues(string text) => throw new NotImplementedException();
}
