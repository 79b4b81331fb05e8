using System.Collections.Immutable;
using System.Globalization;
using Microsoft.Extensions.Options;
using Orleans.Runtime.MembershipService.SiloMetadata;
using SotopiaPi.Silo.Options;
using SotopiaPi.Sotopia.Campaigns;

namespace SotopiaPi.Silo.Runtime;

/// <summary>The silos that play episodes: every active silo of the membership, with the capacity it advertises in its
/// Orleans silo metadata (<see cref="MetadataKey"/>, its <c>Silo:MaxConcurrentEpisodes</c>; a silo whose metadata is
/// not known yet counts with this silo's own capacity). Keys are parsable silo addresses
/// (<see cref="ToAddress"/>); the version is the membership's.</summary>
internal sealed class ClusterCapacity(IClusterMembershipService membership, ISiloMetadataCache metadata, IOptions<SiloOptions> options) : IEpisodeCapacity
{
    public const string MetadataKey = "sotopia.max_concurrent_episodes";

    public EpisodeSilos Silos
    {
        get
        {
            var snapshot = membership.CurrentSnapshot;
            var members = ImmutableArray.CreateBuilder<EpisodeSilo>();
            foreach (var member in snapshot.Members.Values)
            {
                if (member.Status != SiloStatus.Active)
                {
                    continue;
                }
                var advertised = metadata.GetSiloMetadata(member.SiloAddress).Metadata.TryGetValue(MetadataKey, out var text)
                    && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
                    ? value
                    : options.Value.MaxConcurrentEpisodes;
                members.Add(new EpisodeSilo(member.SiloAddress.ToParsableString(), advertised));
            }
            return new EpisodeSilos(snapshot.Version.Value, members.ToImmutable());
        }
    }

    /// <summary>The silo of a key of <see cref="Silos"/>.</summary>
    public static SiloAddress ToAddress(string key) => SiloAddress.FromParsableString(key);
}
