using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using SotopiaPi.Sotopia.Telemetry;

namespace SotopiaPi.Silo.IntegrationTests.Telemetry;

/// <summary>Collects the SotopiaPi spans (of one campaign: other tests run at the same time) and the measurements
/// of the SotopiaPi meter of one host (its <see cref="IMeterFactory"/>).</summary>
internal sealed class TelemetryRecorder : IDisposable
{
    private readonly ActivityListener _activities;
    private readonly MeterListener _meters = new();
    private readonly ConcurrentQueue<Activity> _stopped = new();
    private readonly ConcurrentQueue<(string Instrument, double Value, KeyValuePair<string, object?>[] Tags)> _measurements = new();

    public TelemetryRecorder()
    {
        _activities = new ActivityListener
        {
            ShouldListenTo = source => source.Name == SotopiaTelemetryNames.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(_activities);
    }

    /// <summary>Starts recording the measurements of the SotopiaPi meter created by <paramref name="factory"/>.</summary>
    public void ListenTo(IMeterFactory factory)
    {
        _meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == SotopiaTelemetryNames.MeterName && ReferenceEquals(instrument.Meter.Scope, factory))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _meters.SetMeasurementEventCallback<long>((instrument, value, tags, _) => _measurements.Enqueue((instrument.Name, value, tags.ToArray())));
        _meters.SetMeasurementEventCallback<double>((instrument, value, tags, _) => _measurements.Enqueue((instrument.Name, value, tags.ToArray())));
        _meters.Start();
    }

    /// <summary>Reads the observable instruments now.</summary>
    public void Observe() => _meters.RecordObservableInstruments();

    /// <summary>Stopped spans that carry <paramref name="campaignId"/>.</summary>
    public List<Activity> Spans(string campaignId) =>
        [.. _stopped.Where(a => a.GetTagItem(SotopiaAttributes.CampaignId) as string == campaignId)];

    public List<(double Value, Dictionary<string, object?> Tags)> Measurements(string instrument) =>
        [.. _measurements.Where(m => m.Instrument == instrument).Select(m => (m.Value, m.Tags.ToDictionary(t => t.Key, t => t.Value)))];

    public double Sum(string instrument, Func<Dictionary<string, object?>, bool>? where = null) =>
        Measurements(instrument).Where(m => where?.Invoke(m.Tags) ?? true).Sum(m => m.Value);

    public void Dispose()
    {
        _activities.Dispose();
        _meters.Dispose();
    }
}
