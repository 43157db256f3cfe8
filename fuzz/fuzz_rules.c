/* SPDX-License-Identifier: ISC */
/*
 * Fuzz target: the rules file loader (triage_load.c) and the literal walk
 * over its patterns (triage_lit.c).  The input is one rules file, then
 * optionally a NUL and up to four messages separated by 0x1e; without
 * them a few fixed messages are used.
 *
 * Loading must never crash or leak, whatever the file, and must fail
 * exactly when it reports an error.  Rules that load are then held to the
 * triage oracles of fuzz_triage.h: the file loaded plain triages every
 * conversation alike, every matching line passes the prefilter, the ASCII
 * patterns agree, and states survive being stored.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "fuzz_triage.h"
#include "triage.h"
#include "utf8.h"
#include "xmalloc.h"

#define FUZZ_RULES_MSGS	4

static const char *const fuzz_rules_default[] = {
	"my calf hurts and I can't breathe, walked 2 km today",
	"no chest pain. YES",
	"Mein Bein ist geschwollen? s\xc3\xad, dolor en el pecho",
	"\xe2\x84\xaanee \xc5\xbfwollen!! what if it gets worse",
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct triage_rules	*fast, *plain;
	struct fuzz_part	 half[2], part[FUZZ_RULES_MSGS];
	const char *const	*prompts;
	char			*text, *msgs[FUZZ_RULES_MSGS];
	size_t			 n, i, len;

	n = fuzz_split(data, size, '\0', half, 2);
	(void)fuzz_write("fast/x.rules", half[0].p, half[0].len);
	text = fuzz_triage_plain(half[0].p, half[0].len, &len);
	(void)fuzz_write("plain/x.rules", text, len);
	free(text);
	if ((fast = fuzz_triage_load("fast")) == NULL)
		return 0;
	if ((plain = fuzz_triage_load("plain")) != NULL)
		fuzz_triage_is_plain(plain);
	prompts = triage_rules_prompts(fast);
	for (i = 0; prompts[i] != NULL; i++)
		if (*prompts[i] == '\0')
			fuzz_fail("empty prompt name");
	if (n == 2) {
		n = fuzz_split((const uint8_t *)half[1].p, half[1].len, 0x1e,
		    part, FUZZ_RULES_MSGS);
		for (i = 0; i < n; i++)
			msgs[i] = utf8_sanitize(part[i].p, part[i].len);
	} else {
		n = FUZZ_RULES_MSGS;
		for (i = 0; i < n; i++)
			msgs[i] = xstrdup(fuzz_rules_default[i]);
	}
	fuzz_triage_compare(fast, plain, "v1", msgs, n);
	for (i = 0; i < n; i++)
		free(msgs[i]);
	triage_rules_free(plain);
	triage_rules_free(fast);
	return 0;
}
