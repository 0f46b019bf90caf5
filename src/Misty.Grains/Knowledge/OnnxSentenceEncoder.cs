using System.Numerics.Tensors;
using BERTTokenizers.Base;
using Microsoft.ML.OnnxRuntime;

namespace Misty.Grains.Knowledge;

/// <summary>
/// A BERT-style sentence-embedding model run as the SentenceTransformers packages run it (their WordPiece tokenizer,
/// mean or first-token pooling of the last hidden state, L2 normalisation), but one text per call so
/// nothing is padded, and on a session made from model bytes Misty hands it, so the bytes can be the int8 rewrite of
/// the packaged model. One ONNX Runtime thread per call; calls from several threads at once are safe (an inference
/// session may be run concurrently, and the tokenizer only reads its vocabulary).
/// </summary>
public sealed class OnnxSentenceEncoder : IDisposable
{
    private readonly InferenceSession _session;
    private readonly TokenizerBase _tokenizer;
    private readonly string _outputName;
    private readonly bool _takesTokenTypes;
    private readonly SentencePooling _pooling;

    public OnnxSentenceEncoder(byte[] model, TokenizerBase tokenizer, SentencePooling pooling)
    {
        _pooling = pooling;
        using var options = new SessionOptions
        {
            IntraOpNumThreads = 1,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        _session = new InferenceSession(model, options);
        _tokenizer = tokenizer;
        // The last hidden state is the first output; asking for it alone spares any pooled output the export adds.
        _outputName = _session.OutputNames[0];
        _takesTokenTypes = _session.InputNames.Contains("token_type_ids");
    }

    /// <summary>The text as the model reads it.</summary>
    public WordPieces Tokenize(string text)
    {
        var (ids, types, mask) = _tokenizer.Encode(text)[0];
        return new WordPieces(ids, types, mask);
    }

    /// <summary>One text's vector: the mean of its token vectors or the first one, scaled to length 1.</summary>
    public float[] Encode(WordPieces pieces)
    {
        var (ids, types, mask) = pieces;
        long[] shape = [1, ids.Length];
        using var idsValue = OrtValue.CreateTensorValueFromMemory(ids, shape);
        using var maskValue = OrtValue.CreateTensorValueFromMemory(mask, shape);
        using var typesValue = OrtValue.CreateTensorValueFromMemory(types, shape);
        using var runOptions = new RunOptions();
        using var outputs = _takesTokenTypes
            ? _session.Run(runOptions, ["input_ids", "attention_mask", "token_type_ids"], [idsValue, maskValue, typesValue], [_outputName])
            : _session.Run(runOptions, ["input_ids", "attention_mask"], [idsValue, maskValue], [_outputName]);
        var hidden = outputs[0].GetTensorDataAsSpan<float>();
        var dimensions = hidden.Length / ids.Length;
        var vector = new float[dimensions];
        for (var t = 0; t < (_pooling == SentencePooling.FirstToken ? 1 : ids.Length); t++)
        {
            TensorPrimitives.Add(vector, hidden.Slice(t * dimensions, dimensions), vector);
        }

        // The sum, not the mean: dividing by the token count would be undone by the normalisation.
        TensorPrimitives.Divide(vector, MathF.Max(TensorPrimitives.Norm(vector), 1e-12f), vector);
        return vector;
    }

    public void Dispose() => _session.Dispose();
}

/// <summary>A text split into word pieces: their vocabulary ids, token types and attention mask.</summary>
public sealed record WordPieces(long[] Ids, long[] TokenTypes, long[] Mask);
