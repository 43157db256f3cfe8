// SPDX-License-Identifier: ISC
// The clinic console in a real browser: Debian's headless Chromium driven
// by playwright-core (pinned in package-lock.json), against a gateway that
// run.sh started.  Used the way a nurse uses it: sign in with a bad and a
// good token, enrol a patient, see a signed emergency SMS appear on Needs
// attention, acknowledge it with a note, see walks reported by SMS in the
// adherence chart, and check a red-flag message in the rules check.  Also:
// the session cookie is HttpOnly, and a change without the CSRF token is
// refused.  Screenshots of each page go to SHOTS (docs/ by default).
//
// usage: node console.js BASE_URL STAFF_TOKEN PROVIDER_TOKEN PUBLIC_URL SHOTS
// Prints "ok N - what" lines and "N passed, 0 failed"; exits 1 on failure.
'use strict';

const crypto = require('crypto');
const { chromium } = require('playwright-core');

const [base, staffToken, providerToken, publicUrl, shots] = process.argv.slice(2);
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const PATIENT = '+447700900931';
let passed = 0;

function ok(what) {
	passed++;
	console.log(`ok ${passed} - ${what}`);
}

function check(cond, what) {
	if (!cond)
		throw new Error(what);
	ok(what);
}

// A webhook signed as the provider signs it (shared/spec/twilio.md).
async function sms(sid, from, body) {
	const params = { MessageSid: sid, From: from, To: '+441234567890', Body: body };
	const data = publicUrl + '/twilio/sms' + Object.keys(params).sort()
	    .map((k) => k + params[k]).join('');
	const sig = crypto.createHmac('sha1', providerToken).update(data, 'utf8')
	    .digest('base64');
	const r = await fetch(base + '/twilio/sms', { method: 'POST',
	    headers: { 'X-Twilio-Signature': sig,
		'Content-Type': 'application/x-www-form-urlencoded' },
	    body: new URLSearchParams(params).toString() });
	if (r.status !== 200)
		throw new Error(`the signed SMS got ${r.status}`);
}

async function shot(page, name) {
	if (shots)
		await page.screenshot({ path: `${shots}/console-${name}.png`,
		    fullPage: true });
}

async function main() {
	const browser = await chromium.launch({ executablePath: CHROMIUM,
	    headless: true, args: ['--no-sandbox'] });
	const context = await browser.newContext({ viewport: { width: 1100,
	    height: 800 }, timezoneId: 'Europe/London' });
	const page = await context.newPage();
	const csp = [];
	page.on('console', (m) => {
		if (/Content.Security.Policy/i.test(m.text()))
			csp.push(m.text());
	});
	try {
		await run(page, context);
		check(csp.length === 0, 'the page broke no Content-Security-Policy rule' +
		    (csp.length ? ': ' + csp[0] : ''));
	} finally {
		await browser.close();
	}
	console.log(`${passed} passed, 0 failed`);
}

