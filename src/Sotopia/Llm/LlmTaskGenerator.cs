using System.Collections.Immutable;
using SotopiaPi.Sotopia.Data;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Sotopia.Llm;

/// <summary>Generates new social tasks with the generator role's model, SOTOPIA-π style (reference §d1): for each
/// call one unused inspirational keyword (sources split evenly) and one random existing scenario — never one of the
/// excluded (evaluation) sets — as the example; the answer is validated (<see cref="GeneratedScenarioParser"/>),
/// rejected when it nearly repeats any known scenario (<see cref="NearDuplicateIndex"/>) or no character pair fits
/// it, and otherwise stored with its provenance (keyword, source, model, example) together with character pairs
/// sampled by <see cref="ConstraintBasedSampler"/>, and added to a named set. Each accepted scenario is written at
/// once, so an interrupted run keeps what it made; a re-run skips the keywords already used.</summary>
public sealed class LlmTaskGenerator(ILlmGateway gateway, TimeProvider time)
{
    public static LlmResponseSchema Schema { get; } = new("sotopia_task", GeneratedScenarioParser.Schema);

    /// <exception cref="InvalidOperationException">The store lacks what generation needs (characters, example
    /// scenarios, unused inspirations, the excluded sets), or the endpoint refused the calls outright.</exception>
    public async Task<TaskGenerationReport> GenerateAsync(
        TaskGenerationRequest request, IDatasetStore store, Action<string>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(store);
        if (request.Count < 1 || request.PairsPerScenario < 1 || request.Parallelism < 1)
        {
            throw new ArgumentException("Count, pairs per scenario and parallelism must be at least 1.", nameof(request));
        }
        var baseVersion = (await store.ListDatasetVersionsAsync(cancellationToken)).LastOrDefault()?.Version;
        var dataset = baseVersion is { } v ? await store.LoadDatasetAsync(v, cancellationToken) : SotopiaDataset.Empty;
        if (dataset.Characters.IsEmpty || dataset.Relationships.IsEmpty)
        {
            throw new InvalidOperationException("The store holds no characters and relationships to sample pairs from; import a dataset first ('sotopia data import').");
        }
        var excluded = new HashSet<string>(StringComparer.Ordinal);
        foreach (var set in request.ExcludedSets)
        {
            if (!dataset.NamedSets.TryGetValue(set, out var ids))
            {
                throw new InvalidOperationException($"The excluded scenario set '{set}' does not exist (known sets: {string.Join(", ", dataset.NamedSets.Keys.Order())}).");
            }
            excluded.UnionWith(ids);
        }
        var examples = dataset.Scenarios.Where(s => !excluded.Contains(s.Id)).ToList();
        if (examples.Count == 0)
        {
            throw new InvalidOperationException("Every stored scenario is in an excluded set; there is no scenario left to show as the example.");
        }
        var pool = InspirationPool.Create(
            request.Inspirations,
            dataset.Scenarios.Select(s => s.Provenance?.Keyword).OfType<string>(),
            request.Seed);
        if (pool.Available == 0)
        {
            throw new InvalidOperationException(
                $"No unused inspiration is left: {pool.Read} read, {pool.Duplicates} duplicates, {pool.AlreadyUsed} already used for stored scenarios.");
        }
        var index = new NearDuplicateIndex(request.ShingleThreshold, request.WordThreshold);
        foreach (var scenario in dataset.Scenarios)
        {
            index.Add(scenario.Id, scenario.Text);
        }

        var run = new Run(request, pool, index, dataset, examples, store, progress) { BaseVersion = baseVersion };
        var workers = Enumerable.Range(0, request.Parallelism).Select(_ => WorkAsync(run, cancellationToken)).ToList();
        await Task.WhenAll(workers);
        return new TaskGenerationReport
        {
            Generated = [.. run.Accepted],
            DatasetVersion = run.DatasetVersion,
            Tasks = run.Tasks,
            Rejections = [.. run.Rejections],
            Attempts = run.Attempts,
            InspirationsRead = pool.Read,
            DuplicateInspirations = pool.Duplicates,
            AlreadyUsedInspirations = pool.AlreadyUsed,
            Usage = run.Usage,
        };
    }

    private async Task WorkAsync(Run run, CancellationToken cancellationToken)
    {
        await Task.Yield();
        while (run.TryStart(out var inspiration, out var attempt))
        {
            try
            {
                await AttemptAsync(run, inspiration, attempt, cancellationToken);
            }
            finally
            {
                run.Finish(inspiration);
            }
        }
    }

