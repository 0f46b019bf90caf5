namespace Misty.Grains.Knowledge;

/// <summary>How a model's token vectors become the text's one vector, as the model was trained.</summary>
public enum SentencePooling
{
    /// <summary>The mean of all token vectors (sentence-transformers' MiniLM).</summary>
    Mean,

    /// <summary>The vector of the first token, [CLS] (arctic-embed).</summary>
    FirstToken,
}
