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

function runPage(el) {
  let run = JSON.parse(document.getElementById('run-data').textContent);
  const shape = r => r.status + '/' + r.models.length + '/' + r.evaluations.length;
  const first = shape(run);
  el.innerHTML = renderStages(run);
  if (!ACTIVE.includes(run.status)) {
    return;
  }
  const poll = async () => {
    try {
      const response = await fetch('/api/runs/' + encodeURIComponent(el.dataset.run), {cache: 'no-store'});
      if (response.ok) {
        run = await response.json();
        el.innerHTML = renderStages(run);
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

function renderRunRows(runs) {
  return runs.map(r => '<tr><td><a href="/runs/' + encodeURIComponent(r.run_id) + '">' + esc(r.run_id)
    + '</a></td><td>' + badge(r.status) + '</td><td>' + esc(r.dataset) + '</td><td>' + time(r.created_at)
    + '</td><td>' + (r.ended_at ? clock((Date.parse(r.ended_at) - Date.parse(r.created_at)) / 1000) : '')
    + '</td><td>' + (r.resumed_from ? '<a href="/runs/' + encodeURIComponent(r.resumed_from) + '">'
      + esc(r.resumed_from) + '</a>' : '') + '</td></tr>').join('');
}

function runsList(table) {
  const poll = async () => {
    try {
      const response = await fetch(table.dataset.api, {cache: 'no-store'});
      if (response.ok) {
        table.tBodies[0].innerHTML = renderRunRows(await response.json());
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
