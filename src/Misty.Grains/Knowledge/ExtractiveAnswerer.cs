using System.Numerics.Tensors;
using System.Text;
using Misty.Grains.Interfaces.Knowledge;

namespace Misty.Grains.Knowledge;

/// <summary>
/// Answers without a language model: retrieves the best items, embeds their sentences, and returns the passage that
/// holds the sentence closest to the question with that sentence marked (**...**). A second source is added when its
/// best sentence answers nearly as well. Only retrieved items are cited, so no source is ever invented.
/// </summary>
internal sealed class ExtractiveAnswerer(KnowledgeIndex index, HybridSearch search)
{
    private const int Sources = 3;
    private const float SecondSourceMargin = 0.05f;

    public async Task<KnowledgeAnswer> AnswerAsync(string question, CancellationToken cancellationToken)
    {
        var ranked = await search.RankAsync(SearchQuery.Plain(question), Sources, [], RetrievalMode.Hybrid, cancellationToken);
        if (ranked.Count == 0)
        {
            return new KnowledgeAnswer(KnowledgeAnswer.NothingFound, []);
        }

        var passages = await index.Store.ReadPassagesAsync(ranked.Select(item => item.Source).ToList(), cancellationToken);
        var sentences = passages
            .SelectMany(passage => Sentences.Split(passage.Text.Content).Select(sentence => (passage.Source, passage.Text, Sentence: sentence)))
            .ToList();
        if (sentences.Count == 0)
        {
            return new KnowledgeAnswer(KnowledgeAnswer.NothingFound, []);
        }

        var questionVector = index.Embedder.EmbedQuery(question);
        var vectors = index.Embedder.Embed([.. sentences.Select(item => $"{item.Text.Title}. {item.Sentence}")]);
        // The mean of the models' cosines (each model's part is normalised), so the margin below is on a cosine's scale.
        var models = index.Embedder.Parts.Count;
        var best = sentences.Select((item, i) => (item.Source, item.Text, item.Sentence, Similarity: TensorPrimitives.Dot(questionVector, vectors[i]) / models))
            .GroupBy(item => item.Source)
            .Select(group => group.MaxBy(item => item.Similarity))
            .OrderByDescending(item => item.Similarity)
            .ToList();
        var used = best.Take(1).Concat(best.Skip(1).Take(1).Where(item => item.Similarity >= best[0].Similarity - SecondSourceMargin)).ToList();
        var answer = new StringBuilder();
        foreach (var item in used)
        {
            if (answer.Length > 0)
            {
                answer.Append("\n\n");
            }

            answer.Append(item.Text.Content.Replace(item.Sentence, $"**{item.Sentence}**", StringComparison.Ordinal))
                .Append(" [").Append(item.Text.Title).Append(']');
        }

        // The sources answered from come first; the other retrieved items follow as further reading.
        var citations = used.Concat(best.Except(used))
            .Select(item => new KnowledgeCitation(item.Source.Kind, item.Source.Id, item.Text.Title, HybridSearch.Snippet(item.Text.Content)))
            .ToList();
        return new KnowledgeAnswer(answer.ToString(), citations);
    }
}
