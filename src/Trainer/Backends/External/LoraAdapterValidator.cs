using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Text.Json;

namespace SotopiaPi.Trainer.Backends.External;

/// <summary>Checks that a folder is a PEFT LoRA adapter vLLM can load: <c>adapter_config.json</c> with
/// <c>peft_type</c> LORA, a positive <c>r</c>, <c>lora_alpha</c>, non-empty <c>target_modules</c> and
/// <c>base_model_name_or_path</c>; and weights in <c>adapter_model.safetensors</c> (its header must parse, hold
/// LoRA tensors and match the file's size) or <c>adapter_model.bin</c> (non-empty).</summary>
public static class LoraAdapterValidator
{
    public const string ConfigFile = "adapter_config.json";
    public const string SafetensorsFile = "adapter_model.safetensors";
    public const string BinFile = "adapter_model.bin";

    /// <summary>Returns what the adapter declares, or throws <see cref="TrainingBackendException"/> listing every
    /// problem found.</summary>
    public static async Task<LoraAdapterInfo> ValidateAsync(string folder, CancellationToken cancellationToken = default)
    {
        if (!Directory.Exists(folder))
        {
            throw new TrainingBackendException($"The training command wrote no adapter: folder '{folder}' does not exist.");
        }
        var problems = new List<string>();
        var config = await ReadConfigAsync(Path.Combine(folder, ConfigFile), problems, cancellationToken);
        var (weights, bytes, tensors) = await CheckWeightsAsync(folder, problems, cancellationToken);
        if (problems.Count > 0 || config is null)
        {
            var found = Directory.EnumerateFileSystemEntries(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
            throw new TrainingBackendException(
                $"The training command's output '{folder}' is not a LoRA adapter: {string.Join("; ", problems)} (the folder holds: {(found.Count == 0 ? "nothing" : string.Join(", ", found))}).");
        }
        return config with { WeightsFile = weights!, WeightsBytes = bytes, Tensors = tensors };
    }

    private static async Task<LoraAdapterInfo?> ReadConfigAsync(string path, List<string> problems, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            problems.Add($"{ConfigFile} is missing");
            return null;
        }
        JsonDocument document;
        try
        {
            await using var stream = File.OpenRead(path);
            document = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken);
        }
        catch (JsonException ex)
        {
            problems.Add($"{ConfigFile} is not valid JSON (line {ex.LineNumber + 1}: {ex.Message})");
            return null;
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                problems.Add($"{ConfigFile} is not a JSON object");
                return null;
            }
            var before = problems.Count;
            if (!root.TryGetProperty("peft_type", out var peft) || peft.ValueKind != JsonValueKind.String
                || !string.Equals(peft.GetString(), "LORA", StringComparison.OrdinalIgnoreCase))
            {
                problems.Add($"{ConfigFile}: 'peft_type' must be \"LORA\" (got {Describe(root, "peft_type")})");
            }
            var r = 0;
            if (!root.TryGetProperty("r", out var rValue) || rValue.ValueKind != JsonValueKind.Number || !rValue.TryGetInt32(out r) || r < 1)
            {
                problems.Add($"{ConfigFile}: 'r' must be a positive integer (got {Describe(root, "r")})");
            }
            var alpha = 0.0;
            if (!root.TryGetProperty("lora_alpha", out var alphaValue) || alphaValue.ValueKind != JsonValueKind.Number || (alpha = alphaValue.GetDouble()) <= 0)
            {
                problems.Add($"{ConfigFile}: 'lora_alpha' must be a positive number (got {Describe(root, "lora_alpha")})");
            }
            var modules = ImmutableArray<string>.Empty;
            if (root.TryGetProperty("target_modules", out var targets))
            {
                modules = targets.ValueKind switch
                {
                    JsonValueKind.String => [targets.GetString()!],
                    JsonValueKind.Array => [.. targets.EnumerateArray().Where(t => t.ValueKind == JsonValueKind.String).Select(t => t.GetString()!)],
                    _ => [],
                };
            }
            if (modules.IsEmpty || modules.Any(string.IsNullOrWhiteSpace))
            {
                problems.Add($"{ConfigFile}: 'target_modules' must name the modules LoRA adapts (got {Describe(root, "target_modules")})");
            }
            string? baseModel = null;
            if (!root.TryGetProperty("base_model_name_or_path", out var baseValue) || baseValue.ValueKind != JsonValueKind.String
                || string.IsNullOrWhiteSpace(baseModel = baseValue.GetString()))
            {
                problems.Add($"{ConfigFile}: 'base_model_name_or_path' must name the base model (got {Describe(root, "base_model_name_or_path")})");
            }
            return problems.Count > before ? null : new LoraAdapterInfo(r, alpha, modules, baseModel!, "", 0, null);
        }
    }

    private static async Task<(string? File, long Bytes, int? Tensors)> CheckWeightsAsync(string folder, List<string> problems, CancellationToken cancellationToken)
    {
        var safetensors = Path.Combine(folder, SafetensorsFile);
        var bin = Path.Combine(folder, BinFile);
        if (File.Exists(safetensors))
        {
            var tensors = await CheckSafetensorsAsync(safetensors, problems, cancellationToken);
            return (SafetensorsFile, new FileInfo(safetensors).Length, tensors);
        }
        if (File.Exists(bin))
        {
            var length = new FileInfo(bin).Length;
            if (length == 0)
            {
                problems.Add($"{BinFile} is empty");
            }
            return (BinFile, length, null);
        }
        problems.Add($"no weights: neither {SafetensorsFile} nor {BinFile} exists");
        return (null, 0, null);
    }

    /// <summary>safetensors = 8-byte little-endian header length N, N bytes of JSON (tensor name →
    /// {dtype, shape, data_offsets}), then the data; the last data offset must equal the data's size.</summary>
    private static async Task<int?> CheckSafetensorsAsync(string path, List<string> problems, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096, useAsync: true);
        var length = stream.Length;
        var prefix = new byte[8];
        if (length < 8 || await stream.ReadAtLeastAsync(prefix, 8, throwOnEndOfStream: false, cancellationToken) < 8)
        {
            problems.Add($"{SafetensorsFile} is too short to be a safetensors file ({length} bytes)");
            return null;
        }
        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (headerLength < 2 || headerLength > 100_000_000 || (long)headerLength > length - 8)
        {
            problems.Add($"{SafetensorsFile} has an impossible header length {headerLength} for a file of {length} bytes");
            return null;
        }
        var header = new byte[headerLength];
        await stream.ReadExactlyAsync(header, cancellationToken);
        try
        {
            using var document = JsonDocument.Parse(header);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                problems.Add($"{SafetensorsFile}: the header is not a JSON object");
                return null;
            }
            var tensors = 0;
            var lora = 0;
            long end = 0;
            foreach (var tensor in document.RootElement.EnumerateObject())
            {
                if (tensor.Name == "__metadata__")
                {
                    continue;
                }
                tensors++;
                if (tensor.Name.Contains("lora_A", StringComparison.Ordinal) || tensor.Name.Contains("lora_B", StringComparison.Ordinal))
                {
                    lora++;
                }
                if (tensor.Value.TryGetProperty("data_offsets", out var offsets) && offsets.GetArrayLength() == 2)
                {
                    end = Math.Max(end, offsets[1].GetInt64());
                }
            }
            var dataBytes = length - 8 - (long)headerLength;
            if (lora == 0)
            {
                problems.Add($"{SafetensorsFile} holds no LoRA tensors (no lora_A/lora_B among {tensors} tensors)");
            }
            else if (end != dataBytes)
            {
                problems.Add($"{SafetensorsFile} is truncated or padded: its tensors end at byte {end} of the data, but the data has {dataBytes} bytes");
            }
            return tensors;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            problems.Add($"{SafetensorsFile}: the header is not valid safetensors JSON ({ex.Message})");
            return null;
        }
    }

    private static string Describe(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) ? value.GetRawText() : "nothing";
}
