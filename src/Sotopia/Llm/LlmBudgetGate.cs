using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Sotopia.Campaigns;
using SotopiaPi.Sotopia.Llm;

namespace SotopiaPi.Sotopia.Llm;

/// <summary>Enforces campaign budgets (<see cref="CampaignSpec.Budget"/>) in front of every model call. Each campaign
/// has a ledger: its spending as stored (every turn's and judgement's usage, priced with the campaign's price table)
/// when first seen and every <see cref="LlmSettings.BudgetRefreshInterval"/>, plus the calls this silo made since.
/// When the spending reaches a limit the campaign is set to <see cref="CampaignStatus.Paused"/> and its calls wait;
/// calls of any paused campaign wait (one status read per <see cref="LlmSettings.BudgetPollInterval"/> for all of
/// them). When the campaign runs again (resumed, possibly with a raised budget) the spending is recomputed and calls go
/// on — or it pauses again if the budget is still spent. Calls of a cancelled or ended campaign fail.</summary>
public sealed class LlmBudgetGate(ISotopiaStore store, ICampaignControl campaigns, LlmSettings settings, TimeProvider time, ILogger<LlmBudgetGate> logger)
{
    private const int MaxCachedEpisodes = 100_000;
    private readonly ConcurrentDictionary<string, string> _campaignOfEpisode = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Ledger> _ledgers = new(StringComparer.Ordinal);

    private ISotopiaStore Store => store;

    private ICampaignControl Campaigns => campaigns;

    private LlmSettings Settings => settings;

    private TimeProvider Time => time;

    private ILogger Logger => logger;

