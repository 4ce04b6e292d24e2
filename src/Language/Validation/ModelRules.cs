using System;
using System.Collections.Generic;
using System.Text.RegularExpressions;
using static SparseDsl.Language.DiagnosticCatalog;
using static SparseDsl.Language.Numbers;

namespace SparseDsl.Language;

/// <summary>
/// The rules a [SparseModel] must satisfy, as far as its <see cref="ModelSpec"/> carries the facts:
/// SPD003, 004, 006 and 101–108.
/// </summary>
public static partial class ModelRules
{
    private const string SparseModel = "SparseModel";
    private const string Sparse = "Sparse";

    /// <summary>
    /// SPD007: a class declares layers ([Input], [Dense]) but is not a [SparseModel], so nothing would implement
    /// them (the compiler's CS9248 on every layer) and no experiment could name it.
    /// </summary>
    public static Violation LayersOutsideModel(string typeFullName, string typeName, string firstLayer, string layerAttribute) =>
        new(
            DiagnosticCatalog.LayersOutsideModel,
            $"'{typeName}' declares layers ('{firstLayer}' first) but is not a [SparseModel]; add [SparseModel] to the class (e.g. [SparseModel(Loss = Loss.SoftmaxCrossEntropy)])",
            new ViolationTarget(typeFullName, MemberName: firstLayer, Attribute: layerAttribute));

    /// <summary>
    /// SPD008: SparseDsl adds the generated half of a [SparseModel] or [Experiment] as a top-level, non-generic partial
    /// class in the type's namespace; a nested or generic class cannot take it. Null when the type fits.
    /// </summary>
    public static Violation? TypeNotTopLevel(string typeFullName, string attribute, string typeName, string? containingType, bool isGeneric) =>
        containingType is null && !isGeneric
            ? null
            : new Violation(
                DiagnosticCatalog.TypeNotTopLevel,
                containingType is not null
                    ? $"[{attribute}] class '{typeName}' is nested in '{containingType}'; SparseDsl generates code only for top-level classes, so move '{typeName}' out of '{containingType}' into the namespace"
                    : $"[{attribute}] class '{typeName}' is generic; SparseDsl generates code only for non-generic classes, so remove its type parameters",
                new ViolationTarget(typeFullName));

    public static IReadOnlyList<Violation> Validate(ModelSpec model)
    {
        var found = new List<Violation>();
        var type = new ViolationTarget(model.FullName);
        if (HasTokenLayers(model))
        {
            TokenModel(model, type, found);
        }
        else
        {
            Structure(model, type, found);
            IReadOnlyList<LayerShape> shapes = ModelShapes.Of(model);
            for (int i = 0; i < model.Layers.Count; i++)
            {
                Layer(model.Layers[i], shapes[i], type, found);
            }
        }

        if (!(model.Sparsity >= 0 && model.Sparsity < 1))
        {
            found.Add(new Violation(
                SparsityOutOfRange,
                $"Sparsity {Show(model.Sparsity)} of model '{model.Name}' must be in [0, 1); use a value like 0.9 (0 is dense)",
                type with { Attribute = SparseModel, ArgumentName = "Sparsity" }));
        }
        else if (!found.Exists(v => v.IsError))
        {
            DensityPlan plan = LayerDensities.Compute(model);
            if (!plan.Success)
            {
                found.Add(new Violation(
                    DistributionCannotReachTarget,
                    $"Model '{model.Name}': {plan.Failure}",
                    type with { Attribute = SparseModel, ArgumentName = "Sparsity" }));
            }
        }

        return found;
    }

