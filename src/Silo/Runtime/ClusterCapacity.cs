using System.Globalization;
using Microsoft.Extensions.Options;
using Orleans.Runtime.MembershipService.SiloMetadata;
using SotopiaPi.Silo.Options;
using SotopiaPi.Sotopia.Campaigns;

namespace SotopiaPi.Silo.Runtime;

/// <summary>How many episodes the cluster plays at once: the capacity every active silo advertises in its Orleans
/// silo metadata (<see cref="MetadataKey"/>, its <c>Silo:MaxConcurrentEpisodes</c>), added up; a silo whose metadata
/// is not known yet counts with this silo's own capacity.</summary>
internal sealed class ClusterCapacity(IClusterMembershipService membership, ISiloMetadataCache metadata, IOptions<SiloOptions> options) : IEpisodeCapacity
{
    public const string MetadataKey = "sotopia.max_concurrent_episodes";

    public int EpisodesAtOnce
    {
        get
        {
            var total = 0;
            foreach (var member in membership.CurrentSnapshot.Members.Values)
            {
                if (member.Status != SiloStatus.Active)
                {
                    continue;
                }
                var advertised = metadata.GetSiloMetadata(member.SiloAddress).Metadata.TryGetValue(MetadataKey, out var text)
                    && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
                    ? value
                    : options.Value.MaxConcurrentEpisodes;
                total += advertised;
            }
            return Math.Max(total, options.Value.MaxConcurrentEpisodes);
        }
    }
}
