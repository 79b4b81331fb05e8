using SotopiaPi.Sotopia.Simulator;

namespace SotopiaPi.Trainer.Embedded;

/// <summary>The trained model (a new instance; the starting model is untouched) and the run's metrics.</summary>
public sealed record EmbeddedTrainingResult(TrainablePolicyModel Model, EmbeddedTrainingMetrics Metrics);
