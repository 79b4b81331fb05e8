using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Sotopia.Campaigns;

namespace SotopiaPi.Sotopia.Llm;

/// <summary>Enforces campaign budgets (<see cref="CampaignSpec.Budget"/>) in front of every model call. Each campaign
/// has a ledger: its spending as stored (every turn's and judgement's usage, priced with the campaign's price table)
/// when first seen and every <see cref="LlmSettings.BudgetRefreshInterval"/>, plus the calls this silo finished since,
/// plus the reservations of the calls this silo has in flight.
/// <para>Before a call, <see cref="ReserveAsync"/> reserves its estimate — the prompt's tokens in the model's encoding
/// plus the call's answer limit, priced like a real call — and admits it only if spent + reserved + estimate stays
/// within every limit. If it does not fit while other calls are in flight, the call waits for one of them to finish
/// (their actual usage is often below their estimate); if it does not fit with nothing in flight, or the spending has
/// reached a limit, the campaign is set to <see cref="CampaignStatus.Paused"/> and its calls wait, without calling the
/// model. When the call ends, <see cref="BudgetReservation.Complete"/> replaces the reservation with the actual usage;
/// a failed or cancelled call releases it (<see cref="BudgetReservation.Dispose"/>). So a silo's calls overshoot a
/// limit only by what their answers use beyond their estimates (an answer without a token limit is estimated at
/// <see cref="LlmCall.DefaultAnswerLimit"/> tokens).</para>
/// <para>Calls of any paused campaign wait (one status read per <see cref="LlmSettings.BudgetPollInterval"/> for all
/// of them). When the campaign runs again (resumed, possibly with a raised budget) the spending is recomputed and calls
/// go on — or it pauses again if the budget is still spent. Calls of a cancelled or ended campaign fail.</para></summary>
public sealed class LlmBudgetGate(IEpisodeStore episodes, ICampaignStore campaignRecords, ICampaignControl campaigns, LlmSettings settings, TimeProvider time, ILogger<LlmBudgetGate> logger)
{
    private const int MaxCachedEpisodes = 100_000;
    private readonly ConcurrentDictionary<string, string> _campaignOfEpisode = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Ledger> _ledgers = new(StringComparer.Ordinal);

    private IEpisodeStore Episodes => episodes;

    private ICampaignStore CampaignRecords => campaignRecords;

    private ICampaignControl Campaigns => campaigns;

    private LlmSettings Settings => settings;

    private TimeProvider Time => time;

    private ILogger Logger => logger;

