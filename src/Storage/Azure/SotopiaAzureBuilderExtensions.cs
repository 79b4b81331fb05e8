using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Hosting;

namespace SotopiaPi.Storage.Azure;

/// <summary>The azure profile's Orleans providers: membership and reminders on Azure Table storage, grain state on
/// Azure Blob storage (Orleans' own providers; the tables and container are created at start-up). Grain state
/// writes are conditional on the blob's ETag: a stale activation's write fails with Orleans'
/// <c>InconsistentStateException</c> and the activation deactivates.</summary>
public static class SotopiaAzureBuilderExtensions
{
    public static ISiloBuilder UseSotopiaAzureClustering(this ISiloBuilder builder, AzureStorageOptions azure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(azure);
        return builder.UseAzureStorageClustering(o =>
        {
            o.TableServiceClient = azure.CreateTableServiceClient();
            o.TableName = azure.ClusteringTable;
        });
    }

    public static ISiloBuilder UseSotopiaAzureReminders(this ISiloBuilder builder, AzureStorageOptions azure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(azure);
        return builder.UseAzureTableReminderService(o =>
        {
            o.TableServiceClient = azure.CreateTableServiceClient();
            o.TableName = azure.RemindersTable;
        });
    }

    /// <summary>Grain state provider <paramref name="name"/> on Blob storage, one JSON blob per grain.</summary>
    public static ISiloBuilder AddSotopiaAzureGrainStorage(this ISiloBuilder builder, string name, AzureStorageOptions azure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(azure);
        builder.Services.AddAzureBlobGrainStorage(name, (AzureBlobStorageOptions o) =>
        {
            o.BlobServiceClient = azure.CreateBlobServiceClient();
            o.ContainerName = azure.GrainStateContainer;
            o.GrainStorageSerializer = new SotopiaJsonGrainStorageSerializer();
        });
        return builder;
    }

    /// <summary>The trainer's (or any client's) way to the silos: their gateways in the membership table.</summary>
    public static IClientBuilder UseSotopiaAzureClustering(this IClientBuilder builder, AzureStorageOptions azure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(azure);
        return builder.UseAzureStorageClustering(o =>
        {
            o.TableServiceClient = azure.CreateTableServiceClient();
            o.TableName = azure.ClusteringTable;
        });
    }
}