    private static void Structure(ModelSpec model, ViolationTarget type, List<Violation> found)
    {
        if (model.Layers.Count == 0)
        {
            found.Add(new Violation(InvalidLayerOrder, $"Model '{model.Name}' declares no layers; declare an [Input(n)] property first, then [Dense(units)] layers", type));
            return;
        }

        LayerSpec first = model.Layers[0];
        if (first.Kind != LayerKind.Input)
        {
            found.Add(new Violation(
                InvalidLayerOrder,
                $"The first layer of model '{model.Name}' is '{first.Name}', not an [Input]; declare an [Input(n)] property before it",
                type with { MemberName = first.Name }));
        }

        for (int i = 1; i < model.Layers.Count; i++)
        {
            LayerSpec layer = model.Layers[i];
            if (layer.Kind == LayerKind.Input)
            {
                found.Add(new Violation(
                    InvalidLayerOrder,
                    $"[Input] layer '{layer.Name}' of model '{model.Name}' comes after '{model.Layers[i - 1].Name}'; a model has one [Input], declared first",
                    type with { MemberName = layer.Name, Attribute = "Input" }));
            }
        }

        LayerSpec last = model.Layers[model.Layers.Count - 1];
        if (last.Kind == LayerKind.Input)
        {
            if (model.Layers.Count == 1)
            {
                found.Add(new Violation(
                    InvalidLayerOrder,
                    $"Model '{model.Name}' has only its [Input] '{last.Name}'; add at least one [Dense(units)] layer after it",
                    type with { MemberName = last.Name, Attribute = "Input" }));
            }

            return;
        }

        if (model.Loss == Loss.NextToken)
        {
            found.Add(new Violation(
                LossDoesNotFitOutput,
                $"Loss.NextToken needs a language model ([Embedding], [TransformerBlock], [LayerNorm], [Unembedding]); model '{model.Name}' is an [Input] + [Dense] network, so use Loss.SoftmaxCrossEntropy",
                type with { Attribute = SparseModel, ArgumentName = "Loss" }));
        }
        else if (model.Loss == Loss.SoftmaxCrossEntropy && last.Units == 1)
        {
            // A softmax over one unit is constant, so nothing is learned.
            found.Add(new Violation(
                LossDoesNotFitOutput,
                $"{model.Loss} needs at least 2 output units, but output layer '{last.Name}' has 1; give it one unit per class or use Loss.MeanSquaredError",
                type with { Attribute = SparseModel, ArgumentName = "Loss" }));
        }
    }

    private static void Layer(LayerSpec layer, LayerShape shape, ViolationTarget type, List<Violation> found)
    {
        ViolationTarget member = type with { MemberName = layer.Name };
        string layerAttribute = layer.Kind == LayerKind.Input ? "Input" : "Dense";
        if (layer.Units <= 0)
        {
            found.Add(new Violation(
                LayerSizeNotPositive,
                $"Layer '{layer.Name}' has size {Show(layer.Units)}; a layer needs at least 1 unit, e.g. [{layerAttribute}(128)]",
                member with { Attribute = layerAttribute, ArgumentIndex = 0 }));
        }

        SparsityPatternSpec? pattern = layer.Pattern;
        ViolationTarget sparse = member with { Attribute = Sparse, ArgumentIndex = 0 };
        if (layer.PatternText is string text)
        {
            // The string may carry the sparsity too ("block 16x16 0.9"), as DESIGN.md writes it.
            ParseResult<SparseSpec> parsed = Expressions.ParseSparse(text);
            if (!PatternParses(layer, text, parsed, sparse, found))
            {
                return;
            }

            pattern ??= parsed.Value!.Pattern;
            if (parsed.Value!.Sparsity is double inText && layer.Sparsity is double given && Math.Abs(inText - given) > 1e-12)
            {
                found.Add(new Violation(
                    SparsityContradictsPattern,
                    $"Layer '{layer.Name}' gives its sparsity twice: {Show(inText)} in \"{text}\" and {Show(given)} as the second argument; give it once",
                    member with { Attribute = Sparse, ArgumentIndex = 1 }));
            }
        }

        bool hasSparse = pattern is not null || layer.Sparsity is not null;
        if (hasSparse && !shape.HasWeights)
        {
            found.Add(new Violation(
                SparseOnLayerWithoutWeights,
                $"[Input] layer '{layer.Name}' has no weights to make sparse; remove [Sparse] or put it on a [Dense] layer",
                member with { Attribute = Sparse }));
            return;
        }

        if (hasSparse && SparseOnKeepDense(layer, member, found))
        {
            return;
        }

        SparsityInRange(layer, member, found);
        if (pattern is null || layer.Units <= 0 || shape.In <= 0)
        {
            return;
        }

        PatternFitsLayer(layer, shape, pattern, BlockSizeTarget(layer, sparse), sparse, member, found);
    }

