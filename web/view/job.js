// /view/jobs/ID: the browser page of one job. The token (when the server has one) comes
// from the URL fragment (#token=…, never sent to the server) or the form, is kept for the
// tab in sessionStorage, and goes with every fetch as Authorization: Bearer.
import { renderNotes, renderTopCalls, setState, showSession } from './browser.js';

const id = decodeURIComponent(location.pathname.split('/').filter(Boolean).at(-1) ?? '');
const TOKEN_KEY = 'genomeinfer-token';

function takeToken() {
  const fragment = new URLSearchParams(location.hash.slice(1));
  const given = fragment.get('token');
  if (given) {
    sessionStorage.setItem(TOKEN_KEY, given);
    history.replaceState(null, '', location.pathname + location.search);
  }
  return sessionStorage.getItem(TOKEN_KEY) ?? undefined;
}

async function load() {
  const token = takeToken();
  document.getElementById('title').textContent = `genomeinfer · job ${id}`;
  const headers = token ? { Authorization: `Bearer ${token}` } : {};
  const res = await fetch(`/view/jobs/${encodeURIComponent(id)}/session.json`, { headers });
  if (res.status === 401) return askToken(token ? 'the token was not accepted' : 'this server needs a token');
  if (res.status === 409) {
    const job = await fetch(`/v1/jobs/${encodeURIComponent(id)}`, { headers }).then((r) => r.json());
    if (job.state === 'queued' || job.state === 'running') {
      setState('waiting', `job is ${job.state} (${Math.floor(100 * (job.progress?.fraction ?? 0))}%); the page loads when it is done`);
      setTimeout(load, 2000);
      return;
    }
  }
  if (!res.ok) {
    const body = await res.json().catch(() => ({ message: res.statusText }));
    return setState('error', `${res.status}: ${body.message}`);
  }
  const session = await res.json();
  document.getElementById('title').textContent = session.title;
  const browser = await showSession(document.getElementById('igv'), session, token);
  renderTopCalls(document.getElementById('calls'), session, browser);
  renderNotes(document.getElementById('notes'), session.notes);
  setState('ready');
}

function askToken(why) {
  setState('needs-token', why);
  const form = document.getElementById('token-form');
  form.hidden = false;
  form.onsubmit = (event) => {
    event.preventDefault();
    sessionStorage.setItem(TOKEN_KEY, form.elements.token.value.trim());
    form.hidden = true;
    load().catch(fail);
  };
}

const fail = (err) => setState('error', String(err?.message ?? err));
setState('loading', 'loading…');
load().catch(fail);
