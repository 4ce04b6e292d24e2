using System;
using System.Collections.Generic;

namespace SparseDsl.Language;

/// <summary>
/// Entry points of the SparseDsl expression language (grammar: docs/language.md). None of them throws: a
/// failure comes back as a <see cref="ParseError"/> with the 1-based column and length of the offending text.
/// </summary>
public static class Expressions
{
    /// <summary><c>unstructured</c>, <c>block 16x16</c>, <c>block 16</c>, <c>2:4</c>, <c>rows</c>.</summary>
    public static ParseResult<SparsityPatternSpec> ParsePattern(string text) => Run(text, "a pattern: unstructured, block 16x16, 2:4 or rows", PatternGrammar.Parse);

    /// <summary>A pattern and an optional sparsity: <c>unstructured 0.95</c>, <c>block 16x16 0.9</c>, <c>2:4</c>, <c>rows 50%</c>.</summary>
    public static ParseResult<SparseSpec> ParseSparse(string text) => Run(text, "a pattern: unstructured, block 16x16, 2:4 or rows", PatternGrammar.ParseSparse);

    /// <summary><c>adamw lr=1e-3 wd=1e-4 warmup=5% cosine</c>, <c>sgd lr=0.1 momentum=0.9 nesterov</c>.</summary>
    public static ParseResult<OptimizerSpec> ParseOptimizer(string text) => Run(text, "an optimizer: sgd or adamw", OptimizerGrammar.Parse);

    /// <summary><c>static</c>, <c>gmp ...</c>, <c>set ...</c>, <c>rigl ...</c>, <c>smet ...</c>.</summary>
    public static ParseResult<SparsityScheduleSpec> ParseSchedule(string text) => Run(text, "a schedule: static, gmp, set, rigl or smet", ScheduleGrammar.Parse);

    /// <summary>
    /// <c>0, 0.5, 0.9</c>, <c>1..3</c>, <c>1..16 x2</c>, <c>100k, 1M</c>, <c>uniform, erk</c>, <c>'rigl every=100', "set"</c>:
    /// numbers and ranges, or text, bare or quoted (quotes are needed only for a value with a comma or a quote).
    /// </summary>
    public static ParseResult<EquatableArray<GridValue>> ParseGridValues(string text) => RunGrid(text, GridGrammar.Parse);

    /// <summary>
    /// <paramref name="schedule"/> as a schedule expression in canonical form: the kind and every option it takes, in a
    /// fixed order (<c>rigl every=50 drop=0.3 cosine floor=0 start=0 until=75% grow=gradient</c>; smet's
    /// <c>warmup=</c> and <c>density-lr=</c> only when given). <see cref="ParseSchedule"/> reads it back as an equal spec.
    /// </summary>
    public static string Print(SparsityScheduleSpec schedule) => SchedulePrinter.Print(schedule);

    /// <summary>
    /// <paramref name="optimizer"/> as an optimizer expression in canonical form: the kind and every option it takes, with
    /// its value, in a fixed order (<c>adamw lr=0.001 betas=0.9,0.999 eps=1E-08 wd=0.01 warmup=0 constant min=0</c>).
    /// </summary>
    public static string Print(OptimizerSpec optimizer) => OptimizerPrinter.Print(optimizer);

    /// <summary>The defaults a schedule kind starts from before its options apply.</summary>
    public static SparsityScheduleSpec ScheduleDefaults(ScheduleKind kind) => ScheduleGrammar.Defaults(kind);

    /// <summary>
    /// Grid values with, for each value, the 1-based column and length of the item it came from (a range gives all
    /// its values the range's span), so a rule can point at one bad value.
    /// </summary>
    public static ParseResult<EquatableArray<(GridValue Value, int Column, int Length)>> ParseGridValuesWithSpans(string text) =>
        RunGrid(text, cursor =>
        {
            var spans = new List<(int Column, int Length)>();
            EquatableArray<GridValue> values = GridGrammar.ParseWithSpans(cursor, spans);
            var result = new (GridValue, int, int)[values.Count];
            for (int i = 0; i < values.Count; i++)
            {
                result[i] = (values[i], spans[i].Column, spans[i].Length);
            }

            return new EquatableArray<(GridValue Value, int Column, int Length)>(result);
        });

    private static ParseResult<T> RunGrid<T>(string text, Func<TokenCursor, T> grammar) =>
        Run(text, GridGrammar.Expected, grammar, source => new TokenCursor(source, Lexical.TokenizeGridValues(source)));

    private static ParseResult<T> Run<T>(string? text, string expected, Func<TokenCursor, T> grammar, Func<string, TokenCursor>? lex = null)
    {
        if (text is null || text.Trim().Length == 0)
        {
            return ParseResult<T>.Fail(new ParseError(1, 0, $"empty expression; expected {expected}", expected));
        }

        try
        {
            TokenCursor cursor = lex is null ? new TokenCursor(text) : lex(text);
            T value = grammar(cursor);
            cursor.ExpectEnd();
            return ParseResult<T>.Ok(value);
        }
        catch (ParseFailure failure)
        {
            return ParseResult<T>.Fail(failure.Error);
        }
        catch (Exception ex) when (ex is FormatException or OverflowException or ArgumentException or InvalidOperationException)
        {
            return ParseResult<T>.Fail(new ParseError(1, text.Length, "could not read the expression: " + ex.Message, expected));
        }
    }
}
