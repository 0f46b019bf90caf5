using System.Buffers.Binary;
using Google.Protobuf;

namespace Misty.Grains.Knowledge.Quantization;

/// <summary>
/// Dynamic int8 quantization of an ONNX model, done in process because no package on the feed ships an int8 sentence
/// model: every <c>MatMul</c> whose second input is a constant float matrix (the weights of the linear layers) becomes
/// <c>DynamicQuantizeLinear(A)</c> -> <c>MatMulInteger(A_q, W_q, A_zero, 0)</c> -> <c>Cast</c> to float -> <c>Mul</c> by
/// <c>A_scale * W_scale</c>, the pattern ONNX Runtime's own dynamic quantizer writes. The weights are quantized
/// symmetrically per output column (scale = largest magnitude / <see cref="WeightLimit"/>), the activations per call by
/// <c>DynamicQuantizeLinear</c> (uint8, asymmetric). Matrix products of two activations (attention scores) stay float.
/// </summary>
public static class Int8MatMulRewriter
{
    private const int MinimumOpset = 11; // DynamicQuantizeLinear

    /// <summary>
    /// Weights use 7 of their 8 bits (ONNX Runtime's "reduce range"): on x86 CPUs without VNNI the uint8 x int8 kernels
    /// add pairs of products in 16 bits, which full-range weights can overflow; with these they cannot, on any CPU.
    /// </summary>
    public const int WeightLimit = 63;

    public static byte[] Rewrite(byte[] model)
    {
        var modelMessage = ProtoMessage.Parse(model);
        RequireOpset(modelMessage);
        var graphIndex = modelMessage.Fields.FindIndex(field => field.Number == Onnx.Model.Graph);
        if (graphIndex < 0)
        {
            throw new InvalidDataException("The ONNX model has no graph.");
        }

        var graph = ProtoMessage.Parse(modelMessage.Fields[graphIndex].Bytes);
        var rewritten = RewriteGraph(graph);
        modelMessage.Fields[graphIndex] = ProtoField.Message(Onnx.Model.Graph, rewritten);
        return modelMessage.ToByteArray();
    }

    private static void RequireOpset(ProtoMessage model)
    {
        var opset = model.Messages(Onnx.Model.OpsetImport)
            .Where(import => string.IsNullOrEmpty(import.String(Onnx.OperatorSetId.Domain)) || import.String(Onnx.OperatorSetId.Domain) == "ai.onnx")
            .Select(import => import.Varint(Onnx.OperatorSetId.Version) ?? 0)
            .DefaultIfEmpty(0)
            .Max();
        if (opset < MinimumOpset)
        {
            throw new InvalidDataException($"The ONNX model imports opset {opset}; the int8 rewrite needs {MinimumOpset} or later.");
        }
    }

    private static ProtoMessage RewriteGraph(ProtoMessage graph)
    {
        // An initializer that is also a graph input can be replaced by the caller: it is not a constant.
        var inputs = graph.Messages(Onnx.Graph.Input).Select(input => input.String(Onnx.ValueInfo.Name)).ToHashSet();
        var weights = new Dictionary<string, ProtoMessage>();
        foreach (var initializer in graph.Messages(Onnx.Graph.Initializer))
        {
            if (initializer.String(Onnx.Tensor.Name) is { } name && !inputs.Contains(name)
                && initializer.Varint(Onnx.Tensor.DataType) == Onnx.DataType.Float && initializer.Int64s(Onnx.Tensor.Dims).Count == 2)
            {
                weights[name] = initializer;
            }
        }

        var quantized = new Dictionary<string, QuantizedWeight>();
        var nodes = new List<ProtoField>();
        // What the rewritten nodes read: a float weight that something besides a replaced MatMul reads is kept.
        var stillRead = new HashSet<string>();
        foreach (var field in graph.Fields.Where(field => field.Number == Onnx.Graph.Node))
        {
            var node = ProtoMessage.Parse(field.Bytes);
            var nodeInputs = node.Strings(Onnx.Node.Input).ToList();
            if (node.String(Onnx.Node.OpType) != "MatMul" || !string.IsNullOrEmpty(node.String(Onnx.Node.Domain))
                || nodeInputs.Count != 2 || !weights.TryGetValue(nodeInputs[1], out var weight))
            {
                nodes.Add(field);
                stillRead.UnionWith(nodeInputs);
                continue;
            }

            // The replacement chain reads the activation, and only new initializers besides.
            stillRead.Add(nodeInputs[0]);

            if (!quantized.TryGetValue(nodeInputs[1], out var q))
            {
                q = QuantizedWeight.From(nodeInputs[1], weight);
                quantized[nodeInputs[1]] = q;
            }

            var output = node.Strings(Onnx.Node.Output).Single();
            nodes.AddRange(QuantizedMatMul(node.String(Onnx.Node.Name) ?? output, nodeInputs[0], q, output)
                .Select(replacement => ProtoField.Message(Onnx.Graph.Node, replacement)));
        }

        // The float weights are dropped when nothing else reads them, so the rewritten model is about a quarter smaller.
        var fields = new List<ProtoField>();
        foreach (var field in graph.Fields)
        {
            if (field.Number == Onnx.Graph.Node)
            {
                continue;
            }

            if (field.Number == Onnx.Graph.Initializer && ProtoMessage.Parse(field.Bytes).String(Onnx.Tensor.Name) is { } name
                && quantized.ContainsKey(name) && !stillRead.Contains(name))
            {
                continue;
            }

            fields.Add(field);
        }

        // Nodes first, in their (topological) order, with the one MatMul replaced in place by its chain.
        fields.InsertRange(0, nodes);
        fields.AddRange(quantized.Values.SelectMany(q => q.Initializers()).Select(tensor => ProtoField.Message(Onnx.Graph.Initializer, tensor)));
        return new ProtoMessage(fields);
    }

