using System.Numerics.Tensors;
using Misty.Grains.Knowledge;

namespace Misty.Tests.Knowledge;

/// <summary>The real model (loaded from its package, about 90 MB): not a unit test.</summary>
public sealed class EmbedderTests
{
    [Fact]
    public void A_batch_of_mixed_lengths_gives_each_text_the_vector_it_gets_alone_in_the_order_given()
    {
        using var embedder = new MiniLmEmbedder();
        string[] texts =
        [
            "Returns policy. Customers may return any record within 30 days of delivery for a full refund, provided it is in the condition it was sold in. Sealed records must come back sealed.",
            "Gift cards",
            .. Enumerable.Range(0, MiniLmEmbedder.GroupSize + 3).Select(i => $"Album {i}. A record by artist number {i} in {new string('x', i)} condition."),
            "Opening hours. The shop is open Monday to Saturday.",
        ];

        var together = embedder.Embed(texts);

        Assert.Equal(texts.Length, together.Length);
        for (var i = 0; i < texts.Length; i++)
        {
            var alone = embedder.Embed([texts[i]])[0];
            Assert.True(TensorPrimitives.CosineSimilarity(alone, together[i]) > 0.999f, $"text {i}");
            Assert.Equal(1f, TensorPrimitives.Norm(together[i]), 3);
        }

        Assert.True(TensorPrimitives.Dot(together[0], together[1]) < TensorPrimitives.Dot(together[0], together[0]));
    }
}