async function run(page, context) {
	// ---------------------------------------------------------- sign in
	const resp = await page.goto(base + '/console/');
	check(resp.status() === 200, 'the console page loads');
	check((resp.headers()['content-security-policy'] || '').includes("script-src 'self'"),
	    'with a strict Content-Security-Policy');
	await page.fill('#token', 'not-a-staff-token-of-this-clinic');
	await page.click('#signin-form button');
	await page.waitForSelector('#signin-error:has-text("not a staff token")');
	ok('a bad token is refused, and the page says so');
	await shot(page, 'signin');
	await page.fill('#token', staffToken);
	await page.click('#signin-form button');
	await page.waitForSelector('h1:has-text("Needs attention")');
	ok('a good token signs in to Needs attention');
	const cookies = await context.cookies();
	const c = cookies.find((x) => x.name === 'clotline_session');
	check(c && c.httpOnly, 'the session cookie is HttpOnly');
	check(c.sameSite === 'Strict', 'and SameSite=Strict');
	check(c.expires > Date.now() / 1000, 'and expires');
	const fromScript = await page.evaluate(() => document.cookie);
	check(!fromScript.includes('clotline_session'),
	    'the page\'s own script cannot read the session cookie');

	// A change without the CSRF token, from the signed-in page itself.
	const status = await page.evaluate(async () => (await fetch(
	    '/api/v1/patients', { method: 'POST', credentials: 'same-origin',
		headers: { 'Content-Type': 'application/json' },
		body: JSON.stringify({ phone: '+447700900999', plan: 'dvt-walking' }) }
	)).status);
	check(status === 403, 'a change without the CSRF token is refused (403)');

	// ------------------------------------------------------------ enrol
	await page.click('nav a[data-page="patients"]');
	await page.waitForSelector('h1:has-text("Patients")');
	await page.click('details:has(#enrol) summary');
	await page.fill('#enrol [name=phone]', '+44 7700 900999x');
	await page.click('#enrol button[type=submit]');
	await page.waitForSelector('#enrol .error:has-text("phone")');
	ok('a bad number is refused with an error naming the field');
	for (const [bad, says] of [['+999999999999999', 'no country calling code'],
	    ['+44 07700 900931', 'trunk prefix 0']]) {
		await page.fill('#enrol [name=phone]', bad);
		await page.click('#enrol button[type=submit]');
		await page.waitForSelector(`#enrol .error:has-text("${says}")`);
		check((await page.textContent('#enrol .error')).startsWith('phone: '),
		    `${bad} is refused naming the phone field`);
	}
	await page.fill('#enrol [name=phone]', '+44 7700 900931');
	for (const [name, bad, says] of [['timezone', 'EST', 'legacy zone name'],
	    ['reminder_times', 'stretch=22:30', 'inside the quiet hours']]) {
		const good = await page.inputValue(`#enrol [name=${name}]`);
		await page.fill(`#enrol [name=${name}]`, bad);
		await page.click('#enrol button[type=submit]');
		await page.waitForSelector(`#enrol .error:has-text("${says}")`);
		check((await page.textContent('#enrol .error')).startsWith(name + ': '),
		    `${name} ${bad} is refused naming the field`);
		await page.fill(`#enrol [name=${name}]`, good);
	}
	await page.fill('#enrol [name=phone]', '+44 7700 900931');
	await page.fill('#enrol [name=name]', 'Ann Example');
	await page.click('#enrol button[type=submit]');
	await page.waitForSelector('#enrol .ok:has-text("Enrolled")');
	ok('a patient is enrolled from the form (the number\'s spaces removed)');
	await page.waitForSelector('#patient-list a:has-text("Ann Example")');
	ok('and is in the list');
	await shot(page, 'patients');

	// ---------------------------------------- an emergency appears live
	await page.click('nav a[data-page="attention"]');
	await page.waitForSelector('h1:has-text("Needs attention")');
	const t0 = Date.now();
	await sms('SMbrowser1', PATIENT, 'I am very breathless and my chest hurts');
	await page.waitForSelector('[data-escalation] .level-emergency',
	    { timeout: 15000 });
	ok(`the signed emergency SMS appears on Needs attention without a reload (${
	    ((Date.now() - t0) / 1000).toFixed(1)} s)`);
	// The page redraws every few seconds: wait, rather than look once.
	await page.waitForSelector('[data-escalation] a:has-text("Ann Example")',
	    { timeout: 10000 });
	ok('named as the patient, linked to her page');
	await page.waitForSelector('[data-escalation] ol.thread li.in:has-text("very breathless")',
	    { timeout: 10000 });
	await page.waitForSelector('[data-escalation] ol.thread li.out:has-text("On-call alerted")',
	    { timeout: 15000 });
	ok('the episode shows what she sent and was told, and who was alerted when');
	await sms('SMbrowser2', '+447700900932', 'can someone call me please');
	await page.waitForSelector('[data-inbox]', { timeout: 15000 });
	ok('a message for a person appears in the inbox on the same page');
	await shot(page, 'attention');
	await page.fill('[data-escalation] textarea', 'Rang her, sent to A&E');
	await page.click('[data-escalation] button:has-text("Acknowledge")');
	await page.waitForSelector('text=No open escalations.');
	ok('acknowledged with a note, it leaves the list');
	const esc = await page.evaluate(async () => (await (await fetch(
	    '/api/v1/escalations?open=0')).json()).escalations[0]);
	check(esc.acknowledged_by === 'staff:nurse' && !esc.open,
	    'the escalation is acknowledged by the signed-in nurse, so the alert chain stops');
	await page.fill('[data-inbox] textarea', 'Rang back, all well');
	await page.click('[data-inbox] button:has-text("Mark done")');
	await page.waitForSelector('text=Nothing waiting.');
	ok('the inbox message is marked done');

	// ------------------------------------------- walks in the chart
	await sms('SMbrowser3', PATIENT, 'walked 25 minutes today');
	await page.goto(base + '/console/#/patients');
	await page.click('#patient-list a:has-text("Ann Example")');
	await page.waitForSelector('#adherence svg.chart rect.bar');
	ok('the adherence chart draws the walk reported by SMS');
	await page.click('#adherence details summary');
	const today = await page.textContent('#adherence table tbody tr:first-child');
	check(/25/.test(today), 'and its table gives the 25 minutes');
	await page.waitForSelector('#conversation li.in:has-text("walked 25 minutes")');
	ok('the conversation shows the patient\'s texts');
	await page.waitForSelector('#conversation .reply');
	ok('with the replies they got');
	await shot(page, 'patient');

	// ------------------------------------------------------ rules check
	await page.click('nav a[data-page="rules"]');
	await page.fill('#rules-text', 'estoy tosiendo sangre y no puedo respirar');
	await page.click('form button:has-text("Check")');
	await page.waitForSelector('#rules-out .level-emergency');
	ok('the rules check shows an emergency for a red-flag message');
	check(/112|999/.test(await page.textContent('#rules-out .reply')),
	    'with the reply the patient would get');
	await shot(page, 'rules');

	// --------------------------------------------------------- a phone
	await page.setViewportSize({ width: 390, height: 844 });
	await page.click('nav a[data-page="attention"]');
	await page.waitForSelector('h1:has-text("Needs attention")');
	const wide = await page.evaluate(() => document.documentElement.scrollWidth);
	check(wide <= 390, `usable on a phone: nothing wider than the screen (${wide} px)`);
	await page.goto(base + '/console/#/patients');
	await page.click('#patient-list a:has-text("Ann Example")');
	await page.waitForSelector('#adherence svg.chart');
	await shot(page, 'phone');

	// --------------------------------------------------------- sign out
	await page.click('#signout');
	await page.waitForSelector('#signin:not([hidden])');
	const after = await page.evaluate(async () => (await fetch('/api/v1/patients')).status);
	check(after === 401, 'after signing out the API is closed to the page');
}

main().catch((e) => {
	console.error(`FAIL: console.js: ${e.message}`);
	console.log(`${passed} passed, 1 failed`);
	process.exit(1);
});
