namespace SotopiaPi.Storage;

/// <summary>A <c>policies</c> row's name as read by a paged listing (both stores).</summary>
internal readonly record struct PolicyName(string Name);
