using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace SotopiaPi.Silo.Api;

/// <summary>The API's error answers: RFC 7807 problem details; 400s carry an <c>errors</c> object mapping each
/// wrong field to its messages.</summary>
internal static class ApiProblems
{
    public static ValidationProblem Invalid(string title, IDictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(errors, title: title);

    public static ValidationProblem Invalid(string title, string field, params string[] messages) =>
        Invalid(title, new Dictionary<string, string[]> { [field] = messages });

    /// <summary>Groups "field: message" lines (as <c>CampaignPlan.Validate</c> and the campaign launcher write
    /// them) by field; a line without a field goes under "spec".</summary>
    public static Dictionary<string, string[]> FromFieldMessages(IEnumerable<string> problems, string defaultField)
    {
        var grouped = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var problem in problems)
        {
            var colon = problem.IndexOf(": ", StringComparison.Ordinal);
            var field = colon > 0 && !problem[..colon].Contains(' ', StringComparison.Ordinal) ? problem[..colon] : defaultField;
            var message = colon > 0 && field != defaultField ? problem[(colon + 2)..] : problem;
            if (!grouped.TryGetValue(field, out var list))
            {
                grouped[field] = list = [];
            }
            list.Add(message);
        }
        return grouped.ToDictionary(g => g.Key, g => g.Value.ToArray(), StringComparer.Ordinal);
    }

    /// <summary>404 (application/problem+json).</summary>
    public static ProblemHttpResult NotFound(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: "Not found");

    /// <summary>409 (application/problem+json): the request does not apply to the resource's current state.</summary>
    public static ProblemHttpResult Conflict(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status409Conflict, title: "Conflict");
}
