// SPDX-License-Identifier: ISC
// KEY=VALUE command-line arguments as an object, for peer.js and vonage.js.
'use strict';

module.exports = function params(args) {
	const p = {};
	for (const a of args) {
		const i = a.indexOf('=');
		if (i < 1)
			throw new Error(`not KEY=VALUE: ${a}`);
		p[a.slice(0, i)] = a.slice(i + 1);
	}
	return p;
};
