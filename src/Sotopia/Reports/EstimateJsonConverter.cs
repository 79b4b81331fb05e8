using System.Text.Json;
using System.Text.Json.Serialization;

namespace SotopiaPi.Sotopia.Reports;

/// <summary>Writes an <see cref="Estimate"/> as <c>{"mean": …, "ci95": …, "n": …}</c> with <c>null</c> mean and
/// interval when n = 0, so an API reader never sees a 0 that no scored seat produced. (System.Text.Json has no
/// attribute for "null when another member is 0", hence this converter.)</summary>
internal sealed class EstimateJsonConverter : JsonConverter<Estimate>
{
    public override Estimate Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("An estimate is a JSON object with mean, ci95 and n.");
        }
        double? mean = null, ci95 = null;
        var n = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var name = reader.GetString();
            reader.Read();
            switch (name)
            {
                case "mean":
                    mean = reader.TokenType == JsonTokenType.Null ? null : reader.GetDouble();
                    break;
                case "ci95":
                    ci95 = reader.TokenType == JsonTokenType.Null ? null : reader.GetDouble();
                    break;
                case "n":
                    n = reader.GetInt32();
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }
        return n == 0 ? Estimate.None : new Estimate(mean ?? 0, ci95 ?? 0, n);
    }

    public override void Write(Utf8JsonWriter writer, Estimate value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        if (value.HasValue)
        {
            writer.WriteNumber("mean", value.Mean);
            writer.WriteNumber("ci95", value.Ci95);
        }
        else
        {
            writer.WriteNull("mean");
            writer.WriteNull("ci95");
        }
        writer.WriteNumber("n", value.N);
        writer.WriteEndObject();
    }
}
