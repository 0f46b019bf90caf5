namespace Misty.Grains.Knowledge.Quantization;

/// <summary>The field numbers and enum values of the ONNX format (onnx.proto) that the int8 rewrite reads or writes.</summary>
internal static class Onnx
{
    public static class Model
    {
        public const int Graph = 7;
        public const int OpsetImport = 8;
    }

    public static class OperatorSetId
    {
        public const int Domain = 1;
        public const int Version = 2;
    }

    public static class Graph
    {
        public const int Node = 1;
        public const int Initializer = 5;
        public const int Input = 11;
    }

    public static class Node
    {
        public const int Input = 1;
        public const int Output = 2;
        public const int Name = 3;
        public const int OpType = 4;
        public const int Attribute = 5;
        public const int Domain = 7;
    }

    public static class ValueInfo
    {
        public const int Name = 1;
    }

    public static class Attribute
    {
        public const int Name = 1;
        public const int Int = 3;
        public const int Type = 20;
        public const int TypeInt = 2;
    }

    public static class Tensor
    {
        public const int Dims = 1;
        public const int DataType = 2;
        public const int FloatData = 4;
        public const int Name = 8;
        public const int RawData = 9;
    }

    public static class DataType
    {
        public const int Float = 1;
        public const int Int8 = 3;
    }
}