    /// <summary>SPD102 when the [Sparse] string <paramref name="text"/> did not parse (<paramref name="parsed"/>); false then.</summary>
    private static bool PatternParses(LayerSpec layer, string text, ParseResult<SparseSpec> parsed, ViolationTarget sparse, List<Violation> found)
    {
        if (parsed.Success)
        {
            return true;
        }

        ParseError error = parsed.Error!;
        found.Add(new Violation(PatternDoesNotParse, $"Sparsity pattern \"{text}\" of layer '{layer.Name}' does not parse at column {error.Column}: {error.Message}", sparse.At(error.Column, error.Length)));
        return false;
    }

    /// <summary>SPD109 for a layer with [Sparse] that is also [KeepDense]; true when reported.</summary>
    private static bool SparseOnKeepDense(LayerSpec layer, ViolationTarget member, List<Violation> found)
    {
        if (!layer.KeepDense)
        {
            return false;
        }

        // Otherwise one of the two would be ignored without a word: the layer trains dense, or sparse.
        found.Add(new Violation(
            SparseOnKeepDenseLayer,
            $"Layer '{layer.Name}' is both [KeepDense] and [Sparse]; remove [KeepDense] to make it sparse as [Sparse] says, or remove [Sparse] to keep it dense",
            member with { Attribute = "KeepDense" }));
        return true;
    }

    /// <summary>SPD101 for a [Sparse] sparsity outside [0, 1); true when reported.</summary>
    private static bool SparsityInRange(LayerSpec layer, ViolationTarget member, List<Violation> found)
    {
        if (layer.Sparsity is not double sparsity || (sparsity >= 0 && sparsity < 1))
        {
            return false;
        }

        found.Add(new Violation(
            SparsityOutOfRange,
            $"Sparsity {Show(sparsity)} of layer '{layer.Name}' must be in [0, 1); use a value like 0.9",
            member with { Attribute = Sparse, ArgumentIndex = 1 }));
        return true;
    }

    /// <summary>
    /// SPD103, SPD104 and SPD108: whether <paramref name="pattern"/> fits the weight matrix of <paramref name="layer"/>
    /// (a block must divide it and not exceed it; N:M needs 1 &lt;= N &lt; M with M dividing the inputs, and agrees with
    /// the layer's own sparsity). Block sizes are reported at <paramref name="blockSize"/>, the rest at
    /// <paramref name="sparse"/>, a contradicting sparsity at <paramref name="member"/>'s [Sparse] argument 1.
    /// </summary>
    internal static void PatternFitsLayer(
        LayerSpec layer, LayerShape shape, SparsityPatternSpec pattern, ViolationTarget blockSize, ViolationTarget sparse, ViolationTarget member, List<Violation> found)
    {
        switch (pattern.Kind)
        {
            case PatternKind.Block:
                Block(layer, shape, pattern, blockSize, found);
                break;
            case PatternKind.NOfM:
                NOfM(layer, shape, pattern, sparse, member, found);
                break;
        }
    }

