namespace SparseDsl.Data;

/// <summary>
/// A text corpus as tokens, split once into a train part and a validation part that share no text. The split is a
/// pure function of the documents (in catalog order) and the validation fraction f:
/// <list type="bullet">
/// <item><b>by document</b> when the corpus has several documents and V = round(n·f) is in [1, n): V documents
/// spread evenly, document i (0-based) going to validation when ⌊(i+1)·V/n⌋ &gt; ⌊i·V/n⌋ (integer arithmetic).
/// For Brown (500 documents in genre order, f = 0.1) that is every 10th file, ca10, ca20, …, cr09, so every genre
/// is in both parts;</item>
/// <item><b>by tokens</b> otherwise (one file, <c>text:PATH</c>): the last round(N·f) tokens of the text are
/// validation, the rest train.</item>
/// </list>
/// Within a part, documents are joined end to end with the tokens of one <c>\n</c> between them (a blank line, as
/// between paragraphs). Only <see cref="Train"/> is ever sampled for training.
/// </summary>
public sealed class TokenCorpus
{
    public const double DefaultValidationFraction = 0.1;

    private TokenCorpus(string name, ITokenizer tokenizer, double validationFraction, bool splitByDocument, TokenStream train, TokenStream validation)
    {
        Name = name;
        Tokenizer = tokenizer;
        ValidationFraction = validationFraction;
        SplitByDocument = splitByDocument;
        Train = train;
        Validation = validation;
    }

    /// <summary>The catalog name (<c>brown</c>, <c>text:PATH</c>).</summary>
    public string Name { get; }

    public ITokenizer Tokenizer { get; }

    public int VocabSize => Tokenizer.VocabSize;

    public double ValidationFraction { get; }

    /// <summary>True when whole documents were split apart; false when one text was cut at a token.</summary>
    public bool SplitByDocument { get; }

    public TokenStream Train { get; }

    public TokenStream Validation { get; }

    /// <summary>Tokenizes <paramref name="documents"/> and splits them as the class summary says.</summary>
    public static TokenCorpus Create(
        string name,
        IReadOnlyList<TextDocument> documents,
        double validationFraction = DefaultValidationFraction,
        ITokenizer? tokenizer = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(documents);
        if (documents.Count == 0)
        {
            throw new ArgumentException("a corpus needs at least one document", nameof(documents));
        }

        if (!(validationFraction > 0 && validationFraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(validationFraction), validationFraction, "the validation fraction must be in (0, 1)");
        }

        tokenizer ??= ByteTokenizer.Instance;
        int[] separator = tokenizer.Encode("\n");
        int[][] encoded = documents.Select(d => tokenizer.Encode(d.Text)).ToArray();
        int n = documents.Count;
        int validationDocuments = (int)Math.Round(n * validationFraction, MidpointRounding.AwayFromZero);
        if (n >= 2 && validationDocuments >= 1 && validationDocuments < n)
        {
            var train = new List<int>();
            var validation = new List<int>();
            for (int i = 0; i < n; i++)
            {
                (IsValidationDocument(i, n, validationDocuments) ? validation : train).Add(i);
            }

            return new TokenCorpus(name, tokenizer, validationFraction, splitByDocument: true, Part(train), Part(validation));
        }

        int[] all = Join(Enumerable.Range(0, n).ToList(), encoded, separator);
        int validationTokens = (int)Math.Round(all.Length * validationFraction, MidpointRounding.AwayFromZero);
        if (all.Length - validationTokens < 2 || validationTokens < 2)
        {
            throw new ArgumentException($"{name} has {all.Length} tokens: too few to split into train and validation parts of at least 2 tokens each", nameof(documents));
        }

        string[] names = documents.Select(d => d.Name).ToArray();
        return new TokenCorpus(
            name,
            tokenizer,
            validationFraction,
            splitByDocument: false,
            new TokenStream(all[..^validationTokens], names),
            new TokenStream(all[^validationTokens..], names));

        TokenStream Part(List<int> indices) =>
            new(Join(indices, encoded, separator), indices.Select(i => documents[i].Name).ToArray());
    }

    /// <summary>The by-document rule: document <paramref name="index"/> of <paramref name="count"/> is one of the <paramref name="validation"/> spread evenly.</summary>
    public static bool IsValidationDocument(int index, int count, int validation) =>
        (long)(index + 1) * validation / count > (long)index * validation / count;

    public override string ToString() =>
        $"{Name}: vocab {VocabSize} ({Tokenizer.Name}), train {Train.Count:N0} tokens ({Train.Documents.Count} documents), " +
        $"validation {Validation.Count:N0} tokens ({(SplitByDocument ? $"{Validation.Documents.Count} documents" : "the text's last tokens")})";

    private static int[] Join(List<int> indices, int[][] encoded, int[] separator)
    {
        long length = indices.Sum(i => (long)encoded[i].Length) + (long)Math.Max(0, indices.Count - 1) * separator.Length;
        if (length > Array.MaxLength)
        {
            throw new ArgumentException($"a part of {length} tokens is too long for one array");
        }

        var tokens = new int[length];
        int at = 0;
        for (int k = 0; k < indices.Count; k++)
        {
            if (k > 0)
            {
                separator.CopyTo(tokens, at);
                at += separator.Length;
            }

            encoded[indices[k]].CopyTo(tokens, at);
            at += encoded[indices[k]].Length;
        }

        return tokens;
    }
}
