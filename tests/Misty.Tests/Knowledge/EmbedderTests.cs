using System.Numerics.Tensors;
using Misty.Grains.Knowledge;

namespace Misty.Tests.Knowledge;

/// <summary>The server's real models (loaded from their packages, about 90 MB each): not a unit test.</summary>
public sealed class EmbedderTests
{
    [Fact]
    public void A_batch_of_mixed_lengths_gives_each_text_the_vector_it_gets_alone_in_the_order_given()
    {
        using var embedder = EmbedderEnsemble.CreateDefault();
        string[] texts =
        [
            "Returns policy. Customers may return any record within 30 days of delivery for a full refund, provided it is in the condition it was sold in. Sealed records must come back sealed.",
            "Gift cards",
            .. Enumerable.Range(0, 19).Select(i => $"Album {i}. A record by artist number {i} in {new string('x', i)} condition."),
            "Opening hours. The shop is open Monday to Saturday.",
        ];

        var together = embedder.Embed(texts);

        Assert.Equal(texts.Length, together.Length);
        for (var i = 0; i < texts.Length; i++)
        {
            var alone = embedder.Embed([texts[i]])[0];
            Assert.True(TensorPrimitives.CosineSimilarity(alone, together[i]) > 0.999f, $"text {i}");
            Assert.Equal(embedder.Dimensions, together[i].Length);
            Assert.All(embedder.Parts, part => Assert.Equal(1f, TensorPrimitives.Norm(together[i].AsSpan(part)), 3));
        }

        Assert.True(TensorPrimitives.Dot(together[0], together[1]) < TensorPrimitives.Dot(together[0], together[0]));
    }

    [Fact]
    public void Models_declared_to_share_a_vocabulary_ship_the_same_one_and_the_ensemble_splits_a_text_once_for_both()
    {
        Assert.Equal(SentenceModel.MiniLm.Vocabulary, SentenceModel.ArcticXs.Vocabulary);
        Assert.Equal(SentenceModel.MiniLm.Tokenizer().GetType().BaseType, SentenceModel.ArcticXs.Tokenizer().GetType().BaseType);
        Assert.Equal(VocabularyOf(SentenceModel.MiniLm), VocabularyOf(SentenceModel.ArcticXs));

        using var ensemble = EmbedderEnsemble.CreateDefault();
        using var miniLm = new SentenceEmbedder(SentenceModel.MiniLm);
        using var arctic = new SentenceEmbedder(SentenceModel.ArcticXs);
        string[] texts = ["Warped records. A RECORD that arrives dished counts as faulty.", "Café crème — “quoted” 😀 £30, 12,5 %", "Gift cards"];

        var shared = ensemble.Embed(texts);
        var separate = texts.Select(text => miniLm.Embed([text])[0].Concat(arctic.Embed([text])[0]).ToArray()).ToList();

        Assert.All(Enumerable.Range(0, texts.Length), i => Assert.Equal(separate[i], shared[i]));
    }

    private static byte[] VocabularyOf(SentenceModel model)
    {
        using var resource = model.Package.GetManifestResourceStream(model.ModelResource.Replace("model.onnx", "vocab.txt", StringComparison.Ordinal))!;
        using var copy = new MemoryStream();
        resource.CopyTo(copy);
        return copy.ToArray();
    }

    [Fact]
    public async Task Texts_embedded_from_several_threads_at_once_get_the_vectors_they_get_one_at_a_time()
    {
        using var embedder = EmbedderEnsemble.CreateDefault();
        var texts = Enumerable.Range(0, 24).Select(i => $"Question {i}: can I return record number {i} after {i + 2} weeks if it {(i % 2 == 0 ? "skips" : "is warped")}?").ToList();
        var alone = texts.Select(text => embedder.Embed([text])[0]).ToList();

        var together = await Task.WhenAll(texts.Select(text => Task.Run(() => embedder.Embed([text, "Gift cards never expire."])[0])));

        Assert.All(Enumerable.Range(0, texts.Count), i => Assert.True(TensorPrimitives.CosineSimilarity(alone[i], together[i]) > 0.999f, $"text {i}"));
    }
}
