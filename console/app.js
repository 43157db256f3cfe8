// SPDX-License-Identifier: ISC
// The clinic console (docs/console.md).  Plain JavaScript, no library and
// nothing from the Internet: the gateway serves this file under a strict
// Content-Security-Policy.  Every piece of data comes from the staff JSON
// API (/api/v1, docs/api.md) with the session cookie; every change sends
// the session's CSRF token.  Text from patients is only ever put in the
// page as text (textContent), never as HTML.
'use strict';

const API = '/api/v1';
const REFRESH_MS = 5000;
let session = null;		// {staff, csrf, expires_at, clinic, timezone}
let refreshTimer = null;

// ------------------------------------------------------------ helpers

function el(tag, attrs, ...kids) {
	const e = document.createElement(tag);
	for (const [k, v] of Object.entries(attrs || {})) {
		if (v === null || v === undefined || v === false)
			continue;
		if (k === 'class')
			e.className = v;
		else if (k === 'text')
			e.textContent = v;
		else if (k.startsWith('on'))
			e.addEventListener(k.slice(2), v);
		else
			e.setAttribute(k, v === true ? '' : v);
	}
	for (const k of kids.flat()) {
		if (k === null || k === undefined || k === false)
			continue;
		e.append(k instanceof Node ? k : document.createTextNode(String(k)));
	}
	return e;
}

const SVGNS = 'http://www.w3.org/2000/svg';
function svg(tag, attrs, ...kids) {
	const e = document.createElementNS(SVGNS, tag);
	for (const [k, v] of Object.entries(attrs || {}))
		if (k === 'text')
			e.textContent = v;
		else
			e.setAttribute(k, v);
	for (const k of kids.flat())
		if (k)
			e.append(k);
	return e;
}

// A time in the clinic's zone, as staff read it.
function when(iso) {
	if (!iso)
		return '';
	const d = new Date(iso);
	try {
		return d.toLocaleString('en-GB', { timeZone: session.timezone,
		    day: 'numeric', month: 'short', hour: '2-digit',
		    minute: '2-digit' });
	} catch (e) {
		return iso;
	}
}

class ApiError extends Error {
	constructor(status, body) {
		super(body && body.error ? body.error : 'HTTP ' + status);
		this.status = status;
		this.field = body ? body.field : undefined;
	}
}

async function call(method, path, body) {
	const opts = { method, credentials: 'same-origin', headers: {} };
	if (method !== 'GET' && session)
		opts.headers['X-CSRF-Token'] = session.csrf;
	if (body !== undefined) {
		opts.headers['Content-Type'] = 'application/json';
		opts.body = JSON.stringify(body);
	}
	const r = await fetch(path, opts);
	let j = null;
	if ((r.headers.get('Content-Type') || '').startsWith('application/json'))
		j = await r.json();
	if (r.status === 401 && path !== '/console/session') {
		showSignin('Your sign-in has ended; sign in again.');
		throw new ApiError(r.status, j);
	}
	if (!r.ok)
		throw new ApiError(r.status, j);
	return j;
}

function levelBadge(level) {
	return el('span', { class: 'level level-' + (level || 'none'),
	    text: level || '—' });
}

function errorBox(err) {
	return el('p', { class: 'error', role: 'alert',
	    text: (err.field ? err.field + ': ' : '') + err.message });
}

function patientLink(id, label) {
	if (!id)
		return el('span', { text: label });
	return el('a', { href: '#/patient/' + id, text: label });
}

// A form's fields as an object: empty fields left out unless keepEmpty.
function formObject(form, keepEmpty) {
	const o = {};
	for (const e of form.elements) {
		if (!e.name || e.type === 'submit')
			continue;
		if (e.type === 'checkbox')
			o[e.name] = e.checked;
		else if (e.value !== '' || (keepEmpty && keepEmpty.includes(e.name)))
			o[e.name] = e.dataset.int !== undefined && e.value !== '' ?
			    Number(e.value) : (e.value === '' ? null : e.value);
	}
	return o;
}

