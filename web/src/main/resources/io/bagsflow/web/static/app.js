// bagsflow web UI: draws the live parts of a page from the JSON API and polls it every 2 s while something runs.
'use strict';

const POLL_MS = 2000;
const ACTIVE = ['RUNNING', 'WAITING_FOR_RETRY'];

function esc(v) {
  return v === null || v === undefined ? '' : String(v).replace(/[&<>"']/g,
    c => ({'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'}[c]));
}

function time(iso) {
  return iso ? iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '';
}

function clock(seconds) {
  const s = Math.max(0, Math.round(seconds));
  const mm = String(Math.floor(s / 60) % 60).padStart(2, '0');
  return s >= 3600 ? Math.floor(s / 3600) + ':' + mm + ':' + String(s % 60).padStart(2, '0')
    : Math.floor(s / 60) + ':' + String(s % 60).padStart(2, '0');
}

function badge(status) {
  return '<span class="status ' + esc(status) + '">' + esc(status) + '</span>';
}

/** Steps, loss, ETA and message of an attempt's last progress report. */
function progress(a) {
  const p = a.progress;
  if (!p) {
    return '';
  }
  const running = a.status === 'RUNNING';
  if (!running && typeof p.loss !== 'number') {
    return '';
  }
  const parts = [];
  let bar = '';
  if (p.total > 0) {
    if (a.status === 'RUNNING') {
      bar = '<progress max="' + esc(p.total) + '" value="' + esc(Math.min(p.step || 0, p.total)) + '"></progress> ';
    }
    parts.push('<span class="step">step ' + esc(p.step || 0) + '/' + esc(p.total) + '</span>');
  }
  if (typeof p.loss === 'number') {
    parts.push('loss ' + (Math.abs(p.loss) >= 1000 ? p.loss.toExponential(2) : p.loss.toFixed(3)));
  }
  if (a.status === 'RUNNING' && typeof p.eta_seconds === 'number') {
    parts.push('ETA ' + clock(p.eta_seconds));
  }
  if (running && p.message) {
    parts.push(esc(p.message));
  }
  return bar + parts.join(' · ');
}

function renderStages(run) {
  let h = '<table class="stages"><thead><tr><th>stage / part</th><th>status</th><th>#</th><th>worker</th>'
    + '<th>started</th><th>seconds</th><th>resumed at</th><th>progress</th><th>error</th></tr></thead><tbody>';
  for (const s of run.stages) {
    h += '<tr class="stage" data-stage="' + esc(s.stage) + '"><td><b>' + esc(s.stage) + '</b></td><td>'
      + badge(s.status) + '</td><td colspan="7">' + s.attempts.length + ' attempt'
      + (s.attempts.length === 1 ? '' : 's') + '</td></tr>';
    for (const a of s.attempts) {
      h += '<tr class="attempt ' + esc(a.status) + '"><td class="part">' + esc(a.part || '-') + '</td><td>'
        + badge(a.status) + (a.reused_attempt_id ? ' <small>(attempt ' + esc(a.reused_attempt_id) + ')</small>' : '')
        + '</td><td>' + esc(a.attempt) + '</td><td class="worker">' + esc(a.worker) + '</td><td class="time">' + time(a.started_at)
        + '</td><td class="n">' + (a.duration_seconds === null ? '' : a.duration_seconds.toFixed(1)) + '</td><td>'
        + esc(a.resumed_from_iteration) + '</td><td class="progress">' + progress(a) + '</td><td class="error">'
        + esc(a.error) + '</td></tr>';
    }
  }
  return h + '</tbody></table>';
}

/**
 * The status a box of the stage graph shows, as RunGraphs.status: a whole stage's status, or the latest attempt of
 * the box's part (a part ending in '/' covers every part it starts); PENDING before any.
 */
function nodeStatus(run, stage, part) {
  const s = run.stages.find(x => x.stage === stage);
  if (!s) {
    return 'PENDING';
  }
  if (!part) {
    return s.status;
  }
  let latest = null;
  for (const a of s.attempts) {
    if (a.part === part || (part.endsWith('/') && (a.part || '').startsWith(part))) {
      latest = a;
    }
  }
  return latest ? latest.status : 'PENDING';
}

function paintGraph(run) {
  document.querySelectorAll('#lineage-graph g.node').forEach(g => {
    g.setAttribute('class', 'node ' + nodeStatus(run, g.dataset.stage, g.dataset.part));
  });
}

function runPage(el) {
  let run = JSON.parse(document.getElementById('run-data').textContent);
  const shape = r => r.status + '/' + r.models.length + '/' + r.evaluations.length;
  const first = shape(run);
  el.innerHTML = renderStages(run);
  paintGraph(run);
  if (!ACTIVE.includes(run.status)) {
    return;
  }
  const poll = async () => {
    try {
      const response = await fetch('/api/runs/' + encodeURIComponent(el.dataset.run), {cache: 'no-store'});
      if (response.ok) {
        run = await response.json();
        el.innerHTML = renderStages(run);
        paintGraph(run);
        document.getElementById('run-status').innerHTML = badge(run.status);
        if (shape(run) !== first) {
          // new models, evaluations or an end: the server-rendered sections change too
          location.replace(location.pathname);
          return;
        }
      }
    } catch (e) {
      // the server may be restarting; try again on the next tick
    }
    setTimeout(poll, POLL_MS);
  };
  setTimeout(poll, POLL_MS);
}

function number(v) {
  if (typeof v !== 'number') {
    return '';
  }
  const a = Math.abs(v);
  return a >= 1000 || (a > 0 && a < 0.001) ? v.toExponential(2) : a >= 100 ? v.toFixed(0) : v.toPrecision(3);
}

/**
 * A line chart of points[key] against points.iteration as SVG: axes with their ranges, the line, and one circle per
 * point (class "pt", its values in a tooltip), so a reader and a test can both count the points.
 */
function lineChart(id, points, key, label, width, height) {
  const pts = points.filter(p => typeof p[key] === 'number');
  const left = 58;
  const right = 12;
  const top = 22;
  const bottom = 30;
  let h = '<svg id="' + esc(id) + '" class="chart" data-points="' + pts.length + '" xmlns="http://www.w3.org/2000/svg"'
    + ' width="' + width + '" height="' + height + '" viewBox="0 0 ' + width + ' ' + height + '" role="img"'
    + ' aria-label="' + esc(label) + '"><text class="label" x="' + left + '" y="14">' + esc(label) + '</text>';
  if (pts.length === 0) {
    return h + '<text class="none" x="' + left + '" y="' + (height / 2) + '">no points yet</text></svg>';
  }
  const xs = pts.map(p => p.iteration);
  const ys = pts.map(p => p[key]);
  const x0 = Math.min(...xs);
  const x1 = Math.max(...xs);
  let y0 = Math.min(...ys);
  let y1 = Math.max(...ys);
  if (y1 - y0 < 1e-12) {
    y0 -= Math.abs(y0) * 0.05 + 1e-6;
    y1 += Math.abs(y1) * 0.05 + 1e-6;
  }
  const w = width - left - right;
  const hh = height - top - bottom;
  const X = x => left + (x1 === x0 ? w / 2 : (x - x0) / (x1 - x0) * w);
  const Y = y => top + hh - (y - y0) / (y1 - y0) * hh;
  h += '<path class="axis" d="M' + left + ',' + top + ' V' + (top + hh) + ' H' + (left + w) + '"/>'
    + '<text class="tick" x="' + (left - 4) + '" y="' + (top + 4) + '" text-anchor="end">' + number(y1) + '</text>'
    + '<text class="tick" x="' + (left - 4) + '" y="' + (top + hh) + '" text-anchor="end">' + number(y0) + '</text>'
    + '<text class="tick" x="' + left + '" y="' + (top + hh + 16) + '">' + x0 + '</text>'
    + '<text class="tick" x="' + (left + w) + '" y="' + (top + hh + 16) + '" text-anchor="end">' + x1
    + '</text><text class="tick" x="' + (left + w / 2) + '" y="' + (top + hh + 16) + '" text-anchor="middle">'
    + 'iteration</text>';
  h += '<polyline class="line" points="' + pts.map(p => X(p.iteration).toFixed(1) + ',' + Y(p[key]).toFixed(1))
    .join(' ') + '"/>';
  for (const p of pts) {
    h += '<circle class="pt" r="2.5" cx="' + X(p.iteration).toFixed(1) + '" cy="' + Y(p[key]).toFixed(1)
      + '" data-iteration="' + p.iteration + '"><title>iteration ' + p.iteration + ': ' + esc(label) + ' '
      + number(p[key]) + '</title></circle>';
  }
  return h + '</svg>';
}

/** The latest attempt of each training part that has a curve, base first (the API lists them in that order). */
function latestCurves(curves) {
  const byPart = new Map();
  for (const c of curves.curves) {
    const key = c.stage + '/' + c.part;
    const seen = byPart.get(key);
    if (!seen || c.attempt >= seen.attempt) {
      byPart.set(key, c);
    }
  }
  return [...byPart.values()];
}

function renderCurves(curves) {
  const latest = latestCurves(curves);
  const base = latest.find(c => c.stage === 'TRAIN_BASE');
  const finetunes = latest.filter(c => c.stage !== 'TRAIN_BASE');
  if (!base && finetunes.length === 0) {
    return ACTIVE.includes(curves.status)
      ? '<p class="empty">No training curve yet: it appears with the base training\'s first progress report.</p>'
      : '<p class="empty">No training curve was stored with this run\'s attempts (a run from before the live curves,'
        + ' or one that ended before training): its report, if any, has the loss curves.</p>';
  }
  let h = '';
  if (base) {
    const where = 'attempt ' + base.attempt + (base.from_attempt_id ? ' (reused)' : '')
      + (base.total ? ', step ' + (base.step || 0) + '/' + base.total : '') + ', ' + base.status;
    h += '<div class="grid"><figure id="loss-figure">' + lineChart('loss-chart', base.points, 'loss',
      'base training loss', 560, 240) + '<figcaption>The sum of the base detector\'s losses, each point the mean '
      + 'over the steps since the one before; ' + esc(where) + '.</figcaption></figure>'
      + '<figure id="speed-figure">' + lineChart('speed-chart', base.points, 'images_per_second',
        'base training images/s', 560, 240) + '<figcaption>Training throughput over the same steps.</figcaption>'
      + '</figure></div>';
  }
  if (finetunes.length > 0) {
    h += '<div class="grid">' + finetunes.map(c => '<figure class="finetune" data-part="' + esc(c.part) + '">'
      + lineChart('loss-' + c.part, c.points, 'loss', c.part + ' fine-tune loss', 300, 180) + '</figure>').join('')
      + '</div>';
  }
  return h;
}

/** The training panel: drawn from the embedded curves, then from the API every 2 s while the run is active. */
function curvesPanel(el) {
  let curves = JSON.parse(document.getElementById('curves-data').textContent);
  el.innerHTML = renderCurves(curves);
  if (!ACTIVE.includes(curves.status)) {
    return;
  }
  const poll = async () => {
    try {
      const response = await fetch(el.dataset.api, {cache: 'no-store'});
      if (response.ok) {
        curves = await response.json();
        el.innerHTML = renderCurves(curves);
        // how many times the curves were drawn from the API: lets a test wait for the next poll, not for a time
        el.dataset.polls = String(Number(el.dataset.polls || 0) + 1);
        if (!ACTIVE.includes(curves.status)) {
          return;
        }
      }
    } catch (e) {
      // the server may be restarting; try again on the next tick
    }
    setTimeout(poll, POLL_MS);
  };
  setTimeout(poll, POLL_MS);
}

/** The runs list's progress cell: the stage in progress and its step of total (as `runs list` prints it). */
function runProgress(r) {
  if (!r.stage) {
    return '';
  }
  const p = r.progress;
  return p && p.total > 0 ? r.stage + ' ' + (p.step || 0) + '/' + p.total : r.stage;
}

function percentCell(v) {
  const defined = typeof v === 'number' && v >= 0;
  return '<td class="metric" data-value="' + (defined ? v : '') + '">' + (defined ? (100 * v).toFixed(2) : '') + '</td>';
}

/**
 * The same rows RunPages renders, from /api/runs (metric columns named by the table's data-metrics, then the mask
 * columns of its data-mask-metrics, from each run's mask_metrics).
 */
function renderRunRows(runs, metrics, maskMetrics) {
  return runs.map(r => {
    const ms = r.ended_at ? Date.parse(r.ended_at) - Date.parse(r.created_at) : null;
    const tags = Object.entries(r.tags || {}).map(([k, v]) => '<span class="tag">' + esc(k + '=' + v) + '</span>').join(' ');
    return '<tr><td><a href="/runs/' + encodeURIComponent(r.run_id) + '">' + esc(r.run_id) + '</a></td>'
      + '<td class="name">' + esc(r.name) + '</td><td>' + badge(r.status) + '</td>'
      + '<td class="progress">' + esc(runProgress(r)) + '</td><td>' + esc(r.dataset) + '</td>'
      + '<td>' + time(r.created_at) + '</td>'
      + '<td data-value="' + (ms === null ? '' : ms) + '">' + (ms === null ? '' : clock(ms / 1000)) + '</td>'
      + '<td class="tags">' + tags + '</td>'
      + metrics.map(m => percentCell(r.metrics ? r.metrics[m] : null)).join('')
      + maskMetrics.map(m => percentCell(r.mask_metrics ? r.mask_metrics[m] : null)).join('')
      + '<td>' + (r.resumed_from ? '<a href="/runs/' + encodeURIComponent(r.resumed_from) + '">'
        + esc(r.resumed_from) + '</a>' : '') + '</td></tr>';
  }).join('');
}

/**
 * Sorts a table's body by a column: numbers by their data-value (empty cells last), text by its text. The choice
 * is kept on the table, so the rows polled in later stay sorted.
 */
function sortRows(table) {
  const col = Number(table.dataset.sortColumn);
  if (Number.isNaN(col) || table.dataset.sortColumn === undefined) {
    return;
  }
  const dir = table.dataset.sortDirection === 'asc' ? 1 : -1;
  const numeric = table.tHead.rows[0].cells[col].dataset.type === 'number';
  const rows = [...table.tBodies[0].rows];
  const key = tr => {
    const cell = tr.cells[col];
    if (numeric) {
      const v = cell.dataset.value;
      return v === undefined || v === '' ? null : Number(v);
    }
    return cell.innerText.trim();
  };
  rows.sort((a, b) => {
    const x = key(a);
    const y = key(b);
    if (x === null || y === null) {
      return x === null ? (y === null ? 0 : 1) : -1;
    }
    return (x < y ? -1 : x > y ? 1 : 0) * dir;
  });
  rows.forEach(tr => table.tBodies[0].appendChild(tr));
  [...table.tHead.rows[0].cells].forEach((th, i) => {
    th.classList.toggle('sorted-asc', i === col && dir === 1);
    th.classList.toggle('sorted-desc', i === col && dir === -1);
  });
}

/** Clicking a header sorts by it: numbers highest first, text A to Z; clicking again turns the order round. */
function sortable(table) {
  [...table.tHead.rows[0].cells].forEach((th, i) => {
    th.addEventListener('click', () => {
      const numeric = th.dataset.type === 'number';
      const same = table.dataset.sortColumn === String(i);
      const first = numeric ? 'desc' : 'asc';
      table.dataset.sortDirection = same ? (table.dataset.sortDirection === 'asc' ? 'desc' : 'asc') : first;
      table.dataset.sortColumn = String(i);
      sortRows(table);
    });
  });
}

function runsList(table) {
  const metrics = (table.dataset.metrics || '').split(',').filter(m => m);
  const maskMetrics = (table.dataset.maskMetrics || '').split(',').filter(m => m);
  sortable(table);
  const poll = async () => {
    try {
      const response = await fetch(table.dataset.api, {cache: 'no-store'});
      if (response.ok) {
        table.tBodies[0].innerHTML = renderRunRows(await response.json(), metrics, maskMetrics);
        sortRows(table);
        // how many times the rows were drawn from the API: lets a test wait for the next poll, not for a time
        table.dataset.polls = String(Number(table.dataset.polls || 0) + 1);
      }
    } catch (e) {
      // try again on the next tick
    }
    setTimeout(poll, POLL_MS);
  };
  setTimeout(poll, POLL_MS);
}

function renderCellRows(experiment) {
  return experiment.cells.map((c, i) => {
    const params = Object.entries(c.params || {}).map(([k, v]) => k + '=' + v).join(', ');
    const started = c.run_id && c.status !== 'PENDING' && c.status !== 'NOT_STARTED';
    return '<tr><td class="n">' + (i + 1) + '</td><td>' + esc(params) + '</td><td class="n">' + esc(c.seed)
      + '</td><td>' + (started ? '<a href="/runs/' + encodeURIComponent(c.run_id) + '">' + esc(c.run_id) + '</a>'
        : esc(c.run_id)) + '</td><td>' + badge(c.status) + '</td></tr>';
  }).join('');
}

/** While an experiment runs: its cells from the API every 2 s; the page again when a cell succeeds or it ends. */
function experimentPage(table) {
  let experiment = JSON.parse(document.getElementById('experiment-data').textContent);
  const shape = e => e.status + '/' + e.cells.filter(c => c.status === 'SUCCEEDED').length;
  const first = shape(experiment);
  if (experiment.status !== 'RUNNING') {
    return;
  }
  const poll = async () => {
    try {
      const response = await fetch('/api/experiments/' + encodeURIComponent(table.dataset.experiment),
        {cache: 'no-store'});
      if (response.ok) {
        experiment = await response.json();
        table.tBodies[0].innerHTML = renderCellRows(experiment);
        document.getElementById('experiment-status').innerHTML = badge(experiment.status);
        if (shape(experiment) !== first) {
          // the summary table and plots are drawn by the server: they change with every succeeded cell
          location.replace(location.pathname);
          return;
        }
      }
    } catch (e) {
      // the server may be restarting; try again on the next tick
    }
    setTimeout(poll, POLL_MS);
  };
  setTimeout(poll, POLL_MS);
}

/** The stored report is a whole page: show it at its full height. */
function fitReport(frame) {
  const fit = () => {
    try {
      frame.style.height = (frame.contentDocument.documentElement.scrollHeight + 20) + 'px';
    } catch (e) {
      // not loaded yet
    }
  };
  frame.addEventListener('load', fit);
  fit();
}

document.addEventListener('DOMContentLoaded', () => {
  const stages = document.getElementById('stages');
  if (stages) {
    runPage(stages);
  }
  const curves = document.getElementById('curves');
  if (curves && curves.dataset.api) {
    curvesPanel(curves);
  }
  const runs = document.getElementById('runs');
  if (runs && runs.dataset.api) {
    runsList(runs);
  }
  const cells = document.getElementById('cells');
  if (cells && cells.dataset.experiment) {
    experimentPage(cells);
  }
  const report = document.getElementById('report');
  if (report) {
    fitReport(report);
  }
});