    /// <summary>Returns when a call for <paramref name="episodeId"/> may be made, with its reservation: the estimate of
    /// a call to <paramref name="model"/> with <paramref name="promptTokens"/> prompt tokens and at most
    /// <paramref name="answerLimit"/> answer tokens. Complete the reservation with the call's usage, or dispose it
    /// when the call failed.</summary>
    public async ValueTask<BudgetReservation> ReserveAsync(string episodeId, string model, int promptTokens, int answerLimit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(episodeId);
        ArgumentNullException.ThrowIfNull(model);
        Ledger? ledger;
        try
        {
            ledger = await LedgerAsync(episodeId, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LlmLog.BudgetCheckFailed(logger, ex, episodeId);
            return BudgetReservation.None;
        }
        return ledger is null
            ? BudgetReservation.None
            : await ledger.ReserveAsync(new CallUsage(model, Math.Max(0, promptTokens), Math.Max(0, answerLimit), 0, TimeSpan.Zero), cancellationToken);
    }

    /// <summary>What this silo counts for a campaign, or null if it has not seen it.</summary>
    public BudgetLedgerState? State(string campaignId) =>
        _ledgers.TryGetValue(campaignId, out var ledger) ? ledger.State : null;

    private async ValueTask<Ledger?> LedgerAsync(string episodeId, CancellationToken cancellationToken)
    {
        if (!_campaignOfEpisode.TryGetValue(episodeId, out var campaignId))
        {
            var episode = await Episodes.GetEpisodeAsync(episodeId, cancellationToken);
            campaignId = episode?.CampaignId ?? "";
            if (_campaignOfEpisode.Count >= MaxCachedEpisodes)
            {
                _campaignOfEpisode.Clear();
            }
            _campaignOfEpisode[episodeId] = campaignId;
        }
        return campaignId.Length == 0 ? null : _ledgers.GetOrAdd(campaignId, id => new Ledger(id, this));
    }

    internal sealed class Ledger(string campaignId, LlmBudgetGate gate)
    {
        private readonly Lock _lock = new();
        private readonly SemaphoreSlim _sync = new(1, 1);
        private CampaignBudget _budget = CampaignBudget.Unlimited;
        private long _tokens;
        private decimal _cost;
        private long _reservedTokens;
        private decimal _reservedCost;
        private int _inFlight;
        private TaskCompletionSource _settled = NewSignal();
        private bool _paused;
        private DateTimeOffset _usageReadAt = DateTimeOffset.MinValue;
        private DateTimeOffset _statusReadAt = DateTimeOffset.MinValue;

        public BudgetLedgerState State
        {
            get
            {
                lock (_lock)
                {
                    return new BudgetLedgerState(_tokens, _cost, _inFlight, _reservedTokens, _reservedCost);
                }
            }
        }

        public async Task<BudgetReservation> ReserveAsync(CallUsage estimate, CancellationToken cancellationToken)
        {
            var s = gate.Settings;
            while (true)
            {
                var now = gate.Time.GetUtcNow();
                bool due;
                lock (_lock)
                {
                    due = now - _usageReadAt >= s.BudgetRefreshInterval || (_paused && now - _statusReadAt >= s.BudgetPollInterval);
                }
                if (due)
                {
                    await RefreshAsync(cancellationToken);
                }
                Task? settled = null;
                string? pause = null;
                lock (_lock)
                {
                    if (!_paused)
                    {
                        var tokens = (long)estimate.PromptTokens + estimate.CompletionTokens;
                        var cost = _budget.PriceOf(estimate.Model ?? "")?.Cost(estimate) ?? 0m;
                        pause = _budget.IsLimited
                            ? new CampaignUsage { PromptTokens = _tokens, CostUsd = _cost }.ExceededLimit(_budget)
                            : null;
                        if (pause is null)
                        {
                            var over = Overrun(tokens, cost);
                            if (over is null)
                            {
                                _reservedTokens += tokens;
                                _reservedCost += cost;
                                _inFlight++;
                                return new BudgetReservation(this, tokens, cost);
                            }
                            if (_inFlight > 0)
                            {
                                settled = _settled.Task;
                            }
                            else
                            {
                                pause = over;
                            }
                        }
                    }
                }
                if (settled is not null)
                {
                    await settled.WaitAsync(cancellationToken);
                    continue;
                }
                if (pause is not null)
                {
                    await PauseAsync(pause, cancellationToken);
                }
                await Task.Delay(s.BudgetPollInterval, gate.Time, cancellationToken);
            }
        }

        /// <summary>Which limit spent + reserved + this estimate would pass, as a sentence, or null if it fits.
        /// Call under the lock.</summary>
        private string? Overrun(long tokens, decimal cost)
        {
            if (_budget.MaxTokens is { } maxTokens && _tokens + _reservedTokens + tokens > maxTokens)
            {
                return $"token budget too small for the next call: {_tokens:N0} tokens used + {_reservedTokens:N0} reserved by calls in flight + {tokens:N0} estimated for the next call (prompt + answer limit) would pass {maxTokens:N0}";
            }
            if (_budget.MaxCostUsd is { } maxCost && _cost + _reservedCost + cost > maxCost)
            {
                return $"cost budget too small for the next call: ${_cost:0.####} spent + ${_reservedCost:0.####} reserved by calls in flight + ${cost:0.####} estimated for the next call (prompt + answer limit) would pass ${maxCost:0.##}";
            }
            return null;
        }

        /// <summary>Ends a reservation: adds the call's actual usage (null when it failed) and wakes waiting calls.</summary>
        internal void Settle(long reservedTokens, decimal reservedCost, CallUsage? usage)
        {
            TaskCompletionSource settled;
            lock (_lock)
            {
                _reservedTokens -= reservedTokens;
                _reservedCost -= reservedCost;
                _inFlight--;
                if (usage is not null)
                {
                    _tokens += usage.PromptTokens + usage.CompletionTokens;
                    _cost += _budget.PriceOf(usage.Model ?? "")?.Cost(usage) ?? 0m;
                }
                settled = _settled;
                _settled = NewSignal();
            }
            settled.TrySetResult();
        }

        private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

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
                var record = await gate.CampaignRecords.GetCampaignAsync(campaignId, cancellationToken);
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
                    ? await CampaignUsageCalculator.ComputeAsync(gate.Episodes, campaignId, record.Spec.Budget, cancellationToken)
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

/// <summary>What a silo's <see cref="LlmBudgetGate"/> counts for a campaign: the spending (stored usage as last read
/// plus the calls this silo finished since) and the estimates reserved by the calls it has in flight.</summary>
public sealed record BudgetLedgerState(long SpentTokens, decimal SpentCostUsd, int CallsInFlight, long ReservedTokens, decimal ReservedCostUsd);

/// <summary>One admitted call's share of its campaign's budget (<see cref="LlmBudgetGate.ReserveAsync"/>).
/// <see cref="Complete"/> replaces it with the call's usage; <see cref="Dispose"/> releases it if the call did not
/// complete (failed or cancelled). Either happens once.</summary>
public sealed class BudgetReservation : IDisposable
{
    private readonly LlmBudgetGate.Ledger? _ledger;
    private int _settled;

    internal BudgetReservation(LlmBudgetGate.Ledger? ledger, long tokens, decimal costUsd)
    {
        _ledger = ledger;
        Tokens = tokens;
        CostUsd = costUsd;
    }

    /// <summary>No reservation (a call outside any campaign, or its budget could not be checked).</summary>
    public static BudgetReservation None { get; } = new(null, 0, 0m);

    /// <summary>The estimate reserved: prompt tokens + answer limit.</summary>
    public long Tokens { get; }

    /// <summary>The estimate's cost with the campaign's price table (0 for a model without a price).</summary>
    public decimal CostUsd { get; }

    /// <summary>Charges the call's actual usage in place of the estimate.</summary>
    public void Complete(CallUsage usage)
    {
        ArgumentNullException.ThrowIfNull(usage);
        if (_ledger is not null && Interlocked.Exchange(ref _settled, 1) == 0)
        {
            _ledger.Settle(Tokens, CostUsd, usage);
        }
    }

    /// <summary>Releases the reservation unless <see cref="Complete"/> already replaced it.</summary>
    public void Dispose()
    {
        if (_ledger is not null && Interlocked.Exchange(ref _settled, 1) == 0)
        {
            _ledger.Settle(Tokens, CostUsd, null);
        }
    }
}
