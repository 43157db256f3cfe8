/* SPDX-License-Identifier: ISC */
/*
 * `clotline triage` (see triage_cmd.h).
 *
 * Conversations are kept in a hash table by conv id, so interleaved lines
 * still form one conversation each; memory grows with the number of
 * distinct conversations, not with the number of messages.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "diag.h"
#include "settings.h"
#include "triage.h"
#include "triage_norm.h"
#include "triage_cmd.h"
#include "utf8.h"
#include "xmalloc.h"

#ifndef CLOTLINE_DATADIR
#define CLOTLINE_DATADIR "/usr/local/share/clotline"
#endif

#define CMD_T0		INT64_C(1767225600)	/* 2026-01-01T00:00:00Z */
#define CMD_GAP		60			/* seconds between messages */
#define NLEVELS		4

struct conv {
	char			*id;
	struct triage_state	 st;
	int64_t			 next;		/* time of its next message */
	const char		*lang;		/* last language detected; NULL */
};

/*
 * Open addressing over pointers: a conversation's state (1.6 KiB) is
 * allocated once and never moved, so growing the table copies pointers and
 * its free slots cost 8 bytes, not a state each (10,000 conversations in a
 * table of 32,768 slots touched 52 MB).
 */
struct convs {
	struct conv	**v;		/* NULL: free slot */
	size_t		  size, used;	/* size is a power of two */
};

struct eval {
	unsigned long	 m[NLEVELS][NLEVELS];	/* [expected][predicted] */
	unsigned long	 total, exact, under;
};

#define EVAL_LANGS	9	/* the rules' languages, and one for unsure */

/* The same figures for each language a conversation looks like. */
struct eval_lang {
	const char	*code;		/* NULL: not detected */
	unsigned long	 total, exact, under, emerg_total, emerg_hit;
};

void
triage_cmd_usage(FILE *fp)
{
	fprintf(fp,
"usage: clotline triage [-c FILE | -r DIR]\n"
"       clotline triage [-c FILE | -r DIR] --eval FILE [-v]\n"
"                       [--min-accuracy PCT] [--min-emergency-recall PCT]\n"
"\n"
"Triages a conversation file offline with the daemon's rules, state machine\n"
"and follow-up logic (spec/triage.md).  Input on standard input is UTF-8 TSV:\n"
"conv<TAB>message[<TAB>anything], one message a line; a first line whose\n"
"first field is 'conv' is a header.  Lines with the same conv are one\n"
"conversation, in order, a minute apart.  For each line it prints\n"
"conv<TAB>level<TAB>rules, the level being emergency, urgent, advice or\n"
"routine and rules the ids of the rules that fired.\n"
"\n"
"  -c, --config FILE        take the rules from this configuration's\n"
"                           prompts_dir (the whole file is validated)\n"
"  -r, --rules DIR          take the rules from DIR\n"
"  -e, --eval FILE          read FILE (conv, message, expected level) instead\n"
"                           and print the confusion matrix, emergency recall,\n"
"                           under-triage count and exact accuracy, then the\n"
"                           same for each language the conversations look like\n"
"  -v, --verbose            with --eval, also print every line that missed\n"
"      --read               print each message as the engine reads it (folded,\n"
"                           words corrected) instead of its level\n"
"      --read-reader        print each message as the second reader reads it\n"
"                           (the reading, harmless phrases blanked), for\n"
"                           contrib/triage-train.py\n"
"      --lexicon            print the words the rules know (target or known),\n"
"                           for contrib/triage-known.py\n"
"      --min-accuracy PCT   with --eval, exit 1 if accuracy is below PCT\n"
"      --min-emergency-recall PCT\n"
"                           with --eval, exit 1 if emergency recall is below\n"
"  -h, --help               show this help\n"
"\n"
"Without -c or -r the rules come from the default configuration file when it\n"
"exists, else from " CLOTLINE_DATADIR "/prompts/rules\n"
#ifdef CLOTLINE_SRCDIR
"or, in a build tree, " CLOTLINE_SRCDIR "/prompts/rules"
#endif
".\n"
"\n"
"Exit status: 0 success; 1 unreadable input, a malformed line or a missed\n"
"threshold; 2 usage error.\n");
}

