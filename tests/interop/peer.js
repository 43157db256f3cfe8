// SPDX-License-Identifier: ISC
// The provider's official helper library (npm "twilio"), driven from the
// interoperability test (run.sh).  Subcommands, one JSON-free line out:
//
//   node peer.js sign TOKEN URL [KEY=VALUE]...       prints the signature
//   node peer.js validate TOKEN SIG URL [KEY=VALUE]... exit 0 valid, 1 not
//   node peer.js send PORT ACCOUNT TOKEN TO FROM BODY CALLBACK VALIDITY
//       sends one message with the library's own REST client, its requests
//       redirected from https://api.twilio.com to http://127.0.0.1:PORT
//       (peer/README.md); prints the sid.
//   node peer.js gather ACTION NO_INPUT NUM_DIGITS TIMEOUT [LANG TEXT]...
//       prints the library's VoiceResponse for a keypad menu: the lines
//       said inside <Gather>, then a <Redirect> for no input.
'use strict';
const params = require('./params.js');
const twilio = require('twilio');


async function main(argv) {
	const [cmd, ...rest] = argv;
	if (cmd === 'sign') {
		const [token, url, ...kv] = rest;
		console.log(twilio.getExpectedTwilioSignature(token, url, params(kv)));
		return 0;
	}
	if (cmd === 'validate') {
		const [token, sig, url, ...kv] = rest;
		return twilio.validateRequest(token, sig, url, params(kv)) ? 0 : 1;
	}
	if (cmd === 'send') {
		const [port, account, token, to, from, body, callback, validity] = rest;
		const real = new twilio.RequestClient();
		const httpClient = {
			request(o) {
				o.uri = o.uri.replace('https://api.twilio.com',
				    `http://127.0.0.1:${port}`);
				return real.request(o);
			},
		};
		const client = twilio(account, token, { httpClient });
		const m = await client.messages.create({
			to, from, body, statusCallback: callback,
			validityPeriod: Number(validity),
		});
		console.log(m.sid);
		return 0;
	}
	if (cmd === 'gather') {
		const [action, noInput, numDigits, timeout, ...says] = rest;
		const vr = new twilio.twiml.VoiceResponse();
		const g = vr.gather({ input: 'dtmf', numDigits: Number(numDigits),
		    timeout: Number(timeout), action, method: 'POST' });
		for (let i = 0; i + 1 < says.length; i += 2)
			g.say({ language: says[i] }, says[i + 1]);
		vr.redirect({ method: 'POST' }, noInput);
		console.log(vr.toString());
		return 0;
	}
	console.error('usage: node peer.js sign|validate|send|gather ...');
	return 2;
}

main(process.argv.slice(2)).then((rc) => process.exit(rc), (e) => {
	console.error(`peer.js: ${e.message}`);
	process.exit(1);
});
