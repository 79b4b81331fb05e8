namespace SotopiaPi.Trainer.Serving;

/// <summary>One entry of a vLLM server's <c>GET /v1/models</c>: a base model or a loaded LoRA adapter
/// (<paramref name="Root"/> = the adapter's path, <paramref name="Parent"/> = its base model).</summary>
public sealed record VllmModel(string Id, string? Root, string? Parent);