function field(label, input, hint) {
	return el('label', { class: 'field' }, el('span', { text: label }), input,
	    hint ? el('small', { text: hint }) : null);
}

// ------------------------------------------------------------ sign-in

function showSignin(message) {
	session = null;
	stopRefresh();
	document.getElementById('nav').hidden = true;
	document.getElementById('page').replaceChildren();
	document.getElementById('signin').hidden = false;
	document.getElementById('signin-error').textContent = message || '';
	document.getElementById('token').focus();
}

async function signin(ev) {
	ev.preventDefault();
	const input = document.getElementById('token');
	const out = document.getElementById('signin-error');
	out.textContent = '';
	try {
		session = await call('POST', '/console/session',
		    { token: input.value.trim() });
	} catch (e) {
		out.textContent = e.status === 401 ?
		    'That is not a staff token of this clinic.' : e.message;
		return;
	}
	input.value = '';
	started();
}

async function signout() {
	try {
		await call('DELETE', '/console/session');
	} catch (e) { /* signed out either way */ }
	showSignin('Signed out.');
}

function started() {
	document.getElementById('signin').hidden = true;
	document.getElementById('nav').hidden = false;
	document.getElementById('who').textContent = '(' + session.staff + ')';
	document.getElementById('clinic').textContent = session.clinic;
	if (!location.hash || location.hash === '#/')
		location.hash = '#/attention';
	else
		route();
}

// ------------------------------------------------------------ routing

function stopRefresh() {
	if (refreshTimer !== null)
		clearInterval(refreshTimer);
	refreshTimer = null;
}

