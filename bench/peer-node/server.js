// SPDX-License-Identifier: ISC
// The webhook a clinic's developer would write from the provider's
// quick-start, for bench/compare.sh to measure the gateway against: Express,
// the official twilio library's webhook middleware checking
// X-Twilio-Signature, and better-sqlite3 in WAL mode with synchronous=FULL,
// each message stored (one INSERT, MessageSid unique) before the TwiML
// answer.  A provider's retry of a stored MessageSid is answered the same
// and stored once.
//
//   TWILIO_AUTH_TOKEN=... node server.js PUBLIC_URL DATABASE PORT_FILE
//
// Listens on 127.0.0.1, on a port the kernel picks, written to PORT_FILE
// once it listens.  PUBLIC_URL is the URL the provider signs (the gateway's
// public_url), so the signature is checked over the same URL as the
// gateway's.  SIGTERM closes the database and exits.
'use strict';

const fs = require('fs');
const express = require('express');
const twilio = require('twilio');
const Database = require('better-sqlite3');

const [publicUrl, dbPath, portFile] = process.argv.slice(2);
if (!publicUrl || !dbPath || !portFile || !process.env.TWILIO_AUTH_TOKEN) {
	console.error('usage: TWILIO_AUTH_TOKEN=... node server.js PUBLIC_URL DATABASE PORT_FILE');
	process.exit(2);
}

const db = new Database(dbPath);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.exec(`CREATE TABLE IF NOT EXISTS messages (
	id INTEGER PRIMARY KEY,
	message_sid TEXT NOT NULL UNIQUE,
	from_number TEXT NOT NULL,
	to_number TEXT NOT NULL,
	body TEXT NOT NULL,
	received_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
)`);
const insert = db.prepare(`INSERT INTO messages (message_sid, from_number, to_number, body)
	VALUES (?, ?, ?, ?) ON CONFLICT (message_sid) DO NOTHING`);

const app = express();
app.use(express.urlencoded({ extended: false }));

app.post('/twilio/sms', twilio.webhook({ url: publicUrl + '/twilio/sms' }), (req, res) => {
	const { MessageSid, From, To, Body } = req.body;
	if (!MessageSid || !From) {
		res.status(400).type('text/plain').send('missing MessageSid or From');
		return;
	}
	insert.run(MessageSid, From, To || '', Body || '');
	const twiml = new twilio.twiml.MessagingResponse();
	twiml.message('Thanks, we have your message. Your care team reads these messages in working hours.');
	res.type('text/xml').send(twiml.toString());
});

const server = app.listen(0, '127.0.0.1', () => {
	fs.writeFileSync(portFile, String(server.address().port));
});
process.on('SIGTERM', () => {
	server.close();
	server.closeAllConnections();
	db.close();
	process.exit(0);
});
