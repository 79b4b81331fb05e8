using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using SotopiaPi.Trainer.Backends;

namespace SotopiaPi.Trainer.Serving;

/// <summary>Talks to vLLM's OpenAI-compatible server about LoRA adapters: <c>POST /v1/load_lora_adapter</c>
/// and <c>/v1/unload_lora_adapter</c> (available only when the server runs with
/// <c>VLLM_ALLOW_RUNTIME_LORA_UPDATING=True</c> and <c>--enable-lora</c>), <c>GET /v1/models</c> (base models and
/// loaded adapters, an adapter's <c>root</c> being its path) and a one-token <c>POST /v1/chat/completions</c>
/// probe. Every failure is a <see cref="TrainingBackendException"/> naming the server and what it said.</summary>
public sealed class VllmClient(HttpClient http)
{
    private const int MaxBodyInMessage = 300;

    /// <summary>Loads the adapter at <paramref name="path"/> (as the server sees it) under <paramref name="name"/>.
    /// Returns false when the server already had an adapter of that name (vLLM refuses to load a name twice);
    /// the caller checks with <see cref="ListModelsAsync"/> that it is the same path.</summary>
    public async Task<bool> LoadAdapterAsync(string server, string name, string path, string? apiKey, CancellationToken cancellationToken)
    {
        var body = new JsonObject { ["lora_name"] = name, ["lora_path"] = path };
        using var response = await SendAsync(HttpMethod.Post, server, "v1/load_lora_adapter", body, apiKey, cancellationToken).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode)
        {
            return true;
        }
        if (response.StatusCode == HttpStatusCode.BadRequest && text.Contains("already been loaded", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        if (response.StatusCode == HttpStatusCode.NotFound && !text.Contains("adapter", StringComparison.OrdinalIgnoreCase))
        {
            throw new TrainingBackendException(
                $"vLLM server {server} has no /v1/load_lora_adapter endpoint (HTTP 404): start it with --enable-lora and the environment variable VLLM_ALLOW_RUNTIME_LORA_UPDATING=True.");
        }
        throw new TrainingBackendException(
            $"vLLM server {server} refused to load adapter '{name}' from '{path}' (HTTP {(int)response.StatusCode}): {Snippet(text)}");
    }

    /// <summary>Unloads an adapter; returns false when the server did not have it.</summary>
    public async Task<bool> UnloadAdapterAsync(string server, string name, string? apiKey, CancellationToken cancellationToken)
    {
        var body = new JsonObject { ["lora_name"] = name };
        using var response = await SendAsync(HttpMethod.Post, server, "v1/unload_lora_adapter", body, apiKey, cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode)
        {
            return true;
        }
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound && text.Contains("cannot be found", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        throw new TrainingBackendException(
            $"vLLM server {server} refused to unload adapter '{name}' (HTTP {(int)response.StatusCode}): {Snippet(text)}");
    }

    /// <summary>The models the server serves (<c>GET /v1/models</c>).</summary>
    public async Task<IReadOnlyList<VllmModel>> ListModelsAsync(string server, string? apiKey, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, server, "v1/models", null, apiKey, cancellationToken).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new TrainingBackendException($"vLLM server {server} could not list its models (HTTP {(int)response.StatusCode}): {Snippet(text)}");
        }
        try
        {
            using var document = JsonDocument.Parse(text);
            var models = new List<VllmModel>();
            foreach (var item in document.RootElement.GetProperty("data").EnumerateArray())
            {
                models.Add(new VllmModel(item.GetProperty("id").GetString() ?? "", Text(item, "root"), Text(item, "parent")));
            }
            return models;
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new TrainingBackendException($"vLLM server {server} answered /v1/models with something that is not a model list: {Snippet(text)}", ex);
        }
    }

    /// <summary>Asks <paramref name="model"/> for one token and returns the model name the answer carries.</summary>
    public async Task<string> ProbeAsync(string server, string model, string? apiKey, CancellationToken cancellationToken)
    {
        var body = new JsonObject
        {
            ["model"] = model,
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "Reply with one word." }),
            ["max_tokens"] = 1,
            ["temperature"] = 0,
        };
        using var response = await SendAsync(HttpMethod.Post, server, "v1/chat/completions", body, apiKey, cancellationToken).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new TrainingBackendException(
                $"vLLM server {server} does not answer for model '{model}' (HTTP {(int)response.StatusCode}): {Snippet(text)}");
        }
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.GetProperty("model").GetString() ?? "";
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new TrainingBackendException($"vLLM server {server} answered a call to '{model}' with something that is not a chat completion: {Snippet(text)}", ex);
        }
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string server, string path, JsonObject? body, string? apiKey, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(method, new Uri(new Uri(server.TrimEnd('/') + "/"), path));
        if (body is not null)
        {
            message.Content = JsonContent.Create(body);
        }
        if (!string.IsNullOrEmpty(apiKey))
        {
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }
        try
        {
            return await http.SendAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new TrainingBackendException($"vLLM server {server} is not reachable ({method} /{path}): {ex.Message}", ex);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TrainingBackendException($"vLLM server {server} did not answer {method} /{path} in time.", ex);
        }
    }

    private static string? Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static string Snippet(string text)
    {
        var flat = text.ReplaceLineEndings(" ").Trim();
        return flat.Length <= MaxBodyInMessage ? flat : flat[..MaxBodyInMessage] + "…";
    }
}
