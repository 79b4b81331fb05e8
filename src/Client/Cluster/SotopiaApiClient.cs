using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Sotopia.Reports;

namespace SotopiaPi.Client.Cluster;

/// <summary>A typed client of a silo's HTTP API (snake_case JSON, bearer token from
/// <see cref="ClusterMode.TokenVariable"/>). Every failure is a <see cref="SotopiaApiException"/> with a
/// message for the user; the token is never part of one.</summary>
internal sealed class SotopiaApiClient : IDisposable
{
    private readonly HttpClient _http;

    public SotopiaApiClient(Uri baseAddress, string? token, TimeSpan timeout, HttpMessageHandler? handler = null)
    {
        BaseAddress = baseAddress;
        _http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        _http.BaseAddress = baseAddress;
        _http.Timeout = timeout;
        // A body the silo refuses (over its 1 MiB limit) is answered with its 413 problem before the body is sent,
        // instead of a connection reset in the middle of sending it.
        _http.DefaultRequestHeaders.ExpectContinue = true;
        if (!string.IsNullOrEmpty(token))
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
    }

    public Uri BaseAddress { get; }

    public Task<CampaignStatusResponse> StartCampaignAsync(CampaignSpec spec, string? campaignId, CancellationToken ct) =>
        SendAsync<CampaignStatusResponse>(HttpMethod.Post, campaignId is null ? "api/campaigns" : $"api/campaigns?id={Uri.EscapeDataString(campaignId)}", spec, ct);

    public Task<CampaignSummaryResponse[]> ListCampaignsAsync(CancellationToken ct) =>
        SendAsync<CampaignSummaryResponse[]>(HttpMethod.Get, "api/campaigns", null, ct);

    public Task<CampaignStatusResponse> GetCampaignAsync(string id, CancellationToken ct) =>
        SendAsync<CampaignStatusResponse>(HttpMethod.Get, $"api/campaigns/{Uri.EscapeDataString(id)}", null, ct);

    /// <summary>The campaign's report data as the silo computes it from the store (what <c>sotopia report</c> renders).</summary>
    public Task<CampaignReportData> GetReportAsync(string id, CancellationToken ct) =>
        SendAsync<CampaignReportData>(HttpMethod.Get, $"api/campaigns/{Uri.EscapeDataString(id)}/report", null, ct);

    /// <summary>The report with the judge-versus-human gap for <paramref name="ratings"/> (checked by the silo).</summary>
    public Task<CampaignReportData> GetReportAsync(string id, HumanRatingsRequest ratings, CancellationToken ct) =>
        SendAsync<CampaignReportData>(HttpMethod.Post, $"api/campaigns/{Uri.EscapeDataString(id)}/report", ratings, ct);

    public Task<CampaignStatusResponse> CancelCampaignAsync(string id, CancellationToken ct) =>
        SendAsync<CampaignStatusResponse>(HttpMethod.Post, $"api/campaigns/{Uri.EscapeDataString(id)}/cancel", null, ct);

    public Task<CampaignStatusResponse> PauseCampaignAsync(string id, CancellationToken ct) =>
        SendAsync<CampaignStatusResponse>(HttpMethod.Post, $"api/campaigns/{Uri.EscapeDataString(id)}/pause", null, ct);

    public Task<CampaignStatusResponse> ResumeCampaignAsync(string id, CancellationToken ct) =>
        SendAsync<CampaignStatusResponse>(HttpMethod.Post, $"api/campaigns/{Uri.EscapeDataString(id)}/resume", null, ct);

    public Task<EpisodePageResponse> ListEpisodesAsync(string campaignId, int? round, string? status, string? cursor, int limit, CancellationToken ct)
    {
        var query = new List<string> { $"limit={limit}" };
        if (!string.IsNullOrWhiteSpace(cursor))
        {
            query.Add($"cursor={Uri.EscapeDataString(cursor.Trim())}");
        }
        if (round is { } r)
        {
            query.Add($"round={r}");
        }
        if (!string.IsNullOrWhiteSpace(status))
        {
            query.Add($"status={Uri.EscapeDataString(status)}");
        }
        return SendAsync<EpisodePageResponse>(HttpMethod.Get, $"api/campaigns/{Uri.EscapeDataString(campaignId)}/episodes?{string.Join('&', query)}", null, ct);
    }

