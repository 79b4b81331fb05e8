namespace SotopiaPi.Trainer.Embedded;

/// <summary>Reported after each epoch: which one, of how many, and the mean cross-entropy over the data.</summary>
public sealed record EmbeddedTrainingProgress(int Epoch, int Epochs, double Loss);
