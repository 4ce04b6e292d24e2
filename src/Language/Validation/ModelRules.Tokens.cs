using System;
using System.Collections.Generic;
using System.Linq;
using static SparseDsl.Language.DiagnosticCatalog;
using static SparseDsl.Language.Numbers;

namespace SparseDsl.Language;

/// <summary>The rules of a language model: SPD003 (its layers), SPD004, SPD006, SPD009–011, SPD107 and the pattern rules on its blocks.</summary>
public static partial class ModelRules
{
    private static readonly LayerKind[] TokenOrder = [LayerKind.Embedding, LayerKind.TransformerBlock, LayerKind.LayerNorm, LayerKind.Unembedding];

    private static bool IsTokenLayer(LayerKind kind) => Array.IndexOf(TokenOrder, kind) >= 0;

    private static bool HasTokenLayers(ModelSpec model) => model.Layers.Any(l => IsTokenLayer(l.Kind));

    private static string AttributeOf(LayerKind kind) => kind.ToString();

    private static void TokenModel(ModelSpec model, ViolationTarget type, List<Violation> found)
    {
        if (!TokenStructure(model, type, found))
        {
            return;
        }

        LayerSpec embedding = model.Layers[0];
        LayerSpec blocks = model.Layers[1];
        LayerSpec head = model.Layers[3];
        EmbeddingSpec tokens = embedding.Embedding!;
        BlockSpec block = blocks.Block!;
        ViolationTarget embeddingMember = type with { MemberName = embedding.Name, Attribute = "Embedding" };
        ViolationTarget blockMember = type with { MemberName = blocks.Name, Attribute = "TransformerBlock" };
        Positive(tokens.Vocab, "vocab", embeddingMember with { ArgumentIndex = 0 }, "[Embedding(vocab: 256, dim: 128)]", found);
        Positive(embedding.Units, "dim", embeddingMember with { ArgumentIndex = 1 }, "[Embedding(vocab: 256, dim: 128)]", found);
        Positive(tokens.Context, "Context", embeddingMember with { ArgumentName = "Context" }, "Context = 128", found);
        Positive(block.Heads, "heads", blockMember with { ArgumentIndex = 0 }, "[TransformerBlock(heads: 4)]", found);
        Positive(block.MlpRatio, "MlpRatio", blockMember with { ArgumentName = "MlpRatio" }, "MlpRatio = 4", found);
        Positive(block.Count, "Count", blockMember with { ArgumentName = "Count" }, "Count = 4", found);
        if (tokens.Vocab == 1 && model.Loss == Loss.NextToken)
        {
            found.Add(new Violation(
                LossDoesNotFitOutput,
                $"Loss.NextToken needs a vocabulary of at least 2 tokens, but [Embedding] '{embedding.Name}' has vocab 1; use the tokenizer's vocabulary (256 for bytes)",
                embeddingMember with { ArgumentIndex = 0 }));
        }

        if (block.Heads > 0 && embedding.Units > 0)
        {
            if (embedding.Units % block.Heads != 0)
            {
                found.Add(new Violation(
                    HeadsDoNotDivideWidth,
                    $"{block.Heads} heads do not divide the width {embedding.Units} of '{blocks.Name}'; use a head count that divides {embedding.Units}, e.g. {NearestDivisor(embedding.Units, block.Heads)}",
                    blockMember with { ArgumentIndex = 0 }));
            }
            else if (block.IsRotary && embedding.Units / block.Heads % 2 != 0)
            {
                found.Add(new Violation(
                    HeadsDoNotDivideWidth,
                    $"Rotary positions rotate pairs of features, but the heads of '{blocks.Name}' are {embedding.Units / block.Heads} wide (odd); use a head count that leaves an even head width, or Positions = \"learned\"",
                    blockMember with { ArgumentIndex = 0 }));
            }
        }

        Option(block.Mlp, BlockSpec.MlpKinds, "Mlp", blocks.Name, blockMember with { ArgumentName = "Mlp" }, found);
        Option(block.Norm, BlockSpec.NormKinds, "Norm", blocks.Name, blockMember with { ArgumentName = "Norm" }, found);
        Option(block.Positions, BlockSpec.PositionKinds, "Positions", blocks.Name, blockMember with { ArgumentName = "Positions" }, found);
        if (model.SparseTarget is not null)
        {
            Option(model.SparseTarget, SparseTargets.Names, "Target", model.Name, type with { Attribute = SparseModel, ArgumentName = "Target" }, found);
        }

        if (blocks.SparseTarget is not null)
        {
            Option(blocks.SparseTarget, SparseTargets.Names, "Target", blocks.Name, type with { MemberName = blocks.Name, Attribute = Sparse, ArgumentName = "Target" }, found);
        }

        if (head.TiedTo is string tied && tied != embedding.Name)
        {
            found.Add(new Violation(
                TiedToInvalid,
                $"TiedTo = \"{tied}\" of [Unembedding] '{head.Name}' does not name the model's [Embedding] '{embedding.Name}'; write TiedTo = nameof({embedding.Name}), or leave TiedTo out for a head with its own matrix",
                type with { MemberName = head.Name, Attribute = "Unembedding", ArgumentName = "TiedTo" }));
        }

        if (model.Loss != Loss.NextToken)
        {
            found.Add(new Violation(
                LossDoesNotFitOutput,
                $"Model '{model.Name}' is a language model, so it trains with Loss.NextToken, not {model.Loss}; declare [SparseModel(Loss = Loss.NextToken)]",
                type with { Attribute = SparseModel, ArgumentName = "Loss" }));
        }

        foreach (LayerSpec layer in model.Layers)
        {
            TokenLayerSparsity(model, layer, type, found);
        }
    }

