namespace SotopiaPi.Grains.Interfaces;

/// <summary>One row of <c>GET /api/policies</c>.</summary>
public sealed record PolicySummaryResponse(string Name, int? ActiveVersion, int Versions);
