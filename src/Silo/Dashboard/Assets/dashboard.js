// SotopiaPi dashboard: vanilla JS, served by the silo; talks only to this silo's /api (same origin). It draws no
// chart: charts are the SVG images the silo renders for the HTML report too (/api/dashboard/campaigns/{id}/charts).
'use strict';

(() => {
  const TOKEN_KEY = 'sotopia-api-token';
  const POLL_MS = 2000;
  const view = document.getElementById('view');
  let generation = 0;      // bumps on every navigation; a stale poll or fetch stops when it changed
  let pollTimer = null;

  class AuthError extends Error {}
  class ApiError extends Error {
    constructor(status, problem) {
      super(problem && (problem.detail || problem.title) || `HTTP ${status}`);
      this.status = status;
      this.problem = problem;
    }
  }

  // ---------- DOM helpers (text only: data never becomes markup) ----------
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    setAttrs(el, attrs);
    append(el, children);
    return el;
  }
  function setAttrs(el, attrs) {
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'onclick' || k === 'onsubmit' || k === 'onchange') el.addEventListener(k.slice(2), v);
      else if (k === 'style') el.style.cssText = v; // CSSOM: allowed by the page's CSP, unlike a style attribute
      else el.setAttribute(k, v === true ? '' : String(v));
    }
  }
  function append(el, children) {
    for (const c of children.flat(Infinity)) {
      if (c === null || c === undefined || c === false) continue;
      el.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
  }
  function render(...children) {
    view.replaceChildren();
    append(view, children);
  }
  const dash = '—';
  const fmt = (x, d = 2) => (x === null || x === undefined || Number.isNaN(x)) ? dash : Number(x).toFixed(d);
  // A score over no scored seat is "n/a" (the report says why), never 0.00 ± 0.00.
  const pm = (e, d = 2) => !e || !e.n ? 'n/a' : `${fmt(e.mean, d)} ± ${fmt(e.ci95, d)}`;
  const int = x => (x === null || x === undefined) ? dash : Number(x).toLocaleString('en-US');
  const cost = x => (x === null || x === undefined) ? dash : `$${Number(x).toFixed(2)}`;
  const date = x => x ? new Date(x).toISOString().replace('T', ' ').slice(0, 19) + 'Z' : dash;
  const badge = x => h('span', { class: `badge ${x}` }, String(x).replaceAll('_', ' '));
  const enc = encodeURIComponent;
  const seatLabel = seat => seat.role === 'policy' ? `policy v${seat.version}` : seat.role;

  // ---------- API ----------
  async function request(path, accept) {
    const headers = { Accept: accept };
    const token = sessionStorage.getItem(TOKEN_KEY);
    if (token) headers.Authorization = `Bearer ${token}`;
    const response = await fetch(path, { headers, cache: 'no-store' });
    if (response.status === 401) throw new AuthError(token ? 'refused' : 'missing');
    if (!response.ok) {
      let problem = null;
      try { problem = await response.json(); } catch { problem = null; }
      throw new ApiError(response.status, problem);
    }
    return response;
  }

  async function api(path) {
    const response = await request(path, 'application/json');
    try { return await response.json(); } catch { return null; }
  }

  // A report chart: the silo's SVG image (the one the HTML report embeds), parsed as XML — never as HTML — and
  // placed inline so its points keep their tooltips and data-* attributes.
  async function chart(campaignId, name) {
    const response = await request(`/api/dashboard/campaigns/${enc(campaignId)}/charts/${name}.svg`, 'image/svg+xml');
    const image = new DOMParser().parseFromString(await response.text(), 'image/svg+xml').documentElement;
    if (image.namespaceURI !== 'http://www.w3.org/2000/svg' || image.localName !== 'svg') {
      throw new ApiError(502, { detail: `The chart ${name}.svg is not an SVG image.` });
    }
    return document.importNode(image, true);
  }

  function showTokenPrompt(reason) {
    const panel = document.getElementById('token-panel');
    const message = document.getElementById('token-message');
    message.textContent = reason === 'refused'
      ? 'The silo refused the stored token (401). Enter the value of SOTOPIA_API_TOKEN the silo was started with.'
      : 'This silo requires an API token (401): every /api request needs "Authorization: Bearer <token>", the value of SOTOPIA_API_TOKEN the silo was started with. It is kept in this browser tab only (sessionStorage).';
    panel.hidden = false;
    render();
    document.getElementById('token-input').focus();
  }

  document.getElementById('token-form').addEventListener('submit', ev => {
    ev.preventDefault();
    const value = document.getElementById('token-input').value.trim();
    if (!value) return;
    sessionStorage.setItem(TOKEN_KEY, value);
    document.getElementById('token-input').value = '';
    document.getElementById('token-panel').hidden = true;
    route();
  });
  // The Orleans dashboard cannot send the bearer header: with a token, ask the silo for its /orleans cookie first.
  document.getElementById('orleans-link').addEventListener('click', async ev => {
    const token = sessionStorage.getItem(TOKEN_KEY);
    if (!token) return;
    ev.preventDefault();
    const response = await fetch('/api/orleans/session', { method: 'POST', headers: { Authorization: `Bearer ${token}` }, cache: 'no-store' });
    if (response.status === 401) { showTokenPrompt('refused'); return; }
    window.location.href = '/orleans/';
  });
  document.getElementById('forget-token').addEventListener('click', () => {
    sessionStorage.removeItem(TOKEN_KEY);
    route();
  });

  function fail(error) {
    if (error instanceof AuthError) { showTokenPrompt(error.message); return; }
    const box = h('div', { class: 'error', role: 'alert' }, error.message);
    if (error instanceof ApiError && error.problem && error.problem.errors) {
      box.append(h('ul', {}, Object.entries(error.problem.errors).map(([k, v]) => h('li', {}, `${k}: ${v.join('; ')}`))));
    }
    render(box);
  }

  // ---------- routing ----------
  function parseHash() {
    const raw = location.hash.replace(/^#\/?/, '');
    const [path, query] = raw.split('?');
    return { parts: path.split('/').filter(Boolean).map(decodeURIComponent), params: new URLSearchParams(query || '') };
  }

  async function route() {
    const mine = ++generation;
    clearTimeout(pollTimer);
    document.getElementById('live').hidden = true;
    document.getElementById('forget-token').hidden = !sessionStorage.getItem(TOKEN_KEY);
    const { parts, params } = parseHash();
    const section = parts[0] || 'campaigns';
    for (const a of document.querySelectorAll('[data-nav]')) a.classList.toggle('active', a.dataset.nav === section);
    try {
      if (section === 'campaigns' && parts[1]) await campaignPage(parts[1], mine);
      else if (section === 'campaigns') await campaignsPage(mine);
      else if (section === 'episodes' && parts[1]) await episodePage(parts[1], mine);
      else if (section === 'episodes') await episodesPage(params, mine);
      else if (section === 'policies') await policiesPage(mine);
      else render(h('div', { class: 'error' }, `Unknown page '${section}'.`));
      if (mine === generation) document.getElementById('token-panel').hidden = true;
    } catch (error) {
      if (mine === generation) fail(error);
    }
  }
  window.addEventListener('hashchange', route);

  function schedule(mine, fn) {
    if (mine !== generation) return;
    document.getElementById('live').hidden = false;
    pollTimer = setTimeout(async () => {
      if (mine !== generation) return;
      try { await fn(); } catch (error) { if (mine === generation) fail(error); }
    }, POLL_MS);
  }

  // ---------- campaigns ----------
  async function campaignsPage(mine) {
    const rows = await api('/api/dashboard/campaigns');
    if (mine !== generation) return;
    const running = rows.some(r => r.campaign.status === 'running' || r.campaign.status === 'paused');
    render(
      h('h1', {}, 'Campaigns'),
      rows.length === 0 ? h('p', { class: 'muted' }, 'No campaign yet. Start one with: sotopia --cluster <url> campaign start --spec spec.yaml') :
        h('table', { id: 'campaigns' },
          h('thead', {}, h('tr', {}, ['Campaign', 'Mode', 'Status', 'Stage', 'Progress', 'Episodes', 'Failed', 'Tokens', 'Cost', 'Created'].map(t => h('th', {}, t)))),
          h('tbody', {}, rows.map(r => {
            const c = r.campaign, e = r.episodes;
            return h('tr', { 'data-campaign': c.id },
              h('td', {}, h('a', { href: `#/campaigns/${enc(c.id)}` }, c.name), h('div', { class: 'muted' }, c.id)),
              h('td', {}, c.mode), h('td', {}, badge(c.status)),
              h('td', {}, `${Math.min(c.stage + 1, c.stages)} / ${c.stages}`, h('div', { class: 'muted' }, c.step)),
              h('td', {}, progressBar(e)),
              h('td', { class: 'num' }, `${e.finished} / ${e.total}`),
              h('td', { class: 'num' }, e.failed + e.evaluation_failed),
              h('td', { class: 'num' }, int(r.tokens)), h('td', { class: 'num cost' }, cost(r.cost_usd)),
              h('td', {}, date(c.created_at)));
          }))));
    if (running) schedule(mine, () => campaignsPage(mine));
  }

  function progressBar(e) {
    const total = Math.max(e.total, 1);
    const ok = 100 * (e.completed) / total;
    const bad = 100 * (e.failed + e.evaluation_failed + e.cancelled) / total;
    return h('div', { class: 'bar', title: `${e.completed} completed, ${e.failed + e.evaluation_failed} failed, ${e.running} running, ${e.pending} pending` },
      h('span', { style: `width:${ok}%` }), h('span', { class: 'failed', style: `left:${ok}%;width:${bad}%` }));
  }

  async function campaignPage(id, mine) {
    const [status, report, silos, workers, goalCurve, overallCurve, histogramChart] = await Promise.all([
      api(`/api/campaigns/${enc(id)}`), api(`/api/campaigns/${enc(id)}/report`), api('/api/silos'), api(`/api/campaigns/${enc(id)}/workers`),
      chart(id, 'learning-curve-goal'), chart(id, 'learning-curve-overall'), chart(id, 'histograms')]);
    if (mine !== generation) return;
    const scrollY = window.scrollY;
    const e = status.episodes;
    render(
      h('h1', {}, status.name, ' ', badge(status.status)),
      h('p', { class: 'muted' }, `${status.id} · mode ${status.mode} · dataset ${status.spec.dataset} · backend ${status.spec.backend || dash} · created ${date(status.created_at)} · updated ${date(status.updated_at)}`),
      status.error ? h('div', { class: 'error' }, status.error) : null,
      h('div', { class: 'stats' },
        stat('Episodes', `${e.finished} / ${e.total}`), stat('Completed', e.completed), stat('Running', e.running), stat('Pending', e.pending),
        stat('Failed', e.failed), stat('Judge failed', e.evaluation_failed),
        stat('Tokens', int(report.usage.total_tokens)), stat('Cost', cost(report.usage.cost_usd))),
      report.usage.note ? h('p', { class: 'muted', id: 'usage-note' }, `Tokens and cost: ${report.usage.note}.`) : null,
      h('p', {}, h('a', { href: `#/episodes?campaign=${enc(status.id)}` }, 'Browse this campaign\'s episodes →')),
      h('h2', {}, 'Progress per round'), stagesTable(status),
      h('h2', {}, 'Learning curve'),
      h('div', { id: 'learning-curve', class: 'grid' }, h('div', { class: 'chart-box' }, goalCurve), h('div', { class: 'chart-box' }, overallCurve)),
      h('h2', {}, 'Results against the partner'), paperTable(report),
      h('h2', {}, 'Per-dimension scores (all)'), dimensionTable(report),
      report.paired.length ? [h('h2', {}, 'Paired comparisons'), pairedTable(report)] : null,
      h('h2', {}, 'Training rounds and filtering'), roundsTable(report),
      h('h2', {}, 'Score distributions per dimension'), h('div', { id: 'histograms', class: 'chart-box scroll' }, histogramChart),
      h('h2', {}, 'Silos'), silosTable(silos, workers));
    window.scrollTo(0, scrollY);
    if (status.status === 'running' || status.status === 'paused') schedule(mine, () => campaignPage(id, mine));
  }

  const stat = (label, value) => h('div', { class: 'stat' }, h('b', {}, String(value)), h('span', { class: 'muted' }, label));

  function stagesTable(status) {
    return h('table', { id: 'stages' },
      h('thead', {}, h('tr', {}, ['#', 'Stage', 'What it plays', 'State', 'Progress', 'Episodes', 'Failed', 'Training'].map(t => h('th', {}, t)))),
      h('tbody', {}, status.stages.map(st => h('tr', {},
        h('td', {}, st.index), h('td', {}, st.label), h('td', {}, st.description), h('td', {}, badge(st.state)),
        h('td', {}, progressBar(st.episodes)), h('td', { class: 'num' }, `${st.episodes.finished} / ${st.episodes.total}`),
        h('td', { class: 'num' }, st.episodes.failed + st.episodes.evaluation_failed),
        h('td', {}, st.training ? `${st.training.status.replaceAll('_', ' ')} · epoch ${st.training.epochs_done}/${st.training.epochs_total}` +
          (st.training.published_version !== null && st.training.published_version !== undefined ? ` · published v${st.training.published_version}` : '') +
          (st.training.error ? ` · ${st.training.error}` : '') : dash)))));
  }

  function paperTable(report) {
    return h('table', { id: 'paper-table' },
      h('thead', {}, h('tr', {}, ['Policy', 'Set', 'n', 'GOAL', 'Overall', 'Episodes', 'Judge failed', 'Tokens', 'Cost', 'Not scored because'].map(t => h('th', {}, t)))),
      h('tbody', {}, report.scores.map(r => h('tr', { 'data-policy': r.policy.label, 'data-set': r.set },
        h('td', {}, r.policy.display), h('td', {}, r.set), h('td', { class: 'num' }, r.scores.n),
        h('td', { class: 'num', title: r.unscored }, pm(r.scores.goal)), h('td', { class: 'num', title: r.unscored }, pm(r.scores.overall)),
        h('td', { class: 'num' }, r.episodes), h('td', { class: 'num' }, r.evaluation_failed),
        h('td', { class: 'num' }, int(r.usage.total_tokens)), h('td', { class: 'num cost' }, cost(r.usage.cost_usd)),
        h('td', { class: 'muted unscored' }, r.unscored || '')))));
  }

  const DIMENSIONS = ['BEL', 'REL', 'KNO', 'SEC', 'SOC', 'FIN', 'GOAL'];
  function dimensionTable(report) {
    return h('table', { id: 'dimensions' },
      h('thead', {}, h('tr', {}, h('th', {}, 'Policy'), DIMENSIONS.map(d => h('th', { class: 'num' }, d)))),
      h('tbody', {}, report.scores.filter(r => r.set === 'all').map(r => h('tr', {},
        h('td', {}, r.policy.display), r.scores.dimensions.map(e => h('td', { class: 'num' }, pm(e)))))));
  }

  function pairedTable(report) {
    const diff = d => {
      if (!d || !d.n) return dash;
      const text = d.ci95 === null || d.ci95 === undefined ? `${fmt(d.mean)} (no CI)` : `${fmt(d.mean)} ± ${fmt(d.ci95)}`;
      return h('span', { class: d.excludes_zero ? (d.mean > 0 ? 'pos' : 'neg') : '' }, text);
    };
    return h('table', { id: 'paired' },
      h('thead', {}, h('tr', {}, ['From', 'To', 'Kind', 'Set', 'n', 'Δ GOAL', 'Δ Overall'].map(t => h('th', {}, t)))),
      h('tbody', {}, report.paired.map(p => h('tr', {},
        h('td', {}, p.from.display), h('td', {}, p.to.display), h('td', {}, p.kind), h('td', {}, p.set),
        h('td', { class: 'num' }, p.n), h('td', { class: 'num' }, diff(p.goal)), h('td', { class: 'num' }, diff(p.overall))))));
  }

  function roundsTable(report) {
    if (report.rounds.length === 0) return h('p', { class: 'muted' }, 'No training round.');
    return h('table', { id: 'rounds' },
      h('thead', {}, h('tr', {}, ['Round', 'Played by', 'Episodes', 'Judged', 'GOAL', 'Overall', 'Kept', 'Filtered share', 'Kept GOAL', 'Examples', 'Produced', 'Tokens', 'Cost'].map(t => h('th', {}, t)))),
      h('tbody', {}, report.rounds.map(r => h('tr', {},
        h('td', {}, r.label), h('td', {}, r.played_by), h('td', { class: 'num' }, r.episodes), h('td', { class: 'num' }, r.judged),
        h('td', { class: 'num' }, pm(r.scores.goal)), h('td', { class: 'num' }, pm(r.scores.overall)),
        h('td', { class: 'num' }, r.kept ?? dash), h('td', { class: 'num filtered-share' }, r.kept_share === null || r.kept_share === undefined ? dash : `${(100 * r.kept_share).toFixed(0)}%`),
        h('td', { class: 'num' }, fmt(r.kept_goal)), h('td', { class: 'num' }, r.training_examples),
        h('td', {}, r.produced_version === null || r.produced_version === undefined ? dash : `v${r.produced_version}`),
        h('td', { class: 'num' }, int(r.usage.total_tokens)), h('td', { class: 'num' }, cost(r.usage.cost_usd))))));
  }

  function silosTable(silos, workers) {
    return h('div', {},
      h('p', { class: 'muted' }, workers.driver ? `This campaign's grain is active on ${workers.driver}; its episodes are spread over every active silo.` : 'This campaign\'s grain is not active on any silo now.'),
      h('table', { id: 'silos' },
        h('thead', {}, h('tr', {}, ['Silo', 'Status', 'API', 'Episodes in flight', 'Capacity', 'Grains', 'Started', 'Last alive'].map(t => h('th', {}, t)))),
        h('tbody', {}, silos.map(x => h('tr', {},
          h('td', {}, x.id, x.is_self ? h('span', { class: 'muted' }, ' (this silo)') : null, workers.driver === x.id ? h('span', { class: 'muted' }, ' (campaign)') : null),
          h('td', {}, badge(x.status)), h('td', {}, x.api_url || dash),
          h('td', { class: 'num' }, int(x.episodes_in_flight)), h('td', { class: 'num' }, int(x.max_concurrent_episodes)),
          h('td', { class: 'num' }, int(x.grains_active)), h('td', {}, date(x.started_at)), h('td', {}, date(x.last_heartbeat_at)))))));
  }

  // ---------- episodes ----------
  const FILTERS = ['campaign', 'round', 'phase', 'status', 'scenario', 'policy', 'score', 'min', 'max'];
  async function episodesPage(params, mine) {
    const campaigns = await api('/api/dashboard/campaigns');
    if (mine !== generation) return;
    const query = new URLSearchParams();
    for (const k of [...FILTERS, 'cursor']) if (params.get(k)) query.set(k, params.get(k));
    const limit = 50;
    query.set('limit', limit);
    const form = h('form', { class: 'filters', id: 'episode-filters' },
      field('Campaign', select('campaign', [['', 'any'], ...campaigns.map(c => [c.campaign.id, c.campaign.name + ' · ' + c.campaign.id])], params)),
      field('Round', h('input', { name: 'round', type: 'number', min: 0, value: params.get('round') || '' })),
      field('Phase', select('phase', [['', 'any'], ['bc', 'bc'], ['sr', 'sr'], ['eval', 'eval']], params)),
      field('Status', select('status', [['', 'any'], ...['pending', 'running', 'completed', 'evaluation_failed', 'failed', 'cancelled'].map(x => [x, x.replace('_', ' ')])], params)),
      field('Scenario (id or codename)', h('input', { name: 'scenario', value: params.get('scenario') || '' })),
      field('Policy (expert, partner, v2…)', h('input', { name: 'policy', value: params.get('policy') || '', size: 10 })),
      field('Score', select('score', [['goal', 'GOAL'], ['overall', 'overall']], params)),
      field('Min', h('input', { name: 'min', type: 'number', step: 'any', value: params.get('min') || '', size: 5 })),
      field('Max', h('input', { name: 'max', type: 'number', step: 'any', value: params.get('max') || '', size: 5 })),
      h('button', { type: 'submit' }, 'Filter'),
      h('button', { type: 'button', class: 'secondary', onclick: () => { location.hash = '#/episodes'; } }, 'Clear'));
    form.addEventListener('submit', ev => {
      ev.preventDefault();
      const next = new URLSearchParams();
      for (const k of FILTERS) {
        const v = form.elements[k].value.trim();
        if (v && !(k === 'score' && v === 'goal')) next.set(k, v);
      }
      location.hash = `#/episodes?${next}`;
    });
    render(h('h1', {}, 'Episodes'), form, h('div', { id: 'episode-results' }, h('p', { class: 'muted' }, 'Loading…')));
    let page;
    try {
      page = await api(`/api/dashboard/episodes?${query}`);
    } catch (error) {
      if (error instanceof ApiError && mine === generation) {
        const box = h('div', { class: 'error', role: 'alert' }, error.message);
        if (error.problem && error.problem.errors) box.append(h('ul', {}, Object.entries(error.problem.errors).map(([k, v]) => h('li', {}, `${k}: ${v.join('; ')}`))));
        document.getElementById('episode-results').replaceChildren(box);
        return;
      }
      throw error;
    }
    if (mine !== generation) return;
    const to = cursor => { const q = new URLSearchParams(params); if (cursor) q.set('cursor', cursor); else q.delete('cursor'); return `#/episodes?${q}`; };
    const counted = page.total === null || page.total === undefined
      ? `${page.items.length} shown (${page.scanned} read; the total is not counted for this filter)`
      : `${page.total} episode${page.total === 1 ? '' : 's'} match`;
    document.getElementById('episode-results').replaceChildren(
      h('div', { class: 'pager' },
        h('span', { id: 'episode-total' }, counted),
        page.cursor ? h('a', { href: to(null) }, '⇤ first page') : null,
        page.next_cursor ? h('a', { href: to(page.next_cursor), id: 'episode-next' }, 'next →') : null),
      h('table', { id: 'episodes' },
        h('thead', {}, h('tr', {}, ['Episode', 'Round', 'Phase', 'Status', 'Scenario', 'Seat 1', 'Seat 2', 'GOAL', 'Overall', 'Ended'].map(t => h('th', {}, t)))),
        h('tbody', {}, page.items.map(e => h('tr', { class: 'episode-row', 'data-episode': e.id },
          h('td', {}, h('a', { href: `#/episodes/${enc(e.id)}` }, e.id)),
          h('td', { class: 'num' }, e.round), h('td', {}, e.phase), h('td', {}, badge(e.status)), h('td', {}, e.scenario),
          [0, 1].map(i => h('td', {}, e.characters[i], h('div', { class: 'muted' }, seatLabel(e.seats[i]) + (e.scored_seats.includes(i) ? '' : ' · not scored')))),
          h('td', { class: 'num' }, e.goal.map(g => g ?? dash).join(' / ')),
          h('td', { class: 'num' }, e.overall.map(o => fmt(o)).join(' / ')),
          h('td', {}, e.termination ? e.termination.replaceAll('_', ' ') : (e.failure_reason || dash)))))));
  }

  const field = (label, input) => h('label', {}, label, input);
  function select(name, options, params) {
    const current = params.get(name) || options[0][0];
    return h('select', { name }, options.map(([v, t]) => h('option', { value: v, selected: v === current }, t)));
  }

  async function episodePage(id, mine) {
    const [episode, characters] = await Promise.all([api(`/api/episodes/${enc(id)}`), api(`/api/episodes/${enc(id)}/characters`)]);
    if (mine !== generation) return;
    const names = episode.seats.map(x => x.name);
    render(
      h('h1', {}, episode.scenario.codename || episode.scenario.id, ' ', badge(episode.status)),
      h('p', { class: 'muted' }, `${episode.id} · `, h('a', { href: `#/campaigns/${enc(episode.campaign_id)}` }, episode.campaign_id),
        ` · round ${episode.round} (${episode.phase}) · relationship ${episode.relationship} · ended: ${episode.termination ? episode.termination.replaceAll('_', ' ') : dash}` +
        ` · judge ${episode.judge_model || dash} · seed ${episode.seed}`),
      episode.failure_reason ? h('div', { class: 'error' }, `Failed: ${episode.failure_reason}`) : null,
      episode.evaluation_failure ? h('div', { class: 'error' }, `The judge failed: ${episode.evaluation_failure}`) : null,
      h('h2', {}, 'Scenario'), h('div', { class: 'card scenario' }, episode.scenario.text),
      h('h2', {}, 'Characters (what the judge saw)'),
      h('div', { class: 'characters' }, characters.map(c => characterCard(c, episode.seats[c.seat]))),
      h('h2', {}, `Transcript (${episode.turns.length} turns)`),
      h('div', { class: 'transcript', id: 'transcript' }, episode.turns.map(t => turn(t))),
      episode.turns.length === 0 ? h('p', { class: 'muted' }, 'No turn stored yet.') : null,
      h('h2', {}, 'Judge scores and reasoning'), scoresTable(episode, names));
    if (episode.status === 'running' || episode.status === 'pending') schedule(mine, () => episodePage(id, mine));
  }

  function characterCard(c, seat) {
    const rows = [
      ['Played by', `${seatLabel(seat)} · ${seat.model}${seat.scored ? '' : ' · not scored'}`],
      ['Age / gender', `${c.age} · ${c.gender}${c.gender_pronoun ? ` (${c.gender_pronoun})` : ''}`],
      ['Occupation', c.occupation], ['Public info', c.public_info], ['Personality and values', c.personality_and_values],
      ['Big Five', c.big_five], ['Moral values', c.moral_values.join(', ')], ['Schwartz values', c.schwartz_personal_values.join(', ')],
      ['Decision-making', c.decision_making_style],
    ].filter(([, v]) => v && String(v).trim());
    return h('div', { class: `card character seat-${c.seat}`, 'data-seat': c.seat },
      h('h3', {}, `Seat ${c.seat + 1}: ${c.name}`),
      h('div', { class: 'muted' }, 'Goal (private to this character; the judge sees it)'), h('div', { class: 'goal' }, c.goal),
      h('dl', {}, rows.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
      h('div', { class: 'muted' }, 'Secret (private to this character; the judge sees it)'),
      h('div', { class: 'secret' }, c.secret || '(none)'));
  }

  const KINDS = { 'speak': 'speech', 'non-verbal communication': 'non-verbal', 'action': 'physical action', 'leave': 'left', 'none': 'did nothing' };
  function turn(t) {
    const kind = t.action_type.replaceAll(' ', '-');
    let text = t.argument;
    if (t.action_type === 'speak') text = `“${t.argument}”`;
    else if (t.action_type === 'leave') text = `${t.speaker} left the conversation`;
    else if (t.action_type === 'none') text = `${t.speaker} did nothing`;
    return h('div', { class: `turn seat-${t.seat} ${kind}`, 'data-turn': t.number, 'data-action': t.action_type, title: t.line },
      h('div', { class: 'who' }, `#${t.number} ${t.speaker}`, h('span', { class: 'kind' }, KINDS[t.action_type] || t.action_type)),
      h('div', { class: 'text' }, text),
      t.note ? h('div', { class: 'muted' }, t.note) : null);
  }

  function scoresTable(episode, names) {
    const evals = episode.seats.map(x => x.evaluation);
    if (evals.every(x => !x)) return h('p', { class: 'muted' }, 'Not judged (yet).');
    const dims = (evals.find(x => x) || { dimensions: [] }).dimensions;
    return h('table', { id: 'scores' },
      h('thead', {}, h('tr', {}, h('th', {}, 'Dimension'),
        episode.seats.map(x => [h('th', { class: 'num' }, `${x.name}${x.scored ? '' : ' (not scored)'}`), h('th', {}, 'Reasoning')]))),
      h('tbody', {},
        dims.map((d, i) => h('tr', {}, h('td', {}, `${d.abbreviation} `, h('span', { class: 'muted' }, `${d.key.replaceAll('_', ' ')} (${d.min}..${d.max})`)),
          evals.map(ev => ev ? [h('td', { class: 'num' }, h('b', {}, ev.dimensions[i].score)), h('td', { class: 'reasoning' }, ev.dimensions[i].reasoning)]
            : [h('td', {}, dash), h('td', {}, '')]))),
        h('tr', {}, h('td', {}, h('b', {}, 'Overall')), evals.map(ev => [h('td', { class: 'num' }, h('b', {}, ev ? fmt(ev.overall) : dash)), h('td', {}, '')]))));
  }

  // ---------- policies ----------
  async function policiesPage(mine) {
    const list = await api('/api/policies');
    const policies = await Promise.all(list.map(p => api(`/api/policies/${enc(p.name)}`)));
    if (mine !== generation) return;
    render(h('h1', {}, 'Policies'),
      policies.length === 0 ? h('p', { class: 'muted' }, 'No policy registered yet.') : policies.map(policyCard));
  }

  function policyCard(policy) {
    const versions = [...policy.versions].sort((a, b) => a.version - b.version);
    const byVersion = new Map(versions.map(v => [v.version, v]));
    const chain = v => { const out = []; for (let x = v; x; x = byVersion.get(x.parent_version)) { out.unshift(x); if (x.parent_version === null || x.parent_version === undefined) break; } return out; };
    const tips = versions.filter(v => !versions.some(w => w.parent_version === v.version));
    return h('div', { class: 'card policy', 'data-policy': policy.name },
      h('h2', {}, policy.name, ' ', h('span', { class: 'muted' }, policy.active_version === null || policy.active_version === undefined ? 'no active version' : `active: v${policy.active_version}`)),
      tips.map(tip => h('div', { class: 'lineage' }, chain(tip).map((v, i) => [
        i > 0 ? h('span', { class: 'arrow' }, '→') : null,
        h('div', { class: `node${v.version === policy.active_version ? ' active' : ''}`, 'data-version': v.version },
          h('b', {}, `v${v.version}`), ` ${v.kind}`, v.version === policy.active_version ? [' ', badge('active')] : null,
          h('div', { class: 'muted' }, v.model))]))),
      h('table', { class: 'versions' },
        h('thead', {}, h('tr', {}, ['Version', 'Kind', 'Parent', 'Model', 'Campaign', 'Training data', 'Metrics', 'Created'].map(t => h('th', {}, t)))),
        h('tbody', {}, versions.map(v => h('tr', { 'data-version': v.version },
          h('td', {}, `v${v.version}`, v.version === policy.active_version ? [' ', badge('active')] : null), h('td', {}, v.kind),
          h('td', {}, v.parent_version === null || v.parent_version === undefined ? dash : `v${v.parent_version}`),
          h('td', {}, h('code', {}, v.model)), h('td', {}, v.campaign_id ? h('a', { href: `#/campaigns/${enc(v.campaign_id)}` }, v.campaign_id) : dash),
          h('td', {}, v.dataset_id ? h('code', {}, v.dataset_id.slice(0, 12)) : dash),
          h('td', {}, Object.keys(v.metrics || {}).length === 0 ? dash :
            Object.entries(v.metrics).map(([k, m]) => h('div', {}, `${k}: ${Number.isInteger(m) ? m : fmt(m, 4)}`))),
          h('td', {}, date(v.created_at)))))));
  }

  route();
})();
