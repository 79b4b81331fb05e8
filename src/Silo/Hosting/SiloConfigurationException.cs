namespace SotopiaPi.Silo.Hosting;

/// <summary>The silo's configuration cannot be used; <see cref="Problems"/> lists every reason (each names the
/// setting). The silo does not start.</summary>
public sealed class SiloConfigurationException(IReadOnlyList<string> problems)
    : Exception("The silo cannot start:" + Environment.NewLine + string.Join(Environment.NewLine, problems.Select(p => "  - " + p)))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}