static uint64_t
triage_cmd_conv_hash(const char *s)
{
	uint64_t	h = UINT64_C(1469598103934665603);

	while (*s != '\0')
		h = (h ^ (unsigned char)*s++) * UINT64_C(1099511628211);
	return h;
}

static struct conv *
triage_cmd_conv_get(struct convs *cs, const char *id)
{
	struct conv	**old, *c;
	size_t		  i, j, oldsize;

	if (cs->used * 2 >= cs->size) {
		old = cs->v;
		oldsize = cs->size;
		cs->size = oldsize == 0 ? 1024 : oldsize * 2;
		cs->v = xcalloc(cs->size, sizeof *cs->v);
		for (i = 0; i < oldsize; i++) {
			if (old[i] == NULL)
				continue;
			j = triage_cmd_conv_hash(old[i]->id) & (cs->size - 1);
			while (cs->v[j] != NULL)
				j = (j + 1) & (cs->size - 1);
			cs->v[j] = old[i];
		}
		free(old);
	}
	i = triage_cmd_conv_hash(id) & (cs->size - 1);
	while (cs->v[i] != NULL) {
		if (strcmp(cs->v[i]->id, id) == 0)
			return cs->v[i];
		i = (i + 1) & (cs->size - 1);
	}
	c = cs->v[i] = xcalloc(1, sizeof *c);
	c->id = xstrdup(id);
	triage_state_init(&c->st);
	c->next = CMD_T0;
	cs->used++;
	return c;
}

static void
triage_cmd_convs_free(struct convs *cs)
{
	size_t	i;

	for (i = 0; i < cs->size; i++) {
		if (cs->v[i] == NULL)
			continue;
		free(cs->v[i]->id);
		free(cs->v[i]);
	}
	free(cs->v);
}

static const struct triage_rules *
triage_cmd_rules(const char *conf_path, const char *rules_dir, int conf_given,
    struct settings **setp, struct triage_rules **own)
{
	struct diag	 d;
	const char	*dir = rules_dir;
	char		*tmp = NULL;
	size_t		 i;

	diag_init(&d);
	*setp = NULL;
	*own = NULL;
	if (dir == NULL && (conf_given || access(conf_path, R_OK) == 0)) {
		*setp = settings_load(conf_path, &d);
		for (i = 0; i < d.n; i++)
			fprintf(stderr, "%s\n", d.v[i].text);
		diag_clear(&d);
		return *setp != NULL ? (*setp)->rules : NULL;
	}
	if (dir == NULL) {
		tmp = xstrdup(CLOTLINE_DATADIR "/prompts/rules");
#ifdef CLOTLINE_SRCDIR
		if (access(tmp, R_OK) != 0) {
			free(tmp);
			tmp = xstrdup(CLOTLINE_SRCDIR "/prompts/rules");
		}
#endif
		dir = tmp;
	}
	*own = triage_rules_load(dir, &d);
	for (i = 0; i < d.n; i++)
		fprintf(stderr, "%s\n", d.v[i].text);
	diag_clear(&d);
	free(tmp);
	return *own;
}

/*
 * Splits a TSV line in place: conv, message, and the third field (or NULL).
 * Returns -1 when there is no message field.
 */
static int
triage_cmd_split(char *line, char **conv, char **msg, char **third)
{
	char	*p;

	*conv = line;
	if ((p = strchr(line, '\t')) == NULL)
		return -1;
	*p++ = '\0';
	*msg = p;
	*third = NULL;
	if ((p = strchr(p, '\t')) != NULL) {
		*p++ = '\0';
		*third = p;
		if ((p = strchr(p, '\t')) != NULL)
			*p = '\0';
	}
	return **conv == '\0' ? -1 : 0;
}

