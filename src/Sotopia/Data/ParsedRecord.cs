namespace SotopiaPi.Sotopia.Data;

/// <summary>A record that passed its own checks, with where it came from and the field names its file used
/// (so cross-record problems name the field the way the file spells it).</summary>
internal sealed record ParsedRecord<T>(T Value, RecordOrigin Origin, string IdField, string Agent1Field = "", string Agent2Field = "");
