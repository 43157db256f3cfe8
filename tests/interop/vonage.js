// SPDX-License-Identifier: ISC
// The provider's official Node library (npm "@vonage/server-sdk"), driven
// from the interoperability test (run.sh).  Subcommands:
//
//   node vonage.js sign SECRET METHOD [KEY=VALUE]...
//       prints the sig of these webhook parameters as Vonage signs them,
//       after the library's own verifySignature has accepted it (exit 1
//       if it does not: then our reading of the scheme is wrong)
//   node vonage.js verify SECRET METHOD SIG [KEY=VALUE]...
//       exit 0 if the library accepts SIG for the parameters, 1 if not
//   node vonage.js send RESTHOST KEY SECRET TO FROM TEXT CLIENTREF CALLBACK
//       sends one SMS with the library's own client to RESTHOST (in place of
//       https://rest.nexmo.com); prints the message-id
//
// METHOD is as in [provider] signature_method: md5hash, md5, sha1, sha256,
// sha512.
'use strict';
const params = require('./params.js');
const crypto = require('crypto');
const { Vonage } = require('@vonage/server-sdk');
const { AlgorithmTypes } = require('@vonage/auth');

const methods = {
	md5hash: AlgorithmTypes.md5hash,
	md5: AlgorithmTypes.md5hmac,
	sha1: AlgorithmTypes.sha1hmac,
	sha256: AlgorithmTypes.sha256hmac,
	sha512: AlgorithmTypes.sha512hmac,
};


function client(restHost) {
	return new Vonage({ apiKey: 'abcd1234', apiSecret: 'abcdef012345' },
	    restHost ? { restHost } : {});
}

// The scheme as Vonage documents it for signed webhooks.
function sign(secret, method, p) {
	let q = '';
	for (const k of Object.keys(p).sort()) {
		if (k !== 'sig')
			q += '&' + k + '=' + p[k].replace(/[&=]/g, '_');
	}
	if (method === 'md5hash')
		return crypto.createHash('md5').update(q + secret).digest('hex');
	return crypto.createHmac(method, secret).update(q).digest('hex');
}

async function main(argv) {
	const [cmd, ...rest] = argv;
	if (cmd === 'sign') {
		const [secret, method, ...kv] = rest;
		const p = params(kv);
		const sig = sign(secret, method, p);
		if (!client().sms.verifySignature(sig, p, secret, methods[method])) {
			console.error('vonage.js: the library refuses our signature');
			return 1;
		}
		console.log(sig);
		return 0;
	}
	if (cmd === 'verify') {
		const [secret, method, sig, ...kv] = rest;
		return client().sms.verifySignature(sig, params(kv), secret,
		    methods[method]) ? 0 : 1;
	}
	if (cmd === 'send') {
		const [restHost, key, secret, to, from, text, clientRef,
		    callback] = rest;
		const v = new Vonage({ apiKey: key, apiSecret: secret },
		    { restHost });
		const r = await v.sms.send({ to, from, text, type: 'text',
		    clientRef, callback });
		console.log(r.messages[0].messageId);
		return 0;
	}
	console.error('usage: node vonage.js sign|verify|send ...');
	return 2;
}

main(process.argv.slice(2)).then((rc) => process.exit(rc), (e) => {
	console.error(`vonage.js: ${e.message}`);
	process.exit(1);
});