static void
triage_cmd_free_clean(char *clean, char *line)
{
	if (clean != line)
		free(clean);
}

static void
triage_cmd_eval_print(const struct eval *ev, unsigned long emerg_total,
    unsigned long emerg_hit)
{
	int	i, j;

	printf("confusion matrix (rows expected, columns predicted)\n");
	printf("%-10s", "");
	for (j = NLEVELS - 1; j >= 0; j--)
		printf(" %9s", triage_level_name((enum triage_level)j));
	printf("\n");
	for (i = NLEVELS - 1; i >= 0; i--) {
		printf("%-10s", triage_level_name((enum triage_level)i));
		for (j = NLEVELS - 1; j >= 0; j--)
			printf(" %9lu", ev->m[i][j]);
		printf("\n");
	}
	printf("messages: %lu\n", ev->total);
	printf("emergency recall: %lu/%lu = %.1f%%\n", emerg_hit, emerg_total,
	    emerg_total ? 100.0 * emerg_hit / emerg_total : 100.0);
	printf("under-triage: %lu\n", ev->under);
	printf("accuracy: %lu/%lu = %.1f%%\n", ev->exact, ev->total,
	    ev->total ? 100.0 * ev->exact / ev->total : 100.0);
}

/*
 * The figures of the conversations in each language (the conversation's
 * last message whose language was clear), so that a weak language does not
 * hide behind strong ones.
 */
static void
triage_cmd_eval_print_langs(const struct eval_lang *el, int n)
{
	int	i;

	for (i = 0; i < n; i++)
		printf("language %s: messages %lu, emergency recall %lu/%lu = "
		    "%.1f%%, under-triage %lu, accuracy %lu/%lu = %.1f%%\n",
		    el[i].code != NULL ? el[i].code : "unsure", el[i].total,
		    el[i].emerg_hit, el[i].emerg_total, el[i].emerg_total ?
		    100.0 * el[i].emerg_hit / el[i].emerg_total : 100.0,
		    el[i].under, el[i].exact, el[i].total, el[i].total ?
		    100.0 * el[i].exact / el[i].total : 100.0);
}

/* The figures of one language, added when it is first seen. */
static struct eval_lang *
triage_cmd_eval_lang_get(struct eval_lang *el, int *n, const char *code)
{
	int	i;

	for (i = 0; i < *n; i++)
		if ((el[i].code == NULL && code == NULL) ||
		    (el[i].code != NULL && code != NULL &&
		    strcmp(el[i].code, code) == 0))
			return &el[i];
	if (*n == EVAL_LANGS)
		return &el[*n - 1];	/* more languages than the rules know */
	memset(&el[*n], 0, sizeof el[*n]);
	el[*n].code = code;
	return &el[(*n)++];
}

/* --lexicon: every word the rules know, "target WORD" or "known WORD". */
static void
triage_cmd_lexicon(const struct triage_lexicon *lx)
{
	enum triage_lex_kind	 kind;
	const char		*w;
	size_t			 i;

	for (i = 0; i < triage_lexicon_count(lx); i++) {
		if ((w = triage_lexicon_word(lx, i, &kind)) == NULL)
			continue;
		printf("%s %s\n", kind == LEX_TARGET ? "target" :
		    kind == LEX_KNOWN ? "known" : kind == LEX_STEM ?
		    "stem" : "word", w);
		if (triage_lexicon_cue(lx, i))
			printf("cue %s\n", w);
	}
}