    /// <summary>Returns when a call for <paramref name="episodeId"/> may be made.</summary>
    public async ValueTask WaitAsync(string episodeId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(episodeId);
        Ledger? ledger;
        try
        {
            ledger = await LedgerAsync(episodeId, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LlmLog.BudgetCheckFailed(logger, ex, episodeId);
            return;
        }
        if (ledger is not null)
        {
            await ledger.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Charges a finished call to the episode's campaign.</summary>
    public void Record(string episodeId, CallUsage usage)
    {
        ArgumentNullException.ThrowIfNull(usage);
        if (_campaignOfEpisode.TryGetValue(episodeId, out var campaignId) && _ledgers.TryGetValue(campaignId, out var ledger))
        {
            ledger.Add(usage);
        }
    }

    /// <summary>The spending this silo counts for a campaign (tokens, USD), or null if it has not seen it.</summary>
    public (long Tokens, decimal CostUsd)? Spending(string campaignId) =>
        _ledgers.TryGetValue(campaignId, out var ledger) ? ledger.Spending : null;

    private async ValueTask<Ledger?> LedgerAsync(string episodeId, CancellationToken cancellationToken)
    {
        if (!_campaignOfEpisode.TryGetValue(episodeId, out var campaignId))
        {
            var episode = await store.GetEpisodeAsync(episodeId, cancellationToken);
            campaignId = episode?.CampaignId ?? "";
            if (_campaignOfEpisode.Count >= MaxCachedEpisodes)
            {
                _campaignOfEpisode.Clear();
            }
            _campaignOfEpisode[episodeId] = campaignId;
        }
        return campaignId.Length == 0 ? null : _ledgers.GetOrAdd(campaignId, id => new Ledger(id, this));
    }

    private sealed class Ledger(string campaignId, LlmBudgetGate gate)
    {
        private readonly Lock _lock = new();
        private readonly SemaphoreSlim _sync = new(1, 1);
        private CampaignBudget _budget = CampaignBudget.Unlimited;
        private long _tokens;
        private decimal _cost;
        private bool _paused;
        private DateTimeOffset _usageReadAt = DateTimeOffset.MinValue;
        private DateTimeOffset _statusReadAt = DateTimeOffset.MinValue;

        public (long, decimal) Spending
        {
            get
            {
                lock (_lock)
                {
                    return (_tokens, _cost);
                }
            }
        }

        public void Add(CallUsage usage)
        {
            lock (_lock)
            {
                if (!_budget.IsLimited)
                {
                    return;
                }
                _tokens += usage.PromptTokens + usage.CompletionTokens;
                _cost += _budget.PriceOf(usage.Model ?? "")?.Cost(usage) ?? 0m;
            }
        }

        public async Task WaitAsync(CancellationToken cancellationToken)
        {
            var s = gate.Settings;
            while (true)
            {
                var now = gate.Time.GetUtcNow();
                bool paused;
                bool due;
                lock (_lock)
                {
                    paused = _paused;
                    due = now - _usageReadAt >= s.BudgetRefreshInterval || (paused && now - _statusReadAt >= s.BudgetPollInterval);
                }
                if (due)
                {
                    await RefreshAsync(cancellationToken);
                }
                string? exceeded;
                lock (_lock)
                {
                    paused = _paused;
                    exceeded = _budget.IsLimited
                        ? new CampaignUsage { PromptTokens = _tokens, CostUsd = _cost }.ExceededLimit(_budget)
                        : null;
                }
                if (!paused && exceeded is null)
                {
                    return;
                }
                if (!paused)
                {
                    await PauseAsync(exceeded!, cancellationToken);
                }
                await Task.Delay(s.BudgetPollInterval, gate.Time, cancellationToken);
            }
        }

        private async Task PauseAsync(string reason, CancellationToken cancellationToken)
        {
            await _sync.WaitAsync(cancellationToken);
            try
            {
                lock (_lock)
                {
                    if (_paused)
                    {
                        return;
                    }
                    _paused = true;
                    _statusReadAt = gate.Time.GetUtcNow();
                }
                await gate.Campaigns.PauseAsync(campaignId, cancellationToken);
                LlmLog.BudgetPaused(gate.Logger, campaignId, reason);
            }
            finally
            {
                _sync.Release();
            }
        }

        private async Task RefreshAsync(CancellationToken cancellationToken)
        {
            await _sync.WaitAsync(cancellationToken);
            try
            {
                var now = gate.Time.GetUtcNow();
                bool wasPaused;
                lock (_lock)
                {
                    wasPaused = _paused;
                    var due = now - _usageReadAt >= gate.Settings.BudgetRefreshInterval || (wasPaused && now - _statusReadAt >= gate.Settings.BudgetPollInterval);
                    if (!due)
                    {
                        return;
                    }
                }
                var record = await gate.Store.GetCampaignAsync(campaignId, cancellationToken);
                if (record is null)
                {
                    lock (_lock)
                    {
                        _budget = CampaignBudget.Unlimited;
                        _paused = false;
                        _usageReadAt = _statusReadAt = now;
                    }
                    return;
                }
                if (record.Status is CampaignStatus.Cancelled or CampaignStatus.Failed or CampaignStatus.Completed)
                {
                    throw new LlmCallException($"Campaign {campaignId} is {record.Status.ToString().ToLowerInvariant()}; no more model calls are made for it.");
                }
                var nowPaused = record.Status == CampaignStatus.Paused;
                var resumed = wasPaused && !nowPaused;
                var readUsage = record.Spec.Budget.IsLimited && (resumed || now - _usageReadAt >= gate.Settings.BudgetRefreshInterval);
                CampaignUsage? usage = readUsage
                    ? await CampaignUsageCalculator.ComputeAsync(gate.Store, campaignId, record.Spec.Budget, cancellationToken)
                    : null;
                lock (_lock)
                {
                    _budget = record.Spec.Budget;
                    _paused = nowPaused;
                    _statusReadAt = now;
                    if (usage is not null || !record.Spec.Budget.IsLimited)
                    {
                        _usageReadAt = now;
                        _tokens = usage?.TotalTokens ?? 0;
                        _cost = usage?.CostUsd ?? 0m;
                    }
                }
                if (resumed)
                {
                    LlmLog.BudgetResumed(gate.Logger, campaignId, usage?.TotalTokens ?? 0, usage?.CostUsd ?? 0m);
                }
            }
            finally
            {
                _sync.Release();
            }
        }
    }
}