    private async Task AttemptAsync(Run run, Inspiration inspiration, int attempt, CancellationToken cancellationToken)
    {
        var request = run.Request;
        var example = run.Examples[new Random(unchecked((int)StableSeed.Derive(request.Seed, $"example/{attempt}"))).Next(run.Examples.Count)];
        var prompt = TaskGenerationPrompt.Render(inspiration.Text, GeneratedScenarioParser.ExampleJson(example));
        LlmAnswer answer;
        try
        {
            answer = await gateway.CompleteAsync(
                new LlmRequest(AgentRoles.Generator, prompt) { Model = request.Model, Schema = Schema, Purpose = "generate" }, cancellationToken);
        }
        catch (LlmCallException ex) when (ex.Status is 400 or 401 or 403 or 404)
        {
            run.Stop();
            throw new InvalidOperationException($"The generator endpoint refused the call, so generation stopped: {ex.Message}", ex);
        }
        catch (LlmCallException ex)
        {
            run.Reject(inspiration, $"generator call failed: {ex.Message}", null);
            return;
        }
        if (!GeneratedScenarioParser.TryParse(answer.Text, inspiration.Text, out var draft, out var error))
        {
            run.Reject(inspiration, $"invalid answer: {error}", answer.Usage);
            return;
        }
        var model = string.IsNullOrEmpty(answer.Usage.Model) ? request.Model ?? gateway.DefaultModel(AgentRoles.Generator) : answer.Usage.Model;
        await run.AcceptAsync(inspiration, draft, example, model, attempt, answer.Usage, time.GetUtcNow(), cancellationToken);
    }