function route() {
	if (!session)
		return;
	stopRefresh();
	const h = location.hash.replace(/^#\//, '');
	const parts = h.split('/');
	for (const a of document.querySelectorAll('#nav a'))
		a.classList.toggle('current', a.dataset.page === parts[0] ||
		    (a.dataset.page === 'patients' && parts[0] === 'patient'));
	const page = document.getElementById('page');
	page.replaceChildren();
	switch (parts[0]) {
	case 'patients': return pagePatients(page);
	case 'patient': return pagePatient(page, parts[1]);
	case 'rules': return pageRules(page);
	default: return pageAttention(page);
	}
}

// ---------------------------------------------------- needs attention

// When an episode last changed: a new red flag in it counts as new.
function latest(e) {
	return e.updated_at || e.created_at || '';
}

// Episodes (escalations) of one number on one card, the card with the
// newest red flag first, and within a card the newest episode first.
function groupEscalations(list) {
	const groups = new Map();
	for (const e of list) {
		const key = e.patient_id ? 'p' + e.patient_id : e.phone;
		if (!groups.has(key))
			groups.set(key, []);
		groups.get(key).push(e);
	}
	const byLatest = (a, b) => latest(b).localeCompare(latest(a));
	const all = [...groups.values()];
	for (const g of all)
		g.sort(byLatest);
	return all.sort((a, b) => byLatest(a[0], b[0]));
}

function ackForm(e, done) {
	const note = el('textarea', { name: 'note', rows: 2, maxlength: 500,
	    placeholder: 'What was done (kept in the audit log)' });
	const out = el('p', { class: 'error', role: 'alert' });
	return el('form', { class: 'inline', onsubmit: async (ev) => {
		ev.preventDefault();
		try {
			await call('POST', API + '/escalations/' + e.id + '/ack',
			    note.value ? { note: note.value } : undefined);
			done();
		} catch (err) {
			out.textContent = err.message;
		}
	} }, field('Note', note),
	    el('button', { type: 'submit', text: 'Acknowledge' }), out);
}

function doneForm(m, done) {
	const note = el('textarea', { name: 'note', rows: 2, maxlength: 500,
	    placeholder: 'Rang back, all well …' });
	const out = el('p', { class: 'error', role: 'alert' });
	return el('form', { class: 'inline', onsubmit: async (ev) => {
		ev.preventDefault();
		try {
			await call('POST', API + '/inbox/' + m.id + '/done',
			    note.value ? { note: note.value } : undefined);
			done();
		} catch (err) {
			out.textContent = err.message;
		}
	} }, field('Note', note),
	    el('button', { type: 'submit', text: 'Mark done' }), out);
}

const ALERT_REASONS = {
	new: 'new red flag', rise: 'worse', concept: 'new symptom',
	timeout: 'not acknowledged in time', undelivered: 'previous alert not delivered',
};

// The episode as it happened, oldest first: what the patient sent (by text
// or keypad) and was told, and every alert to on-call, to whom and how it
// went.
function episodeThread(e) {
	const items = [
	    ...(e.messages || []).map((m) => ({ at: m.at, li: el('li',
		{ class: 'in' }, el('time', { text: when(m.at) }), ' ',
		el('span', { class: 'tag', text: m.via === 'call' ? 'keypad' :
		    'SMS' }), ' ', m.level ? levelBadge(m.level) : null, ' ',
		el('span', { text: m.text || '' }),
		m.reply ? el('p', { class: 'reply', text: '↳ ' + m.reply }) :
		null) })),
	    ...(e.alerts || []).map((a) => ({ at: a.at, li: el('li',
		{ class: 'out alert' }, el('time', { text: when(a.at) }), ' ',
		'On-call alerted: ', el('strong', { text: a.to || '?' }),
		' (' + (ALERT_REASONS[a.reason] || a.reason || 'alert') + ')',
		a.status ? el('span', { class: 'meta', text: ' · ' +
		    a.status }) : null) }))];
	if (!items.length)
		return null;
	items.sort((x, y) => (x.at || '').localeCompare(y.at || ''));
	return el('ol', { class: 'thread' }, items.map((x) => x.li));
}

// Patients' names by id, for cards whose rows carry only the id.
const names = new Map();
async function nameOf(id) {
	if (!id)
		return null;
	if (!names.has(id)) {
		try {
			const p = await call('GET', API + '/patients/' + id);
			names.set(id, p.name || null);
		} catch (e) {
			return null;
		}
	}
	return names.get(id);
}

function escalationCard(group, refresh) {
	const e = group[0];
	const who = e.patient_name || e.name || names.get(e.patient_id) || e.phone;
	return el('article', { class: 'card level-border-' + e.level,
	    'data-escalation': e.id },
	    el('h3', {}, levelBadge(e.level), ' ', patientLink(e.patient_id, who),
		group.length > 1 ? el('small', { text: ' · ' + group.length +
		    ' escalations' }) : null),
	    group.map((x) => el('div', { class: 'esc' },
		el('p', { class: 'excerpt', text: x.excerpt || '' }),
		el('p', { class: 'meta' },
		    'Flagged ' + when(x.created_at) + ' · ',
		    x.alerted_at ? 'on-call alerted ' + when(x.alerted_at) :
		    'on-call alert not yet delivered',
		    x.alerted_to ? ' · with ' + x.alerted_to : '',
		    x.next_alert_at ? ', next on-call alerted ' +
		    when(x.next_alert_at) + ' unless acknowledged' : '',
		    x.rules ? ' · rules: ' + x.rules : ''),
		episodeThread(x),
		ackForm(x, refresh))));
}

function inboxCard(m, refresh) {
	return el('article', { class: 'card', 'data-inbox': m.id },
	    el('h3', {}, el('span', { class: 'tag', text: m.reason }), ' ',
		patientLink(m.patient_id, names.get(m.patient_id) || m.phone)),
	    el('p', { class: 'excerpt', text: m.body || '' }),
	    el('p', { class: 'meta', text: 'Received ' + when(m.received_at ||
		m.created_at) + (m.level ? ' · ' + m.level : '') }),
	    doneForm(m, refresh));
}

async function pageAttention(page) {
	const esc = el('div', { id: 'escalations' });
	const inbox = el('div', { id: 'inbox' });
	const stamp = el('p', { class: 'meta' });
	page.append(el('h1', { text: 'Needs attention' }), stamp,
	    el('h2', { text: 'Open escalations' }), esc,
	    el('h2', { text: 'Inbox: messages for a person' }), inbox);
	const load = async () => {
		// Do not redraw under someone typing a note.
		const a = document.activeElement;
		if (a && a.tagName === 'TEXTAREA' && page.contains(a) && a.value)
			return;
		try {
			const [e, i] = await Promise.all([
			    call('GET', API + '/escalations?open=1&limit=200'),
			    call('GET', API + '/inbox?limit=200')]);
			const groups = groupEscalations(e.escalations);
			await Promise.all([...e.escalations, ...i.inbox]
			    .map((x) => nameOf(x.patient_id)));
			esc.replaceChildren(...(groups.length ? groups.map((g) =>
			    escalationCard(g, load)) : [el('p', { class: 'calm',
			    text: 'No open escalations.' })]));
			inbox.replaceChildren(...(i.inbox.length ? i.inbox.map((m) =>
			    inboxCard(m, load)) : [el('p', { class: 'calm',
			    text: 'Nothing waiting.' })]));
			const badge = document.getElementById('badge');
			const n = groups.length + i.inbox.length;
			badge.hidden = n === 0;
			badge.textContent = String(n);
			stamp.textContent = 'Updated ' + when(new Date().toISOString()) +
			    '; refreshes every ' + REFRESH_MS / 1000 + ' s.';
		} catch (err) {
			if (err.status !== 401)
				stamp.replaceChildren(errorBox(err));
		}
	};
	await load();
	refreshTimer = setInterval(load, REFRESH_MS);
}

// ------------------------------------------------------------ patients

const LANGS = ['en', 'es', 'de'];

function selectOf(name, values, selected, blank) {
	return el('select', { name }, blank !== undefined ?
	    el('option', { value: '', text: blank }) : null,
	    values.map((v) => el('option', { value: v, text: v,
		selected: v === selected })));
}

async function plans() {
	const j = await call('GET', API + '/plans');
	return j.plans.map((p) => p.name);
}

async function pagePatients(page) {
	const list = el('div', { id: 'patient-list' });
	const planNames = await plans().catch(() => []);
	const filters = el('form', { class: 'filters', role: 'search' },
	    field('Search', el('input', { name: 'q', type: 'search',
		placeholder: 'name or number' })),
	    field('Status', selectOf('status', ['enrolled', 'active', 'paused',
		'opted_out', 'removed', 'all'], 'enrolled')),
	    field('Plan', selectOf('plan', planNames, '', 'any')),
	    field('Not reported in', el('input', { name: 'quiet_days',
		type: 'number', min: 1, max: 366, placeholder: 'days' })));
	const load = async () => {
		const q = new URLSearchParams();
		for (const [k, v] of Object.entries(formObject(filters)))
			if (v !== null)
				q.set(k, v);
		try {
			const j = await call('GET', API + '/patients?' + q);
			list.replaceChildren(j.patients.length ?
			    el('table', { class: 'list' },
				el('thead', {}, el('tr', {}, ['Patient', 'Number',
				    'Plan', 'Status'].map((h) => el('th', { text: h })))),
				el('tbody', {}, j.patients.map((p) => el('tr', {},
				    el('td', {}, patientLink(p.id, p.name || '(no name)')),
				    el('td', { text: p.phone }),
				    el('td', { text: p.plan || '' }),
				    el('td', {}, el('span', { class: 'tag status-' +
					p.status, text: p.status }))))))
			    : el('p', { class: 'calm', text: 'No patients match.' }));
		} catch (err) {
			list.replaceChildren(errorBox(err));
		}
	};
	filters.addEventListener('input', load);
	filters.addEventListener('submit', (ev) => { ev.preventDefault(); load(); });
	page.append(el('h1', { text: 'Patients' }), filters, list,
	    enrolForm(planNames, load));
	await load();
}

function enrolForm(planNames, done) {
	const out = el('div', { role: 'alert' });
	const form = el('form', { id: 'enrol', class: 'stack' },
	    field('Mobile number', el('input', { name: 'phone', required: true,
		inputmode: 'tel', placeholder: '+447700900123' }),
		'International format; spaces are fine'),
	    field('Name (staff only)', el('input', { name: 'name' })),
	    field('Plan', selectOf('plan', planNames, planNames[0])),
	    field('Language', selectOf('language', LANGS, session.language)),
	    field('Time zone', el('input', { name: 'timezone',
		value: session.timezone })),
	    field('Own reminder times', el('input', { name: 'reminder_times',
		placeholder: 'walk=10:00,strength=16:30' })),
	    field('Start date', el('input', { name: 'start_date', type: 'date' })),
	    field('Daily walking target (minutes)', el('input', {
		name: 'walk_target', type: 'number', min: 1, max: 600,
		'data-int': '' }), 'Empty: the plan\'s'),
	    el('label', { class: 'check' }, el('input', { type: 'checkbox',
		name: 'force_resubscribe' }), ' The patient has told us they want ' +
		'messages again after texting STOP'),
	    el('button', { type: 'submit', text: 'Enrol and send the welcome' }),
	    out);
	form.addEventListener('submit', async (ev) => {
		ev.preventDefault();
		const body = formObject(form);
		body.phone = (body.phone || '').replace(/[\s().-]/g, '');
		if (!body.force_resubscribe)
			delete body.force_resubscribe;
		try {
			const p = await call('POST', API + '/patients', body);
			out.replaceChildren(el('p', { class: 'ok' }, 'Enrolled ',
			    patientLink(p.id, p.name || p.phone), '.'));
			form.reset();
			done();
		} catch (err) {
			out.replaceChildren(errorBox(err));
		}
	});
	return el('details', { class: 'panel' },
	    el('summary', { text: 'Enrol a patient' }), form);
}

// ------------------------------------------------------------- a patient

async function pagePatient(page, id) {
	let p;
	try {
		p = await call('GET', API + '/patients/' + id);
	} catch (err) {
		page.append(errorBox(err));
		return;
	}
	const reload = () => route();
	const act = (path, method, confirmText) => async () => {
		if (confirmText && !window.confirm(confirmText))
			return;
		try {
			await call(method || 'POST', API + '/patients/' + id + path);
			reload();
		} catch (err) {
			page.prepend(errorBox(err));
		}
	};
	page.append(el('h1', { text: p.name || p.phone }),
	    el('p', { class: 'meta' }, p.phone + ' · ' + (p.plan || '') + ' · ',
		el('span', { class: 'tag status-' + p.status, text: p.status })),
	    el('div', { class: 'actions' },
		p.status === 'active' ? el('button', { type: 'button',
		    text: 'Pause reminders', onclick: act('/pause') }) : null,
		p.status === 'paused' ? el('button', { type: 'button',
		    text: 'Resume reminders', onclick: act('/resume') }) : null,
		p.enrolled ? el('button', { type: 'button', class: 'danger',
		    text: 'Remove', onclick: act('', 'DELETE',
			'Remove this patient? Reminders stop; history is kept.') })
		: null));
	const chart = el('section', { id: 'adherence' },
	    el('h2', { text: 'Adherence, last 12 weeks' }));
	const upcoming = el('section', {}, el('h2', { text: 'Next reminders' }));
	const convo = el('section', { id: 'conversation' },
	    el('h2', { text: 'Conversation' }));
	page.append(chart, upcoming, convo, editForm(p, reload));
	call('GET', API + '/patients/' + id + '/adherence?weeks=12')
	    .then((a) => chart.append(...adherenceChart(a)))
	    .catch((err) => chart.append(errorBox(err)));
	call('GET', API + '/patients/' + id + '/schedule?n=5')
	    .then((s) => upcoming.append(s.reminders.length ?
		el('ul', {}, s.reminders.map((r) => el('li', {
		    text: r.reminder + ' · ' + r.local.replace('T', ' ') +
		    ' (patient\'s time)' }))) :
		el('p', { class: 'calm', text: 'None: the patient is ' +
		    s.status + '.' }),
		s.walk_minutes_today !== null ? el('p', { text: 'Today\'s ' +
		    'walking goal: ' + s.walk_minutes_today + ' minutes.' }) :
		null))
	    .catch((err) => upcoming.append(errorBox(err)));
	call('GET', API + '/patients/' + id + '/messages?limit=200')
	    .then((m) => convo.append(m.messages.length ?
		el('ol', { class: 'thread' }, m.messages.slice().reverse()
		    .map(messageItem)) :
		el('p', { class: 'calm', text: 'No messages yet.' })))
	    .catch((err) => convo.append(errorBox(err)));
}

function messageItem(m) {
	if (m.direction === 'in')
		return el('li', { class: 'in' },
		    el('time', { text: when(m.at) }), ' ',
		    levelBadge(m.level), ' ', el('span', { text: m.body }),
		    m.reply ? el('p', { class: 'reply', text: '↳ ' + m.reply }) :
		    null);
	return el('li', { class: 'out' }, el('time', { text: when(m.at) }),
	    ' ', el('span', { class: 'tag', text: m.kind }), ' ',
	    el('span', { text: m.body }),
	    m.status && m.status !== 'sent' && m.status !== 'delivered' ?
	    el('small', { text: ' (' + m.status + ')' }) : null);
}

function editForm(p, done) {
	const out = el('div', { role: 'alert' });
	const input = (name, attrs) => el('input', Object.assign({ name,
	    value: p[name] === null || p[name] === undefined ? '' : p[name] },
	    attrs || {}));
	const form = el('form', { class: 'stack' },
	    field('Name', input('name')),
	    field('Language', selectOf('language', LANGS, p.language)),
	    field('Time zone', input('timezone')),
	    field('Own reminder times', input('reminder_times')),
	    field('End date', input('end_date', { type: 'date' })),
	    field('Quiet from', input('quiet_start', { type: 'time' })),
	    field('Quiet until', input('quiet_end', { type: 'time' })),
	    field('Daily walking target (minutes)', input('walk_target',
		{ type: 'number', min: 1, max: 600, 'data-int': '' }),
		'Empty: the plan\'s'),
	    el('button', { type: 'submit', text: 'Save changes' }), out);
	form.addEventListener('submit', async (ev) => {
		ev.preventDefault();
		const body = formObject(form, ['name', 'reminder_times',
		    'end_date', 'walk_target']);
		for (const k of Object.keys(body))
			if ((body[k] ?? null) === (p[k] ?? null))
				delete body[k];
		if (!Object.keys(body).length) {
			out.replaceChildren(el('p', { text: 'Nothing changed.' }));
			return;
		}
		try {
			await call('PATCH', API + '/patients/' + p.id, body);
			done();
		} catch (err) {
			out.replaceChildren(errorBox(err));
		}
	});
	return el('details', { class: 'panel' },
	    el('summary', { text: 'Edit details' }), form);
}

// The chart: daily minutes as bars against the day's goal (a dashed step
// line), and weekly minutes against the plan's endurance band.  Goal met is
// solid, not met is hatched outline, so it reads in grayscale; the numbers
// are in the table below it.
function adherenceChart(a) {
	const W = 720, H = 170, L = 34, B = 22, T = 8;
	const days = a.days;
	const max = Math.max(30, ...days.map((d) => d.minutes),
	    ...days.map((d) => d.goal_minutes || 0)) * 1.1;
	const bw = (W - L - 4) / days.length;
	const y = (v) => T + (H - T - B) * (1 - v / max);
	const daily = svg('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart',
	    role: 'img', 'aria-label': 'Minutes walked each day against the ' +
	    'day\'s goal, last ' + days.length + ' days' },
	    svg('defs', {}, svg('pattern', { id: 'hatch', width: 4, height: 4,
		patternUnits: 'userSpaceOnUse', patternTransform: 'rotate(45)' },
		svg('line', { x1: 0, y1: 0, x2: 0, y2: 4, class: 'hatch' }))));
	for (const v of [0, 15, 30, 45, 60, 90, 120].filter((v) => v < max)) {
		daily.append(svg('line', { x1: L, x2: W, y1: y(v), y2: y(v),
		    class: 'grid' }), svg('text', { x: L - 4, y: y(v) + 4,
		    class: 'axis', 'text-anchor': 'end', text: String(v) }));
	}
	let goalPath = '';
	days.forEach((d, i) => {
		const x = L + i * bw;
		if (d.minutes > 0)
			daily.append(svg('rect', { x: x + 1, y: y(d.minutes),
			    width: Math.max(1, bw - 2), height: y(0) - y(d.minutes),
			    class: d.goal_met ? 'bar met' : 'bar unmet' },
			    svg('title', { text: d.date + ': ' + d.minutes +
				' min' + (d.goal_minutes !== null ? ' of ' +
				d.goal_minutes : '') })));
		if (d.goal_minutes !== null)
			goalPath += (goalPath ? ' L' : 'M') + x + ' ' +
			    y(d.goal_minutes) + ' L' + (x + bw) + ' ' +
			    y(d.goal_minutes);
		if (d.date.endsWith('-01') || i === 0)
			daily.append(svg('text', { x: x, y: H - 6, class: 'axis',
			    text: d.date.slice(5) }));
	});
	if (goalPath)
		daily.append(svg('path', { d: goalPath, class: 'goal' }));

	const weeks = a.weeks;
	const wmax = Math.max(a.goal_max || 120, ...weeks.map((w) => w.minutes)) * 1.1;
	const ww = (W - L - 4) / weeks.length;
	const wy = (v) => T + (H - T - B) * (1 - v / wmax);
	const weekly = svg('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart',
	    role: 'img', 'aria-label': 'Minutes each week against the weekly ' +
	    'goal of ' + a.goal_min + ' to ' + a.goal_max + ' minutes' });
	if (a.goal_min !== null)
		weekly.append(svg('rect', { x: L, width: W - L, y: wy(a.goal_max),
		    height: wy(a.goal_min) - wy(a.goal_max), class: 'band' }),
		    svg('text', { x: W - 4, y: wy(a.goal_max) - 3, class: 'axis',
			'text-anchor': 'end', text: 'goal ' + a.goal_min + '–' +
			a.goal_max + ' min' }));
	weeks.forEach((w, i) => {
		const x = L + i * ww;
		weekly.append(svg('rect', { x: x + 3, y: wy(w.minutes),
		    width: ww - 6, height: wy(0) - wy(w.minutes),
		    class: w.goal_met ? 'bar met' : 'bar unmet' },
		    svg('title', { text: 'week of ' + w.week_start + ': ' +
			w.minutes + ' min' })),
		    svg('text', { x: x + ww / 2, y: H - 6, class: 'axis',
			'text-anchor': 'middle', text: w.week_start.slice(5) }),
		    svg('text', { x: x + ww / 2, y: wy(w.minutes) - 3,
			class: 'axis', 'text-anchor': 'middle',
			text: String(w.minutes) }));
	});
	weekly.append(svg('text', { x: 4, y: 12, class: 'axis', text: 'min' }));

	const table = el('details', { class: 'panel' },
	    el('summary', { text: 'The numbers' }),
	    el('table', { class: 'list numbers' },
		el('thead', {}, el('tr', {}, ['Day', 'Minutes', 'Goal', 'Met',
		    'Reports'].map((h) => el('th', { text: h })))),
		el('tbody', {}, days.slice().reverse().map((d) => el('tr', {},
		    el('td', { text: d.date }), el('td', { text: d.minutes }),
		    el('td', { text: d.goal_minutes ?? '—' }),
		    el('td', { text: d.goal_met === null ? '—' :
			d.goal_met ? 'yes' : 'no' }),
		    el('td', { text: d.reports }))))));
	return [el('h3', { text: 'Minutes walked each day (dashed: the day\'s goal)' }),
	    daily, el('h3', { text: 'Minutes each week (band: the weekly goal)' }),
	    weekly, el('p', { class: 'meta', text: 'Solid: goal met; hatched: ' +
	    'not met.' }), table];
}

