using System.ClientModel;
using SotopiaPi.Sotopia.Llm;

namespace SotopiaPi.Trainer.Backends.OpenAi;

/// <summary>Runs one call of the files and fine-tuning API and turns its failure into a
/// <see cref="TrainingBackendException"/> that names the operation, the method and URL, and the server's message:
/// "OpenAI upload of the training file (POST https://api.openai.com/v1/files) failed: HTTP 400: File is too large."
/// — never the key.</summary>
internal sealed class OpenAiOperation(Uri endpoint)
{
    /// <summary>The API base address, for messages (<c>https://api.openai.com/v1</c>).</summary>
    public string Endpoint { get; } = endpoint.AbsoluteUri.TrimEnd('/');

    public string Url(string path) => $"{Endpoint}/{path}";

    public async Task<T> RunAsync<T>(string operation, string method, string path, Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (ClientResultException ex)
        {
            throw Failure(operation, method, path, ex);
        }
        catch (HttpRequestException ex)
        {
            throw new TrainingBackendException($"OpenAI {operation} ({method} {Url(path)}) failed: connection failed: {ex.Message}", ex);
        }
    }

    public Task RunAsync(string operation, string method, string path, Func<Task> call) =>
        RunAsync(operation, method, path, async () =>
        {
            await call();
            return true;
        });

    public TrainingBackendException Failure(string operation, string method, string path, ClientResultException ex)
    {
        var what = ex.Status > 0
            ? $"HTTP {ex.Status}: {OpenAiErrorMessage.FromBody(OpenAiErrorMessage.BodyOf(ex))}".TrimEnd(' ', ':')
            : $"connection failed: {ex.InnerException?.Message ?? ex.Message}";
        return new TrainingBackendException($"OpenAI {operation} ({method} {Url(path)}) failed: {what}", ex);
    }
}
