using System.Text.Json;
using Orleans;
using Orleans.Runtime;
using Orleans.Storage;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Storage.Orleans;

/// <summary>Orleans grain storage over the project store (the embedded and PostgreSQL profiles): each grain's state
/// is one JSON document in <see cref="SotopiaJson"/>'s shape, written only if its ETag is the one the activation
/// read. A stale activation's write is refused with Orleans' <see cref="InconsistentStateException"/>, after which
/// Orleans deactivates it.</summary>
public sealed class StoreGrainStorage(IGrainStateStore store) : IGrainStorage
{
    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        var stored = await store.ReadGrainStateAsync(TypeOf(stateName, grainId), KeyOf(grainId)).ConfigureAwait(false);
        if (stored is null)
        {
            grainState.State = Activator.CreateInstance<T>();
            grainState.ETag = null;
            grainState.RecordExists = false;
            return;
        }
        grainState.State = JsonSerializer.Deserialize<T>(stored.Json, SotopiaJson.Options)
            ?? throw new InvalidDataException($"The stored state of {grainId} ({stateName}) is JSON null.");
        grainState.ETag = stored.ETag;
        grainState.RecordExists = true;
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        var json = JsonSerializer.Serialize(grainState.State, SotopiaJson.Options);
        try
        {
            grainState.ETag = await store.WriteGrainStateAsync(TypeOf(stateName, grainId), KeyOf(grainId), json, grainState.ETag).ConfigureAwait(false);
            grainState.RecordExists = true;
        }
        catch (StaleWriteException ex)
        {
            throw new InconsistentStateException(ex.Message, ex);
        }
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        try
        {
            await store.ClearGrainStateAsync(TypeOf(stateName, grainId), KeyOf(grainId), grainState.ETag).ConfigureAwait(false);
        }
        catch (StaleWriteException ex)
        {
            throw new InconsistentStateException(ex.Message, ex);
        }
        grainState.State = Activator.CreateInstance<T>();
        grainState.ETag = null;
        grainState.RecordExists = false;
    }

    private static string TypeOf(string stateName, GrainId grainId) => $"{grainId.Type}/{stateName}";

    private static string KeyOf(GrainId grainId) => grainId.Key.ToString();
}
