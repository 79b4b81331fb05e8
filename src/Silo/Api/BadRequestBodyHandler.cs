using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;

namespace SotopiaPi.Silo.Api;

/// <summary>A request the server refused while reading it (a body over <see cref="MaxRequestBodyBytes"/>, a body cut
/// short) answers with the server's status (413, 400) and a problem body, logged as a warning — not as an unhandled
/// exception and a 500.</summary>
internal sealed class BadRequestBodyHandler(IProblemDetailsService problems, ILogger<BadRequestBodyHandler> logger) : IExceptionHandler
{
    /// <summary>The largest request body the API reads (1 MiB; a campaign spec is at most 256 KiB).</summary>
    public const long MaxRequestBodyBytes = 1024 * 1024;

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad)
        {
            return false;
        }
        var detail = bad.StatusCode == StatusCodes.Status413PayloadTooLarge
            ? $"The request body is larger than the limit of {MaxRequestBodyBytes / 1024} KiB."
            : bad.Message;
        SotopiaApiLog.Refused(logger, httpContext.Request.Method, httpContext.Request.Path, detail);
        httpContext.Response.StatusCode = bad.StatusCode;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = new ProblemDetails { Status = bad.StatusCode, Title = "The request was refused.", Detail = detail },
        });
    }
}
