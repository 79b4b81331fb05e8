namespace SotopiaPi.Silo.Api.Silos;

/// <summary>The address other machines reach this silo's API at (<c>SOTOPIA_ADVERTISED_URL</c>, e.g.
/// <c>http://$(POD_IP):8080</c> in Kubernetes), or null to report the bound address.</summary>
internal sealed record LocalSiloAddress(string? Url);
