using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.Messaging;

namespace SotopiaPi.Storage.Tests.Orleans;

/// <summary>The services of a silo (or client) configured by the project's helpers, built but never started:
/// Orleans' own ADO.NET membership table, reminder table and gateway list provider, to call directly.</summary>
internal sealed class OrleansProviderHost : IDisposable
{
    private readonly IHost _host;

    private OrleansProviderHost(IHost host) => _host = host;

    public IServiceProvider Services => _host.Services;

    public static OrleansProviderHost Silo(string database, string clusterId, string serviceId = "sotopia-test")
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.UseOrleans(silo => silo
            .UseSotopiaPostgresClustering(database)
            .UseSotopiaPostgresReminders(database)
            .Configure<ClusterOptions>(options =>
            {
                options.ClusterId = clusterId;
                options.ServiceId = serviceId;
            }));
        return new OrleansProviderHost(builder.Build());
    }

    public static OrleansProviderHost Client(string database, string clusterId)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.UseOrleansClient(client => client
            .UseSotopiaPostgresClustering(database)
            .Configure<ClusterOptions>(options =>
            {
                options.ClusterId = clusterId;
                options.ServiceId = "sotopia-test";
            }));
        return new OrleansProviderHost(builder.Build());
    }

    /// <summary>The silo's membership table, initialised as a starting silo does (creating the version row if missing).</summary>
    public async Task<IMembershipTable> MembershipTableAsync()
    {
        var table = Services.GetRequiredService<IMembershipTable>();
        await table.InitializeMembershipTableAsync(true);
        return table;
    }

    public async Task<IReminderTable> ReminderTableAsync()
    {
        var table = Services.GetRequiredService<IReminderTable>();
        await table.StartAsync();
        return table;
    }

    public async Task<IGatewayListProvider> GatewayListAsync()
    {
        var provider = Services.GetRequiredService<IGatewayListProvider>();
        await provider.InitializeGatewayListProviderAsync();
        return provider;
    }

    public void Dispose() => _host.Dispose();
}
