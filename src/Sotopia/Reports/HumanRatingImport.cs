using System.Collections.Immutable;
using SotopiaPi.Sotopia.Data;

namespace SotopiaPi.Sotopia.Reports;

/// <summary>The result of reading a human ratings file: the valid ratings and every problem found (each names
/// the file, line and field). A file with any error must not be used.</summary>
public sealed record HumanRatingImport(string Source, ImmutableArray<HumanRating> Ratings, ImmutableArray<DataProblem> Problems)
{
    public bool IsValid => Problems.IsEmpty;
}
