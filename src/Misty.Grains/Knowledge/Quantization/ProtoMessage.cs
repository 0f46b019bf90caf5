using Google.Protobuf;

namespace Misty.Grains.Knowledge.Quantization;

/// <summary>One field of a protobuf message as it was on the wire: a varint or fixed number, or length-delimited bytes.</summary>
internal readonly record struct ProtoField(int Number, WireFormat.WireType WireType, ulong Number64, ByteString Bytes)
{
    public static ProtoField Varint(int number, long value) => new(number, WireFormat.WireType.Varint, (ulong)value, ByteString.Empty);

    public static ProtoField Text(int number, string value) => new(number, WireFormat.WireType.LengthDelimited, 0, ByteString.CopyFromUtf8(value));

    public static ProtoField Message(int number, ProtoMessage value) => new(number, WireFormat.WireType.LengthDelimited, 0, value.ToByteString());

    public static ProtoField Raw(int number, byte[] value) => new(number, WireFormat.WireType.LengthDelimited, 0, ByteString.CopyFrom(value));
}

/// <summary>
/// A protobuf message read as its list of fields, without a schema: enough to rewrite an ONNX model's graph while every
/// field the rewrite does not know about (metadata, value infos, attributes) is written back byte for byte. The field
/// numbers the rewrite uses are those of the published onnx.proto (see <see cref="Onnx"/>).
/// </summary>
internal sealed class ProtoMessage
{
    public ProtoMessage(IEnumerable<ProtoField> fields) => Fields = [.. fields];

    public List<ProtoField> Fields { get; }

    public static ProtoMessage Parse(ByteString bytes) => Parse(bytes.Span.ToArray());

    public static ProtoMessage Parse(byte[] bytes)
    {
        var input = new CodedInputStream(bytes);
        var fields = new List<ProtoField>();
        for (var tag = input.ReadTag(); tag != 0; tag = input.ReadTag())
        {
            var number = WireFormat.GetTagFieldNumber(tag);
            var wireType = WireFormat.GetTagWireType(tag);
            fields.Add(wireType switch
            {
                WireFormat.WireType.Varint => new ProtoField(number, wireType, input.ReadUInt64(), ByteString.Empty),
                WireFormat.WireType.Fixed64 => new ProtoField(number, wireType, input.ReadFixed64(), ByteString.Empty),
                WireFormat.WireType.Fixed32 => new ProtoField(number, wireType, input.ReadFixed32(), ByteString.Empty),
                WireFormat.WireType.LengthDelimited => new ProtoField(number, wireType, 0, input.ReadBytes()),
                _ => throw new InvalidDataException($"Protobuf wire type {wireType} (field {number}) is not supported."),
            });
        }

        return new ProtoMessage(fields);
    }

    public IEnumerable<string> Strings(int number) => Fields.Where(field => field.Number == number).Select(field => field.Bytes.ToStringUtf8());

    public string? String(int number) => Strings(number).Cast<string?>().LastOrDefault();

    public IEnumerable<ProtoMessage> Messages(int number) => Fields.Where(field => field.Number == number).Select(field => Parse(field.Bytes));

    public long? Varint(int number)
    {
        var last = Fields.FindLast(field => field.Number == number && field.WireType == WireFormat.WireType.Varint);
        return last.Number == number ? (long)last.Number64 : null;
    }

    /// <summary>A repeated int64 field, whether written packed (one length-delimited field) or one varint per value.</summary>
    public List<long> Int64s(int number)
    {
        var values = new List<long>();
        foreach (var field in Fields.Where(field => field.Number == number))
        {
            if (field.WireType == WireFormat.WireType.Varint)
            {
                values.Add((long)field.Number64);
                continue;
            }

            var packed = new CodedInputStream(field.Bytes.ToByteArray());
            while (!packed.IsAtEnd)
            {
                values.Add(packed.ReadInt64());
            }
        }

        return values;
    }

    public ByteString ToByteString()
    {
        using var buffer = new MemoryStream();
        WriteTo(buffer);
        return ByteString.CopyFrom(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    public byte[] ToByteArray()
    {
        using var buffer = new MemoryStream();
        WriteTo(buffer);
        return buffer.ToArray();
    }

    private void WriteTo(Stream stream)
    {
        var output = new CodedOutputStream(stream, leaveOpen: true);
        foreach (var field in Fields)
        {
            output.WriteTag(field.Number, field.WireType);
            switch (field.WireType)
            {
                case WireFormat.WireType.Varint:
                    output.WriteUInt64(field.Number64);
                    break;
                case WireFormat.WireType.Fixed64:
                    output.WriteFixed64(field.Number64);
                    break;
                case WireFormat.WireType.Fixed32:
                    output.WriteFixed32((uint)field.Number64);
                    break;
                default:
                    output.WriteBytes(field.Bytes);
                    break;
            }
        }

        output.Flush();
    }
}
