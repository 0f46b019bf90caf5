using System.Numerics.Tensors;
using BERTTokenizers.Base;
using Microsoft.ML.OnnxRuntime;

namespace Misty.Grains.Knowledge;

/// <summary>
/// A BERT-style sentence-embedding model run as the SentenceTransformers packages run it (their WordPiece tokenizer,
/// mean pooling of the last hidden state over the attention mask, L2 normalisation), but on a session made from model
/// bytes Misty hands it, so the bytes can be the int8 rewrite of the packaged model. One ONNX Runtime thread per call;
/// calls from several threads at once are safe (an inference session may be run concurrently, and the tokenizer only
/// reads its vocabulary).
/// </summary>
public sealed class OnnxSentenceEncoder : IDisposable
{
    private readonly InferenceSession _session;
    private readonly TokenizerBase _tokenizer;
    private readonly string _outputName;
    private readonly bool _takesTokenTypes;

    public OnnxSentenceEncoder(byte[] model, TokenizerBase tokenizer)
    {
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

    public float[][] Encode(string[] texts)
    {
        var encoded = _tokenizer.Encode(texts);
        var (batch, length) = (encoded.Count, encoded[0].InputIds.Length);
        var ids = new long[batch * length];
        var mask = new long[batch * length];
        var types = new long[batch * length];
        for (var i = 0; i < batch; i++)
        {
            encoded[i].InputIds.CopyTo(ids, i * length);
            encoded[i].AttentionMask.CopyTo(mask, i * length);
            encoded[i].TokenTypeIds.CopyTo(types, i * length);
        }

        long[] shape = [batch, length];
        using var idsValue = OrtValue.CreateTensorValueFromMemory(ids, shape);
        using var maskValue = OrtValue.CreateTensorValueFromMemory(mask, shape);
        using var typesValue = OrtValue.CreateTensorValueFromMemory(types, shape);
        using var runOptions = new RunOptions();
        using var outputs = _takesTokenTypes
            ? _session.Run(runOptions, ["input_ids", "attention_mask", "token_type_ids"], [idsValue, maskValue, typesValue], [_outputName])
            : _session.Run(runOptions, ["input_ids", "attention_mask"], [idsValue, maskValue], [_outputName]);
        return Pool(outputs[0].GetTensorDataAsSpan<float>(), mask, batch, length);
    }

    /// <summary>The mean of each text's token vectors over its attention mask, scaled to length 1.</summary>
    private static float[][] Pool(ReadOnlySpan<float> hidden, long[] mask, int batch, int length)
    {
        var dimensions = hidden.Length / (batch * length);
        var vectors = new float[batch][];
        for (var i = 0; i < batch; i++)
        {
            var vector = new float[dimensions];
            for (var t = 0; t < length; t++)
            {
                if (mask[(i * length) + t] != 0)
                {
                    TensorPrimitives.Add(vector, hidden.Slice(((i * length) + t) * dimensions, dimensions), vector);
                }
            }

            // The sum, not the mean: dividing by the token count would be undone by the normalisation.
            var norm = TensorPrimitives.Norm(vector);
            TensorPrimitives.Divide(vector, MathF.Max(norm, 1e-12f), vector);
            vectors[i] = vector;
        }

        return vectors;
    }

    public void Dispose() => _session.Dispose();
}
