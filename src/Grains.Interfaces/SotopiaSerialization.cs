using Orleans.Serialization;

namespace SotopiaPi.Grains.Interfaces;

/// <summary>How SotopiaPi's records cross grain calls: as JSON in <see cref="SotopiaJson.Options"/>, the shape they
/// are stored and served in, so one set of names and converters covers the store, the API and grain messages.
/// Records on the hot path (turns, setups, bindings) are <c>[Immutable]</c>, so a call between grains of one silo
/// passes them by reference without copying. Exceptions keep Orleans' own codec (they are
/// <c>[GenerateSerializer]</c>).</summary>
public static class SotopiaSerialization
{
    public static ISerializerBuilder AddSotopiaSerialization(this ISerializerBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddJsonSerializer(isSupported: IsSotopiaRecord, jsonSerializerOptions: SotopiaJson.Options);
    }

    private static bool IsSotopiaRecord(Type type) =>
        type.Namespace?.StartsWith("SotopiaPi.", StringComparison.Ordinal) == true
        && !typeof(Exception).IsAssignableFrom(type)
        && !typeof(IAddressable).IsAssignableFrom(type)
        && !type.IsDefined(typeof(GenerateSerializerAttribute), inherit: false);
}
