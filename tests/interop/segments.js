// SPDX-License-Identifier: ISC
// The provider's own segment calculator (npm "sms-segments-calculator"),
// for the interoperability test (run.sh): reads one JSON string a line on
// stdin and prints, for each, how many segments the calculator counts.
'use strict';
const { SegmentedMessage } = require('sms-segments-calculator');
const lines = require('fs').readFileSync(0, 'utf8').split('\n');
for (const l of lines) {
	if (l !== '')
		console.log(new SegmentedMessage(JSON.parse(l)).segmentsCount);
}
