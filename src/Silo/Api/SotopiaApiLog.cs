using Microsoft.Extensions.Logging;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Silo.Api;

/// <summary>Log messages of the silo process and its API (event ids 3000–3099). Never given a token.</summary>
internal static partial class SotopiaApiLog
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "Refused {Method} {Path}: {Reason}")]
    public static partial void Refused(ILogger logger, string method, string path, string reason);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "Campaign {CampaignId} created through the API ({Mode}, dataset {Dataset})")]
    public static partial void CampaignCreated(ILogger logger, string campaignId, CampaignMode mode, string dataset);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Information, Message = "Campaign {CampaignId}: {Status} requested through the API; now {Outcome}")]
    public static partial void CampaignStatusRequested(ILogger logger, string campaignId, CampaignStatus status, string outcome);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Information, Message = "Policy {PolicyName}: version {Version} activated through the API")]
    public static partial void PolicyActivated(ILogger logger, string policyName, int version);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Information, Message = "Dataset imported through the API from {Source}: {Scenarios} scenarios, {Characters} characters")]
    public static partial void DatasetImported(ILogger logger, string source, int scenarios, int characters);

    [LoggerMessage(EventId = 3010, Level = LogLevel.Information, Message = "Silo {SiloId} starting — {Settings}")]
    public static partial void Starting(ILogger logger, string siloId, string settings);

    [LoggerMessage(EventId = 3011, Level = LogLevel.Information, Message = "Silo {SiloId} stopping: its episodes stop after their last stored turn and resume on the other silos")]
    public static partial void Stopping(ILogger logger, string siloId);

    [LoggerMessage(EventId = 3012, Level = LogLevel.Information, Message = "Silo {SiloId} stopped: it left the cluster")]
    public static partial void Stopped(ILogger logger, string siloId);
}