    private static void Block(LayerSpec layer, LayerShape shape, SparsityPatternSpec pattern, ViolationTarget sparse, List<Violation> found)
    {
        if (pattern.BlockRows <= 0 || pattern.BlockCols <= 0)
        {
            found.Add(new Violation(
                BlockDoesNotDivideLayer,
                $"Block {pattern.BlockRows}x{pattern.BlockCols} of layer '{layer.Name}' must have positive sides; use e.g. block 16x16",
                sparse));
            return;
        }

        if (pattern.BlockRows > shape.Out || pattern.BlockCols > shape.In)
        {
            found.Add(new Violation(
                BlockLargerThanLayer,
                $"Block {pattern.BlockRows}x{pattern.BlockCols} is larger than layer '{layer.Name}' ({shape.Out} outputs x {shape.In} inputs); use a block of at most {shape.Out}x{shape.In}",
                sparse));
            return;
        }

        if (shape.Out % pattern.BlockRows != 0 || shape.In % pattern.BlockCols != 0)
        {
            string snapped = NearestDivisor(shape.Out, pattern.BlockRows) + "x" + NearestDivisor(shape.In, pattern.BlockCols);
            found.Add(new Violation(
                BlockDoesNotDivideLayer,
                $"Block {pattern.BlockRows}x{pattern.BlockCols} does not divide layer '{layer.Name}' ({shape.Out} outputs x {shape.In} inputs); block rows must divide {shape.Out} and block columns must divide {shape.In}, e.g. block {snapped}",
                sparse,
                // The code fix writes the snapped size over the size as written, when the target is that size.
                sparse.Column is null ? null : snapped));
        }
    }

    private static void NOfM(LayerSpec layer, LayerShape shape, SparsityPatternSpec pattern, ViolationTarget sparse, ViolationTarget member, List<Violation> found)
    {
        if (pattern.N < 1 || pattern.N >= pattern.M)
        {
            found.Add(new Violation(
                InvalidNOfM,
                $"Pattern {pattern.N}:{pattern.M} of layer '{layer.Name}' needs 1 <= N < M; use e.g. 2:4",
                sparse));
            return;
        }

        if (shape.In % pattern.M != 0)
        {
            found.Add(new Violation(
                InvalidNOfM,
                $"M = {pattern.M} of pattern {pattern.N}:{pattern.M} does not divide the {shape.In} inputs of layer '{layer.Name}'; choose an M that divides {shape.In}",
                sparse));
        }

        // The pattern fixes the density exactly; a sparsity that restates it rounded (0.667 for 1:3) agrees with it.
        if (layer.Sparsity is double sparsity && sparsity >= 0 && sparsity < 1 && Math.Abs(1 - sparsity - pattern.FixedDensity!.Value) > NOfMTolerance)
        {
            double implied = 1 - pattern.FixedDensity!.Value;
            found.Add(new Violation(
                SparsityContradictsPattern,
                $"Sparsity {Show(sparsity)} of layer '{layer.Name}' contradicts pattern {pattern.N}:{pattern.M}, which fixes sparsity {Show(implied)}; remove the sparsity argument or write {Show(implied)}",
                member with { Attribute = Sparse, ArgumentIndex = 1 }));
        }
    }

    /// <summary>The divisor of <paramref name="n"/> closest to <paramref name="wanted"/> (the smaller one on a tie).</summary>
    internal static int NearestDivisor(int n, int wanted)
    {
        int best = 1;
        for (int d = 1; d <= n; d++)
        {
            if (n % d == 0 && Math.Abs(d - wanted) < Math.Abs(best - wanted))
            {
                best = d;
            }
        }

        return best;
    }

    /// <summary>
    /// The block size as written inside the pattern string (<c>16x16</c> in <c>"block 16x16 0.9"</c>), so SPD103
    /// underlines it and its fix replaces just it; the whole argument when the text is not at hand.
    /// </summary>
    private static ViolationTarget BlockSizeTarget(LayerSpec layer, ViolationTarget sparse)
    {
        Match size = layer.PatternText is string text ? BlockSize.Match(text) : Match.Empty;
        return size.Success ? sparse.At(size.Groups[1].Index + 1, size.Groups[1].Length) : sparse;
    }

    /// <summary>How far a stated sparsity may be from the one an N:M pattern fixes: three decimals of rounding.</summary>
    private const double NOfMTolerance = 5e-4;

    private static readonly Regex BlockSize = new(@"^\s*block\s+(\d+(?:\s*[xX]\s*\d+)?)", RegexOptions.CultureInvariant);
}
