namespace SotopiaPi.TestInfrastructure;

/// <summary>How a <see cref="FakeVllmServer"/> treats runtime-loaded adapters.</summary>
public enum FakeVllmBehaviour
{
    /// <summary>Like vLLM: a loaded adapter is listed and answers under its name.</summary>
    Serves,

    /// <summary>Says "Success" to a load but never serves the adapter (not listed, calls to it 404).</summary>
    LoadsButDoesNotServe,

    /// <summary>Lists the adapter, but calls to it are answered by the base model.</summary>
    AnswersWithBaseModel,
}
