using System.Globalization;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.Serialization;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.OrleansTestSilo;
using SotopiaPi.Storage;

// Arguments: <connection string> <cluster id> <service id> <silo port> <gateway port>. Prints "SILO ACTIVE <address>"
// once the silo has joined, then runs until killed.
if (args.Length != 5)
{
    Console.Error.WriteLine("usage: SotopiaPi.OrleansTestSilo <connection string> <cluster id> <service id> <silo port> <gateway port>");
    return 2;
}
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
builder.UseOrleans(silo => silo
    .UseSotopiaPostgresClustering(args[0])
    .Configure<ClusterOptions>(options =>
    {
        options.ClusterId = args[1];
        options.ServiceId = args[2];
    })
    .ConfigureEndpoints(IPAddress.Loopback,
        int.Parse(args[3], CultureInfo.InvariantCulture), int.Parse(args[4], CultureInfo.InvariantCulture))
    .Configure<ClusterMembershipOptions>(TunedMembership.Apply)
    // Our grain interfaces come along with the storage assembly; their types travel as JSON.
    .Services.AddSerializer(serializer => serializer.AddSotopiaSerialization()));
using var host = builder.Build();
await host.StartAsync();
Console.WriteLine($"SILO ACTIVE {host.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress.ToParsableString()}");
await host.WaitForShutdownAsync();
return 0;