    /// <summary>SPD003: [Embedding], [TransformerBlock], [LayerNorm], [Unembedding], once each and in that order; false when not.</summary>
    private static bool TokenStructure(ModelSpec model, ViolationTarget type, List<Violation> found)
    {
        const string Expected = "[Embedding], [TransformerBlock], [LayerNorm], [Unembedding], one each and in that order";
        LayerSpec? other = model.Layers.FirstOrDefault(l => !IsTokenLayer(l.Kind));
        if (other is not null)
        {
            found.Add(new Violation(
                InvalidLayerOrder,
                $"Model '{model.Name}' mixes language-model layers with [{AttributeOf(other.Kind)}] '{other.Name}'; a language model is {Expected}, and an [Input] + [Dense] network has none of them",
                type with { MemberName = other.Name }));
            return false;
        }

        for (int i = 0; i < Math.Max(model.Layers.Count, TokenOrder.Length); i++)
        {
            if (i >= model.Layers.Count)
            {
                found.Add(new Violation(
                    InvalidLayerOrder,
                    $"Language model '{model.Name}' has no [{AttributeOf(TokenOrder[i])}] layer; a language model is {Expected}",
                    type));
                return false;
            }

            LayerSpec layer = model.Layers[i];
            if (i >= TokenOrder.Length || layer.Kind != TokenOrder[i])
            {
                string expected = i < TokenOrder.Length ? $"[{AttributeOf(TokenOrder[i])}]" : "no layer";
                found.Add(new Violation(
                    InvalidLayerOrder,
                    $"Layer {i + 1} of language model '{model.Name}' is [{AttributeOf(layer.Kind)}] '{layer.Name}' where {expected} belongs; a language model is {Expected}",
                    type with { MemberName = layer.Name, Attribute = AttributeOf(layer.Kind) }));
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// [Sparse] belongs on the [TransformerBlock] (SPD107 elsewhere: the embedding, norm and head stay dense), not with
    /// [KeepDense] (SPD109), and its pattern must fit every matrix it reaches (SPD103, 104, 108).
    /// </summary>
    private static void TokenLayerSparsity(ModelSpec model, LayerSpec layer, ViolationTarget type, List<Violation> found)
    {
        ViolationTarget member = type with { MemberName = layer.Name };
        ViolationTarget sparse = member with { Attribute = Sparse, ArgumentIndex = 0 };
        bool hasSparse = layer.PatternText is not null || layer.Pattern is not null || layer.Sparsity is not null;
        if (!hasSparse)
        {
            return;
        }

        if (layer.Kind != LayerKind.TransformerBlock)
        {
            found.Add(new Violation(
                SparseOnLayerWithoutWeights,
                $"[{AttributeOf(layer.Kind)}] layer '{layer.Name}' stays dense (embeddings, norms and the head are not sparsified); remove [Sparse] or put it on the [TransformerBlock]",
                member with { Attribute = Sparse }));
            return;
        }

        if (SparseOnKeepDense(layer, member, found)
            || (layer.PatternText is string text && !PatternParses(layer, text, Expressions.ParseSparse(text), sparse, found))
            || SparsityInRange(layer, member, found))
        {
            return;
        }

        if (layer.Pattern is not { } pattern)
        {
            return;
        }

        // One check per distinct matrix shape the pattern reaches (q/k/v/o, up/gate, down).
        var seen = new HashSet<(int In, int Out)>();
        foreach (WeightMatrix matrix in ModelMatrices.Of(model).Where(m => m.Layer == layer.Name && m.Pattern is not null))
        {
            if (seen.Add((matrix.In, matrix.Out)) && matrix.In > 0 && matrix.Out > 0)
            {
                var named = layer with { Name = $"{layer.Name} ({matrix.Name.Substring(matrix.Name.LastIndexOf('.') + 1)})" };
                PatternFitsLayer(named, new LayerShape(named.Name, LayerKind.Dense, matrix.In, matrix.Out), pattern, sparse, sparse, member, found);
            }
        }
    }

    private static void Positive(int value, string name, ViolationTarget target, string example, List<Violation> found)
    {
        if (value <= 0)
        {
            found.Add(new Violation(LayerSizeNotPositive, $"{name} is {Show(value)}; it must be at least 1, e.g. {example}", target));
        }
    }

    private static void Option(string value, string[] known, string option, string owner, ViolationTarget target, List<Violation> found)
    {
        if (Array.IndexOf(known, value) < 0)
        {
            found.Add(new Violation(
                OptionValueUnknown,
                $"{option} = \"{value}\" of '{owner}' is not one of {string.Join(", ", known.Select(k => "\"" + k + "\""))}; use one of them",
                target));
        }
    }
}
