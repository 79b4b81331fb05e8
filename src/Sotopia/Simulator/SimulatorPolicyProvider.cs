using System.Collections.Concurrent;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Sotopia.Simulator;

/// <summary>Resolves seat bindings to the simulator's policies: role "expert" → <see cref="ExpertPolicy"/>,
/// "partner" → <see cref="PartnerPolicy"/>, "policy" → a <see cref="TrainablePolicy"/> for the pinned version
/// (version 0 is the built-in base model; other versions come from <paramref name="loadCheckpoint"/>). Loaded
/// versions are cached per (policy name, version); a failed load is not cached, so it is retried next time.</summary>
public sealed class SimulatorPolicyProvider(
    IPromptReader reader,
    Func<SeatBinding, CancellationToken, ValueTask<TrainablePolicyModel>> loadCheckpoint) : IPolicyProvider
{
    private readonly IPromptReader _reader = reader ?? throw new ArgumentNullException(nameof(reader));
    private readonly Func<SeatBinding, CancellationToken, ValueTask<TrainablePolicyModel>> _load =
        loadCheckpoint ?? throw new ArgumentNullException(nameof(loadCheckpoint));
    private readonly ExpertPolicy _expert = new(reader);
    private readonly PartnerPolicy _partner = new(reader);
    private readonly ConcurrentDictionary<(string Name, int Version), Task<TrainablePolicy>> _versions = new();
    private TrainablePolicy? _base;

    public ValueTask<IAgentPolicy> ResolveAsync(SeatBinding binding, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(binding);
        switch (binding.Role)
        {
            case AgentRoles.Expert:
                return ValueTask.FromResult<IAgentPolicy>(_expert);
            case AgentRoles.Partner:
                return ValueTask.FromResult<IAgentPolicy>(_partner);
            case AgentRoles.Policy:
                break;
            default:
                throw new ArgumentException(
                    $"The simulator has no policy for role '{binding.Role}' (expected '{AgentRoles.Expert}', '{AgentRoles.Partner}' or '{AgentRoles.Policy}').",
                    nameof(binding));
        }
        if (binding.Version < 0)
        {
            throw new ArgumentException($"Policy version {binding.Version} of '{binding.PolicyName}' is invalid (0 = base).", nameof(binding));
        }
        if (binding.Version == 0)
        {
            _base ??= new TrainablePolicy(_reader, TrainablePolicyModel.CreateBase(), ModelName(binding));
            return ValueTask.FromResult<IAgentPolicy>(_base);
        }
        var key = (binding.PolicyName, binding.Version);
        if (_versions.TryGetValue(key, out var cached) && cached.IsCompletedSuccessfully)
        {
            return ValueTask.FromResult<IAgentPolicy>(cached.Result);
        }
        return LoadAsync(binding, key, cancellationToken);
    }

    private async ValueTask<IAgentPolicy> LoadAsync(SeatBinding binding, (string, int) key, CancellationToken cancellationToken)
    {
        var task = _versions.GetOrAdd(key, _ => LoadVersionAsync(binding, cancellationToken));
        try
        {
            return await task;
        }
        catch
        {
            _versions.TryRemove(new KeyValuePair<(string, int), Task<TrainablePolicy>>(key, task));
            throw;
        }
    }

    private async Task<TrainablePolicy> LoadVersionAsync(SeatBinding binding, CancellationToken cancellationToken)
    {
        var model = await _load(binding, cancellationToken)
            ?? throw new InvalidOperationException($"Loading version {binding.Version} of '{binding.PolicyName}' returned no model.");
        return new TrainablePolicy(_reader, model, ModelName(binding));
    }

    private static string ModelName(SeatBinding binding) =>
        string.IsNullOrWhiteSpace(binding.Model) ? $"{SimulatorModels.Policy}-v{binding.Version}" : binding.Model;
}