    /// <summary>The shared state of one generation run; every member is used under its lock.</summary>
    private sealed class Run(
        TaskGenerationRequest request, InspirationPool pool, NearDuplicateIndex index, SotopiaDataset dataset,
        List<Scenario> examples, IDatasetStore store, Action<string>? progress)
    {
        private readonly Lock _lock = new();
        private readonly SemaphoreSlim _write = new(1, 1);
        private readonly Dictionary<string, int> _quotas = new(pool.Quotas(request.Count), StringComparer.Ordinal);
        private readonly Dictionary<string, int> _acceptedBySource = new(StringComparer.Ordinal);
        private readonly Dictionary<string, int> _inFlightBySource = new(StringComparer.Ordinal);
        private readonly List<string> _setIds = dataset.NamedSets.TryGetValue(request.SetName, out var ids) ? [.. ids] : [];
        private readonly int _maxAttempts = request.MaxAttempts ?? request.Count * 3;
        private int _inFlight;
        private bool _stopped;

        public TaskGenerationRequest Request => request;
        /// <summary>The newest dataset version when generation started (the one it draws examples from).</summary>
        public int? BaseVersion { get; init; }
        /// <summary>The dataset version holding the generated scenarios (null until one is accepted).</summary>
        public int? DatasetVersion { get; private set; }
        public List<Scenario> Examples => examples;
        public List<Scenario> Accepted { get; } = [];
        public List<TaskRejection> Rejections { get; } = [];
        public int Attempts { get; private set; }
        public int Tasks { get; private set; }
        public CallUsage? Usage { get; private set; }

        public bool TryStart(out Inspiration inspiration, out int attempt)
        {
            lock (_lock)
            {
                inspiration = null!;
                attempt = 0;
                if (_stopped || Accepted.Count + _inFlight >= request.Count || Attempts >= _maxAttempts)
                {
                    return false;
                }
                string? source = null;
                var bestNeed = 0;
                foreach (var s in pool.Sources)
                {
                    var need = _quotas.GetValueOrDefault(s) - _acceptedBySource.GetValueOrDefault(s) - _inFlightBySource.GetValueOrDefault(s);
                    if (need > bestNeed && pool.Remaining(s) > 0)
                    {
                        source = s;
                        bestNeed = need;
                    }
                }
                var taken = pool.Take(source);
                if (taken is null)
                {
                    return false;
                }
                inspiration = taken;
                Attempts++;
                attempt = Attempts;
                _inFlight++;
                _inFlightBySource[taken.Source] = _inFlightBySource.GetValueOrDefault(taken.Source) + 1;
                return true;
            }
        }

        public void Finish(Inspiration inspiration)
        {
            lock (_lock)
            {
                _inFlight--;
                _inFlightBySource[inspiration.Source]--;
            }
        }

        public void Stop()
        {
            lock (_lock)
            {
                _stopped = true;
            }
        }

        public void Reject(Inspiration inspiration, string reason, CallUsage? usage)
        {
            lock (_lock)
            {
                Rejections.Add(new TaskRejection(inspiration, reason));
                AddUsage(usage);
            }
            progress?.Invoke($"rejected ({inspiration.Source}: \"{inspiration.Text}\"): {reason}");
        }

        public async Task AcceptAsync(
            Inspiration inspiration, GeneratedScenarioDraft draft, Scenario example, string model, int attempt, CallUsage usage,
            DateTimeOffset now, CancellationToken cancellationToken)
        {
            await _write.WaitAsync(cancellationToken);
            try
            {
                string? rejection = null;
                Scenario scenario;
                ImmutableArray<SocialTask> pairs = [];
                lock (_lock)
                {
                    AddUsage(usage);
                    var random = new Random(unchecked((int)StableSeed.Derive(request.Seed, $"id/{attempt}")));
                    scenario = new Scenario
                    {
                        Id = ScenarioIds.NewUlid(now, random),
                        Codename = draft.Codename,
                        Source = inspiration.Source,
                        Text = draft.Text,
                        Goals = draft.Goals,
                        Relationship = draft.Relationship,
                        AgeConstraint = draft.AgeConstraint,
                        OccupationConstraint = draft.OccupationConstraint,
                        Tag = "generated",
                        Provenance = new ScenarioProvenance
                        {
                            Keyword = inspiration.Text,
                            Source = inspiration.Source,
                            Model = model,
                            ExampleScenarioId = example.Id,
                            InspirationFile = Path.GetFileName(inspiration.File),
                            GeneratedAt = now,
                        },
                    };
                    if (index.TryFindNearDuplicate(draft.Text, out var match))
                    {
                        rejection = $"near-duplicate of scenario {match.Id} (3-word-shingle Jaccard {match.ShingleJaccard:0.00}, word Jaccard {match.WordJaccard:0.00}; thresholds {index.ShingleThreshold:0.00} / {index.WordThreshold:0.00})";
                    }
                    else
                    {
                        pairs = ConstraintBasedSampler.Sample(dataset, scenario, request.PairsPerScenario, StableSeed.Derive(request.Seed, $"pairs/{scenario.Id}"));
                        if (pairs.IsEmpty)
                        {
                            rejection = $"no character pair has the relationship '{draft.Relationship}' within the ages {draft.AgeConstraint}";
                        }
                    }
                    if (rejection is not null)
                    {
                        Rejections.Add(new TaskRejection(inspiration, rejection));
                    }
                }
                if (rejection is not null)
                {
                    progress?.Invoke($"rejected ({inspiration.Source}: \"{inspiration.Text}\"): {rejection}");
                    return;
                }

                List<string> setIds;
                lock (_lock)
                {
                    setIds = [.. _setIds, scenario.Id];
                }
                var added = new SotopiaDataset
                {
                    Scenarios = [scenario],
                    Tasks = pairs,
                    NamedSets = ImmutableDictionary<string, ImmutableArray<string>>.Empty.Add(request.SetName, [.. setIds]),
                };
                // The first accepted scenario makes a new dataset version (the one generation started from plus it);
                // later ones are added to that version. The version generation started from is never changed.
                if (DatasetVersion is { } version)
                {
                    await store.AddToDatasetVersionAsync(version, added, cancellationToken);
                }
                else
                {
                    var created = await store.ImportDatasetAsync(dataset with
                    {
                        Scenarios = dataset.Scenarios.AddRange(added.Scenarios),
                        Tasks = dataset.Tasks.AddRange(added.Tasks),
                        NamedSets = dataset.NamedSets.SetItem(request.SetName, added.NamedSets[request.SetName]),
                    }, $"generated from {(BaseVersion is { } b ? $"version {b}" : "an empty store")}", cancellationToken);
                    DatasetVersion = created.Version;
                }
                lock (_lock)
                {
                    _setIds.Add(scenario.Id);
                    index.Add(scenario.Id, scenario.Text);
                    Accepted.Add(scenario);
                    Tasks += pairs.Length;
                    _acceptedBySource[inspiration.Source] = _acceptedBySource.GetValueOrDefault(inspiration.Source) + 1;
                }
                progress?.Invoke($"generated {scenario.Id} '{scenario.Codename}' from {inspiration.Source}: \"{inspiration.Text}\" ({pairs.Length} pairs)");
            }
            finally
            {
                _write.Release();
            }
        }

        private void AddUsage(CallUsage? usage)
        {
            if (usage is not null)
            {
                Usage = CallUsages.Add(Usage, usage);
            }
        }
    }
}