int
triage_cmd(int argc, char **argv, const char *default_conf)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "rules", required_argument, NULL, 'r' },
		{ "eval", required_argument, NULL, 'e' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "min-accuracy", required_argument, NULL, 'A' },
		{ "min-emergency-recall", required_argument, NULL, 'R' },
		{ "lexicon", no_argument, NULL, 'L' },
		{ "read", no_argument, NULL, 'T' },
		{ "read-reader", no_argument, NULL, 'M' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const struct triage_rules *tr;
	struct triage_rules	*own;
	struct settings		*set;
	struct triage_result	 res;
	struct convs		 cs;
	struct conv		*cv;
	struct eval		 ev;
	FILE			*in = stdin;
	const char		*conf_path = default_conf, *rules_dir = NULL;
	const char		*eval_path = NULL, *name = "stdin";
	char			*line = NULL, *conv, *msg, *third, *clean, *end;
	size_t			 cap = 0, len;
	ssize_t			 n;
	unsigned long		 lineno = 0, emerg_total = 0, emerg_hit = 0;
	struct eval_lang	 langs[EVAL_LANGS], *el;
	const char		*lang;
	int			 nlangs = 0;
	double			 min_acc = -1, min_recall = -1, acc, recall;
	enum triage_level	 expected;
	int			 ch, conf_given = 0, verbose = 0, rc = 0, lexicon = 0;
	int			 read_only = 0;
	char			*read_text;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "c:r:e:vh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			conf_path = optarg;
			conf_given = 1;
			break;
		case 'r':
			rules_dir = optarg;
			break;
		case 'e':
			eval_path = optarg;
			break;
		case 'v':
			verbose = 1;
			break;
		case 'L':
			lexicon = 1;
			break;
		case 'T':
			read_only = 1;
			break;
		case 'M':
			read_only = 2;
			break;
		case 'A':
		case 'R':
			acc = strtod(optarg, &end);
			if (*optarg == '\0' || *end != '\0' || acc < 0 || acc > 100) {
				fprintf(stderr, "clotline triage: --%s: expected "
				    "a percentage from 0 to 100, got '%s'\n",
				    ch == 'A' ? "min-accuracy" :
				    "min-emergency-recall", optarg);
				return 2;
			}
			if (ch == 'A')
				min_acc = acc;
			else
				min_recall = acc;
			break;
		case 'h':
			triage_cmd_usage(stdout);
			return 0;
		default:
			triage_cmd_usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "clotline triage: unexpected argument '%s'\n",
		    argv[optind]);
		triage_cmd_usage(stderr);
		return 2;
	}
	if (conf_given && rules_dir != NULL) {
		fprintf(stderr, "clotline triage: -c and -r cannot be combined\n");
		return 2;
	}
	if (eval_path == NULL && (min_acc >= 0 || min_recall >= 0 || verbose)) {
		fprintf(stderr, "clotline triage: -v, --min-accuracy and "
		    "--min-emergency-recall need --eval\n");
		return 2;
	}
	if (eval_path != NULL) {
		if ((in = fopen(eval_path, "r")) == NULL) {
			fprintf(stderr, "clotline triage: %s: %s\n", eval_path,
			    strerror(errno));
			return 1;
		}
		name = eval_path;
	}
	if ((tr = triage_cmd_rules(conf_path, rules_dir, conf_given, &set,
	    &own)) == NULL) {
		fprintf(stderr, "clotline triage: cannot load the rules\n");
		if (in != stdin)
			fclose(in);
		return 1;
	}

	memset(&cs, 0, sizeof cs);
	memset(&ev, 0, sizeof ev);
	if (lexicon) {
		triage_cmd_lexicon(triage_rules_lexicon(tr));
		goto out;
	}
	while ((n = getline(&line, &cap, in)) != -1) {
		lineno++;
		len = (size_t)n;
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		/* Most lines are valid: split those in place, copy the rest. */
		clean = utf8_valid(line, len) ? line : utf8_sanitize(line, len);
		if (triage_cmd_split(clean, &conv, &msg, &third) == -1) {
			if (!(lineno == 1 && strcmp(clean, "conv") == 0) &&
			    len > 0) {
				fprintf(stderr, "%s:%lu: expected conv<TAB>message\n",
				    name, lineno);
				rc = 1;
			}
			triage_cmd_free_clean(clean, line);
			continue;
		}
		if (lineno == 1 && strcmp(conv, "conv") == 0) {
			triage_cmd_free_clean(clean, line);
			continue;
		}
		if (read_only == 2) {
			read_text = triage_read_reader(tr, msg);
			printf("%s\t%s\n", conv, read_text);
			free(read_text);
			triage_cmd_free_clean(clean, line);
			continue;
		}
		if (read_only) {
			read_text = triage_read_text(tr, msg);
			printf("%s\t%s", conv, read_text);
			free(read_text);
			/* A second reading, when there is one (triage_step). */
			if ((read_text = triage_read_second(tr, msg)) != NULL)
				printf("\t%s", read_text);
			putchar('\n');
			free(read_text);
			triage_cmd_free_clean(clean, line);
			continue;
		}
		cv = triage_cmd_conv_get(&cs, conv);
		triage_step(tr, &cv->st, msg, cv->next, &res);
		cv->next += CMD_GAP;
		if (eval_path == NULL) {
			/* conv<TAB>level<TAB>rules, without printf's parsing */
			fputs(conv, stdout);
			putchar('\t');
			fputs(triage_level_name(res.level), stdout);
			putchar('\t');
			fputs(res.rules, stdout);
			putchar('\n');
			triage_cmd_free_clean(clean, line);
			continue;
		}
		if (third == NULL || triage_level_parse(third, &expected) == -1) {
			fprintf(stderr, "%s:%lu: expected a third column with the "
			    "level (emergency, urgent, advice or routine)\n",
			    name, lineno);
			rc = 1;
			triage_cmd_free_clean(clean, line);
			continue;
		}
		ev.m[expected][res.level]++;
		ev.total++;
		ev.exact += res.level == expected;
		ev.under += res.level < expected;
		if (expected == TRIAGE_EMERGENCY) {
			emerg_total++;
			emerg_hit += res.level == TRIAGE_EMERGENCY;
		}
		if ((lang = triage_language(tr, msg)) != NULL)
			cv->lang = lang;
		el = triage_cmd_eval_lang_get(langs, &nlangs, cv->lang);
		el->total++;
		el->exact += res.level == expected;
		el->under += res.level < expected;
		el->emerg_total += expected == TRIAGE_EMERGENCY;
		el->emerg_hit += expected == TRIAGE_EMERGENCY &&
		    res.level == TRIAGE_EMERGENCY;
		if (verbose && res.level != expected)
			printf("%s %s:%lu\t%s\texpected %s, got %s\t%s\n",
			    res.level < expected ? "UNDER" : "over ", name, lineno,
			    msg, triage_level_name(expected),
			    triage_level_name(res.level), res.rules);
		triage_cmd_free_clean(clean, line);
	}
	if (ferror(in)) {
		fprintf(stderr, "%s: read error\n", name);
		rc = 1;
	}
	if (eval_path != NULL) {
		triage_cmd_eval_print(&ev, emerg_total, emerg_hit);
		triage_cmd_eval_print_langs(langs, nlangs);
		acc = ev.total ? 100.0 * ev.exact / ev.total : 100.0;
		recall = emerg_total ? 100.0 * emerg_hit / emerg_total : 100.0;
		if (ev.total == 0) {
			fprintf(stderr, "%s: no labelled messages\n", name);
			rc = 1;
		}
		if (min_acc >= 0 && acc < min_acc) {
			fprintf(stderr, "FAIL: accuracy %.1f%% is below %.1f%%\n",
			    acc, min_acc);
			rc = 1;
		}
		if (min_recall >= 0 && recall < min_recall) {
			fprintf(stderr, "FAIL: emergency recall %.1f%% is below "
			    "%.1f%%\n", recall, min_recall);
			rc = 1;
		}
		fclose(in);
	}
out:
	if (fflush(stdout) != 0) {
		fprintf(stderr, "clotline triage: cannot write output\n");
		rc = 1;
	}
	free(line);
	triage_cmd_convs_free(&cs);
	settings_free(set);
	triage_rules_free(own);
	return rc;
}
