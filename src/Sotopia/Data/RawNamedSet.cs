using System.Collections.Immutable;

namespace SotopiaPi.Sotopia.Data;

/// <summary>A named set of scenario ids as read from a file, before unknown ids are dropped.</summary>
internal sealed record RawNamedSet(string Name, ImmutableArray<string> Ids, RecordOrigin Origin);