    public Task<EpisodeDetailResponse> GetEpisodeAsync(string id, CancellationToken ct) =>
        SendAsync<EpisodeDetailResponse>(HttpMethod.Get, $"api/episodes/{Uri.EscapeDataString(id)}", null, ct);

    public Task<PolicySummaryResponse[]> ListPoliciesAsync(CancellationToken ct) =>
        SendAsync<PolicySummaryResponse[]>(HttpMethod.Get, "api/policies", null, ct);

    public Task<PolicyResponse> GetPolicyAsync(string name, CancellationToken ct) =>
        SendAsync<PolicyResponse>(HttpMethod.Get, $"api/policies/{Uri.EscapeDataString(name)}", null, ct);

    public Task<PolicyResponse> ActivatePolicyAsync(string name, int version, CancellationToken ct) =>
        SendAsync<PolicyResponse>(HttpMethod.Post, $"api/policies/{Uri.EscapeDataString(name)}/activate", new ActivatePolicyRequest { Version = version }, ct);

    public Task<PolicyResponse> RollbackPolicyAsync(string name, CancellationToken ct) =>
        SendAsync<PolicyResponse>(HttpMethod.Post, $"api/policies/{Uri.EscapeDataString(name)}/rollback", null, ct);

    public Task<DatasetImportResponse> ImportDatasetAsync(string path, IReadOnlyList<string> sets, CancellationToken ct) =>
        SendAsync<DatasetImportResponse>(HttpMethod.Post, "api/datasets/import", new DatasetImportRequest { Path = path, Sets = [.. sets] }, ct);

    public Task<DatasetVersionsResponse> ListDatasetVersionsAsync(CancellationToken ct) =>
        SendAsync<DatasetVersionsResponse>(HttpMethod.Get, "api/datasets/versions", null, ct);

    public Task<SiloResponse[]> ListSilosAsync(CancellationToken ct) =>
        SendAsync<SiloResponse[]>(HttpMethod.Get, "api/silos", null, ct);

    public void Dispose() => _http.Dispose();

    private async Task<T> SendAsync<T>(HttpMethod method, string path, object? body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: SotopiaJson.Options);
        }
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, ct);
        }
        catch (HttpRequestException ex)
        {
            throw new SotopiaApiException(null, $"cannot reach the silo at {BaseAddress}: {ex.Message}", inner: ex);
        }
        catch (TaskCanceledException ex) when (!ct.IsCancellationRequested)
        {
            throw new SotopiaApiException(null, $"the silo at {BaseAddress} did not answer within {_http.Timeout.TotalSeconds:0.###} s (frozen or overloaded?); wait longer with --http-timeout <seconds>", inner: ex);
        }
        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                throw await ErrorAsync(response, ct);
            }
            try
            {
                return await response.Content.ReadFromJsonAsync<T>(SotopiaJson.Options, ct)
                    ?? throw new SotopiaApiException(response.StatusCode, $"the silo answered {path} with an empty body");
            }
            catch (JsonException ex)
            {
                throw new SotopiaApiException(response.StatusCode, $"the silo's answer to {path} is not what this console expects ({ex.Message}); are the console and the silo the same version?", inner: ex);
            }
        }
    }

    private static async Task<SotopiaApiException> ErrorAsync(HttpResponseMessage response, CancellationToken ct)
    {
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            var had = response.RequestMessage?.Headers.Authorization is not null;
            return new SotopiaApiException(response.StatusCode, had
                ? $"the silo refused the token in {ClusterMode.TokenVariable} (401)."
                : $"the silo requires a bearer token (401): set {ClusterMode.TokenVariable} to the token the silos were started with.");
        }
        Problem? problem = null;
        try
        {
            problem = await response.Content.ReadFromJsonAsync<Problem>(SotopiaJson.Options, ct);
        }
        catch (JsonException)
        {
            // Not a problem body (a proxy's error page …): the status line says enough.
        }
        var errors = problem?.Errors ?? new Dictionary<string, string[]>();
        return new SotopiaApiException(
            response.StatusCode,
            SotopiaApiException.Format(response.StatusCode, response.ReasonPhrase, problem?.Title, problem?.Detail, errors),
            errors);
    }

    private sealed record Problem(string? Title, string? Detail, int? Status, Dictionary<string, string[]>? Errors);
}