// ---------------------------------------------------------- rules check

function pageRules(page) {
	const text = el('textarea', { id: 'rules-text', rows: 4,
	    placeholder: 'One message a line; several lines are a conversation' });
	const lang = selectOf('language', LANGS, '', 'as the message looks');
	const out = el('div', { id: 'rules-out' });
	const form = el('form', { class: 'stack' },
	    field('Messages', text), field('Patient\'s language', lang),
	    el('button', { type: 'submit', text: 'Check' }));
	form.addEventListener('submit', async (ev) => {
		ev.preventDefault();
		const messages = text.value.split('\n').map((s) => s.trim())
		    .filter((s) => s);
		if (!messages.length)
			return;
		try {
			const body = { messages };
			if (lang.value)
				body.language = lang.value;
			const j = await call('POST', API + '/triage', body);
			out.replaceChildren(...j.results.map(ruleResult));
		} catch (err) {
			out.replaceChildren(errorBox(err));
		}
	});
	page.append(el('h1', { text: 'Rules check' }),
	    el('p', { text: 'Type what a patient might text (English, Spanish ' +
		'or German) and see what the gateway would do. Nothing is ' +
		'sent or stored.' }), form, out);
}

function ruleResult(r) {
	return el('article', { class: 'card level-border-' + r.level },
	    el('h3', {}, levelBadge(r.level), ' ', el('q', { text: r.message })),
	    el('dl', {},
		el('dt', { text: 'Read as' }), el('dd', { text: r.reads_as || '' }),
		el('dt', { text: 'Rules that fired' }),
		el('dd', { text: r.rules.length ? r.rules.join(', ') : 'none' }),
		r.question ? [el('dt', { text: 'Follow-up question about' }),
		    el('dd', { text: r.question })] : null,
		r.request ? [el('dt', { text: 'Request' }),
		    el('dd', { text: r.request })] : null,
		r.activity ? [el('dt', { text: 'Activity' }),
		    el('dd', { text: [r.activity.minutes && r.activity.minutes +
			' min', r.activity.meters && r.activity.meters + ' m',
			r.activity.steps && r.activity.steps + ' steps']
			.filter((x) => x).join(', ') || 'reported, no amount' })]
		    : null,
		el('dt', { text: 'What happens' }),
		el('dd', { text: [r.alerts_on_call ? 'on-call is alerted' : '',
		    r.to_inbox ? 'kept in the inbox for a person' : '',
		    'answered as ' + r.answered_as + ' in ' + r.language]
		    .filter((x) => x).join('; ') }),
		el('dt', { text: 'Reply' }),
		el('dd', { class: 'reply', text: r.reply || '(no reply)' })));
}

// ------------------------------------------------------------- start

async function boot() {
	document.getElementById('signin-form').addEventListener('submit', signin);
	document.getElementById('signout').addEventListener('click', signout);
	window.addEventListener('hashchange', route);
	try {
		session = await call('GET', '/console/session');
		started();
	} catch (e) {
		showSignin('');
	}
}

document.addEventListener('DOMContentLoaded', boot);
