using System.Collections.Concurrent;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Sotopia.Llm;

/// <summary>Resolves seat bindings to <see cref="LlmAgentPolicy"/> instances: the binding's role picks the
/// endpoint and settings, its model is what is called (for the π-agent, the pinned version's model — a fine-tuned
/// model id or a LoRA adapter name served by vLLM; for the fixed roles, the configured model).</summary>
public sealed class LlmPolicyProvider(ILlmGateway gateway) : IPolicyProvider
{
    private readonly ConcurrentDictionary<(string Role, string Model), LlmAgentPolicy> _policies = new();

    public ValueTask<IAgentPolicy> ResolveAsync(SeatBinding binding, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(binding);
        var model = string.IsNullOrWhiteSpace(binding.Model) ? gateway.DefaultModel(binding.Role) : binding.Model;
        var policy = _policies.GetOrAdd((binding.Role, model), key => new LlmAgentPolicy(gateway, key.Role, key.Model));
        return ValueTask.FromResult<IAgentPolicy>(policy);
    }
}