    private static IEnumerable<ProtoMessage> QuantizedMatMul(string name, string activation, QuantizedWeight weight, string output)
    {
        var (aQuantized, aScale, aZero) = ($"{name}/a_quantized", $"{name}/a_scale", $"{name}/a_zero_point");
        var (product, productFloat, scale) = ($"{name}/int32", $"{name}/float", $"{name}/scale");
        yield return Node($"{name}/quantize", "DynamicQuantizeLinear", [activation], [aQuantized, aScale, aZero]);
        yield return Node($"{name}/matmul_integer", "MatMulInteger", [aQuantized, weight.Values, aZero, weight.ZeroPoints], [product]);
        yield return Node($"{name}/cast", "Cast", [product], [productFloat],
            new ProtoMessage([ProtoField.Text(Onnx.Attribute.Name, "to"), ProtoField.Varint(Onnx.Attribute.Int, Onnx.DataType.Float),
                ProtoField.Varint(Onnx.Attribute.Type, Onnx.Attribute.TypeInt)]));
        yield return Node($"{name}/scales", "Mul", [aScale, weight.Scales], [scale]);
        yield return Node($"{name}/rescale", "Mul", [productFloat, scale], [output]);
    }

    private static ProtoMessage Node(string name, string opType, string[] inputs, string[] outputs, ProtoMessage? attribute = null) =>
        new([
            .. inputs.Select(input => ProtoField.Text(Onnx.Node.Input, input)),
            .. outputs.Select(output => ProtoField.Text(Onnx.Node.Output, output)),
            ProtoField.Text(Onnx.Node.Name, name),
            ProtoField.Text(Onnx.Node.OpType, opType),
            .. attribute is null ? Array.Empty<ProtoField>() : [ProtoField.Message(Onnx.Node.Attribute, attribute)],
        ]);

    /// <summary>A [K, N] float weight matrix as int8 values with one scale per column (zero points all 0).</summary>
    private sealed record QuantizedWeight(string Name, long Rows, long Columns, sbyte[] Quantized, float[] ColumnScales)
    {
        public string Values => $"{Name}_quantized";

        public string Scales => $"{Name}_scale";

        public string ZeroPoints => $"{Name}_zero_point";

        public static QuantizedWeight From(string name, ProtoMessage tensor)
        {
            var dims = tensor.Int64s(Onnx.Tensor.Dims);
            var (rows, columns) = (dims[0], dims[1]);
            var values = FloatValues(tensor);
            if (values.Length != rows * columns)
            {
                throw new InvalidDataException($"Initializer {name} holds {values.Length} floats, not {rows} x {columns}.");
            }

            var scales = new float[columns];
            for (var k = 0; k < rows; k++)
            {
                for (var n = 0; n < columns; n++)
                {
                    scales[n] = MathF.Max(scales[n], MathF.Abs(values[(k * columns) + n]));
                }
            }

            for (var n = 0; n < columns; n++)
            {
                scales[n] = scales[n] > 0 ? scales[n] / WeightLimit : 1f;
            }

            var quantized = new sbyte[values.Length];
            for (var i = 0; i < values.Length; i++)
            {
                quantized[i] = (sbyte)Math.Clamp(MathF.Round(values[i] / scales[i % columns]), -WeightLimit, WeightLimit);
            }

            return new QuantizedWeight(name, rows, columns, quantized, scales);
        }

        public IEnumerable<ProtoMessage> Initializers()
        {
            yield return Tensor(Values, Onnx.DataType.Int8, [Rows, Columns], (byte[])(Array)Quantized);
            yield return Tensor(ZeroPoints, Onnx.DataType.Int8, [Columns], new byte[Columns]);
            var scaleBytes = new byte[ColumnScales.Length * sizeof(float)];
            for (var n = 0; n < ColumnScales.Length; n++)
            {
                BinaryPrimitives.WriteSingleLittleEndian(scaleBytes.AsSpan(n * sizeof(float)), ColumnScales[n]);
            }

            yield return Tensor(Scales, Onnx.DataType.Float, [Columns], scaleBytes);
        }

        private static ProtoMessage Tensor(string name, int dataType, long[] dims, byte[] raw) =>
            new([
                .. dims.Select(dim => ProtoField.Varint(Onnx.Tensor.Dims, dim)),
                ProtoField.Varint(Onnx.Tensor.DataType, dataType),
                ProtoField.Text(Onnx.Tensor.Name, name),
                ProtoField.Raw(Onnx.Tensor.RawData, raw),
            ]);

        /// <summary>The tensor's floats, from raw_data (little-endian) or, in models written that way, float_data.</summary>
        private static float[] FloatValues(ProtoMessage tensor)
        {
            var raw = tensor.Fields.LastOrDefault(field => field.Number == Onnx.Tensor.RawData).Bytes;
            if (raw is { Length: > 0 })
            {
                var values = new float[raw.Length / sizeof(float)];
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] = BinaryPrimitives.ReadSingleLittleEndian(raw.Span[(i * sizeof(float))..]);
                }

                return values;
            }

            var packed = tensor.Fields.Where(field => field.Number == Onnx.Tensor.FloatData).ToList();
            var floats = new List<float>();
            foreach (var field in packed)
            {
                if (field.WireType == WireFormat.WireType.Fixed32)
                {
                    floats.Add(BitConverter.UInt32BitsToSingle((uint)field.Number64));
                    continue;
                }

                for (var offset = 0; offset < field.Bytes.Length; offset += sizeof(float))
                {
                    floats.Add(BinaryPrimitives.ReadSingleLittleEndian(field.Bytes.Span[offset..]));
                }
            }

            return [.. floats];
        }
    }
}
