using System.Text.Json;
using Orleans.Storage;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Storage.Azure;

/// <summary>Grain state in Blob storage as the same JSON documents the project store holds (<see cref="SotopiaJson"/>),
/// readable with any blob browser.</summary>
public sealed class SotopiaJsonGrainStorageSerializer : IGrainStorageSerializer
{
    public BinaryData Serialize<T>(T? input) => BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(input, SotopiaJson.Options));

    public T Deserialize<T>(BinaryData input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.ToObjectFromJson<T>(SotopiaJson.Options)
            ?? throw new InvalidDataException($"A grain state blob of type {typeof(T).Name} holds JSON null.");
    }
}
