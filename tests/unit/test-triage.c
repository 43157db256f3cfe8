/* SPDX-License-Identifier: ISC */
/*
 * The triage engine against spec/triage.md, phenomenon by phenomenon, with
 * the shipped rules: levels, negation and its scope, negations that are the
 * symptom, hedges, history and recurrence, hypotheticals and conditional
 * habits, harmless phrases, text-speak, carers, Spanish and German,
 * conversations (cross-message escalation, episodes that never step down,
 * 24-hour expiry), the YES/NO follow-up question, replies, activity
 * reports, the stored state, and the loader's diagnostics; then the
 * search machinery (triage_lit.c): what the literal walk derives from a
 * pattern, that it never rules out a line that matches, and the linked
 * PCRE2's caseless pairs of ASCII and non-ASCII letters that the scan folds.
 *
 * Expected levels are the spec's, written by hand; none was copied from the
 * engine's output.
 */
#include "testlib.h"

#include "diag.h"
#include "triage.h"
#include "triage_norm.h"
#include "triage_int.h"	/* the literal prefilter, white box */

#define T0	INT64_C(1767225600)	/* 2026-01-01 00:00 UTC */
#define HOUR	3600

static struct triage_rules *rules;
static struct triage_reader *reader;

/*
 * The shipped rules without their second reader: these tests are of what
 * the rules read, phenomenon by phenomenon; the reader, which can only
 * raise a level, has its own (test-reader.c), and the corpora are read by
 * both (tests/integration/triage.sh).
 */
static int
setup(void **state)
{
	struct diag	d;

	diag_init(&d);
	rules = triage_rules_load(TEST_SRCDIR "/prompts/rules", &d);
	diag_clear(&d);
	if (rules == NULL)
		return -1;
	reader = rules->reader;
	rules->reader = NULL;
	return 0;
}

static int
teardown(void **state)
{
	rules->reader = reader;
	triage_rules_free(rules);
	testlib_cleanup();
	return 0;
}

/* One message on its own, in a fresh conversation. */
static enum triage_level
level(const char *text)
{
	struct triage_state	st;
	struct triage_result	r;

	triage_state_init(&st);
	triage_step(rules, &st, text, T0, &r);
	return r.level;
}

struct case_ {
	const char		*text;
	enum triage_level	 want;
};

static void
check_each(const struct case_ *c, size_t n)
{
	size_t	i;
	int	bad = 0;

	for (i = 0; i < n; i++) {
		enum triage_level got = level(c[i].text);

		if (got != c[i].want) {
			print_error("\"%s\": want %s, got %s\n", c[i].text,
			    triage_level_name(c[i].want), triage_level_name(got));
			bad++;
		}
	}
	if (bad)
		fail_msg("%d message(s) triaged wrongly", bad);
}

#define CHECK(cases) check_each(cases, sizeof cases / sizeof cases[0])

/*
 * A conversation of up to three messages a minute apart (a NULL ends it
 * early) and the level its last message must have.
 */
struct conv_case {
	const char		*m[3];
	enum triage_level	 want;
};

static void
check_convs(const struct conv_case *c, size_t n)
{
	struct triage_state	st;
	struct triage_result	r;
	size_t			i, k;
	int			bad = 0;

	for (i = 0; i < n; i++) {
		triage_state_init(&st);
		for (k = 0; k < 3 && c[i].m[k] != NULL; k++)
			triage_step(rules, &st, c[i].m[k], T0 + 60 * (int64_t)k,
			    &r);
		if (r.level != c[i].want) {
			print_error("\"%s\" \"%s\" \"%s\": want %s, got %s\n",
			    c[i].m[0], c[i].m[1], c[i].m[2] != NULL ? c[i].m[2] :
			    "", triage_level_name(c[i].want),
			    triage_level_name(r.level));
			bad++;
		}
	}
	if (bad)
		fail_msg("%d conversation(s) triaged wrongly", bad);
}

#define CHECK_CONVS(cases) check_convs(cases, sizeof cases / sizeof cases[0])
#define E TRIAGE_EMERGENCY
#define U TRIAGE_URGENT
#define A TRIAGE_ADVICE
#define R TRIAGE_ROUTINE

static void
test_emergencies(void **state)
{
	static const struct case_ c[] = {
		{ "breathless and my chest hurts", E },
		{ "SHORT OF BREATH + CHEST PAIN", E },
		{ "pain in my chest and I'm out of breath", E },
		{ "tight chest, puffed out walking upstairs", E },
		{ "I can't breathe", E },
		{ "struggling to breathe", E },
		{ "gasping", E },
		{ "coughing up blood", E },
		{ "threw up blood this morning", E },
		{ "I fainted", E },
		{ "passed out in the bathroom", E },
		{ "he collapsed", E },
	};

	CHECK(c);
}

static void
test_urgent(void **state)
{
	static const struct case_ c[] = {
		{ "a bit breathless today", U },
		{ "chest hurts", U },
		{ "my leg is more swollen", U },
		{ "calf is throbbing", U },
		{ "leg cramping all night", U },
		{ "skin on my calf is warm and red", U },
		{ "it hurts when I flex my foot", U },
		{ "sharp pain in my calf when I walk", U },
		{ "calf pain on walks getting worse", U },
		{ "blood in my pee", U },
		{ "black stool this morning", U },
		{ "nosebleed for 15 minutes", U },
		{ "huge bruises on my arms", U },
	};

	CHECK(c);
}

static void
test_advice_and_routine(void **state)
{
	static const struct case_ c[] = {
		{ "how far should I walk?", A },
		{ "can I take the stairs?", A },
		{ "is running ok?", A },
		{ "can I swim?", A },
		{ "can I fly next month?", A },
		{ "do I wear my stockings at night?", A },
		{ "should I raise my leg?", A },
		{ "how many wall squats should I do?", A },
		{ "mild calf ache on my walk, eases when I slow down", A },
		{ "thanks!", R },
		{ "walked 30 mins", R },
		{ "feeling stronger", R },
		{ "done", R },
	};

	CHECK(c);
}

static void
test_negation(void **state)
{
	static const struct case_ c[] = {
		{ "no chest pain", R },
		{ "no chest pain, no breathlessness", R },
		{ "I don't have any chest pain or breathlessness", R },
		{ "not breathless at all", R },
		{ "never had chest pain", R },
		{ "free of chest pain for a week", R },
		{ "my calf doesn't hurt any more", R },
		{ "walked a mile without getting out of breath", R },
		{ "keine Atemnot", R },
		{ "sin dolor de pecho", R },
		{ "no tengo dolor de pecho ni falta de aire", R },
		{ "Keine Brustschmerzen, keine Atemnot und keine Schwellung", R },
	};

	CHECK(c);
}

static void
test_negation_scope_ends(void **state)
{
	static const struct case_ c[] = {
		/* but / though / however / pero / aber, and a new clause */
		{ "no chest pain but I'm breathless", U },
		{ "no swelling, though my chest hurts", U },
		{ "not breathless. chest is sore", U },
		{ "no chest pain and I'm getting breathless", U },
		{ "no tengo fiebre pero me falta el aire", U },
		{ "keine Schwellung aber Atemnot", U },
		{ "no chest pain but I'm breathless and my chest feels tight", E },
	};

	CHECK(c);
}

static void
test_negation_that_is_the_symptom(void **state)
{
	static const struct case_ c[] = {
		{ "can't breathe", E },
		{ "cant breath", E },
		{ "cant catch my breath and chest pain", E },
		{ "nosebleed that won't stop", U },
		{ "leg pain no better", U },
		{ "swelling isn't going down", U },
		{ "no puedo respirar", E },
		{ "ich kriege keine Luft", E },
		{ "not only breathless but my chest hurts", E },
		/* The air that does not come in, in any person and order. */
		{ "no m entra el aire", E },
		{ "dice que no le entra el aire", E },
		{ "no puedo agarrar aire", E },
		{ "krieg die luft nicht rein", E },
		{ "die luft reicht nicht mal zum sprechen", E },
		{ "can hardly cross the room without stopping for air", U },
		{ "no puedo ni caminar al bano sin ahogarme", E },
		/* ...but a denial of the air stays one. */
		{ "no me falta el aire", R },
		/* An earlier negation does not deny a symptom said negatively. */
		{ "not well can't breathe", E },
		{ "nicht gut krieg keine Luft", E },
		/* A denied thing followed straight by a symptom ends the denial. */
		{ "no fever coughing blood", E },
		{ "sin fiebre tosiendo sangre", E },
		{ "kein Fieber Blut gehustet", E },
		{ "no fever or chest pain", R },
		{ "no pain in my chest", R },
		/* "Never ... so / like this" is worse than ever, not absent. */
		{ "never felt so breathless", U },
		{ "never had chest pain like this", U },
		{ "nunca me habia faltado tanto el aire", U },
		{ "haven't been able to breathe properly since lunch", E },
		{ "never had chest pain", R },
	};

	CHECK(c);
}

static void
test_hedges_count(void **state)
{
	static const struct case_ c[] = {
		{ "not sure if its breathlessness", U },
		{ "probably nothing but I coughed up blood", E },
		{ "don't think it's serious but my chest hurts", U },
		{ "no idea why but I'm breathless and my chest hurts", E },
		{ "seguro que no es nada, pero tosí sangre", E },
	};

	CHECK(c);
}

static void
test_history_and_recurrence(void **state)
{
	static const struct case_ c[] = {
		{ "the chest pain I had last year is gone", R },
		{ "used to get breathless before the clot was treated", R },
		{ "my swelling has gone down", R },
		{ "chest pain again", U },
		{ "the swelling is back", U },
		{ "had a DVT years ago and now my calf is swollen", U },
		{ "el dolor de pecho del año pasado", R },
	};

	CHECK(c);
}

static void
test_hypotheticals(void **state)
{
	static const struct case_ c[] = {
		{ "what should I do if I get chest pain?", A },
		{ "if I start getting chest pains, do I call 999?", A },
		{ "what if I get breathless on the plane?", A },
		{ "¿qué hago si me falta el aire?", A },
		{ "was soll ich tun, wenn ich Brustschmerzen bekomme?", A },
		/* a conditional habit is a real report */
		{ "if I climb the stairs I get breathless", U },
		{ "if I walk uphill I get breathless, is that normal?", U },
		{ "si subo la cuesta me falta el aire", U },
	};

	CHECK(c);
}

static void
test_harmless_phrases(void **state)
{
	static const struct case_ c[] = {
		{ "I walked past the chest clinic", R },
		{ "moving a chest of drawers", R },
		{ "my breathing exercises went well", R },
		{ "short of time today", R },
		{ "bloody lovely walk", R },
		{ "blood test was fine", R },
		{ "had a sob watching the film", R },
		{ "my wife is sob", U },
		{ "did my calf raises", R },
		{ "on blood thinners, coughing a bit with a cold", R },
		{ "the view took my breath away", R },
		{ "I passed out the leaflets at church", R },
		{ "no tengo tiempo ni pa respirar con la mudanza", R },
		{ "la vista era atemberaubend", R },
		{ "die Vase ist umgekippt", R },
		{ "hab so nen Herzschmerz Film geschaut", R },
		/* ...and the symptom beside one is still read. */
		{ "the view took my breath away and now my chest hurts", U },
		/* A year is history. */
		{ "fainted once in 2019 at a blood test, not since", R },
		{ "tuve una embolia pulmonar en 2019, esta vez fue solo la pierna", R },
	};

	CHECK(c);
	/* A question answered with a denial denies it (a question: advice). */
	assert_true(level("short of breath? not at all, walked 4k") < U);
	assert_true(level("fainted? me? no, just a nap on the couch") < U);
	assert_true(level("\u00bffalta de aire? para nada") < U);
	assert_true(level("Atemnot? nein, gar nicht") < U);
	assert_int_equal(level("short of breath? yes, since lunch"), U);
}

static void
test_text_speak_and_carers(void **state)
{
	static const struct case_ c[] = {
		{ "chst pian n sob", E },
		{ "cant breath 😰", E },
		{ "sob 😕", U },
		{ "my husband is breathless and has chest pain", E },
		{ "mum says her chest hurts", U },
		{ "mi madre tosió sangre", E },
		{ "meine Frau hat Atemnot und Brustschmerzen", E },
	};

	CHECK(c);
}

/* Runs a conversation a minute apart (or at the given times). */
static void
conv(const char *const *msgs, const enum triage_level *want,
    const int64_t *at, size_t n)
{
	struct triage_state	st;
	struct triage_result	r;
	size_t			i;

	triage_state_init(&st);
	for (i = 0; i < n; i++) {
		triage_step(rules, &st, msgs[i], at != NULL ? at[i] :
		    T0 + 60 * (int64_t)i, &r);
		if (r.level != want[i])
			fail_msg("message %zu \"%s\": want %s, got %s (%s)", i,
			    msgs[i], triage_level_name(want[i]),
			    triage_level_name(r.level), r.rules);
	}
}

static void
test_cross_message_escalation(void **state)
{
	static const char *const m1[] = { "bit breathless today",
	    "and now my chest hurts" };
	static const enum triage_level w1[] = { U, E };
	static const char *const m2[] = { "back of my calf is hot and red",
	    "now i'm breathless too", "and pain in my chest" };
	static const enum triage_level w2[] = { U, U, E };
	static const char *const m3[] = { "me falta el aire",
	    "y ahora me duele el pecho" };
	static const char *const m4[] = { "Habe Atemnot",
	    "Jetzt tut auch die Brust weh" };

	conv(m1, w1, NULL, 2);
	conv(m2, w2, NULL, 3);
	conv(m3, w1, NULL, 2);
	conv(m4, w1, NULL, 2);
}

static void
test_episode_never_steps_down(void **state)
{
	static const char *const m[] = { "coughed up blood", "thanks",
	    "feeling better now", "walked 10 mins" };
	static const enum triage_level w[] = { E, E, E, E };
	static const char *const m2[] = { "calf is swollen", "ok thanks",
	    "can I still walk?" };
	static const enum triage_level w2[] = { U, U, U };

	conv(m, w, NULL, 4);
	conv(m2, w2, NULL, 3);
}

static void
test_episode_ends_after_24_hours(void **state)
{
	static const char *const m[] = { "my calf is swollen", "thanks",
	    "thanks" };
	static const enum triage_level w[] = { U, U, R };
	static const int64_t at[] = { T0, T0 + 23 * HOUR, T0 + 23 * HOUR +
	    24 * HOUR };
	/* A red flag keeps the episode going; the quiet day is what ends it. */
	static const char *const m2[] = { "bit breathless", "calf swollen",
	    "thanks" };
	static const enum triage_level w2[] = { U, U, U };
	static const int64_t at2[] = { T0, T0 + 20 * HOUR, T0 + 40 * HOUR };
	/* Symptoms are remembered for 24 hours, no longer. */
	static const char *const m3[] = { "bit breathless", "chest hurts" };
	static const enum triage_level w3[] = { U, U };
	static const int64_t at3[] = { T0, T0 + 25 * HOUR };
	static const enum triage_level w4[] = { U, E };
	static const int64_t at4[] = { T0, T0 + 23 * HOUR };

	conv(m, w, at, 3);
	conv(m2, w2, at2, 3);
	conv(m3, w3, at3, 2);
	conv(m3, w4, at4, 2);
}

static void
test_follow_up_question(void **state)
{
	struct triage_state	st;
	struct triage_result	r;
	static const char *const yes[] = { "yes", "Y", "yeah", "yep", "sí",
	    "si", "ja", "Yes, a bit", "mmm creo q s\u00ed, me canso mas",
	    "hmm yeah a bit", "hm naja schon" };
	static const char *const m1[] = { "breathless this morning", "no" };
	static const enum triage_level w1[] = { U, U };
	static const char *const m2[] = { "thanks", "yes" };
	static const enum triage_level w2[] = { R, R };
	size_t			i;

	/* Breathless alone asks about chest pain; YES is an emergency. */
	for (i = 0; i < sizeof yes / sizeof yes[0]; i++) {
		triage_state_init(&st);
		triage_step(rules, &st, "breathless after the stairs", T0, &r);
		assert_int_equal(r.level, TRIAGE_URGENT);
		assert_non_null(r.question);
		assert_string_equal(r.question, "chest_pain");
		assert_true(triage_question_pending(&st, T0 + 60));
		triage_step(rules, &st, yes[i], T0 + 60, &r);
		if (r.level != TRIAGE_EMERGENCY)
			fail_msg("\"%s\" did not escalate", yes[i]);
		assert_int_equal(r.answer, TRIAGE_ANSWER_YES);
		assert_false(triage_question_pending(&st, T0 + 120));
	}
	/* Chest pain alone asks about breathlessness. */
	triage_state_init(&st);
	triage_step(rules, &st, "my chest is sore", T0, &r);
	assert_non_null(r.question);
	assert_string_equal(r.question, "breathless");
	assert_string_equal(r.reply, "urgent_chest_pain");
	/* NO keeps the level; a yes/no with nothing pending is routine. */
	conv(m1, w1, NULL, 2);
	conv(m2, w2, NULL, 2);
	/* No question when the other symptom was just denied or is known. */
	triage_state_init(&st);
	triage_step(rules, &st, "no chest pain but a bit breathless", T0, &r);
	assert_int_equal(r.level, TRIAGE_URGENT);
	assert_null(r.question);
	triage_step(rules, &st, "leg swollen", T0, &r);
	assert_null(r.question);
	/* An emergency asks nothing. */
	triage_state_init(&st);
	triage_step(rules, &st, "coughed up blood and breathless", T0, &r);
	assert_null(r.question);
	/* The question lapses with the episode. */
	triage_state_init(&st);
	triage_step(rules, &st, "bit breathless", T0, &r);
	triage_step(rules, &st, "yes", T0 + 25 * HOUR, &r);
	assert_int_equal(r.level, TRIAGE_ROUTINE);
}

static void
test_hypothetical_stays_out_of_the_conversation(void **state)
{
	static const char *const m[] = { "what should I do if I get chest pain?",
	    "bit breathless today" };
	static const enum triage_level w[] = { A, U };

	conv(m, w, NULL, 2);
}

/*
 * m[0] then m[1] with the state formatted and parsed between them, as a
 * restart does: the state holds key, and m[1] is read at want with rule.
 */
static void
recalled_after_restart(const char *const m[2], const char *key,
    enum triage_level want, const char *rule)
{
	struct triage_state	st, back;
	struct triage_result	res;
	char			*s;

	triage_state_init(&st);
	triage_step(rules, &st, m[0], T0, &res);
	s = triage_state_format(rules, &st);
	assert_non_null(strstr(s, key));
	assert_int_equal(triage_state_parse(rules, s, &back), 0);
	triage_step(rules, &back, m[1], T0 + 60, &res);
	assert_int_equal(res.level, want);
	assert_non_null(strstr(res.rules, rule));
	free(s);
}

/*
 * "It's happening now" after a "what if": the symptom asked about is
 * reported, in each language; denied, or a day later, it is not; and the
 * state carries it between messages (as the daemon stores it).
 */
static void
test_happening_now(void **state)
{
	static const char *const m1[] = {
	    "what do I do if I cough up blood?",
	    "asking because it's happening now" };
	static const char *const m2[] = {
	    "qué hago si me sangra la nariz y no para?",
	    "xq me está pasando ahorita, van 15 minutos" };
	static const char *const m3[] = {
	    "was mache ich wenn ich Blut huste?", "passiert grad" };
	static const char *const m4[] = {
	    "what if I get chest pain?", "not happening now, just asking" };
	static const char *const m5[] = {
	    "it's happening now" };
	static const enum triage_level e[] = { A, E }, u[] = { A, U },
	    r[] = { A, R }, one[] = { R };
	static const int64_t later[] = { T0, T0 + 25 * HOUR };

	conv(m1, e, NULL, 2);
	conv(m2, u, NULL, 2);
	conv(m3, e, NULL, 2);
	conv(m4, r, NULL, 2);
	conv(m5, one, NULL, 1);
	conv(m1, r, later, 2);
	recalled_after_restart(m1, " h.cough_blood=", TRIAGE_EMERGENCY,
	    "happening_now");
}

/*
 * "It's back": a symptom denied or told as over earlier in the window is
 * reported again by a message that names it only as "it", in each
 * language; a later "back" about something else, or after the window, is
 * not; the state keeps it across a restart (the g. keys).
 */
static void
test_came_back(void **state)
{
	static const char *const m1[] = {
	    "chest pain's been gone for weeks",
	    "scratch that, it's back tonight" };
	static const char *const m2[] = {
	    "ya no me duele el pecho", "pues ya volvi\u00f3" };
	static const char *const m3[] = {
	    "die Brustschmerzen sind weg", "jetzt dr\u00fcckt es doch wieder" };
	static const char *const m4[] = {
	    "no chest pain today", "my appetite is back" };
	static const char *const m5[] = {
	    "it's back" };
	static const enum triage_level u[] = { R, U }, r[] = { R, R },
	    one[] = { R };
	static const int64_t later[] = { T0, T0 + 25 * HOUR };

	(void)state;
	conv(m1, u, NULL, 2);
	conv(m2, u, NULL, 2);
	conv(m3, u, NULL, 2);
	conv(m4, r, NULL, 2);
	conv(m5, one, NULL, 1);
	conv(m1, r, later, 2);
	recalled_after_restart(m1, " g.chest_pain=", TRIAGE_URGENT, "came_back");
}

static void
test_replies(void **state)
{
	struct triage_state	st;
	struct triage_result	r;
	static const struct { const char *text, *reply; } c[] = {
		{ "how long should I walk each day?", "advice_walking" },
		{ "can I fly to Spain?", "advice_travel" },
		{ "do the stockings have to stay on all day?", "advice_stockings" },
		{ "is jogging ok?", "advice_running" },
		{ "mild ache in my calf, fine if I slow down", "advice_calf_ache" },
		{ "my leg is warm and swollen", "urgent_leg" },
		{ "blood in my urine", "urgent_bleeding" },
		{ "walked 20 min", "routine_activity" },
	};
	size_t	i;

	for (i = 0; i < sizeof c / sizeof c[0]; i++) {
		triage_state_init(&st);
		triage_step(rules, &st, c[i].text, T0, &r);
		if (r.reply == NULL || strcmp(r.reply, c[i].reply) != 0)
			fail_msg("\"%s\": want reply %s, got %s", c[i].text,
			    c[i].reply, r.reply ? r.reply : "(level default)");
	}
	/* An emergency always uses the emergency prompt. */
	triage_state_init(&st);
	triage_step(rules, &st, "coughed up blood", T0, &r);
	assert_null(r.reply);
}

static void
test_activity_reports(void **state)
{
	static const struct {
		const char	*text;
		int		 minutes, meters, steps;
	} c[] = {
		{ "walked 20 min", 20, 0, 0 },
		{ "DONE 20", 20, 0, 0 },
		{ "20 mins", 20, 0, 0 },
		{ "2 km", 0, 2000, 0 },
		{ "walked 2 miles", 0, 3219, 0 },
		{ "4,000 steps today!", 0, 0, 4000 },
		{ "done", 0, 0, 0 },
		{ "hoy caminé 30 minutos", 30, 0, 0 },
		{ "Heute 20 Minuten spazieren gegangen", 20, 0, 0 },
		/* What the Spanish and German reminders ask for. */
		{ "HECHO 20", 20, 0, 0 },
		{ "hecho 25 minutos", 25, 0, 0 },
		{ "30 minutos", 30, 0, 0 },
		{ "FERTIG 20", 20, 0, 0 },
		{ "Fertig 15 Minuten", 15, 0, 0 },
		{ "20 Minuten", 20, 0, 0 },
	};
	struct triage_state	st;
	struct triage_result	r;
	size_t			i;

	for (i = 0; i < sizeof c / sizeof c[0]; i++) {
		triage_state_init(&st);
		triage_step(rules, &st, c[i].text, T0, &r);
		if (!r.activity.present || r.activity.minutes != c[i].minutes ||
		    r.activity.meters != c[i].meters ||
		    r.activity.steps != c[i].steps)
			fail_msg("\"%s\": got present %d, %d min, %d m, %d "
			    "steps", c[i].text, r.activity.present,
			    r.activity.minutes, r.activity.meters,
			    r.activity.steps);
		assert_int_equal(r.level, TRIAGE_ROUTINE);
	}
	/* A bleed's duration is not a walk. */
	triage_state_init(&st);
	triage_step(rules, &st, "nose has been bleeding for 20 mins", T0, &r);
	assert_false(r.activity.present);
	/* Activity with a red flag is triaged as the red flag. */
	triage_state_init(&st);
	triage_step(rules, &st, "walked 20 min and now my chest hurts and I'm "
	    "breathless", T0, &r);
	assert_int_equal(r.level, TRIAGE_EMERGENCY);
	assert_true(r.activity.present);
}

static void
test_language_detection(void **state)
{
	assert_string_equal(triage_language(rules, "me duele la pierna"), "es");
	assert_string_equal(triage_language(rules, "Die Wade tut weh"), "de");
	assert_string_equal(triage_language(rules, "my leg hurts"), "en");
	assert_null(triage_language(rules, "\xf0\x9f\x91\x8d"));
	/*
	 * Detection reads the folded text: a pattern's accented class must
	 * not fold into plain vowels (every English word read as Spanish).
	 */
	assert_string_equal(triage_language(rules,
	    "chest pain and short of breath"), "en");
	assert_true(triage_language(rules, "pain") == NULL ||
	    strcmp(triage_language(rules, "pain"), "en") == 0);
	assert_null(triage_language(rules, "s"));
	assert_string_equal(triage_language(rules, "\u00bfpuedo nadar?"), "es");
}

static void
test_state_round_trip(void **state)
{
	struct triage_state	st, back;
	struct triage_result	r;
	char			*s, *s2;

	triage_state_init(&st);
	triage_step(rules, &st, "breathless today", T0, &r);
	s = triage_state_format(rules, &st);
	assert_int_equal(triage_state_parse(rules, s, &back), 0);
	s2 = triage_state_format(rules, &back);
	assert_string_equal(s, s2);
	assert_int_equal(back.level, TRIAGE_URGENT);
	assert_true(triage_question_pending(&back, T0 + 60));
	/* The parsed state behaves like the original. */
	triage_step(rules, &back, "yes", T0 + 60, &r);
	assert_int_equal(r.level, TRIAGE_EMERGENCY);
	free(s);
	free(s2);
	/* Concepts the rules no longer have are skipped; junk is refused. */
	assert_int_equal(triage_state_parse(rules,
	    "v1 level=urgent flagged=5 c.gone_concept=5", &back), 0);
	assert_int_equal(back.level, TRIAGE_URGENT);
	assert_int_equal(triage_state_parse(rules, "v9 level=urgent", &back), -1);
	assert_int_equal(back.level, TRIAGE_ROUTINE);
	assert_int_equal(triage_state_parse(rules, "v1 level=high", &back), -1);
	assert_int_equal(triage_state_parse(rules, "v1 flagged=-3", &back), -1);
	assert_int_equal(triage_state_parse(rules, "v1 flagged", &back), -1);
}

static void
test_bad_input_is_safe(void **state)
{
	struct triage_state	st;
	struct triage_result	r;
	char			big[20000];

	/* Invalid UTF-8 still triages (the daemon sanitises first anyway). */
	triage_state_init(&st);
	triage_step(rules, &st, "chest pain \xff\xfe and breathless", T0, &r);
	assert_int_equal(r.level, TRIAGE_EMERGENCY);
	triage_step(rules, &st, "", T0, &r);
	/* A long message with a symptom at the end is still read. */
	memset(big, 'a', sizeof big);
	memcpy(big + sizeof big - 40, " I coughed up blood", 19);
	big[sizeof big - 21] = '\0';
	triage_state_init(&st);
	triage_step(rules, &st, big, T0, &r);
	assert_int_equal(r.level, TRIAGE_EMERGENCY);
}

static void
expect_load_error(const char *text, const char *needle)
{
	struct triage_rules	*tr;
	struct diag		 d;
	const char		*dir = testlib_tmpdir();
	size_t			 i;
	int			 found = 0;

	testlib_write("x.rules", text);
	diag_init(&d);
	tr = triage_rules_load(dir, &d);
	assert_null(tr);
	for (i = 0; i < d.n; i++)
		found |= strstr(d.v[i].text, needle) != NULL;
	if (!found)
		fail_msg("no diagnostic containing \"%s\" (first: %s)", needle,
		    d.n > 0 ? d.v[0].text : "none");
	diag_clear(&d);
}

static void
test_loader_diagnostics(void **state)
{
	expect_load_error("concept a (unclosed\nrule r urgent a\n",
	    "x.rules:1: concept 'a': bad pattern at offset");
	expect_load_error("concept a x\nrule r urgent b\n",
	    "x.rules:2: rule 'r': unknown concept 'b'");
	expect_load_error("concept a x\nrule r severe a\n", "unknown level");
	expect_load_error("concept a x\ncue sometimes y\nrule r urgent a\n",
	    "x.rules:2: unknown cue kind");
	expect_load_error("concept a x\nactivity minutes \\d+ min\nrule r urgent a\n",
	    "needs a group (?<n>...)");
	expect_load_error("detect x\n", "detect needs a language line");
	expect_load_error("concept a x\nrule r urgent !a\n",
	    "needs at least one concept");
	expect_load_error("concept a x\nrule r urgent a ask a ask\n",
	    "'ask' needs an argument");
	expect_load_error("concept a x\ntopic a y\n", "already defined");
	expect_load_error("concept a x\nrule r urgent a\nrule r advice a\n",
	    "defined twice");
	expect_load_error("concept a x\nrule r urgent a\nglue\n",
	    "glue needs at least one word");
	expect_load_error("concept a x\nrule r urgent a\nglue el dentro\n",
	    "glue 'dentro' is not a word of one to four letters");
	expect_load_error("bogus\n", "unknown statement 'bogus'");
	expect_load_error("# nothing\n", "no rules defined");
}

/* The clauses the walk gives a pattern, and its return value. */
static int
walk(const char *pattern, struct triage_line *ln)
{
	struct triage_lits	tl;
	int			rc;

	memset(&tl, 0, sizeof tl);
	rc = triage_lit_line(&tl, ln, pattern);
	triage_lit_free(&tl);
	return rc;
}

/* 1 if the walked pattern's line may match text, by the prefilter. */
static int
may_match(const char *pattern, const char *text)
{
	struct triage_lits	tl;
	struct triage_line	ln;
	uint64_t		sat[16];
	int			may;

	memset(&tl, 0, sizeof tl);
	if (triage_lit_line(&tl, &ln, pattern) == -1)
		ln.mask = 0;
	triage_lit_build(&tl);
	assert_true(tl.nwords <= 16);
	(void)triage_lit_scan(&tl, text, strlen(text), sat);
	may = triage_lit_may(sat, &ln);
	triage_lit_free(&tl);
	return may;
}

static void
test_literal_walk(void **state)
{
	struct triage_line	ln;

	/* Required literals, caseless, across \W+ and optional parts. */
	assert_true(may_match("\\bshort\\W+of\\W+breath\\w*", "SHORT of Breathe"));
	assert_false(may_match("\\bshort\\W+of\\W+breath\\w*", "short of time"));
	assert_false(may_match("\\b(calf|leg)s?\\b[^.]{0,9}pain", "my arm hurts"));
	assert_true(may_match("\\b(calf|leg)s?\\b[^.]{0,9}pain", "Legs in pain"));
	/* Long s and the Kelvin sign match s and k caseless. */
	assert_true(may_match("\\bsob\\b", "\xc5\xbfob"));
	assert_true(may_match("\\bknee\\b", "\xe2\x84\xaanee"));
	/* An optional branch or group leaves the line unconstrained. */
	assert_true(may_match("\\b(pain|)\\b", "nothing here"));
	assert_true(may_match("(x)?y?", "nothing here"));
	/* A lookaround is not part of the match: it requires nothing. */
	assert_false(may_match("and\\W+(?=now)", "now then"));
	assert_true(may_match("and\\W+(?!now)", "and then"));
	/* but a positive one's text must be there all the same */
	assert_false(may_match("(?<=\\bnose\\s)bleed", "nasal bleed"));
	assert_true(may_match("(?<=\\bnose\\s)bleed", "NOSE bleed"));
	assert_false(may_match("\\bbad(?=\\W+(leg|calf))", "bad day"));
	assert_true(may_match("\\bbad(?=\\W+(leg|calf))", "bad calf"));
	/* A lookbehind's text ends, a lookahead's starts, where it stands. */
	assert_true(may_match("\\b(?<=ab)", "xab "));
	assert_true(may_match("(?=abc)\\b", " abcd"));
	/* A class of marks or symbols: one of them must be there. */
	assert_false(may_match("[\xc2\xbf?]", "what"));
	assert_true(may_match("[\xc2\xbf?]", "what?"));
	assert_true(may_match("[\xc2\xbf?]", "\xc2\xbfqu\xc3\xa9"));
	assert_false(may_match("x[.!\\]]", "x y"));
	assert_true(may_match("x[.!\\]]", "x]"));
	assert_true(may_match("a[.-?]", "a/"));	/* a range */
	assert_false(may_match("(?<=[?!\\n])\\W*so", "also so"));
	assert_true(may_match("(?<=[?!\\n])\\W*so", "ok\nso"));
	assert_false(may_match("[\xe2\x9d\xa4\xef\xb8\x8f\xf0\x9f\x91\x8d]",
	    "love"));	/* U+2764 U+FE0F U+1F44D */
	assert_true(may_match("[\xe2\x9d\xa4\xef\xb8\x8f\xf0\x9f\x91\x8d]",
	    "x\xef\xb8\x8f"));
	/* A word character after \W+ or \s+ starts a word; after \W* not. */
	assert_false(may_match("\\bgot\\W+p\\W+e\\b", "got help here"));
	assert_true(may_match("\\bgot\\W+p\\W+e\\b", "got P.E."));
	assert_true(may_match("\\bgot\\W*pe\\b", "gotpe"));
	/* A class of one letter is that letter: "m[i]en" needs "mien". */
	assert_false(may_match("\\bm[i]en\\b", "mi en"));
	assert_true(may_match("\\bm[i]en\\b", "MIEN"));
	assert_false(may_match("\\bros[eE]\\b", "rosa"));
	assert_true(may_match("\\bros[eE]\\b", "ROSE"));
	/* Two letters, a range, a negation or an escape are no literal. */
	assert_true(may_match("\\bros[ea]\\b", "rosa"));
	assert_true(may_match("\\bros[a-e]\\b", "rosb"));
	assert_true(may_match("\\bros[^e]\\b", "rosa"));
	assert_true(may_match("\\bros[\\we]\\b", "rosa"));
	/*
	 * A symbol with no case (an emoji, a dingbat, ¿ and ¡) is literal
	 * text; letters with accents are not (caseless matching pairs them).
	 */
	assert_false(may_match("(\xf0\x9f\x94\xa5|\xf0\x9f\xa5\xb5)[^.]{0,9}"
	    "(\xf0\x9f\xa6\xb5|\xf0\x9f\xa6\xb6)", "leg \xf0\x9f\xa6\xb5 fine"));
	assert_true(may_match("(\xf0\x9f\x94\xa5|\xf0\x9f\xa5\xb5)[^.]{0,9}"
	    "(\xf0\x9f\xa6\xb5|\xf0\x9f\xa6\xb6)", "\xf0\x9f\xa5\xb5\xf0\x9f\xa6\xb6"));
	assert_false(may_match("\xc2\xbf\\W*que\\b", "que?"));
	assert_true(may_match("\xc2\xbf\\W*que\\b", "\xc2\xbfQUE"));
	assert_true(may_match("pain\xe2\x9d\xa4", "PAIN\xe2\x9d\xa4"));
	assert_false(may_match("pain\xe2\x9d\xa4", "pain heart"));
	assert_true(may_match("\xf0\x9f\xa9\xb8?x", "x"));	/* optional */
	assert_true(may_match("m\xc3\xa9" "dico", "M\xc3\x89" "DICO"));	/* é, É */
	/* "ab+c" matches "abbc": only "ab" and "c" are required. */
	assert_true(may_match("ab+c", "xabbc"));
	/* Syntax the walk does not follow gives up: the joined pattern. */
	assert_int_equal(walk("(a)\\1", &ln), -1);
	assert_int_equal(walk("(?i)a", &ln), -1);
	assert_int_equal(walk("\\x{41}", &ln), -1);
	assert_int_equal(walk("a{,3}", &ln), -1);
	/* Without UTF a quantifier would bind the last byte of a character. */
	assert_int_equal(walk("caf\xc3\xa9?", &ln), 0);
	assert_int_equal(walk("caf\xc3\xa9", &ln), 1);
	assert_int_equal(walk("[\xc3\xa1" "a]?b", &ln), 1);
	assert_int_equal(walk("(?<!\xc3\xa9)x", &ln), 0);
	/* long s and the Kelvin sign pair with s and k only with UTF */
	assert_int_equal(walk("\\bsob\xc5\xbf", &ln), 0);
	assert_int_equal(walk("a[^\xe2\x84\xaa]", &ln), 0);
	/* \R matches differently without UTF (PCRE2 10.42) */
	assert_int_equal(walk("x\\R*\\s", &ln), 0);
}

/*
 * A set may hold more than one PCRE2 pattern can: searched line by line,
 * or, with a line the literal walk gives up on, as several alternations.
 */
static void
test_large_set_loads(void **state)
{
	struct triage_rules	*tr;
	struct triage_state	 st;
	struct triage_result	 r;
	struct diag		 d;
	char			*text, *p;
	size_t			 size = 5000 * 48 + 64;
	int			 i;

	int			 k;

	/*
	 * Then with a line the walk gives up on ("(?i)"): the set is searched
	 * as its lines joined, in as many alternations as PCRE2 needs.
	 */
	for (k = 0; k < 2; k++) {
		text = p = malloc(size);
		assert_non_null(text);
		if (k == 1)
			p += snprintf(p, size, "concept big (?i)zorro\n");
		for (i = 0; i < 5000; i++)
			p += snprintf(p, size - (size_t)(p - text), "concept big "
			    "\\bword%dx\\W+(alpha|beta)\\b\n", i);
		snprintf(p, size - (size_t)(p - text), "rule r urgent big\n");
		testlib_write("x.rules", text);
		free(text);
		diag_init(&d);
		tr = triage_rules_load(testlib_tmpdir(), &d);
		if (tr == NULL)
			fail_msg("not loaded: %s", d.n > 0 ? d.v[0].text : "?");
		for (i = 0; strcmp(tr->concepts[i].id, "big") != 0; i++)
			;
		assert_int_equal(tr->concepts[i].set.njoined > 1, k == 1);
		triage_state_init(&st);
		triage_step(tr, &st, "word4999x beta", T0, &r);
		assert_int_equal(r.level, TRIAGE_URGENT);
		triage_state_init(&st);
		triage_step(tr, &st, "ZORRO", T0, &r);
		assert_int_equal(r.level, k == 1 ? TRIAGE_URGENT :
		    TRIAGE_ROUTINE);
		triage_state_init(&st);
		triage_step(tr, &st, "word4999x gamma", T0, &r);
		assert_int_equal(r.level, TRIAGE_ROUTINE);
		triage_rules_free(tr);
		diag_clear(&d);
	}
}

/* The cuts of a line into its top-level branches, as offsets. */
static int
cuts(const char *pattern, size_t *at)
{
	return triage_lit_cuts(pattern, at, 4);
}

static void
test_line_cuts(void **state)
{
	struct triage_rules	*tr;
	struct triage_set	*ts;
	struct diag		 d;
	uint64_t		 sat[16];
	size_t			 at[4];
	int			 i;

	assert_int_equal(cuts("\\bfoo\\b|\\bbar\\b", at), 1);
	assert_int_equal(at[0], 7);
	assert_int_equal(cuts("a|(b|c)|[|]|\\||d", at), 4);
	assert_int_equal(at[0], 1);
	assert_int_equal(at[3], 14);
	/* Nothing to cut, or not safely: one line. */
	assert_int_equal(cuts("(a|b)c", at), 0);
	assert_int_equal(cuts("[]|]x", at), 0);
	assert_int_equal(cuts("[^]|]x", at), 0);
	assert_int_equal(cuts("a\\|b", at), 0);
	assert_int_equal(cuts("a||b", at), 0);		/* an empty branch */
	assert_int_equal(cuts("a|", at), 0);
	assert_int_equal(cuts("|a", at), 0);
	assert_int_equal(cuts("(a)\\1|b", at), 0);	/* a back reference */
	assert_int_equal(cuts("(?i)a|b", at), 0);	/* an inline option */
	assert_int_equal(cuts("a|b|c|d|e|f", at), 0);	/* more than max */

	/*
	 * Loaded, each branch is a line with its own literals: "foo qux"
	 * has a literal of each branch but all of neither, so no line of
	 * the concept is searched.  The order of the lines is the order
	 * of the branches, so a tie at one start goes to the first branch,
	 * as in the alternation.
	 */
	testlib_write("x.rules", "concept a \\bfoo\\W+bar\\b|"
	    "\\bbaz\\W+qux\\b|\\bfoo\\b\nrule r urgent a\n");
	diag_init(&d);
	tr = triage_rules_load(testlib_tmpdir(), &d);
	assert_non_null(tr);
	for (i = 0; strcmp(tr->concepts[i].id, "a") != 0; i++)
		assert_true(i + 1 < tr->nconcepts);
	ts = &tr->concepts[i].set;
	assert_int_equal(ts->nline, 3);
	assert_true(tr->lits.nwords <= 16);
	(void)triage_lit_scan(&tr->lits, "foo qux", 7, sat);
	assert_false(triage_lit_may(sat, &ts->line[0]));
	assert_false(triage_lit_may(sat, &ts->line[1]));
	assert_true(triage_lit_may(sat, &ts->line[2]));
	(void)triage_lit_scan(&tr->lits, "baz qux", 7, sat);
	assert_true(triage_lit_may(sat, &ts->line[1]));
	triage_rules_free(tr);
	diag_clear(&d);
}

/*
 * Every line of the shipped rules, on every message of the labelled
 * corpora and on awkward variants of them: where the line's pattern
 * matches, the prefilter must let it be searched, and where the message
 * is ASCII its ASCII pattern must find the same first match.
 */
static void
check_line(const struct triage_line *ln, const char *text, const uint64_t *sat,
    int ascii, pcre2_match_data *md, int *bad)
{
	PCRE2_SIZE	s, e;
	size_t		len = strlen(text);
	int		rc;

	rc = pcre2_match(ln->re, (PCRE2_SPTR)text, len, 0, 0, md, NULL);
	if (rc >= 0 && !triage_lit_may(sat, ln)) {
		print_error("prefilter rules out a match: \"%s\"\n", text);
		(*bad)++;
	}
	if (!ascii || ln->ascii == NULL)
		return;
	s = rc >= 0 ? pcre2_get_ovector_pointer(md)[0] : 0;
	e = rc >= 0 ? pcre2_get_ovector_pointer(md)[1] : 0;
	if ((pcre2_match(ln->ascii, (PCRE2_SPTR)text, len, 0, 0, md,
	    NULL) >= 0) != (rc >= 0) || (rc >= 0 &&
	    (pcre2_get_ovector_pointer(md)[0] != s ||
	    pcre2_get_ovector_pointer(md)[1] != e))) {
		print_error("ASCII pattern differs on \"%s\"\n", text);
		(*bad)++;
	}
}

static void
check_text(const char *text, pcre2_match_data *md, int *bad)
{
	const struct triage_rules *tr = rules;
	const struct triage_set	*sets[TRIAGE_MAX_CONCEPTS + CUE_COUNT +
				    TRIAGE_MAX_LANGS + 3];
	uint64_t		*sat;
	int			 i, j, n = 0, ascii;

	for (i = 0; i < tr->nconcepts; i++)
		sets[n++] = &tr->concepts[i].set;
	for (i = 0; i < CUE_COUNT; i++)
		sets[n++] = &tr->cues[i];
	for (i = 0; i < tr->nlangs; i++)
		sets[n++] = &tr->langs[i].detect;
	sets[n++] = &tr->harmless;
	sets[n++] = &tr->yes;
	sets[n++] = &tr->no;
	sat = calloc((size_t)tr->lits.nwords + 1, sizeof *sat);
	assert_non_null(sat);
	ascii = triage_lit_scan(&tr->lits, text, strlen(text), sat);
	for (i = 0; i < n; i++)
		for (j = 0; j < sets[i]->nline; j++)
			check_line(&sets[i]->line[j], text, sat, ascii, md, bad);
	for (i = 0; i < tr->nactivity; i++)
		check_line(&tr->activity[i].line, text, sat, ascii, md, bad);
	free(sat);
}

static void
test_prefilter_never_misses(void **state)
{
	static const char *const files[] = {
		"/tests/data/triage-blind.tsv",
		"/tests/data/triage-holdout.tsv",
		"/tests/data/triage-phenomena.tsv",
	};
	pcre2_match_data	*md = pcre2_match_data_create(16, NULL);
	char			 line[4096], *msg, *p, variant[4 * 4096];
	size_t			 i, k, o;
	int			 bad = 0;
	FILE			*fp;

	assert_non_null(md);
	for (i = 0; i < sizeof files / sizeof files[0]; i++) {
		snprintf(line, sizeof line, "%s%s", TEST_SRCDIR, files[i]);
		assert_non_null(fp = fopen(line, "r"));
		while (fgets(line, sizeof line, fp) != NULL) {
			line[strcspn(line, "\n")] = '\0';
			if ((msg = strchr(line, '\t')) == NULL)
				continue;
			msg++;
			if ((p = strchr(msg, '\t')) != NULL)
				*p = '\0';
			check_text(msg, md, &bad);
			/* Upper case, and s and k as long s and Kelvin sign. */
			for (k = o = 0; msg[k] != '\0'; k++) {
				if (msg[k] == 's' || msg[k] == 'S') {
					memcpy(variant + o, "\xc5\xbf", 2);
					o += 2;
				} else if (msg[k] == 'k' || msg[k] == 'K') {
					memcpy(variant + o, "\xe2\x84\xaa", 3);
					o += 3;
				} else
					variant[o++] = msg[k] >= 'a' &&
					    msg[k] <= 'z' ? msg[k] - 32 : msg[k];
			}
			variant[o] = '\0';
			check_text(variant, md, &bad);
		}
		fclose(fp);
	}
	pcre2_match_data_free(md);
	if (bad)
		fail_msg("%d search(es) the prefilter or ASCII patterns got wrong",
		    bad);
}

/*
 * The scan folds U+017F and U+212A to s and k because caseless UTF
 * matching pairs them with those letters; no other non-ASCII character
 * may match an ASCII letter, or the prefilter would miss it.
 */
/* c as UTF-8 into b; returns its length. */
static int
utf8_put(uint32_t c, unsigned char *b)
{
	if (c < 0x80) {
		b[0] = (unsigned char)c;
		return 1;
	}
	if (c < 0x800) {
		b[0] = (unsigned char)(0xc0 | c >> 6);
		b[1] = (unsigned char)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c < 0x10000) {
		b[0] = (unsigned char)(0xe0 | c >> 12);
		b[1] = (unsigned char)(0x80 | ((c >> 6) & 0x3f));
		b[2] = (unsigned char)(0x80 | (c & 0x3f));
		return 3;
	}
	b[0] = (unsigned char)(0xf0 | c >> 18);
	b[1] = (unsigned char)(0x80 | ((c >> 12) & 0x3f));
	b[2] = (unsigned char)(0x80 | ((c >> 6) & 0x3f));
	b[3] = (unsigned char)(0x80 | (c & 0x3f));
	return 4;
}

static int
is_literal_symbol(uint32_t c)
{
	return c == 0xa1 || c == 0xbf || (c >= 0x2600 && c <= 0x27bf) ||
	    c == 0x200d || (c >= 0xfe00 && c <= 0xfe0f) ||
	    (c >= 0x1f300 && c <= 0x1faff);
}

/*
 * The symbols the prefilter takes as literal text (lit_caseless_symbol)
 * match, caseless, no character but themselves in the linked PCRE2: none
 * outside the set matches a class of them all, and none inside matches
 * another.
 */
static void
test_caseless_symbols_pair_with_nothing(void **state)
{
	pcre2_match_data	*md = pcre2_match_data_create(4, NULL);
	pcre2_code		*re;
	PCRE2_SIZE		 off;
	unsigned char		 b[4], p[16];
	uint32_t		 c, d;
	int			 err, n;

	re = pcre2_compile((PCRE2_SPTR)"[\\x{a1}\\x{bf}\\x{2600}-\\x{27bf}"
	    "\\x{200d}\\x{fe00}-\\x{fe0f}\\x{1f300}-\\x{1faff}]",
	    PCRE2_ZERO_TERMINATED,
	    PCRE2_UTF | PCRE2_UCP | PCRE2_CASELESS, &err, &off, NULL);
	assert_non_null(re);
	(void)pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
	for (c = 0; c < 0x110000; c++) {
		if ((c >= 0xd800 && c < 0xe000) || is_literal_symbol(c))
			continue;
		n = utf8_put(c, b);
		if (pcre2_match(re, b, (size_t)n, 0, PCRE2_ANCHORED, md,
		    NULL) >= 0)
			fail_msg("U+%04X matches a literal symbol", c);
	}
	pcre2_code_free(re);
	for (c = 0; c < 0x1fb00; c++) {
		if (!is_literal_symbol(c))
			continue;
		n = utf8_put(c, p);
		re = pcre2_compile((PCRE2_SPTR)p, (size_t)n, PCRE2_UTF |
		    PCRE2_UCP | PCRE2_CASELESS, &err, &off, NULL);
		assert_non_null(re);
		for (d = 0; d < 0x1fb00; d++) {
			if (d == c || !is_literal_symbol(d))
				continue;
			n = utf8_put(d, b);
			if (pcre2_match(re, b, (size_t)n, 0, PCRE2_ANCHORED,
			    md, NULL) >= 0)
				fail_msg("U+%04X matches U+%04X", c, d);
		}
		pcre2_code_free(re);
	}
	pcre2_match_data_free(md);
}

static void
test_caseless_pairs_with_ascii(void **state)
{
	pcre2_match_data	*md = pcre2_match_data_create(4, NULL);
	pcre2_code		*re;
	PCRE2_SIZE		 off;
	unsigned char		 b[4];
	uint32_t		 c;
	int			 err, n, found = 0;

	re = pcre2_compile((PCRE2_SPTR)"[a-z]", PCRE2_ZERO_TERMINATED,
	    PCRE2_UTF | PCRE2_UCP | PCRE2_CASELESS, &err, &off, NULL);
	assert_non_null(re);
	(void)pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
	for (c = 0x80; c < 0x110000; c++) {
		if (c >= 0xd800 && c < 0xe000)
			continue;
		n = utf8_put(c, b);
		if (pcre2_match(re, b, (size_t)n, 0, PCRE2_ANCHORED, md,
		    NULL) < 0)
			continue;
		if (c != 0x017f && c != 0x212a) {
			print_error("U+%04X matches an ASCII letter\n", c);
			fail_msg("triage_lit_scan must fold U+%04X", c);
		}
		found++;
	}
	assert_int_equal(found, 2);
	pcre2_code_free(re);
	pcre2_match_data_free(md);
}

/* --- Wave 2: text as phones write it (issue: triage that generalises) --- */

static void
test_apostrophe_forms(void **state)
{
	static const struct case_ c[] = {
		{ "I can't breathe", E },
		{ "I can\u2019t breathe", E },	/* ’ iPhone default */
		{ "I can\u2018t breathe", E },	/* ‘ */
		{ "I can\u02bct breathe", E },	/* ʼ */
		{ "I can`t breathe", E },
		{ "I can\u00b4t breathe", E },	/* ´ */
		{ "I can\u2032t breathe", E },	/* ′ */
		{ "he won\u2019t wake up", E },
		{ "nosebleed won\u2019t stop, on apixaban", U },
		{ "\u201cchest pain\u201d and I can\u2019t catch my breath", E },
		{ "I don\u2019t have chest pain", R },
		/* An elision inside a word reads without it (Bavarian, Austrian). */
		{ "Wad\u2019l tut beim Geh\u2019n immer mehr weh", U },
		{ "I bin umg\u00b4fallen, hab nix mehr g\u00b4sehn", E },
		{ "is\u2019 mir schwindlig und s\u2019Herz rast", U },
		/* An elided pronoun is a word of its own: "me ahogo". */
		{ "m\u2019ahogo", E },
		{ "m\u2019ahogo al subir las escaleras", E },
	};

	CHECK(c);
}

static void
test_surface_forms(void **state)
{
	static const struct case_ c[] = {
		{ "I CAN'T BREATHE", E },
		{ "soooo breathlesssss", U },
		{ "breathhhless and chesst painnn", E },
		{ "s.o.b. all day", U },
		{ "S.O.B and chest pain", E },
		{ "dolor de pecho y falta de aire", E },
		{ "DOLOR DE PECHO Y FALTA DE AIRE", E },
		{ "no puedo respirar bien", E },
		{ "Brustschmerzen und Atemnot", E },
		{ "Brustschmerzen", U },
		{ "mi abuelo se est\u00b4a ahogando", E },
		{ "chest\u00a0pain\u200b and breathless", E },
		/* Spacing: double spaces, a space before punctuation. */
		{ "S .O .B and chest pain", E },
		{ "s .o.b.  since  lunch ,not terrible", U },
		{ "my mum is coughing up  blood clots", E },
		{ "no ... puedo. . . respirar.. . bien", E },
		{ "blood  test today , all fine", R },
		/*
		 * A letter stretched in a word the rules spell by its stem
		 * (`hack\w*`, `rosad\w*`, `morad\w*`), and a word whose own
		 * double letters are no stretch.
		 */
		{ "hacccking up pinkish frothy stuff", E },
		{ "hice pis rosssado, como agua", U },
		{ "la pierna se me puso mmmorada y dura", U },
		{ "my calf has ballooned", U },
		{ "my calf has balloooned", U },
		/*
		 * A real word's double letter is no stretch: "reddened" is not
		 * the German reden, "attempted" not atem (known.rules).
		 */
		{ "my calf is reddened", U },
		{ "attempted the stairs, no problems", R },
		/*
		 * The dot of a word of one or two letters before another word
		 * is an abbreviation's more often than a sentence's end, and
		 * it still ends a denial.
		 */
		{ "Unterschenkel li. ger\u00f6tet u. \u00fcberw\u00e4rmt", U },
		{ "Bein re. dick u. warm", U },
		{ "I am ok. No pain in my chest.", R },
		{ "no. chest pain", U },
	};

	CHECK(c);
}

static void
test_typos(void **state)
{
	static const struct case_ c[] = {
		/*
		 * A doubled letter is no stretch when a letter dropped beside
		 * it makes a target, and at equal distance a word as long as
		 * the typed one (letters swapped) reads before a shorter one.
		 */
		{ "not only breathess but my chest hurts too", E },
		{ "not only breathelss but my chest hurts too", E },
		{ "BREATLHESS AND CHEST PAIN", E },
		{ "nasnblutn h\u00f6rt ned auf", U },
		/* A rare name ("Beath") is no known word: a typo reads. */
		{ "cant beath and chst pain since an hour", E },
		{ "brething is hard", U },
		{ "breathles", U },
		{ "chezt hurts", U },
		{ "pased out", E },
		{ "vomitted blood", E },
		{ "Brustschmerzn", U },
		{ "cant breth at all", E },
		{ "perd\u00ed el sentido", E },
		{ "Brustschm. + Atemn. seit 30 Min.", E },	/* cut short */
		/* Three letters, and short stems the patterns spell. */
		{ "la pierna izq. est\u00e1 m\u00e1s gruesa q la der.", U },
		{ "dif. resp. y dolor tor\u00e1c. desde las 6 am", E },
		{ "dif. p/ resp. y dolor tor\u00e1cico", E },
		{ "walked 20 min. today", R },
		/* Dictation writes real words for red-flag ones. */
		{ "chess pain and short of breadth since lunch", E },
		{ "Shortness of breast and chest pane", E },
		{ "me duele el pexo", U },
		/* Symptom words a raising cue spells stay typo targets. */
		{ "mucho dolro en el gemelo", U },
		{ "me marrreo y tengo palpitasiones", U },
	};
	const struct triage_lexicon *lx = triage_rules_lexicon(rules);

	CHECK(c);
	/* Corrections, and real words that are left alone. */
	assert_string_equal(triage_lexicon_read(lx, "brethless", 9),
	    "breathless");
	/* At equal distance, the word with the dropped letter put back. */
	assert_string_equal(triage_lexicon_read(lx, "breah", 5), "breath");
	assert_string_equal(triage_lexicon_read(lx, "barly", 5), "barely");
	assert_string_equal(triage_lexicon_read(lx, "breathhhless", 12),
	    "breathless");
	assert_string_equal(triage_lexicon_read(lx, "brething", 8),
	    "breathing");
	assert_null(triage_lexicon_read(lx, "breast", 6));
	/* Four letters: only a five-letter target with an inner letter dropped. */
	assert_string_equal(triage_lexicon_read(lx, "pcho", 4), "pecho");
	assert_true(strcmp(triage_lexicon_read(lx, "dolr", 4), "dolor") == 0 ||
	    strcmp(triage_lexicon_read(lx, "dolr", 4), "doler") == 0);
	assert_null(triage_lexicon_read(lx, "cost", 4));
	assert_null(triage_lexicon_read(lx, "ecsh", 4));
	assert_null(triage_lexicon_read(lx, "chess", 5));
	assert_null(triage_lexicon_read(lx, "breath", 6));
	/* Negation words are never made by a correction. */
	assert_null(triage_lexicon_read(lx, "nothin", 6));
	assert_true(level("fly to Spain next week, is that ok?") < U);
	assert_true(level("breast feeding my baby") < U);
}

/*
 * What a carer sees rather than what a patient names, and a writer who puts
 * a full stop after every word (triage_norm_dots).
 */
static void
test_observed_signs(void **state)
{
	static const struct case_ c[] = {
		{ "nan's lips have gone a bit blue", E },
		{ "la abuela tiene los labios grises", E },
		{ "Oma, Lippen sind lila", E },
		{ "he can't finish a sentence without stopping", E },
		{ "mi abuelo no puede terminar una frase", E },
		{ "kriegt nur noch einzelne Silben raus", E },
		{ "found our dad on the bathroom lino", E },
		{ "Oma lag heut früh vorm Bett aufm Teppich", E },
		{ "la tata se derrumbó en el living", E },
		{ "el pipí me sale color jugo de sandía, tomo warfarina", U },
		{ "Pipi sieht heute aus wie Rosé, nehme Eliquis", U },
		/* One word a sentence, or dots for spaces. */
		{ "Good. Evening. I. Have. A. Weight. Pressing. On. My. Chest. "
		  "And. I. Cannot. Get. Air. In.", E },
		{ "Hello.nurse.my.husband.coughed.up.bright.red.in.the.sink.", E },
		{ "My. Gums. Will. Not. Stop. Bleeding.", U },
		/* Ordinary sentences keep their ends. */
		{ "no chest pain. walked 2 km. legs fine.", R },
		/* Short sentences joined still keep a denial to its own. */
		{ "Hi. Not dizzy. Breathless. Chest hurts. Help.", E },
		{ "Morning. No pain. Fainted. Twice.", E },
		{ "No. Chest. Pain. Just. Breathless.", E },
		/* A word cut short with a dot still ends a denial. */
		{ "Not dizz. Fainted this am.", E },
		/* An ellipsis between words is a pause, not a sentence's end. */
		{ "can't... breathe... properly", E },
		{ "cant... breathe", E },
		{ "no... puedo... respirar... bien", E },
		{ "ich kann... nicht... atmen", E },
		{ "not dizzy... chest hurts", U },
		{ "im ok... just tired... walked 20 min", R },
		/* However much punctuation comes first. */
		{ "Hi!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"
		  "!!!!!!!!!!!!! No fever. Coughing blood.", E },
		{ "?.?.?.?.?.?.?.?.?.?.?.?.?.?.?.?.?.?.?.?.?.?.?.?.?.?.?.?.?.?.?."
		  "?.?.?.?.?.?.?.?.?.?.?.?.?.?.?.?.?.?.?.?.?.?. not dizzy. "
		  "fainted twice today.", E },
	};

	CHECK(c);
}

/* Blood coughed or vomited up is read across a comma (statement across). */
/*
 * An old illness compared with how the patient feels now is here again;
 * told as history alone it is not.
 */
static void
test_compared_with_past(void **state)
{
	static const struct case_ c[] = {
		{ "this is exactly how the PE felt in 2019", E },
		{ "feels like the PE I had in 2019", E },
		{ "I had a PE in 2019", R },
		{ "es igual que cuando tuve la embolia en 2019", E },
		{ "tuve una embolia en 2019", R },
		{ "f\u00fchlt sich an wie bei meiner Lungenembolie 2019", E },
		{ "hatte 2019 eine Lungenembolie", R },
	};

	CHECK(c);
}

/*
 * Bleeding that patients describe without the word (heavy periods, an eye
 * full of blood, bruises from nothing), a leg like a balloon, and a symptom
 * compared with last week, which is now, not history.
 */
static void
test_bleeding_and_comparisons(void **state)
{
	static const struct case_ c[] = {
		{ "soaking through a pad every hour on rivaroxaban", U },
		{ "white of my eye has gone full of blood", U },
		{ "me salieron moratones por todo el cuerpo sin golpearme", U },
		{ "mein Bein ist prall wie ein Luftballon", U },
		{ "hawking up phlegm with blood in it", E },
		{ "more out of breath than last week", U },
		{ "me falta m\u00e1s el aire que la semana pasada", U },
		{ "ich bin schneller aus der puste als letzte woche", U },
		{ "breath no dey reach and my chest dey pain me", E },
	};

	CHECK(c);
}

/*
 * Breathlessness with the chest named and not said to be fine is an
 * emergency even without a pain word ("Atemnot... Brust... bitte..."); a
 * chest said to be fine, or denied, leaves it urgent.
 */
static void
test_breathless_chest_named(void **state)
{
	static const struct case_ c[] = {
		{ "Atemnot... Brust... bitte...", E },
		{ "can't get my breath, my chest!!", E },
		{ "me falta el aire, el pecho, ayuda", E },
		{ "a bit breathless on the hill, chest is fine", U },
		{ "me falta un poco el aire al subir, el pecho bien", U },
		{ "leicht kurzatmig, Brust ist ok", U },
		{ "short of breath but no chest pain", U },
	};

	CHECK(c);
}

/*
 * Second-language writing: English, Spanish and German written by people
 * whose first language is another (portuñol, Italian or Turkish words in
 * German), sound spellings, and what carers see.  "He is fine" is no yes.
 */
static void
test_second_language(void **state)
{
	static const struct case_ c[] = {
		{ "I don't have air and my chest hurts", E },
		{ "my breath is finishing since morning", U },
		{ "pasd out in the kitchen", E },
		{ "his eyes rolled back and he went floppy", E },
		{ "tengo falta de ar e dor no peito", E },
		{ "meu marido desmaiou", E },
		{ "ich erstike", E },
		{ "er liegt am Boden und wacht nicht auf", E },
		{ "keine luft mehr vor lachen", R },
		{ "casi me desmayo cuando vi la factura de la luz", R },
	};
	static const char *const m1[] = {
	    "he is coughing and a bit short of breath",
	    "he is fine we will watch him" };
	static const enum triage_level u[] = { U, U };

	CHECK(c);
	conv(m1, u, NULL, 2);
}

/*
 * Symptoms told through what the patient cannot do or what happens with
 * each breath: unable to lie flat, lungs that will not fill, pain that runs
 * into the left arm, "not five metres without gasping" (two negations), a
 * cough that will not stop with blood in it, glued words.
 */
/* Regional English and Spanish (tune23). */
static void
test_regional_english_spanish(void **state)
{
	static const struct case_ c[] = {
		{ "ag man, I'm battling to breathe properly", E },
		{ "mi granny drop dung an she nah respond fi a while", E },
		{ "my dad is not responding", E },
		{ "bruise like a dinner plate on my thigh, on blood thinners", U },
		{ "coke coloured wee this morning, on apixaban", U },
		{ "pointing my foot up makes the calf scream", U },
		{ "mid back high up sore, breath short", E },
		{ "better to lift my leg on the sofa or the bed", A },
		{ "cada vez que jalo aire me da una punzada", U },
		{ "el desgarro me sale rosado, con sangre", E },
		{ "ser\u00e1 una E.P.? tengo miedo", E },
		{ "dolor en la espalda, arriba, y se agita al hablar", E },
	};

	CHECK(c);
}

/* Regional and Pflegedienst German (tune23). */
static void
test_german_dialect(void **state)
{
	static const struct case_ c[] = {
		{ "krieg kaum no luft, bitte schnell", E },
		{ "i huast bluad seit heit fr\u00fch", E },
		{ "isch bin vorhin umgefall", E },
		{ "der thrombus hat sich gel\u00f6st und sitzt in der lunge", E },
		{ "obe im rugge weh und ich schnuuf schwer", E },
		{ "isch bin heude so gurzadmisch", U },
		{ "schm\u00e4rze i de bruscht", U },
		{ "tuet weh bim iischnuufe", U },
		{ "wadl ziagt wia narrisch und wird immer \u00e4rger", U },
		{ "Pat. unter Lixiana, ausgedehnte H\u00e4matome an beiden Unterarmen", U },
		{ "Frau K. bricht vor mir zusammen", E },
		{ "kann nt atmen pls schnell", E },
	};

	CHECK(c);
}

static void
test_told_by_effect(void **state)
{
	static const struct case_ c[] = {
		{ "breathless and I cannot lie flat", E },
		{ "me falta el aire y no puedo acostarme", E },
		{ "keine 5 Meter schaff ich ohne nach Luft zu schnappen", E },
		{ "ich kann nicht aufh\u00f6ren zu husten und da ist Blut drin", E },
		{ "es zieht bis in den linken Arm", U },
		{ "no logro llenar bien los pulmones", E },
		{ "was out cold for a minute in the garden", E },
		{ "chestpain and sob", E },
	};

	CHECK(c);
}

/*
 * Everyday ways of telling red flags, and "que no tenía" (that I did not
 * have before), which reports a new symptom rather than denying it.
 */
static void
test_everyday_ways(void **state)
{
	static const struct case_ c[] = {
		{ "fighting for each breath", E },
		{ "got dizzy and collapsed in the shop", E },
		{ "my gums keep bleeding since lunch", U },
		{ "todo se volvi\u00f3 negro en la cocina", E },
		{ "me sali\u00f3 una hinchaz\u00f3n en el tobillo que no ten\u00eda", U },
		{ "dolor de pecho no tiene", R },
		{ "die Hose passt rechts nicht mehr \u00fcbers Knie", U },
		{ "er hat rotes Zeug in die Sch\u00fcssel erbrochen", E },
	};

	CHECK(c);
}

/*
 * "Da vueltas" (spins) is dizziness; "da miedo" (frightens) is not: the
 * Spanish dizzy pattern once made "vueltas" optional, so "todo me da miedo"
 * with a racing heart fired dizzy_palpitations instead of the safety net.
 */
static void
test_dizzy_needs_the_spin(void **state)
{
	static const struct { const char *text; const char *rule; int fires; }
	    c[] = {
		{ "todo me da vueltas y el coraz\u00f3n a mil",
		    "dizzy_palpitations", 1 },
		{ "la cabeza me gira y el coraz\u00f3n me late a mil",
		    "dizzy_palpitations", 1 },
		{ "todo me da miedo y el coraz\u00f3n me late a mil",
		    "dizzy_palpitations", 0 },
	};
	struct triage_state	st;
	struct triage_result	res;
	size_t			i;

	(void)state;
	for (i = 0; i < sizeof c / sizeof c[0]; i++) {
		triage_state_init(&st);
		triage_step(rules, &st, c[i].text, T0, &res);
		if ((strstr(res.rules, c[i].rule) != NULL) != c[i].fires)
			fail_msg("\"%s\": rules %s", c[i].text, res.rules);
		assert_true(res.level >= TRIAGE_URGENT);
	}
}

/* A text and how the engine reads it (triage_read_text). */
struct reading {
	const char	*in, *out;
};

static void
check_reads(const struct reading *r, size_t n)
{
	char	*got;
	size_t	 i;

	for (i = 0; i < n; i++) {
		got = triage_read_text(rules, r[i].in);
		assert_string_equal(got, r[i].out);
		free(got);
	}
}

/*
 * A stretched or mistyped word before a clitic ('s, 're, 'll, 'd, 'm)
 * reads as the word alone, the clitic kept; a 't belongs to its word,
 * and a short word before a clitic is left alone.  A word a pattern
 * spells with an optional last letter ("blades?") is each of its forms,
 * so a stretched one squeezes back to it.
 */
static void
test_clitics_and_optional_letters(void **state)
{
	static const struct reading r[] = {
		{ "chessst's sore", "chest's sore" },
		{ "my breathhing's off", "my breathing's off" },
		{ "hearrt\u2019s racing", "heart's racing" },
		{ "ppphlegm's got blood in it", "phlegm's got blood in it" },
		{ "it's fine", "it's fine" },
		{ "that's ok", "that's ok" },
		{ "shoulder blaades", "shoulder blades" },
		{ "bowel movementss", "bowel movements" },
	};
	static const struct case_ c[] = {
		{ "me chessst's been a bit tight all day", U },
		{ "dunno but my breathhing's off and my chest aches", E },
		{ "pain between my shoulder blaades and I'm out of breath", E },
		{ "bowel movementss gone jet black since Tuesday, on Eliquis", U },
	};

	(void)state;
	check_reads(r, sizeof r / sizeof r[0]);
	CHECK(c);
}

/*
 * A word a pattern spells with a class of letters ("sentad[oa]",
 * "rojiz[oa]s?") is each of its forms, so a stretched one squeezes back to
 * it; a word whose classes are all of one letter ("c[a]ughing") stays out
 * of the lexicon, so a typo of a symptom word is still read as it.
 */
static void
test_forms_of_classes(void **state)
{
	static const struct reading r[] = {
		{ "estar sentaddda", "estar sentada" },
		{ "el pis esta rooojizo", "el pis esta rojizo" },
		{ "orina rojiiizas", "orina rojizas" },
		{ "caughing blood", "coughing blood" },
	};
	static const struct case_ c[] = {
		{ "jadeando solo de estar sentaddda en el sofa", E },
		{ "el pis me sale rooojizo y tomo Sintrom", U },
		{ "caughing blood", E },
	};

	(void)state;
	check_reads(r, sizeof r / sizeof r[0]);
	CHECK(c);
}

/*
 * Targets glued together read as the words they are ("calfpain",
 * "heartattack"), and a 2 glued between letters as "to"; a real word made
 * of targets ("heartburn", "Blutdruck") and a word not all targets
 * ("breathtaking") keep their spelling.
 */
static void
test_glued_words(void **state)
{
	static const struct case_ c[] = {
		{ "calfpain getting worse n worse", U },
		{ "heartattack?? left side crushing", E },
		{ "hurts2breathe in n im breathless", E },
		{ "chestpian", U },
		{ "heartburn after my dinner", R },
		{ "breathtaking views on the walk", R },
		{ "Atemtraining mit dem Ballon gemacht", R },
		{ "Mein Blutdruck heut 128 zu 82", R },
	};
	static const struct reading r[] = {
		{ "calfpain", "calf pain" },
		{ "heartattack", "heart attack" },
		{ "hurts2breathe", "hurts to breathe" },
		{ "heartburn", "heartburn" },
		{ "covid19 mp3", "covid19 mp3" },
		{ "spo2low", "spo2low" },
	};

	CHECK(c);
	check_reads(r, sizeof r / sizeof r[0]);
}

/*
 * A compound with a letter stretched or doubled inside it splits as its
 * squeezed form into the targets' squeezed forms ("wadenschhmerzen",
 * "heartaattack"), written as the lexicon spells them.
 */
static void
test_glued_stretched(void **state)
{
	static const struct reading r[] = {
		{ "wadenschhmerzen seit gestern", "waden schmerzen seit gestern" },
		{ "heartaattack??", "heart attack??" },
		{ "calfpain", "calf pain" },
	};
	static const struct case_ c[] = {
		{ "wadenschhmerzen seit gestern", U },
		{ "heartaattack?? arm and chest", E },
	};

	(void)state;
	check_reads(r, sizeof r / sizeof r[0]);
	CHECK(c);
}

/*
 * A word that begins with a typo of a pattern's stem reads as beginning with
 * the stem (one edit, the rest as typed); a lexicon word, a word beginning
 * with a stem as typed and a real word near a stem ("durch", not the stem
 * lurch; "blood", not flood) keep their spelling.
 */
static void
test_stem_typos(void **state)
{
	static const struct case_ c[] = {
		{ "me dsmalle en el trabajo", E },
		{ "ICH ERSITCKE FAST BITTE", E },
		{ "jetzt bin i kurz umkipt", E },
		{ "Luft wie durch nen Strohhalm", E },
		{ "coughing up blood this morning", E },
		/* A word after an optional group of words is one too. */
		{ "Luft wie durch nen Strohalm", E },
		/*
		 * An outside review: a target with letters glued on is no
		 * typo of a stem ("bloodclots" is no flood\w*), and no typo
		 * reads as the mild qualifier's stems (niggl\w*, leicht\w*).
		 */
		{ "i coughed up bloodclots", E },
		{ "there was bloodin the toilet after i went, not my period", U },
		{ "my calf hurts, wigglin my toes", U },
		{ "meine Wade tut weh, gleichts", U },
		{ "leichtes ziehen in der wade beim gehen", A },
	};
	static const struct reading r[] = {
		{ "dsmalle", "desmalle" },
		{ "ersitcke", "ersticke" },
		{ "durch", "durch" },
		{ "blood", "blood" },
		{ "brefless", "brefless" },
	};

	CHECK(c);
	check_reads(r, sizeof r / sizeof r[0]);
}

/*
 * Spanish tune24: pain on each breath in told with a noun, air "cortado",
 * breathless "sin poder hablar" or even on the way to the bathroom, phlegm
 * the colour of rust, a heart like a drum and a pulse "a tope", a jolt in
 * the calf, calf words of every region, swelling that spreads upwards, a
 * period "a mares", questions without a question mark, a mild "suave", a
 * symptom answered with "nada", "me ahogo un poco" as mild breathlessness,
 * and "ss" as a yes.
 */
static void
test_tune24_es(void **state)
{
	static const struct case_ c[] = {
		{ "me da un pinchazo siempre que inspiro y me falta el aire", E },
		{ "cuando inspiro me pincha el costado", U },
		{ "tengo la respiración cortada y me aprieta el pecho", E },
		{ "llegó jadeando sin poder hablar", E },
		{ "me quedé sin poder hablar de la emoción", R },
		{ "me falta el aire hasta para ir al baño", E },
		{ "no puedo ni llegar a la cocina sin ahogarme", E },
		{ "escupo flemas color óxido", E },
		{ "al toser saco algo como herrumbre", E },
		{ "me mareo y el corazón me retumba", U },
		{ "el pulso a tope y todo me da vueltas", U },
		{ "siento un latigazo en el gemelo al pisar", U },
		{ "calambres en la batata que no se van", U },
		{ "no me duele la batata", R },
		{ "la hinchazón se me ha ido para arriba hasta el muslo", U },
		{ "la hinchazón se fue pa arriba", U },
		{ "la hinchazón ya se ha ido", R },
		{ "me baja la regla a mares", U },
		{ "algún consejo para el vuelo", A },
		{ "q hago con las medias en el avión", A },
		{ "el anticoagulante es para siempre o solo unos meses", A },
		{ "dolor suavecito en la pantorrilla al caminar", A },
		{ "dolor de pecho nada, pero me falta un poco el aire", U },
		{ "me ahogo algo al tender la ropa", U },
		{ "se ahoga un poquito cuando sube la cuesta", U },
	};
	static const char *const yes[] = { "ss", "s", "si si" };
	struct triage_state	st;
	struct triage_result	r;
	size_t			i;

	CHECK(c);
	for (i = 0; i < sizeof yes / sizeof yes[0]; i++) {
		triage_state_init(&st);
		triage_step(rules, &st, "siento el pecho pesado", T0, &r);
		assert_int_equal(r.level, TRIAGE_URGENT);
		triage_step(rules, &st, yes[i], T0 + 60, &r);
		if (r.level != TRIAGE_EMERGENCY)
			fail_msg("\"%s\" did not escalate", yes[i]);
	}
}

/*
 * tune24 (de): red told as a colour after a Bavarian "huastn" or spelled
 * "roetlich"; half breaths with fillers; Swabian "koi Luft"; a dictated
 * "Herz im Fakt"; Bavarian "umgfoin"; Atembeschwerden; red when peeing
 * several words on; Swiss "Bluat im Stuhl"; a discoloured foot; a side
 * stitch on breathing in; a calf growing sharper; the leg emoji; a nose
 * dripping for half an hour, a pillow full of blood; questions that start
 * with the verb, "derf ma", a drive to a named country.  A vase that fell,
 * "null Probleme", a statement that starts with "kann die", the idiom
 * "bleibt einem die Spucke weg" and a condition "ausgeheilt" stay routine;
 * "ab wann sollte ich bei ..." is a question; a swelling that "war weg" is
 * no faint.
 */
static void
test_tune24_de(void **state)
{
	static const struct case_ c[] = {
		{ "beim huaschtn kimmt so a rosa zeig mit", E },
		{ "nach dem Husten war was Roetliches im Tempo", E },
		{ "atme nur so flache Atemzüge, bin grad beim Spaziergang", U },
		{ "i bekomm koi Luft", E },
		{ "koi Luft meh!!", E },
		{ "Luft krieg i koine meh", E },
		{ "glaub i hab an Herz im Fakt", E },
		{ "da Opa is in da Kuchl umgfoen", E },
		{ "habe seit gestern Atembeschwerden", U },
		{ "beim Wasserlassen war heute früh alles rosa", U },
		{ "beim Pieseln heute früh ganz rotes Wasser, nehm Xarelto", U },
		{ "Bluat im Stuhl seit gestern", U },
		{ "mein Fuss ist ganz bläulich verfärbt", U },
		{ "mei Fuaß is ganz blau und hoass", U },
		{ "Seitenstechen links beim Luftholen, war nur spazieren", U },
		{ "bei der Runde im Park wurde die Wade immer stechender", U },
		{ "\xf0\x9f\xa6\xb5 heiss und rot", U },
		{ "Zahnfleisch suppt seit ner Viertelstunde", U },
		{ "das Kopfkissen war heute früh blutverschmiert", U },
		{ "darf der Strumpf nachts ausgezogen werden", A },
		{ "dürf ma mim Wohnmobil nach Südtirol", A },
		{ "beim Abhusten hellrote Fäden", E },
		{ "kann nur halb einatmen", U },
		{ "bluetigs Pipi", U },
		{ "\xf0\x9f\xa6\xb5\xf0\x9f\x94\xa5", U },
		{ "keine Probleme beim Atmen", R },
		{ "mir is d'Vase umgfoin", R },
		{ "null Probleme beim Laufen heute", R },
		{ "kann die Treppe wieder ohne Pause hoch", R },
		{ "bei der Rechnung bleibt einem die Spucke weg", R },
		{ "die Lungenembolie ist laut Arzt ausgeheilt", R },
		{ "ab wann sollte ich bei Atemnot den Notruf wählen", A },
		{ "die Schwellung war weg und jetzt ist sie wieder da", U },
	};

	CHECK(c);
}

/*
 * A negated word of being fine ("not sure", "not good", "no estoy bien",
 * "nicht so gut") is no chit-chat, and does not silence the safety net;
 * what breathlessness stops is severe; "not chest pain exactly, more a
 * tightness" is chest pain.
 */
static void
test_doubts_are_not_chat(void **state)
{
	static const struct case_ c[] = {
		{ "not sure if its my chest or my breathing", U },
		{ "im not feeling great, my chest is off", U },
		{ "no estoy bien, el pecho raro", U },
		{ "nicht so gut, die Brust", U },
		{ "sure, thanks", R },
		{ "alles gut danke", R },
		{ "too breathless to get up off the chair", E },
		{ "so out of puff he cant finish his tea", E },
		{ "not chest pain exactly more a tightness and breathless", E },
		{ "those stockings are a nightmare, any tips", A },
		{ "had to stop twice to get my breath back", U },
		{ "she cant really talk without stopping for breath", E },
	};

	CHECK(c);
}

/*
 * tune24 (English): red flags told through images and consequences, buried
 * in rambling or typed without spaces.  Legs that gave way and no answer
 * for a few seconds; stopping to get the puff back; a room that keeps
 * swimming with a racing pulse; wee of a rosy shade, with a reddish tint or
 * the colour of cranberry juice; a calf as if in a vice; dialect ("gone
 * proper big", "giving me gyp"); brown-tinged gunk after a cough; every
 * breath a struggle, no space in the chest; a message with no spaces; a
 * quick q without a question mark; a bit of calf ache that goes after a
 * rest; a month cut short ("back in feb") dates a symptom.
 */
static void
test_tune24_en(void **state)
{
	static const struct case_ c[] = {
		{ "her legs gave way at the bus stop", E },
		{ "he didnt respond to us for a few seconds", E },
		{ "my son didnt answer my texts for 2 days", R },
		{ "have to stop every few steps to get my puff back", U },
		{ "pulse going like the clappers and the room keeps swimming", U },
		{ "my wee has been a funny rosy sort of shade for days", U },
		{ "since the weekend my urine has looked a bit odd with a reddish "
		    "tint to it", U },
		{ "pee is the colour of cranberry juice", U },
		{ "my calf feels like its in a vice when i walk", U },
		{ "his leg's gone proper big", U },
		{ "me calf's giving me gyp", U },
		{ "the tissue had brown tinged gunk in it after a coughing fit", E },
		{ "every breath a struggle", E },
		{ "feels like there's no space in my chest", E },
		{ "icantbreatheatall", E },
		{ "mychesthurtssomuch", U },
		{ "nochestpain", R },
		{ "quick q, is cycling ok or not", A },
		{ "bit of calf ache on the hill, goes after a rest", A },
		{ "back in feb I was coughing blood, all clear now", R },
	};

	CHECK(c);
}

/*
 * Spanish tune25: urine the colour of wine, tea or brick (a "vino tinto"
 * named as a colour is no drink), stools black as coal or tar in plural and
 * nursery words, a faint dictated in two words or with ll ("des mallé",
 * never "des mayor"), x for ch ("pxo"), a "malestar" in the chest, tiring
 * while talking as breathlessness, pain that keeps someone from sleeping,
 * a carer's reported question ("dice que si puede"), and "ahora que lo
 * pregunta sí", "la verdad que sí", "como que me oprime" as a yes.
 */
static void
test_tune25_es(void **state)
{
	static const struct case_ c[] = {
		{ "la orina me sale color té desde ayer", U },
		{ "orino como coca cola y tomo sintrom", U },
		{ "el pis está color ladrillo", U },
		{ "anoche tomé una copa de vino tinto", R },
		{ "mis deposiciones salen como alquitrán", U },
		{ "las popos del abuelo están negras", U },
		{ "hice del baño y salió negro como carbón", U },
		{ "mi papá se des mayó en la calle", E },
		{ "me desmallé en la cocina", E },
		{ "no le des mayor importancia, estoy bien", R },
		{ "m aprieta el pcho y no puedo respirar bien", E },
		{ "siento un malestar en el pecho desde la mañana", U },
		{ "se cansa mucho cuando habla por teléfono", U },
		{ "me fatigo hablando con mi hija", U },
		{ "mi suegra no puede dormir del dolor en la pierna", U },
		{ "el dolor del gemelo no la deja dormir", U },
		{ "no me duele la pierna y duermo bien", R },
		{ "mi padre pregunta que si puede viajar en avión", A },
		{ "dice que si se puede ir a la piscina", A },
	};
	static const char *const yes[] = {
		"ahora que me fijo sí, me falta un poco",
		"ahora que usted lo dice, un poco",
		"la verdad que sí",
		"pues como que me oprime",
	};
	struct triage_state	st;
	struct triage_result	r;
	size_t			i;

	CHECK(c);
	for (i = 0; i < sizeof yes / sizeof yes[0]; i++) {
		triage_state_init(&st);
		triage_step(rules, &st, "me cuesta respirar desde ayer", T0, &r);
		assert_int_equal(r.level, TRIAGE_URGENT);
		triage_step(rules, &st, yes[i], T0 + 60, &r);
		if (r.level != TRIAGE_EMERGENCY)
			fail_msg("\"%s\" did not escalate", yes[i]);
	}
	triage_state_init(&st);
	triage_step(rules, &st, "tengo un malestar en el pecho", T0, &r);
	triage_step(rules, &st, "no sé, creo que sí, me canso al hablar", T0 + 60,
	    &r);
	assert_int_equal(r.level, TRIAGE_EMERGENCY);
}

/*
 * tune25 (ninth session): Low German "keen Luft", "ut de Puust", "Bost",
 * "mien/dat Been" swollen, hot or aching, "jappen", "Bloot" (not the
 * English "bloat") coughed up or in the urine, "mien Hart bubbert"; Saxon "Nu" and
 * Bavarian "Freili" as a yes to the follow-up question; a chest that
 * "spannt"; pain verbs in the past tense; separable verbs at the end of a
 * subordinate clause ("weil mir die Luft wegbleibt", "weil der Atem nicht
 * ausreicht"); shoes or trousers that no longer go on; sock dents and
 * pitting; back pain with "oben" after the pain word.  The idioms "von
 * Herzen" and "liegt mir am Herzen" stay routine, and an if-clause with
 * "im" before a question is supposing.
 */
static enum triage_level answer_level(const char *);
static enum triage_level answer_level_after(const char *, const char *);

/*
 * After first (NULL: answer_level's English message), each of yes[]
 * escalates the pending question's urgent; none of no[] does.
 */
static void
check_answers_after(const char *first, const char *const *yes, size_t nyes,
    const char *const *no, size_t nno)
{
	size_t	i;

	for (i = 0; i < nyes; i++)
		if (answer_level_after(first, yes[i]) != TRIAGE_EMERGENCY)
			fail_msg("\"%s\" did not escalate", yes[i]);
	for (i = 0; i < nno; i++)
		if (answer_level_after(first, no[i]) != TRIAGE_URGENT)
			fail_msg("\"%s\" escalated", no[i]);
}

static void
check_answers(const char *const *yes, size_t nyes, const char *const *no,
    size_t nno)
{
	check_answers_after(NULL, yes, nyes, no, nno);
}

static void
test_tune25_de(void **state)
{
	static const struct case_ c[] = {
		{ "Ik heff keen Luft mehr, bitte kaamt", E },
		{ "mien Mann jappt na Luft", E },
		{ "Ik bün hüüt ganz ut de Puust", U },
		{ "Dat deit so weh in de Bost", U },
		{ "mien linke Been is ganz dick worrn", U },
		{ "dat Been is root un hitt", U },
		{ "Es spannt so komisch in der Brust", U },
		{ "heute Nacht stach es in der Brust", U },
		{ "der Brustkorb schmerzte beim Treppensteigen", U },
		{ "weil mir beim Reden ständig die Luft wegbleibt", E },
		{ "muss oft stehen bleiben, weil der Atem nicht ausreicht", U },
		{ "wenn ich die Luft anhalte merke ich wie mir die Puste ausgeht", U },
		{ "ich krieg die Pantoffeln nicht mehr an, der Knöchel ist so dick", U },
		{ "komme seit gestern nicht mehr in meine Schuhe rein", U },
		{ "die Strümpfe lassen tiefe Dellen am Schienbein", U },
		{ "wenn ich mit dem Finger reindrücke, bleibt eine Delle", U },
		{ "Rückenschmerzen ganz oben und ich krieg schlecht Luft", E },
		{ "Herz in die Hose gerutscht beim Gewitter", R },
		{ "Von Herzen danke für alles", R },
		{ "Keen Probleme mit de Luft, allens goot", R },
		{ "Wenn ich im Urlaub Atemnot bekomme, wen rufe ich an?", A },
		{ "ik heff vanmorgen Bloot ophoost", E },
		{ "Bloot in'n Urin siet g\u00fcstern", U },
		{ "mien Hart bubbert un mi is swiemelig", U },
		{ "die Brust hat die ganze Nacht gebrannt", U },
		{ "weil mir das Luftholen so schwerf\u00e4llt, bleib ich drin", U },
		{ "Mien Bloot is afnahmen worrn, allens goot", R },
		{ "meine Hausschuhe sind auf einmal zu eng", U },
		{ "der linke Fu\u00df ist ganz aufgequollen", U },
		{ "am Schienbein bleibt eine Delle, wenn ich draufdr\u00fccke", U },
		{ "kann die Schuhe nicht mehr anziehen, weil ich mich nicht b\u00fccken kann", R },
		{ "gestern Abend stach es pl\u00f6tzlich in der Wade", U },
		{ "die Wade pochte und brannte die ganze Nacht", U },
		{ "ich rang heute fr\u00fch nach Luft", E },
		{ "beim Einkaufen ging mir die Luft aus", U },
		{ "f\u00fchlt sich an, als w\u00fcrde ein Elefant auf mir sitzen", U },
		{ "dat is, as wenn een op mi sitt", U },
		{ "mein Enkel sitzt auf mir drauf und wir lachen", R },
	};
	static const char *const yes[] = { "Nu", "nu klar", "Nu nu",
	    "Freili", "freili, scho a bissl", "jo eh", "Jau, dat deit weh",
	    "Und wie", "Richtig" };
	static const char *const notyes[] = { "Nu geht's wieder besser",
	    "Freili net", "leider nein" };

	CHECK(c);
	check_answers(yes,
	    sizeof yes / sizeof yes[0], notyes, sizeof notyes / sizeof notyes[0]);
}

/*
 * tune26 (English): a yes typed letter by letter ("y e s", "Y-E-S"); a
 * question that starts after a comma or stop, and an indirect question
 * told as wanting to know ("dying to know when I can swim"); a symptom
 * compared with an earlier bout ("like it did in January") or swelling
 * back up is current; a calf that pulls, tugs or pinches; dressings gone
 * through one after another are bleeding that will not stop.  Not red
 * flags: a heart racing with joy, "bloody socks", a nosebleed that sorted
 * itself out; a "lil" ache is mild; "short of breast" (dictation) is
 * breathlessness, not severe breathlessness.
 */
static void
test_tune26_en(void **state)
{
	static const struct case_ c[] = {
		{ "stockings fine, how far can I go each day", A },
		{ "legs feel good. when can I fly to Spain", A },
		{ "no chest pain, which stockings should I buy", A },
		{ "feeling fine, what a lovely day", R },
		{ "help, how does this text thing work", R },
		{ "I'm itching to find out when I can go jogging", A },
		{ "would really love to know if I can swim yet", A },
		{ "curious about flying next month", A },
		{ "my ankle's blowing back up like it did before", U },
		{ "the calf is puffy same as it was last spring", U },
		{ "my calf aches like it did in March", U },
		{ "the chest pain I had last year has gone", R },
		{ "the back of my knee tugs when I walk", U },
		{ "calf pinching all day", U },
		{ "a pulling feeling in my calf since this morning", U },
		{ "when I pull my toes up the calf grabs", U },
		{ "pulled a muscle in my calf last month, fine now", R },
		{ "cut my thumb, gone through five plasters", U },
		{ "grazed knee, 4 dressings soaked", U },
		{ "on my fourth dressing since lunch", U },
		{ "bought a few plasters for my cut", R },
		{ "pulse pounding with joy, first grandchild born", R },
		{ "bloody socks keep slipping down", R },
		{ "the nosebleed sorted itself out in no time", R },
		{ "li'l bit sore in my calf after the park", A },
		{ "short of breast when I hoover", U },
		{ "sliced my thumb on a tin, it won't stop", U },
		{ "grazed my knee on the path, still oozing after an hour", U },
		{ "nicked myself shaving, stopped straight away", R },
	};
	static const char *const yes[] = { "Y E S", "y-e-p", "y . e . s",
	    "y_e_s", "ye s", "y e a h" };
	static const char *const notyes[] = { "n o", "N-O-P-E" };

	CHECK(c);
	check_answers(yes,
	    sizeof yes / sizeof yes[0], notyes, sizeof notyes / sizeof notyes[0]);
}

/*
 * tune26 (tenth session): the Rioplatense "re" intensifier in
 * breathlessness ("me re cuesta respirar"; "re agitada" stays mild),
 * stopping every couple of steps for air, a chest that "pesa" as a verb,
 * "volver a" with an infinitive and "como el mes pasado" as the symptom
 * again (not "volví a caminar"), pain told with "doler" on breathing in,
 * the heart told verb first ("me late recio el corazón"), a swelling that
 * went down a lot, and "marcar" as to phone.
 */
static void
test_tune26_es(void **state)
{
	static const struct case_ c[] = {
		{ "a mi vieja le re cuesta respirar", E },
		{ "estoy re ahogado desde anoche", E },
		{ "me falta re mucho el aire", E },
		{ "ando re agitada", U },
		{ "tengo que pararme cada dos pasos a respirar", E },
		{ "a cada paso me falta el aire", E },
		{ "cada dos escalones me tengo que sentar a respirar", E },
		{ "me duele la pantorrilla y tengo que parar cada dos pasos", U },
		{ "me pesa el pecho desde anoche", U },
		{ "el pecho le pesa mucho", U },
		{ "siento muy pesado el pecho", U },
		{ "no me pesa el pecho", R },
		{ "vuelvo a toser sangre como el mes pasado", E },
		{ "lo volví a ver escupiendo sangre como el otro día", E },
		{ "he vuelto a escupir sangre como el mes pasado", E },
		{ "no he vuelto a toser sangre desde el mes pasado", R },
		{ "ahora me empieza a doler cuando respiro", U },
		{ "me duele al tomar aire hondo", U },
		{ "me late recio el corazón y me siento mareada", U },
		{ "se me acelera el pulso y ando mareado", U },
		{ "me brinca el corazón y todo me da vueltas", U },
		{ "me late el corazón de emoción por la boda", R },
		{ "la hinchazón del tobillo cedió bastante", R },
		{ "la inflamación bajó muchísimo", R },
		{ "¿me pueden marcar al celular?", R },
		{ "márquenme por favor", R },
	};
	struct triage_state	st;
	struct triage_result	r;

	CHECK(c);
	triage_state_init(&st);
	triage_step(rules, &st, "me pesa el pecho", T0, &r);
	assert_int_equal(r.level, TRIAGE_URGENT);
	triage_step(rules, &st, "y me cuesta llenar los pulmones", T0 + 60, &r);
	assert_int_equal(r.level, TRIAGE_EMERGENCY);
}

/*
 * tune26 (German): Bavarian "derschnaufen" with "nimma"/"ned" and Swiss
 * "nüme schnuufe" after a modal are severe breathlessness (the busy idiom
 * "ned zum Daschnaufn" is not); the breath told in comparatives ("knapper
 * als sonst", "immer kürzer") is breathless, so upper back pain later is an
 * emergency; a belt or corset round the chest is chest tightness, so a
 * "Ja leider" to the breath question escalates; "nimma"/"nimmer" before
 * the air; "Bluttest" is no bleeding, and a call asked for in Bavarian
 * ("oruafn") is a request for a person, not an advice question;
 * "gepiekst" is no blood spat up; "woran würde ich ... erkennen?" asks for
 * signs; dialect "sin" (sind) is no Spanish "sin" (without).
 */
static void
test_tune26_de(void **state)
{
	static const struct case_ c[] = {
		{ "mei Oma derschnauft si nimma", E },
		{ "i kann mi ned daschnaufn, kemmts schnell", E },
		{ "kann nimmer richtig durchschnaufen", E },
		{ "Ich cha n\u00fcme schnuufe", E },
		{ "I kumm ned zum Daschnaufn vor lauter Arbeit", R },
		{ "die Puste wird heute knapper", U },
		{ "Atmung ist flacher als gestern", U },
		{ "mein Atem wird seit dem Fr\u00fchst\u00fcck immer k\u00fcrzer", U },
		{ "Atmen wird schwieriger und oben im R\u00fccken zieht es", E },
		{ "bin heute einen knappen Kilometer schneller gegangen", R },
		{ "als h\u00e4tte mir jemand einen Spanngurt um die Rippen gelegt", U },
		{ "der Brustkorb f\u00fchlt sich an wie in einem Korsett", U },
		{ "meine Brust ist wie eingeschn\u00fcrt", U },
		{ "die Kette um den Hals dr\u00fcckt", R },
		{ "wie eine Schraubzwinge ums Herz", U },
		{ "kriag nimma gscheit Luft", E },
		{ "ich krieg nimmer so gut Luft", U },
		{ "Bluttest gemacht, INR passt", R },
		{ "kinnans mi heit no oruafn?", R },
		{ "ruafts mi bitte zruck", R },
		{ "an der Hecke gepiekst, blutet seit 20 min, nehme Xarelto", U },
		{ "woran k\u00f6nnte man einen Herzinfarkt bemerken?", A },
		{ "Opas Fingerspitzen sin ganz grau", E },
		{ "de Waden sin dick", U },
		{ "de Waden sin nich dick", R },
		{ "als h\u00e4tt mir jemand an Zementsack auf mich draufgelegt, vorne am Brustbein", U },
		{ "mei Mo hot was Rotes ins Taschentuch ghuaschdet", E },
		{ "krieg kaum lfut", E },
		{ "die lutf wird heut knapp", U },
	};
	static const char *const conv[][2] = {
		{ "Luft ist knapper als letzte Woche",
		    "und jetzt Schmerzen zwischen den Schulterbl\u00e4ttern" },
		{ "wie ein Riemen um meinen Brustkorb", "ja leider" },
	};
	struct triage_state	st;
	struct triage_result	r;
	size_t			i;

	(void)state;
	CHECK(c);
	for (i = 0; i < sizeof conv / sizeof conv[0]; i++) {
		triage_state_init(&st);
		triage_step(rules, &st, conv[i][0], T0, &r);
		assert_int_equal(r.level, TRIAGE_URGENT);
		triage_step(rules, &st, conv[i][1], T0 + 60, &r);
		if (r.level != TRIAGE_EMERGENCY)
			fail_msg("\"%s\" after \"%s\" did not escalate",
			    conv[i][1], conv[i][0]);
	}
}

/*
 * tune27 (an ordinary month, written last): a full sentence that will not
 * come out; "un ahogo tremendo"; a red, burning "canilla"; "qué tal si" and
 * "qué precauciones" as questions; Swabian "Wadaweh ... emmr schlemmr"; a
 * bruise "so groß wie" a hand.
 */
static void
test_tune27(void **state)
{
	static const struct case_ c[] = {
		{ "she can't get one whole sentence out", E },
		{ "me dio un ahogo terrible en la escalera", E },
		{ "tengo la espinilla colorada y me arde", U },
		{ "que tal si nado en vez de caminar", A },
		{ "me voy en avion el lunes, que cuidados tengo que tener", A },
		{ "mei Wadaweh wird emmr schlemmer", U },
		{ "hab nen Bluterguss am Arm so groß wie ein Teller, nehm Eliquis", U },
	};

	CHECK(c);
}

/*
 * tune28 (English): breath that stops or will not come in ("the air is not
 * going inside"), nothing getting in past a narrow-tube image, "brett"
 * dictated for breath, huffing on its own, "can't ... without stopping for a
 * breather" over many words, "never used to" (new, not history); a calf that
 * went sharp, a leg that will not bear weight, an adjective before the leg
 * with a mild ending; red on the paper after wiping, black "stoles".
 */
static void
test_tune28_en(void **state)
{
	static const struct case_ c[] = {
		{ "my ribs catch on every breath in and I'm huffing just walking to the kitchen", E },
		{ "been huffing since I got up", U },
		{ "the air is not going inside my lungs", E },
		{ "my breathing keeps stopping, I am scared", E },
		{ "it's like breathing through a drinking straw", E },
		{ "breathing through a pinhole and no air gets in", E },
		{ "I cannot get my brett", E },
		{ "can't manage the whole hill up to the church without stopping for a breather", U },
		{ "I never used to get winded on the hill", U },
		{ "calf was fine until it went sharp near the shops", U },
		{ "he can't put any weight on his leg", U },
		{ "achy calf after the walk, eases off after a rest", A },
		{ "red on the loo roll when I wiped, I'm on rivaroxaban", U },
		{ "every time I wipe there's pink on the paper", U },
		{ "passing black stoles this morning", U },
		{ "I suck in air but it does not come", E },
		{ "the breath is not entering, help me", E },
		{ "she can't weight bear on her left leg", U },
		{ "the air is not reaching my lungs", E },
		{ "stiff calves after the long walk, fine after a sit down", A },
		{ "his stalls are black since Sunday", U },
		/* Blood on the tissue after wiping is bleeding, not a cough. */
		{ "blood on the tissue after I wiped, on apixaban", U },
		/* Not symptoms: worn out, a draught, an old complaint. */
		{ "wiped out after the walk, face all red", R },
		{ "the air isn't coming in through the window", R },
		{ "I used to get breathless last year but not now", R },
		{ "my ankle was puffy and hot on Monday but it's all gone now", R },
		{ "chest felt tight at breakfast but that's cleared up", R },
		/* Only the whole rest of the message closes it. */
		{ "calf was red but it's gone purple", U },
		/* A little breathless at rest is the mild kind (urgent, asked about chest pain). */
		{ "slightly short of breath sitting still", U },
		{ "short of breath sitting still", E },
	};

	CHECK(c);
}

/*
 * tune28 (German, an outside tester's hard cases): gasping told by the open
 * mouth or a fish on dry land; "Luft" dictated as "Lust" ("keine Lust auf"
 * stays none); breath too short to dress, wash or reach the toilet, across
 * the comma of a "dass" clause, not across "aber"; Swiss "zämegheit" and
 * "es paar Sekunde wäg gsi"; "ne LE"; a calf typed "Waed"; a cut that will
 * not stop; "weil" ends a negation's scope; out of breath with laughter
 * or at a bill is an idiom.
 */
static void
test_tune28_de(void **state)
{
	static const struct case_ c[] = {
		{ "japse wie ein Fisch an Land, mit weit offenem Mund", E },
		{ "er schnappt mit offenem Maul und wird ganz grau", E },
		{ "schnapp nur noch nach dem Ball, der Hund ist wild", R },
		{ "muss die ganze Zeit nach Lust ringen", E },
		{ "krieg keine Lust aufs Spazierengehen heute", R },
		{ "Atemnot, kann nicht mal mehr allein aufs Klo", E },
		{ "die Luft ist so knapp, dass ich mich nicht einmal waschen kann", E },
		{ "Luft ist gut, aber ich kann mich nicht mal allein anziehen", R },
		{ "schaffe es nicht mal mehr allein ins Bad vor lauter Atemnot", E },
		{ "kann nicht mal mehr allein duschen, wegen dem Gips am Bein", R },
		{ "mis Grosi isch i de Chuchi zämegheit", E },
		{ "er isch es paar Sekunde wäg gsi", E },
		{ "Laptop zugeklappt, ab in den Feierabend", R },
		{ "hab bestimmt wieder ne LE", E },
		{ "hatte vor drei Jahren eine LE, heute alles gut", R },
		{ "Waed ist heiss und tut weh", U },
		{ "die wdaen pochen", U },
		{ "hab mich beim Rasieren geschnitten, lässt sich seit 20 min nicht stillen", U },
		{ "Schnittwunde am Finger, tropft trotz Pflaster weiter", U },
		{ "kann nicht laufen, weil die Wade so weh tut", U },
		{ "war atemlos vor Lachen über den Film", R },
		{ "mir blieb die Luft weg wegen der Heizkostenrechnung", R },
	};

	CHECK(c);
}

/*
 * tune28, Spanish (an outside tester's hard cases): the heart or lungs shown
 * by an emoji beside a pain word, "embolia" dictated as "en Bolivia", "¿y si
 * es el coágulo?" as a fear of now (a what-if about a journey stays one), a
 * broken bellows, the generic "you" ("sabés cuando te falta el aire? así
 * estoy"), lungs that will not fill, the breast as the chest, a pain that
 * will not go "al contrario", a cut still bleeding said without "sangre", the
 * heart rate as FC, a calf that "jala" with the verb first, dictated
 * punctuation, "resollar", "obvio" as a yes; a fright, a film star's heart
 * attack and a breathtaking sunrise stay routine.
 */
static void
test_tune28_es(void **state)
{
	static const struct case_ c[] = {
		{ "me pincha aqu\u00ed \U0001F449\U0001FAC0 y me cuesta respirar", E },
		{ "dolor en el \u2764\uFE0F desde anoche", U },
		{ "tengo la \U0001F9B5 hinchada desde ayer", U },
		{ "me duele mucho la \U0001F9B5 izquierda", U },
		{ "me da miedo que sea una en Bolivia pulmonar", E },
		{ "\u00bfy si es un co\u00e1gulo en el pulm\u00f3n? me duele al respirar", E },
		{ "y si me da una embolia en el avi\u00f3n?", A },
		{ "y si el trombo se fue al pulm\u00f3n?", E },
		{ "\u00bfy si se me suelta el co\u00e1gulo en el avi\u00f3n?", A },
		{ "tengo el fuelle pinchado desde el lunes", U },
		{ "no me da el resuello para barrer", U },
		{ "sab\u00e9s cuando te falta el aire? as\u00ed estoy hoy", U },
		{ "no me llenan bien los pulmones", U },
		{ "me duele debajo del seno izquierdo", U },
		{ "tengo como un nudo en el pecho", U },
		{ "ando con el pecho cerrado y me cuesta respirar", E },
		{ "le doy la teta al beb\u00e9 cada tres horas", R },
		{ "el dolor de la pantorrilla no se me quita, al contrario", U },
		{ "no se me pasa el dolor del gemelo", U },
		{ "me cort\u00e9 afeit\u00e1ndome y sigue saliendo", U },
		{ "llevo media hora apretando la herida y no para", U },
		{ "me hice un tajo en el dedo y no para", U },
		{ "me cort\u00e9 el pelo y sigue saliendo caspa", R },
		{ "FC 132 y se marea", U },
		{ "el ox\u00edmetro marca 87", E },
		{ "FR 32 y FC 125", U },
		{ "creo que me est\u00e1 dando un en farto", E },
		{ "me jala tantito el chamorro en las escaleras, pero se aguanta", A },
		{ "me punza la pantorrilla al caminar", U },
		{ "me tira el gemelo en la caminata, no es gran cosa", A },
		{ "me duele la pantorrilla y no se me quita al descansar", U },
		{ "hola coma puedo ir a la piscina signo de interrogaci\u00f3n", A },
		{ "ando resollando desde ayer", U },
		{ "casi no puedo resollar", E },
		{ "no se me pasa nada el dolor de la pantorrilla", U },
		{ "\u00bfno ser\u00e1 una embolia? me falta el aire", E },
		{ "subo dos pisos y llego resoplando como si hubiera corrido", U },
		{ "casi me da un infarto cuando vi el precio del pan", R },
		{ "al actor le dio un infarto en la pel\u00edcula", R },
		{ "me dej\u00f3 sin aliento el amanecer en la playa, camin\u00e9 30 min", R },
	};
	static const char *const yes[] = { "obvio", "obvio que s\u00ed",
	    "por supuesto", "exacto, me aprieta", "desde luego", "efectivamente",
	    "tal cual", "tambi\u00e9n", "mucho", "uf, s\u00ed" };
	static const char *const notyes[] = { "obvio que no", "seguro que no",
	    "obviamente mejor", "mucho mejor", "eso es todo, gracias" };

	CHECK(c);
	check_answers(yes,
	    sizeof yes / sizeof yes[0], notyes, sizeof notyes / sizeof notyes[0]);
}

/*
 * tune29 (English): talk cut short for air (words or a sentence hardly got
 * out, a breath between every few words or mid-sentence, stopping for air at
 * rest); a leg on fire, in flames or set alight; "yrs ago" as history; a
 * named condition asked about as a risk.
 */
static void
test_tune29_en(void **state)
{
	static const struct case_ c[] = {
		{ "he could barely get a whole sentence out", E },
		{ "mum can't get the words out, keeps stopping", E },
		{ "she gets so nervous she can't get the words out of her mouth", R },
		{ "every two or three words I have to pause for breath", E },
		{ "gasping after each couple of words", E },
		{ "I run out of breath mid sentence", E },
		{ "has to stop for a breather even lying down", E },
		{ "my shin is in flames since the walk", U },
		{ "back of my leg feels like it has been set alight", U },
		{ "calf on fire and it gets sharper with every step", U },
		{ "my calf is fine, the fire alarm went off", R },
		{ "had a heart attack 8 yrs ago, leg is ok", R },
		{ "PE 2yrs ago, walking fine now", R },
		{ "what is the risk of a clot going to my lungs?", A },
		{ "am I at risk of a PE when I fly?", A },
		{ "at risk of PE and cant breathe", E },
	};

	CHECK(c);
}

static void
test_tune29_es(void **state)
{
	static const struct case_ c[] = {
		/* A word split by dictation. */
		{ "no me entra el ai re", E },
		{ "me cuesta el ai re desde anoche", U },
		/* Breathlessness told with a periphrasis. */
		{ "me duele el pecho y me estoy agitando", E },
		{ "se est\u00e1 agitando mucho sentado en el sill\u00f3n", U },
		{ "me empiezo a agitar con nada", U },
		{ "estoy agit\u00e1ndome sin hacer nada", U },
		{ "mi mam\u00e1 se est\u00e1 fatigando", U },
		/* Big bruises, "toda morada". */
		{ "tengo el brazo todo morado donde me pusieron la inyecci\u00f3n", U },
		{ "la barriga llena de moretones por la heparina", U },
		{ "una mancha morada grand\u00edsima en el muslo", U },
		/* A heavy period. */
		{ "tengo que cambiar la compresa cada media hora", U },
		{ "cada hora me cambio el tamp\u00f3n", U },
		{ "el periodo est\u00e1 super cargado con el sintrom", U },
		/* Questions without a question mark. */
		{ "que hago si me vuelve a doler", A },
		{ "las pastillas se toman antes o despu\u00e9s de comer", A },
		{ "la heparina se pone de d\u00eda o de noche", A },
		/* Breathless from laughing. */
		{ "me ahogu\u00e9 de la risa con mi nieto", R },
		{ "de tanto re\u00edrme me qued\u00e9 sin aire", R },
		{ "tambi\u00e9n camin\u00e9 20 minutos, cambio de tema", R },
	};

	CHECK(c);
}

static void
test_tune29_de(void **state)
{
	static const struct case_ c[] = {
		/* pain when breathing in, the verb first */
		{ "Luft holen tut so weh, bin au\u00dferdem kurzatmig", E },
		{ "tief einatmen tut mir richtig weh", U },
		{ "das Durchatmen schmerzt seit heute", U },
		{ "Atmen tut nicht mehr weh, danke", R },
		{ "Atmen normal, Bein tut weh", U },
		/* breathing that barely works */
		{ "Luft holen geht fast nicht mehr", E },
		{ "die Atmung klappt kaum noch", E },
		{ "Luftholen klappt fast gar nicht", E },
		{ "Luft geht kaum noch rein", E },
		{ "atmen geht jetzt gar nicht mehr so gut", U },
		{ "nein, atmen geht wieder gut", R },
		/* tightness when breathing */
		{ "so eine Enge beim Einatmen und die Brust dr\u00fcckt", E },
		{ "beim Atmen wird es eng", U },
		/* urine compared with something red */
		{ "Pipi sieht aus wie Himbeersaft", U },
		{ "Harn ist fleischwasserfarben", U },
		{ "Urin heute dunkel wie Rotwein", U },
		{ "ein Glas Rotwein zum Essen, Wade ist ruhig", R },
		/* a question without a question mark */
		{ "n\u00e4chsten Monat Flug nach Kreta, worauf soll ich achten", A },
		{ "Zugfahrt nach Wien morgen, irgendwas zu beachten", A },
		/* the air told first */
		{ "Luft bekomm ich fast keine", E },
		{ "Luft krieg ich kaum noch", E },
		/* a symptom denied after its name */
		{ "Schmerzen in der Brust keine, bin aber kurzatmig", U },
		{ "Brustschmerz keine", R },
		/* air in things, a calm heart */
		{ "kaum Luft im Schlauch vom Rad, also 40 Minuten spazieren gegangen", R },
		{ "Planschbecken hat zu wenig Luft", R },
		{ "Herz geht wieder ganz regelm\u00e4\u00dfig", R },
	};

	(void)state;
	CHECK(c);
}

/*
 * tune30 (English): a leg compared in size with the other one without naming
 * it; dictation of "coughing up blood"; denials closed by "nothing like that";
 * crying and "bloody" as an intensifier.
 */
static void
test_tune30_en(void **state)
{
	static const struct case_ c[] = {
		/* size against the other leg, the leg unnamed */
		{ "looking again it's nearly double the size of my good leg", U },
		{ "it's three times as thick as the other one now", U },
		{ "honestly it's way larger than my other leg tonight", U },
		{ "compared with the other side it's massive", U },
		{ "the new bandage isn't bigger than the old one", R },
		/* coughing up blood as dictation hears it */
		{ "he keeps coffin up blood this evening", E },
		{ "mum has been cuffing up some blood", E },
		{ "I was caught in up blood in the night", E },
		{ "got caught up, blood pressure was fine", R },
		/* a list of denials closed by "nothing like that" */
		{ "no nosebleeds, no blood in my pee, nothing like that", R },
		{ "no black poo or anything like that", R },
		{ "never had calf pain like this, it's throbbing", U },
		/* crying, "bloody" as praise */
		{ "had a proper good cry at the funeral", R },
		{ "had a big old sob watching the film", R },
		{ "my physio says I'm a bloody legend", R },
		{ "bloody chuffed, walked to the shops", R },
	};

	(void)state;
	CHECK(c);
}

static void
test_tune30_es(void **state)
{
	static const struct case_ c[] = {
		/* a carer's patient slumped over or unresponsive */
		{ "mi abuelo estaba comiendo y se cayo de lado en la silla", E },
		{ "mi marido se lade\u00f3 en el sof\u00e1 y no nos contesta", E },
		{ "se le fue la cabeza para un lado y tiene la boca torcida", E },
		{ "mi madre no abre los ojos aunque la sacudimos", E },
		{ "no podemos despertarlo, lleva un rato asi", E },
		{ "mi esposa no se despierta y respira raro", E },
		{ "el perro se fue para un lado y yo para el otro jaja, caminata hecha", R },
		/* a weight sitting on the chest, the chest not named */
		{ "es como si tuviera una losa encima y me cuesta respirar", E },
		{ "me falta el aire, siento una piedra aplastandome", E },
		{ "tengo un elefante sentado arriba", U },
		{ "como si me hubiera pasado un camion por encima, pero camine 20 minutos", R },
		/* tired or heavy legs: advice when mild, urgent otherwise */
		{ "despues del paseo noto las piernas un poco pesadas, es normal?", A },
		{ "tengo un poquito de cansancio en la pantorrilla al caminar", A },
		{ "tengo la pierna muy pesada desde ayer", U },
		{ "ya no siento las piernas tan cansadas", R },
		/* the Peruvian filler "pe" is no PE */
		{ "tengo el tobillo bien hinchado pe", U },
		{ "ya pe, hoy camine una hora", R },
		{ "I think it's a PE", E },
		{ "mi t\u00eda no vuelve en s\u00ed", E },
		{ "mi padre se qued\u00f3 como muerto en la cama", E },
		{ "no hay manera de que reaccione, la llamamos y nada", E },
		{ "como si me aplastara una roca, y me ahogo", E },
		{ "siento como un peso enorme encima y me falta el aire", E },
		{ "las piernas me pesan un poco tras el paseo", A },
		{ "tengo la pierna como de plomo", U },
		/* an exclamation with "qu\u00e9" is no question; blood idioms */
		{ "\u00a1qu\u00e9 tarde tan bonita! camine media hora", R },
		{ "que rico el sol hoy, sali a pasear", R },
		{ "que tan lejos puedo caminar", A },
		{ "qu\u00e9 bien, \u00bfpuedo ir a nadar?", A },
		{ "mi yerno tiene la sangre muy pesada jaja", R },
		{ "no me hago mala sangre con eso", R },
	};

	(void)state;
	CHECK(c);
}

/*
 * "A bit" somewhere in a message does not make a leg pain said to be
 * strong a mild ache: intensity said with the pain itself keeps it urgent.
 */
static void
test_strong_pain_not_mild(void **state)
{
	static const struct case_ c[] = {
		/* an improvement taken back in the same sentence */
		{ "Wadenschmerz ist besser, aber beim Gehen wieder stärker", U },
		{ "der Schmerz in der Wade war besser, aber jetzt schlimmer", U },
		{ "Wadenschmerz ist besser", R },
		{ "die Schwellung ist besser, aber der Husten ist schlimmer", R },
		{ "my calf really hurts and my leg is a bit tired", U },
		{ "calf hurts like hell, ankle a bit puffy", U },
		{ "a little stiff but the back of my knee is killing me", U },
		{ "me duele muchísimo la pantorrilla y tengo la pierna un poco cansada", U },
		{ "un poco cansada la pierna pero la pantorrilla me está matando", U },
		{ "die Wade tut richtig weh, sonst nur ein bisschen müde", U },
		{ "höllische Schmerzen in der Wade, ein bisschen besser als gestern", U },
		{ "calf is a bit sore", A },
		{ "my calf doesn't really hurt, just a bit stiff", R },
	};

	CHECK(c);
}

static void
test_tune30_de(void **state)
{
	static const struct case_ c[] = {
		/* the leg that no longer fits a shoe, a time before the "nicht" */
		{ "Der linke Fu\u00df passt seit Montag nicht mehr in meine Schuhe", U },
		{ "Mein Bein passt seit heute fr\u00fch kaum noch in die Jeans", U },
		{ "Ich komme seit gestern mit dem rechten Fu\u00df nicht mehr in den Stiefel", U },
		{ "Beine passen gut in die Schuhe", R },
		{ "mit dem linken Bein komm ich seit gestern kaum noch in die Jeans", U },
		{ "Komme seit heute nicht mehr in meinen rechten Schuh rein", U },
		{ "Die F\u00fc\u00dfe passen abends nicht mehr in die Hausschuhe", U },
		/* pricking and pinching in the chest, on breathing in */
		{ "Beim tiefen Einatmen pikst es links in der Brust", U },
		{ "In der Brust zwickt es heute st\u00e4ndig", U },
		{ "hab so Pikser in der Brust", U },
		{ "Es piekst beim Luftholen", U },
		{ "pikst in der Brust und ich bin kurzatmig", E },
		{ "Die Impfung hat am Arm gepiekst", R },
		/* blood coughed up told by a compound colour */
		{ "hab beim Husten dunkelrote F\u00e4den im Schleim", E },
		{ "Eben was Dunkelrotes ins Klo gehustet", E },
		{ "Der Auswurf ist heute rostfarben", E },
		/* the air that did not last */
		{ "Die Puste hat auf dem Weg nicht gereicht", U },
		{ "die Luft reichte an der Treppe nicht", U },
		{ "am Berg hat die Luft nicht gelangt", U },
		{ "Puste langt nimmer", U },
		{ "Luft hat heute gut gereicht", R },
		/* what-ifs: "dann auch noch", "wie erkenne ich, ob" */
		{ "Und wenn dann auch noch Atemnot dazukommt, was dann?", A },
		{ "Wie erkenne ich, ob ein Gerinnsel in der Lunge ist?", A },
		{ "falls ich irgendwann keine Luft krieg, hab ich das Spray dabei", A },
		{ "Wenn ich mal schneller gehe, krieg ich kaum Luft", E },
		/* "Luft nach oben" is room to improve */
		{ "Beim Tempo ist noch Luft nach oben", R },
		/* a named condition as a programme's subject, or a past event */
		{ "Gestern einen Artikel zur Lungenembolie gelesen, mir gehts aber gut", R },
		{ "Seit seiner Lungenembolie ist mein Mann sehr vorsichtig", R },
		{ "Hab ein Video \u00fcber Herzinfarkt gesehen und jetzt hab ich selbst Brustschmerzen", U },
		{ "Mein Vater hat gerade einen Herzinfarkt", E },
	};
	(void)state;
	CHECK(c);
}

/*
 * tune31 (de): carers and dialect writers: bleeding that will not stop in
 * Swiss and Southern German, black stool by a compound colour, the "nich"
 * and "cha n\u00f6d" spellings of "kann nicht durchatmen", pain on
 * breathing in with where it hurts between, "gesacht" (gesagt), "vor
 * einem Monat" as history, breathing told as normal with "tun", "n bisken".
 */
static void
test_tune31_de(void **state)
{
	static const struct case_ c[] = {
		/* bleeding that will not stop, Swiss and Southern */
		{ "De Grossvatter het sich rasiert und es h\u00f6rt nid uf z'bl\u00fcete", U },
		{ "Beim Zwiebelschneiden geschnitten, h\u00f6rt ned auf zum Bluatn", U },
		{ "Sis Knie bl\u00fcetet scho sit ere Viertelstund", U },
		{ "Die Nase bluat wia varruckt", U },
		/* black stool by a compound colour */
		{ "Der Stuhl von meiner Mutter ist seit heute fr\u00fch tiefschwarz", U },
		{ "Opa sagt, sein Stuhlgang ist seit zwei Tagen rabenschwarz", U },
		{ "Stuhl ist normal, die Katze ist pechschwarz", R },
		/* "kann nicht durchatmen" spelled as spoken */
		{ "er kann nich mehr richtig durchatmen", E },
		{ "Si cha n\u00f6d r\u00e4cht durchschnuufe", E },
		/* pain on breathing in, with where between */
		{ "wenn sie einatmet tut es ihr links unten weh", U },
		{ "beim tief Luftholen tut es hinten rechts so weh", U },
		{ "beim Einatmen tut es gut, die frische Luft", R },
		{ "atmet ganz schnell und beim Einatmen tut es vorne weh", E },
		/* "gesacht" is said, not collapsed */
		{ "Mutti hat gesacht, ihr Bein is heut wieder gut", R },
		/* a time ago with one week, month or year */
		{ "Vor ner Woche hatte ich Blut im Urin, jetzt ist alles gut", R },
		{ "vor einem halben Jahr hatte er Brustschmerzen", R },
		{ "seit einer Woche hab ich Blut im Stuhl", U },
		/* breathing told as normal with "tun" */
		{ "Atmen tut ganz normal, nur die Wade sticht", U },
		{ "Luft geht eh normal", R },
		/* "n bisken", "a bissi": a little */
		{ "Dem sein Wade zieht n bissken nach dem Laufen", A },
		{ "s'Wadl tut a bissi weh nachm Spazierengehen", A },
	};
	(void)state;
	CHECK(c);
}

static void
test_tune31_es(void **state)
{
	static const struct case_ c[] = {
		/* a hand on the chest, the Andalusian article "er" */
		{ "mi abuela se agarra fuerte er pecho y est\u00e1 muy p\u00e1lida", U },
		{ "mi marido se lleva la mano al pecho y le falta el aire", E },
		{ "est\u00e1 sentado con la mano en el pecho", U },
		/* the air that does not come in when drawn; the air conditioning */
		{ "a mi t\u00edo no le jala el aire", E },
		{ "no me agarra el aire", E },
		{ "en la casa no jala el aire acondicionado", R },
		/* a sudden fall, a spell "como ido", "la p\u00e1lida" */
		{ "mi suegra se ha ca\u00eddo de golpe en el piso de la cocina", E },
		{ "se cay\u00f3 de repente mientras com\u00eda", E },
		{ "se cay\u00f3 de repente la llamada, perd\u00f3n", R },
		{ "se qued\u00f3 como ido unos segundos", E },
		{ "se ha quedado como dormida un ratito en la silla", E },
		{ "se me ha quedado la pierna como dormida un rato", R },
		{ "a mi pap\u00e1 le dio la p\u00e1lida en el mercado", E },
		/* pink urine on a blood thinner */
		{ "el pip\u00ed le sale rosadito y toma Sintrom", U },
		{ "hago pis color rosa desde el lunes, tomo Eliquis", U },
		/* a dictated question after "punto" */
		{ "oye siri mensaje al doctor punto puedo dormir con las medias puestas", A },
		{ "hoy a las cinco en punto salgo a caminar", R },
		{ "no punto respiro bien punto", R },
		{ "no coma hoy respiro mal", U },
		{ "no estoy a punto de desmayarme", R },
		/* "cuesta (un poco) coger aire" is breathless, not severe */
		{ "me cuesta un poquito coger aire al subir", U },
		{ "le cuesta jalar aire cuando habla", U },
		{ "me cuesta horrores coger aire", E },
		/* "un chin" is mild; a faint dated by the diagnosis is history */
		{ "le duele el gemelo un chin al caminar", A },
		{ "se desmay\u00f3 cuando le detectaron la trombosis, desde entonces bien", R },
		{ "hoy se desmay\u00f3 otra vez", E },
	};
	(void)state;
	CHECK(c);
}

static void
test_tune31_en(void **state)
{
	static const struct case_ c[] = {
		/* a house number is never the negation "no" */
		{ "The lady at no 7 has collapsed in her hallway", E },
		{ "Mr Patel from No. 14 fainted at the bus stop", E },
		{ "my neighbour at no.3 passed out in the garden", E },
		{ "my friend at no 9 has no chest pain", R },
		{ "no chest pain, no breathlessness", R },
		/* a blood clot gone to the lungs or heart, in broken grammar too */
		{ "mum thinks the blood clot went to her lungs", E },
		{ "my husband say the blood clot travel to his heart", E },
		{ "can the blood clot go to my lungs?", A },
		{ "the blood clot reach his lung, the doctor think", E },
		/* can't get more than a few words out */
		{ "Dad can't get more than two words out without stopping", E },
		{ "she cannot manage more than a couple of words", E },
		/* a watcher sees the pain of breathing in */
		{ "he winces every time he breathes in", U },
		{ "she grimaces when she takes a big breath", U },
		{ "he holds his ribs each time he breathes", U },
		{ "he winces when he walks", R },
		/* lost time, found on the ground */
		{ "I went dizzy and the next thing I was lying on the kitchen floor", E },
		{ "next thing he was flat on the patio", E },
		{ "I found myself on the lawn and don't know how", E },
		/* did not answer for some seconds */
		{ "she did not respond to me for several seconds after she fell", E },
		{ "he not answer for some minutes, then he woke", E },
		/* fallen and not moving or talking; not answering when called by name */
		{ "my mother fall in the bathroom and she not moving", E },
		{ "he collapsed and wasn't talking", E },
		{ "grandad not respond even when I shook him", E },
		{ "she is not answer when we call her name", E },
		{ "I fell last week and didn't move much after", R },
		{ "he fell over but he's not hurt", R },
		{ "my grandma suddenly fall and she was not awake", E },
		{ "my wife fall in the kitchen, she not wake up", E },
		{ "he drop to the floor in the shop", E },
		{ "my father lose conscious in the car", E },
		{ "she was out for like 10 seconds", E },
		{ "he is not moving around much since the clot", R },
		{ "she did not wake up till 10", R },
		/* the negation before the modal: "he not can breathe" */
		{ "my husband not can breathe since morning", E },
		{ "she no can get air", E },
		{ "he can breathe ok now, no chest pain", R },
		/* what a watcher sees of breathing, a hand held to the chest */
		{ "his shoulders are heaving up and down with each breath", U },
		{ "we can hear her wheezing from the next room", U },
		{ "he is leaning forward on the chair to get his breath", U },
		{ "she keep hold her chest", U },
		{ "he put his hand on his chest and sat down", U },
	};
	static const char *const m1[] = { "my dad has a pain in his chest",
	    "he nods" };
	static const char *const m2[] = { "she's got chest pain",
	    "she shakes her head" };
	static const char *const m3[] = {
	    "every time he breathes in he grimaces and holds his side",
	    "yeah and he's panting" };
	static const char *const m4[] = { "he is breathless",
	    "he is nodding off in his chair" };
	static const enum triage_level ue[] = { U, E };
	static const enum triage_level uu[] = { U, U };

	(void)state;
	CHECK(c);
	conv(m1, ue, NULL, 2);
	conv(m2, uu, NULL, 2);
	conv(m3, ue, NULL, 2);
	conv(m4, uu, NULL, 2);
}

static void
test_tune32_es(void **state)
{
	static const struct case_ c[] = {
		/* the clinical words for a faint; a near-faint is not one */
		{ "la paciente de la cama 4 sufri\u00f3 un s\u00edncope en el ba\u00f1o", E },
		{ "mi hermano tuvo una lipotimia en la cola del banco", E },
		{ "perdi\u00f3 la consciencia unos segundos y ya se recuper\u00f3", E },
		{ "no ha tenido ning\u00fan s\u00edncope esta semana", R },
		{ "el m\u00e9dico dijo que fue un pres\u00edncope", R },
		/* a breathlessness's strength told after it */
		{ "desde anoche tengo un ahogo bien berraco", E },
		{ "una falta de aire muy fuerte, no s\u00e9 qu\u00e9 hacer", E },
		{ "tengo un ahogo pero no es fuerte", U },
		{ "el ahogo fuerte que tuve el mes pasado ya se fue", R },
		/* the air drawn in that does not arrive; the air conditioning */
		{ "respiro hondo pero no me entra", E },
		{ "tomo aire y nada que me llega", E },
		{ "pongo el aire acondicionado y no me llega al cuarto", R },
		/* breathing like a panting dog */
		{ "mi mam\u00e1 jadea como un perro y no se le pasa", E },
		{ "respira como perrito cansado", E },
		{ "paseo al perro y respiro bien", R },
		/* pride swells the chest, not the leg */
		{ "se me hincha el coraz\u00f3n de alegr\u00eda con mi nieto", R },
		{ "con el pecho inflado de orgullo pero la pierna hinchada", U },
	};
	(void)state;
	CHECK(c);
}

static void
test_tune32_de(void **state)
{
	static const struct case_ c[] = {
		/* leg pain verbs in the perfect, with the leg or "es" as subject */
		{ "nach dem Spaziergang hat die Wade ein bisschen gezogen", A },
		{ "gestern abend hat es in der Wade richtig gestochen", U },
		{ "hab die Str\u00fcmpfe \u00fcber die Wade gezogen, passt", R },
		/* Muskelkater told of the calf is a mild ache; a guess is not */
		{ "etwas Muskelkater in den Waden vom Wandern", A },
		{ "Wadenmuskelkater nach der Radtour, ist das normal?", A },
		{ "dachte erst Muskelkater, aber die Wade tut immer noch weh", U },
		{ "Muskelkater in der Wade oder doch eine Thrombose?", U },
		/* a calf that would burst */
		{ "das Bein f\u00fchlt sich an als w\u00fcrde es gleich platzen", U },
		{ "meine Wade ist zum Platzen gespannt", U },
		/* breath cut off by someone; by a bank it is money */
		{ "es ist als w\u00fcrde mir jemand die Kehle zuschn\u00fcren", E },
		{ "mir wird die Luft abgedr\u00fcckt", E },
		{ "die Bank will uns die Luft abdrehen", R },
		/* drowning as an image; drowning in work is none */
		{ "f\u00fchlt sich an wie ertrinken", E },
		{ "mein Mann sagt es ist als w\u00fcrde er ertrinken", E },
		{ "ich ertrinke gerade in Arbeit", R },
		/* panting all the time */
		{ "er japst ununterbrochen", E },
		{ "sie hechelt dauernd", E },
		/* not managing a deep breath, told with a zu-infinitive */
		{ "ich schaffe es nicht, tief einzuatmen", U },
		{ "krieg es einfach nicht hin, durchzuschnaufen", U },
		{ "ich versuche ruhig durchzuatmen, morgen ist die Pr\u00fcfung", R },
		/* a breath that goes only half way; breathing that comes harder */
		{ "Atmen geht nur halb heute", U },
		{ "heute f\u00e4llt mir das Atmen etwas schwerer", U },
		/* Swiss "Bluet ghuestet" */
		{ "hend Bluet ghueschtet", E },
		{ "am Morge Bluet ghuestet", E },
		/* wondering aloud without a question mark */
		{ "ich frag mich ob ich mit der Thrombose in die Sauna darf", A },
		{ "ich w\u00fcsste gern ob ich mit den Str\u00fcmpfen joggen darf", A },
		/* a leaflet about a condition; an instruction to call if */
		{ "hab einen Flyer \u00fcber Herzinfarkt bekommen, danke", R },
		{ "ich soll mich melden, wenn ich Brustschmerzen bekomme, oder?", A },
	};
	(void)state;
	CHECK(c);
}

static void
test_tune32_en(void **state)
{
	static const struct case_ c[] = {
		/* pain on breathing in, told with other pain verbs */
		{ "it stings on the left when I take a deep breath", U },
		{ "she says it burns each time she breathes in", U },
		{ "deep breaths sting under my ribs", U },
		{ "when he breathes in it pinches", U },
		{ "my calf burns on the walk and my breathing is fine", R },
		/* breathless in fresh images */
		{ "I'm blowing like a walrus after one flight of stairs", U },
		{ "she's huffing like an old horse at the top of the hill", U },
		{ "he's blowing really hard just walking to the car", U },
		{ "the wind is blowing hard today, did my walk anyway", R },
		{ "feel as if I've been sprinting and I've only sat here", U },
		{ "like I had been jogging when I've just been sat down", U },
		{ "I feel like I've been running around all day with the grandkids", R },
		/* second-language: difficulty to take the air; pulling for each breath */
		{ "hard to get the air since last night", U },
		{ "he is having trouble to take the breath", U },
		{ "I'm pulling for every breath and have to sit", E },
		{ "she's dragging in each breath", E },
		/* a test that excluded the feared condition denies it */
		{ "they ruled out a PE at the hospital, back home now", R },
		{ "a clot in the lung was excluded on the scan", R },
		{ "they couldn't rule out a PE", E },
		{ "a heart attack has not been ruled out", E },
		{ "PE was ruled out but now my chest hurts and I'm gasping", E },
		/* the blood's thinness as the INR tells it */
		{ "nurse says my blood's nice and thin, INR 2.8, no bleeding", R },
		{ "blood is too thin and my gums won't stop bleeding", U },
	};
	static const char *const m1[] = { "my chest hurts", "y sore" };
	static const char *const m2[] = { "I'm a bit breathless", "y, tight" };
	static const char *const m3[] = { "chest hurts", "y no" };
	static const char *const m4[] = {
	    "he says it nips when he breathes in deep",
	    "yeah and he's blowing like a whale" };
	static const char *const m5[] = {
	    "a tight feeling in my chest this evening",
	    "and I feel like I've run a race when I haven't" };
	static const enum triage_level ue[] = { U, E };
	static const enum triage_level uu[] = { U, U };

	(void)state;
	CHECK(c);
	conv(m1, ue, NULL, 2);
	conv(m2, ue, NULL, 2);
	conv(m3, uu, NULL, 2);
	conv(m4, ue, NULL, 2);
	conv(m5, ue, NULL, 2);
}

static void
test_tune33_es(void **state)
{
	static const struct case_ c[] = {
		/* a weight on the chest told as a simile */
		{ "tengo el pecho como si me hubieran puesto un saco de cemento encima", U },
		{ "noto el pecho como aplastado desde esta mañana", U },
		{ "es como si tuviera una mochila encima del pecho", U },
		{ "el pecho como con una losa, me asusta", U },
		{ "mi pecho como si nada, todo bien", R },
		/* the air that "no me sale" */
		{ "sigo sentada y no me sale el aire", E },
		{ "a mi madre ya no le sale el aliento", E },
		{ "el ventilador no sale aire, qué calor", R },
		/* a calf ache called "poca cosa" */
		{ "le duele el gemelo al andar, cosa de nada", A },
		{ "me molesta la pantorrilla al pasear pero poca cosa", A },
		{ "me duele el gemelo al caminar y no es poca cosa", U },
	};
	static const char *const m1[] = {
	    "noto el pecho como si cargara un costal de piedras",
	    "un poco, cuando subo la cuesta me falta el aire" };
	static const enum triage_level ue[] = { U, E };

	(void)state;
	CHECK(c);
	conv(m1, ue, NULL, 2);
}

static void
test_tune33_en(void **state)
{
	static const struct case_ c[] = {
		/* a calf ache that passes within moments is the mild ache */
		{ "calf aches on the hill but wears off in a couple of minutes", A },
		{ "bit of a calf ache walking the dog, dies down after a bit", A },
		{ "my calf hurts on the stairs, it fades within a few seconds", A },
		/* ... unless the passing is denied */
		{ "calf ache on walks and it doesn't wear off after a few minutes", U },
		{ "my calf hurts walking and won't really go away after a rest", U },
		{ "calf pain on the hill, it doesn't ease off when I stop", U },
		{ "sharp pain in my calf, goes off after a minute", U },
	};
	/* hedged yeses: a "so" verb leading the answer, whatever follows */
	static const char *const m1[] = { "my chest feels heavy tonight",
	    "guess so, the hill did me in this morning" };
	static const char *const m2[] = { "bit of a tightness in my chest",
	    "reckon so, a bit when I do the hoovering" };
	static const char *const m3[] = { "I'm a bit short of breath today",
	    "I'd say so" };
	static const char *const m4[] = { "chest feels tight",
	    "believe so, the walk up from the bus stop was hard work" };
	/* other hedged yeses standing alone */
	static const char *const m5[] = { "my chest aches", "probably yeah" };
	static const char *const m6[] = { "getting puffed on the stairs",
	    "pretty sure" };
	static const char *const m7[] = { "chest hurts a bit", "seems so" };
	/* a hedge and the effort that showed it */
	static const char *const m8[] = { "chest feels tight",
	    "maybe, had to stop for a breather halfway up the road" };
	static const char *const m9[] = { "my chest is sore",
	    "not sure, struggled with the shopping bags earlier" };
	/* not a yes: better, a denial, another explanation */
	static const char *const m10[] = { "my chest feels heavy",
	    "guess so but it's fine now" };
	static const char *const m11[] = { "my chest feels heavy",
	    "probably not" };
	static const char *const m12[] = { "my chest feels heavy",
	    "probably just indigestion" };
	static const char *const m13[] = { "my chest feels heavy",
	    "I wouldn't say so" };
	static const enum triage_level ue[] = { U, E };
	static const enum triage_level uu[] = { U, U };

	(void)state;
	CHECK(c);
	conv(m1, ue, NULL, 2);
	conv(m2, ue, NULL, 2);
	conv(m3, ue, NULL, 2);
	conv(m4, ue, NULL, 2);
	conv(m5, ue, NULL, 2);
	conv(m6, ue, NULL, 2);
	conv(m7, ue, NULL, 2);
	conv(m8, ue, NULL, 2);
	conv(m9, ue, NULL, 2);
	conv(m10, uu, NULL, 2);
	conv(m11, uu, NULL, 2);
	conv(m12, uu, NULL, 2);
	conv(m13, uu, NULL, 2);
}

static void
test_tune33_de(void **state)
{
	static const struct case_ c[] = {
		/* pain on breathing in, the breath told after a comma */
		{ "Es sticht seit dem Mittag, wenn ich tief Luft hole", U },
		{ "tut ihm weh, sobald er tief einatmet", U },
		{ "Stechen, jedes Mal wenn ich einatme", U },
		{ "Wenn sie tief einatmet, sticht es links", U },
		{ "Es sticht nicht, wenn ich einatme", R },
		{ "Was mache ich, falls es sticht, wenn ich einatme?", A },
		/* consciousness lost, told with other verbs and orders */
		{ "meiner Mutter ist vorhin das Bewusstsein geschwunden", E },
		{ "er verlor im Bad kurz das Bewusstsein", E },
		{ "hab das Bewusstsein für einen Moment verloren", E },
		{ "mir sind beim Aufstehen die Sinne geschwunden", E },
		{ "das Bewusstsein habe ich nie verloren", R },
		/* calf pain better, a mild rest left; a leg a little tired */
		{ "Wadenschmerzen sind viel besser, nur noch etwas beim Spazieren", A },
		{ "Das Bein ist besser, zieht nur noch ein bisschen nach der Runde", A },
		{ "Wadenschmerz ist besser geworden", R },
		{ "die Waden sind nach dem Einkaufen noch ein bisschen müde", A },
		{ "Beine etwas schwer nach dem langen Spaziergang", A },
		{ "Wade ist müde und tut richtig weh", U },
		/* asked and denied in turn: a checklist, no question */
		{ "Luftnot? Nein. Brustschmerzen? Auch nicht.", R },
		/* Swiss "bitzeli", "chli": a little */
		{ "s Bei tuet es bitzeli weh nach em Laufe", A },
		/* a swelling that was, over after the comma */
		{ "Die Wade war gestern geschwollen, inzwischen ist sie wieder abgeschwollen", R },
		{ "Gestern war das Bein noch dick, heute ist es noch dicker", U },
	};

	(void)state;
	CHECK(c);
}

static void
test_tune34_de(void **state)
{
	static const struct case_ c[] = {
		/* a collapse word split as dictated */
		{ "Opa ist in der Küche zusammen gebrochen", E },
		{ "meine Mutter ist im Bad einfach weg gekippt", E },
		{ "er war kurz ohn mächtig", E },
		{ "bin im Supermarkt zusammen geklappt", E },
		/* a collapse named as a noun, Bavarian spellings too */
		{ "Mama hatte heute früh einen Kreislaufkollaps", E },
		{ "i hob an Kreislaufzammbruch ghabt beim Einkaufen", E },
		{ "hatte vor zwei Jahren einen Kollaps", R },
		{ "mein Nervenzusammenbruch damals war schlimm", R },
		/* not responsive, the negation as spoken */
		{ "da Opa war nimma ansprechbar", E },
		{ "sie reagiert net, bitte schnell", E },
		/* slumped off a seat, unless for laughter */
		{ "Papa kippte vom Sessel und war kurz weg", E },
		{ "Oma ist vom Sofa gekippt", E },
		{ "vor Lachen fast vom Sofa gekippt, danke für die Karte", R },
		/* breathing as hard labour */
		{ "atmen ist die reinste Schinderei", E },
		{ "jeder Schnaufer eine Tortur", E },
		{ "die Steuererklärung ist Schwerstarbeit", R },
		/* air only when sitting up */
		{ "Luft krieg ich nur noch im Sitzen", E },
		{ "mein Mann kann nur aufrecht atmen", E },
		{ "nur mit drei Kissen krieg ich Luft", E },
		/* a question flagged by a heading, no question mark */
		{ "Frage zur Zugfahrt nach Wien, 5 Stunden", A },
		{ "kurze Frage: wann darf mein Mann wieder fliegen", A },
		/* a swelling gone, the participle split; "ist zurück" is back */
		{ "die Schwellung ist ganz zurück gegangen", R },
		{ "die Schwellung ist zurück", U },
		/* a heart racing for joy */
		{ "das Herz hüpft vor Glück, Enkelin war da", R },
		{ "Herz rast und mir ist schwindlig", U },
	};

	(void)state;
	CHECK(c);
}

static void
test_tune35_de(void **state)
{
	static const struct case_ c[] = {
		/* a heavy thing lying on the chest, as an image */
		{ "Fühlt sich an, als läge ein Amboss auf meiner Brust", U },
		{ "Auf der Brust liegt so ein Ziegelstein, seit heute früh", U },
		{ "es lastet mir bleischwer auf der Brust", U },
		{ "als hätte mir jemand eine Betonplatte auf die Brust gelegt", U },
		{ "die glatte Straße war heute schlimm", R },
		/* too short of breath to get across the room */
		{ "Er japst und schafft es kaum noch bis zum Sofa", E },
		{ "komm nicht mal mehr durchs Zimmer, so wenig Luft krieg ich", E },
		{ "keuche und komm nicht mal bis zur Haustür", E },
		{ "Luft geht gut, komm aber nicht mal bis zur Tür wegen dem Bein", R },
		/* the clot feared moving into the lung */
		{ "Hab Angst, dass das Ding Richtung Lunge zieht", E },
		{ "ist bestimmt in die Lunge gerutscht, mir ist so komisch", E },
		{ "Kann sowas eigentlich in die Lunge wandern?", A },
		{ "Was ist, wenn es in die Lunge wandert?", A },
		/* vomiting told as brechen, reihern, with a red thing */
		{ "hab gereihert und da waren dunkelrote Klumpen drin", E },
		{ "Musste mich übergeben, Erbrochenes war hellrot", E },
		{ "erbricht ständig, irgendwie rotes Zeug dabei", E },
		/* blood told after the place it was seen */
		{ "in der Schüssel waren ein paar Blutstropfen", U },
		{ "auf dem Klopapier war Blut, nehme Eliquis", U },
		{ "Stuhl ohne Blut, alles gut", R },
	};

	(void)state;
	CHECK(c);
}

static void
test_tune34_es(void **state)
{
	static const struct case_ c[] = {
		/* the air kept out told as an image, breath that brings nothing */
		{ "es como si me taparan la nariz con un trapo", E },
		{ "siento que me estan ahorcando, casi no paso aire", E },
		{ "por mucho que jalo aire no me llega nada", E },
		{ "me tapo la boca con la mano cuando toso", R },
		/* rest told before the panting */
		{ "acostada en la cama y me falta el aire", E },
		{ "sentado en el sofa sin moverme y jadeando", E },
		{ "estoy sentada y no me ahogo", R },
		/* what a patient can no longer do without stopping */
		{ "mi padre ya no llega a la esquina sin detenerse", U },
		{ "tengo que pararme cada pocos escalones", U },
		{ "ya puedo subir la escalera sin pararme", R },
		{ "puedo caminar media hora sin parar?", A },
		/* a leg measured against the other */
		{ "la derecha esta el doble que la izquierda", U },
		{ "una pierna es tres veces mas gorda que la otra", U },
		{ "fui dos veces el otro dia a caminar", R },
		/* the cough spelled with c */
		{ "tocia sangre en la madrugada", E },
		{ "al tocer me salio sangre", E },
		/* pecho typed pesco; the verb stays a verb */
		{ "me aprieta el pesco", U },
		{ "el domingo pesco truchas con mi hijo", R },
		/* "la otra vez" (that time) is no "otra vez" (again) */
		{ "el dolor de pecho de aquella otra vez ya se me quito", R },
		{ "me duele el pecho otra vez", U },
		{ "me duele el pecho como la otra vez", U },
		/* a breath that goes only part of the way is the mild difficulty */
		{ "el aire no me baja hasta el fondo", U },
		{ "el aire no me llega para nada", E },
	};

	(void)state;
	CHECK(c);
}

static void
test_tune34_en(void **state)
{
	static const struct case_ c[] = {
		/* chest tightness told without the chest, with breathlessness */
		{ "sorry to be a pest, that pressure is back and I'm short of breath", E },
		{ "puffed out and the heaviness is back again", E },
		{ "wheezy and tight-ish tonight", E },
		{ "feeling tight chested and out of puff", E },
		{ "the tightness in my calf is back and I'm a bit breathless", U },
		{ "the tightness has gone but I'm still a bit breathless on hills", U },
		{ "puffed out and my calf is tight after the walk", U },
		/* named conditions as dictation writes them */
		{ "my daughter thinks it's a pulmonary in bolism", E },
		{ "worried it's another pulmonary", E },
		{ "pretty sure I'm having a heart at tack", E },
		{ "had my pulmonary function test today, all good", R },
		/* coming to on the floor after a gap */
		{ "stood up to make tea and next I was on the kitchen lino", E },
		{ "the room went grey and then he was on the bathroom floor", E },
		{ "tripped on the rug and ended up on the floor, no harm done", R },
		{ "then I was on the floor doing my stretches", R },
		/* a racing heart in everyday and regional words, with dizziness */
		{ "lightheaded and my heart's going nineteen to the dozen", U },
		{ "woozy and the old ticker has gone haywire", U },
		{ "giddy and my heart is knocking hard", U },
		{ "feeling dizzy and my heart dey beat fast", U },
		{ "a bit wobbly and my heart's going like the hammers", U },
		/* dated by the diagnosis; compared with it, now */
		{ "so puffed when I was first diagnosed, now I manage the hill fine", R },
		{ "breathless again like when they diagnosed me", U },
		/* a question about the line itself is for a person */
		{ "is this the correct number for the anticoag nurses?", R },
		{ "is this the right number of steps for me?", A },
		{ "is this still the number for the clot clinic? my chest hurts", U },
	};

	(void)state;
	CHECK(c);
}

/*
 * The second reading: a word that stays unknown but is a typo of a cue's or
 * an answer's word is read as that word in a second reading, and the higher
 * of the two levels is kept.  A typo of a denial's word can therefore raise
 * a level but never lower one.
 */
static enum triage_level answer_level(const char *);

static void
test_second_reading(void **state)
{
	static const struct case_ c[] = {
		/* a severity word typed wrong */
		{ "I can hradly breathe", E },
		{ "can hsrdly breathe at all", E },
		/* a question word typed wrong: still a question */
		{ "shuold I keep my leg up on the sofa", A },
		{ "sollte ich dsa Bein hochlegen? wielange", A },
		/* a denial typed wrong lowers nothing */
		{ "walked 2 km witout chest pain", U },
		{ "nohting wrong, just chest pain when I breathe in", U },
		/* and real words stay what they are */
		{ "hardly any swelling now", R },
		{ "INR heute 2.8, Blutwerte top", R },
	};
	static const char *const yes[] = { "a littel bit yes", "yes a lttle",
	    "a littel maybe" };
	static const char *const notyes[] = { "Simeon is driving me to the GP",
	    "Simona aqui, la hija, esta dormido",
	    "stimmts dass ich nicht fliegen darf?", "Clairo", "exakta" };
	struct triage_state	st;
	struct triage_result	r;
	char			*second;
	size_t			 i;

	(void)state;
	CHECK(c);
	for (i = 0; i < sizeof yes / sizeof yes[0]; i++)
		if (answer_level(yes[i]) != TRIAGE_EMERGENCY)
			fail_msg("\"%s\" did not escalate", yes[i]);
	/* The second reading shows its words; a message without one has none. */
	second = triage_read_second(rules, "can hsrdly breathe");
	assert_non_null(second);
	assert_string_equal(second, "can hardly breathe");
	free(second);
	assert_null(triage_read_second(rules, "can hardly breathe"));
	/* Its rule id says which reading decided. */
	triage_state_init(&st);
	triage_step(rules, &st, "I can hradly breathe", T0, &r);
	assert_non_null(strstr(r.rules, "typo_reading"));
	triage_state_init(&st);
	triage_step(rules, &st, "walked 2 km witout chest pain", T0, &r);
	assert_null(strstr(r.rules, "typo_reading"));
	/* When the second decides, what the first read stays reported. */
	triage_state_init(&st);
	triage_step(rules, &st, "walked to the shop witout chest pain but now "
	    "I can hradly breathe", T0, &r);
	assert_int_equal(r.level, TRIAGE_EMERGENCY);
	assert_non_null(strstr(r.rules, "chest_pain"));
	assert_non_null(strstr(r.rules, "typo_reading"));
	/* An answer's words are not the second reading's: a name is no YES. */
	for (i = 0; i < sizeof notyes / sizeof notyes[0]; i++)
		if (answer_level(notyes[i]) == TRIAGE_EMERGENCY)
			fail_msg("\"%s\" escalated", notyes[i]);
}

static void
test_tune37_de(void **state)
{
	static const struct case_ c[] = {
		/* not managing a breath in, the negation as typed, denies nothing after it */
		{ "kann nich richtig einatmen", U },
		{ "konnt grad nich richtig luft holen und die brust sticht", E },
		{ "kann ned gscheit einatmen tut echt weh", E },
		/* breathing compared with having just run */
		{ "papa keucht als wär er die treppe hochgerannt", U },
		{ "sie atmet wie nach nem dauerlauf und hält sich die brust", E },
		/* "nimmer", "nimma": no longer */
		{ "beine nimma geschwollen alles top", R },
		{ "wade nimmer dick", R },
		{ "krieg nimma luft", E },
		/* questions with no question mark */
		{ "soll papa die strümpfe nachts anlassen", A },
		{ "kann mama mit dem zug nach wien fahren", A },
		{ "sauna ab wann wieder", A },
		{ "habt ihr paar tipps für den flug", A },
		{ "danke für die tipps", R },
		{ "radfahren schon erlaubt", A },
		/* the "jetzt" of a resolution brings nothing back */
		{ "hatte letzte woche atemnot jetzt aber alles gut", R },
		{ "hatte letzte woche atemnot jetzt wieder", U },
		/* songs and figures of speech */
		{ "atemlos durch die nacht hab ich mitgesungen", R },
		{ "hätte fast nen herzinfarkt bekommen vor schreck", R },
		{ "fast nen herzinfarkt gekriegt beim treppensteigen", E },
		{ "hab mir die lunge aus dem leib geschrien beim fussball", R },
		{ "herz ganz ruhig puls normal", R },
		{ "herz normal aber krieg keine luft", E },
		/* a leg tight only a little */
		{ "wade spannt leicht beim laufen", A },
		{ "wade spannt und is dick", U },
	};

	(void)state;
	CHECK(c);
}

static void
test_tune36_es(void **state)
{
	static const struct case_ c[] = {
		/* "s/" (sin) in a nurse's or carer's note is a negation */
		{ "Pte s/ disnea ni dolor torácico, deambula bien", R },
		{ "control: s/dolor de pecho, s/ falta de aire. TA 120/80", R },
		{ "pte s/ fiebre, c/ disnea al caminar", U },
		/* the leg in a nurse's note: abbreviations and clinical signs */
		{ "refiere dlr en MII desde la mañana", U },
		{ "Pte c/ dolor en MID al deambular", U },
		{ "gemelo izq c/ eritema, calor local", U },
		{ "pantorrilla der: aumento de perímetro de 3 cm respecto a ayer", U },
		{ "edema con fóvea en tobillo izquierdo", U },
		{ "Homans + en MII", U },
		{ "s/ eritema ni calor local en EEII, Homans negativo", R },
		/* the heart's speed told with an intensifier, with dizziness */
		{ "dice q anda mareado y q el corazón le late re rápido", U },
		{ "mi tía está mareada, el pulso le va bien acelerado", U },
		/* a symptom gone, told in the third person */
		{ "la hinchazón del tobillo ya se le bajó, camina bien", R },
		{ "el dolor de pantorrilla que tenía se le pasó", R },
		/* a carer's if-clause in a question is hypothetical */
		{ "si a mi abuelo le empieza a doler el pecho, lo llevo a urgencias?", A },
		{ "si a la señora le falta el aire de noche, qué hacemos?", A },
		{ "si a mi esposa le duele el pecho ahorita, qué hago?", U },
		/* "y desde entonces" keeps the dated event history */
		{ "mi papá tuvo un infarto en 2016 y desde entonces toma aspirina", R },
		{ "tuvo una embolia en 2020 y desde entonces le duele el pecho", U },
	};

	(void)state;
	CHECK(c);
}

static void
test_tune36_en(void **state)
{
	static const struct case_ c[] = {
		/* blood where staff see a patient's output: catheter, bags, pads */
		{ "DN visit: blood noted in his leg bag, on apixaban", U },
		{ "night bag looks pinkish this morning", U },
		{ "some fresh red in her stoma bag today", U },
		{ "carer found blood on his inco pad", U },
		{ "blood clots in the catheter overnight", U },
		/* clinical words for bleeding from below */
		{ "had a small PR bleed this am, on rivaroxaban", U },
		{ "fresh blood PR x2 overnight", U },
		{ "blood stained urine in the bag", U },
		{ "she's passing blood when she goes", U },
		{ "resident has a large haematoma on her shin", U },
		/* "noted" is seen, unless it stands alone */
		{ "PV bleeding noted by night staff", U },
		{ "ok noted", R },
		/* ward words for breathlessness, a faint, the leg */
		{ "pt SOBOE on mobilising to toilet", U },
		{ "DIB overnight, settled with sitting up", U },
		{ "desaturating on mobilising", U },
		{ "desatted to 88% on transfer", E },
		{ "increased WOB this am", U },
		{ "episode of LOC on the commode", E },
		{ "fell, no LOC, no injury", R },
		{ "vasovagal in the shower this morning", E },
		{ "R calf TTP", U },
		{ "L leg oedematous to mid shin", U },
		{ "R calf increased in girth since yesterday", U },
		{ "query DVT R leg, GP aware", U },
		{ "c/o pleuritic pain L side", U },
		/* carers telling it in the third person */
		{ "Dad's been moaning about his calf since breakfast", U },
		{ "she had a funny turn in the garden and went down", E },
		{ "his wee has gone like weak tea", U },
		/* a symptom that has never come back; "bloody" as a curse */
		{ "the breathlessness she had after the op has never returned", R },
		{ "chest pain he had at Christmas never came back", R },
		{ "chest pain never came back till this morning", U },
		{ "bloody chemist gave him the wrong tablets again", R },
		{ "the bloody carers were late again, he's fine", R },
		{ "coughing up bloody phlegm", E },
	};
	CHECK(c);
}

static void
test_tune36_de(void **state)
{
	static const struct case_ c[] = {
		/* low oxygen saturation in staff shorthand */
		{ "Hr. B.: Sätt. 87 %, wirkt erschöpft", E },
		{ "Sauerstoffsättigung liegt nur noch bei 85", E },
		{ "O2-Sättigung 89 Prozent, Pflegedienst ist da", E },
		{ "Sättigung 97 Puls 84, keine Beschwerden", R },
		{ "bin satt, 90 % vom Teller gegessen", R },
		/* speaking only in broken sentences, dyspnoea at rest */
		{ "Oma redet nur noch in Satzfetzen", E },
		{ "Pat. kann keine vollständigen Sätze mehr sprechen", E },
		{ "Fr. M. Ruhedyspnoe seit dem Frühstück", E },
		{ "Luftnot schon in Ruhe", E },
		{ "Luftnot beim Treppensteigen, in Ruhe gut", U },
		/* cyanosis and a fast breathing rate */
		{ "periorale Zyanose, Pat. unruhig", E },
		{ "Lippen wirken zyanotisch", E },
		{ "keine Zyanose, Pat. stabil", R },
		{ "Atemfrequenz 32/min", E },
		{ "AF 24, sonst unauffällig", U },
		{ "Pat. tachypnoeisch", U },
		/* short of breath in dialect */
		{ "Mudder is arg kurzluftich", U },
		{ "d Oma isch kurzschnaufig seit geschtern", U },
		/* a leg's girth growing, livid skin */
		{ "li. US Umfangszunahme seit gestern", U },
		{ "Seitendifferenz heute deutlich größer", U },
		{ "Beinumfang re. +2 cm", U },
		{ "Umfangsdifferenz 1 cm, unverändert", R },
		{ "Haut am Unterschenkel livide", U },
		/* clinical denial */
		{ "Pat. negiert Schwindel und Herzklopfen", R },
		{ "Thoraxschmerz wird verneint", R },
		{ "Zyanose nicht vorhanden", R },
		{ "verneint Luftnot sowie Brustschmerzen", R },
		{ "verneint Atemnot, klagt aber über Druck auf der Brust", U },
	};

	(void)state;
	CHECK(c);
}

/* A stretched abbreviation reads by its letter runs as one letter. */
static void
test_stretched_abbreviation(void **state)
{
	static const struct case_ c[] = {
		{ "Brustschm. + Atttemn. seit ca. 30 Min.", E },
		{ "bin kurzatmm. u. Brust sticht", E },
		{ "ca. 30 Min. Nasennnbl., hört n. auf, nehme Xarelto", U },
		{ "Kaffee. Sommer. Hallo.", R },
	};
	static const struct reading r[] = {
		{ "kurzatmm. u", "kurzatmig  u" },
		{ "Atttemn. seit", "atemnot  seit" },
		{ "Kaffee. Sommer.", "kaffee. sommer." },
	};

	(void)state;
	CHECK(c);
	check_reads(r, sizeof r / sizeof r[0]);
}

static void
test_tune39_de(void **state)
{
	static const struct case_ c[] = {
		/* speech or typing cut short by breath, verb-final, Bavarian */
		{ "schaff keine einzige nachricht zu schreiben ohne luft zu holen", E },
		{ "er ist so kurzatmig, dass er kaum noch sprechen kann", E },
		{ "seit dem frühstück so außer atem dass ich nicht mehr reden kann", E },
		{ "da Opa ko nimmer schnaufa", E },
		{ "i ko grad kaum schnaufn", E },
		/* breath minimised: not as good as usual */
		{ "sie bekommt seit heute früh nicht mehr so gut Luft", U },
		{ "das Atmen geht seit gestern nicht mehr so leicht", U },
		{ "mein Mann atmet nicht mehr so frei wie sonst", U },
		/* blood retched up */
		{ "hab vorhin Blut hochgewürgt", E },
		{ "musste würgen und da kam Blut mit", E },
		{ "hab was Dunkelrotes ausgewürgt", E },
		/* the foot pulled towards oneself, either order */
		{ "wenn ich die Zehen Richtung Nase ziehe, fährt es mir in die Wade", U },
		{ "es schießt in die Wade, sobald ich den Fuß zu mir heranziehe", U },
		/* asked as a question about what is there; a real "what if" */
		{ "Ist es gefährlich, wenn Blut im Urin ist?", U },
		{ "was soll ich tun wenn ich Blut im Urin habe?", A },
		{ "Wie würde man erkennen, dass es eine Lungenembolie ist?", A },
		/* denials, never came back, read about, no puffing */
		/* "keins" denies the blood coughed up; the blood word alone is
		 * still the same-day safety net, not an emergency */
		{ "Nein, Blut hab ich keins gehustet, war nur Tee", U },
		{ "Die Wadenschmerzen sind zum Glück nicht wiedergekommen", R },
		{ "Der Arzt hat gesagt, dass Atemnot ein Warnzeichen ist", R },
		{ "Weiß, dass mein Bluthusten ein Warnzeichen ist", E },
		{ "geh jetzt 3 km ohne zu schnaufen", R },
		{ "kann die treppe hoch gehen ohne zu schnaufen", R },
		{ "komm kaum die treppe rauf ohne zu schnaufen", U },
	};

	(void)state;
	CHECK(c);
}

static void
test_tune38_de(void **state)
{
	static const struct case_ c[] = {
		/* dizzy in colloquial and regional words, with the heart in images */
		{ "Opa ist heute so schwummerig und sein Herz flattert", U },
		{ "mir wird ganz schummerig und das Herz trommelt wie wild", U },
		{ "im schummrigen Flur gestolpert, alles gut", R },
		/* pulling the toes up towards the nose or knee, pain as an image */
		{ "Zieh ich die Zehen zum Knie, zerrt es in der Wade", U },
		{ "Fußspitze Richtung Nase gezogen und es reißt hinten im Bein", U },
		/* urine named by a drink's colour on a blood thinner */
		{ "mein Urin ist teefarben, nehme Xarelto", U },
		{ "cognacfarbener Urin heute morgen", U },
		/* a few stairs no longer managed without a pause */
		{ "komm keine zehn Stufen mehr hoch ohne Pause", U },
		{ "nach drei Stufen muss ich stehen bleiben und schnaufen", U },
		/* talking interrupted to catch a breath */
		{ "muss beim Erzählen ständig innehalten, um Luft zu holen", U },
		{ "beim Telefonieren muss ich zum Luftholen unterbrechen", U },
		/* worse than a week or a month ago, said colloquially */
		{ "ich schnaufe mehr als noch vor nem Monat", U },
		/* clothes that no longer go over the knee, the size said first */
		{ "krieg die Strumpfhose nicht mehr übers Knie", U },
		{ "so dick ist mein Knöchel seit heute früh", U },
		/* a faint with the separable verb, and a supposition past its comma */
		{ "ich kippe gleich um", E },
		{ "Angenommen, ich kipp beim Einkaufen um, wen soll mein Sohn anrufen?", A },
		/* a fright as a figure of speech; a thanks that is no heart */
		{ "die Nebenkostenabrechnung hätte mir fast einen Herzinfarkt beschert", R },
		{ "Herzlichen Dank für die Geduld", R },
	};

	(void)state;
	CHECK(c);
}

static void
test_tune38_en(void **state)
{
	static const struct case_ c[] = {
		/* phlegm by its colour with -ish, a tinge, froth */
		{ "my sputum's gone a sort of pinkish colour, could be the cold?", E },
		{ "the stuff I'm coughing up is rusty looking", E },
		{ "pink frothy spit this morning, probably nothing", E },
		{ "phlegm has blood-streaked bits in it", E },
		/* breath drawn through a narrow thing by any verb is severe */
		{ "it's like trying to pull air in through a coffee stirrer", E },
		{ "breathing feels like dragging air through a wet towel since lunch", E },
		/* bruises nobody remembers getting, or all along a limb */
		{ "big bruises down both legs and I can't remember knocking them", U },
		{ "no idea how, but there are bruises all along my arm", U },
		{ "can't recall bumping it but my thigh is covered in bruises", U },
		/* redness (the noun) on the leg, spreading, past the drawn line */
		{ "reddening on his calf since this morning", U },
		{ "the redness round my ankle is spreading", U },
		{ "red patch has gone past the biro line the nurse drew", U },
		{ "my face has some redness from the sun", R },
		/* a calf that grumbles or is not happy: leg pain, mild when said so */
		{ "calf grumbling a bit after my walk, manageable", A },
		{ "my calf isn't very happy after the walk, only a little", A },
		{ "my calf has been grumbling all day", U },
		{ "knees complaining after the hike", R },
		/* over-triage: a floor of a building, a general question, over now */
		{ "she's on the second floor, is the lift ok for me?", A },
		{ "what would a clot in the lung feel like?", A },
		{ "what does a PE feel like? asking for me", A },
		{ "my nose used to bleed a lot on warfarin but not anymore", R },
		{ "my chest used to hurt but not anymore. now I cant breathe", E },
	};

	(void)state;
	CHECK(c);
}

static void
test_tune38_es(void **state)
{
	static const struct case_ c[] = {
		/* the subjunctive after "es normal que", "me da miedo que" */
		{ "¿será normal que no me llegue el aire cuando subo al coche?", E },
		{ "me da miedo que casi no le entre el aire a mi abuela", E },
		{ "¿es normal que no me alcance el aire para terminar una frase?", E },
		{ "¿puede ser que me cueste tanto respirar?", U },
		{ "¿es normal que me duela el pecho cuando toso?", U },
		{ "¿es raro que me duela más la pantorrilla que ayer?", U },
		/* "sin ahogarme": denied unless after what cannot be done */
		{ "hoy llegué hasta la plaza sin ahogarme, qué alegría", R },
		{ "no aguanto ni una cuadra sin ahogarme", E },
		/* over, told with the resolution first; not the air or a clot */
		{ "ya se le quitó el dolor de la pierna a mi marido", R },
		{ "se me fue el trombo al pulmón?", E },
		{ "de repente se le fue el aire y no respira bien", E },
		/* yesterday's pain over today; not blood coughed up */
		{ "anteayer me molestaba el gemelo pero ahora ya nada", R },
		{ "anoche escupí flema con sangre pero hoy ya no", E },
		/* blood spat from bleeding gums is mouth bleeding */
		{ "me sangra la encía desde hace una hora y no paro de escupir", U },
		/* "ninguno" after the symptom */
		{ "tos seca, fiebre ninguna, dolor de pecho ninguno", R },
		/* "algo" after the pain word is a bit; "algo más" is worse */
		{ "me tira algo la pantorrilla cuando paseo", A },
		{ "la pantorrilla me duele algo más que ayer", U },
	};

	(void)state;
	CHECK(c);
}

static void
test_tune40_es(void **state)
{
	static const struct case_ c[] = {
		/* a body part filled or covered with bruises, patches all over */
		{ "a mi papá, que toma sintrom, se le llenó la espalda de moretones", U },
		{ "tengo los muslos plagados de manchas moradas desde que tomo el eliquis", U },
		{ "mi abuela está toda cubierta de hematomas y toma warfarina", U },
		{ "le aparecieron manchas negras por todo el brazo", U },
		{ "me llené de barro las botas en el paseo", R },
		/* pain that hurts more than before: worsening, even if mild */
		{ "la pantorrilla me duele un poco más que ayer", U },
		{ "el gemelo me molesta bastante más que anoche", U },
		{ "cada vez me duelen más las piernas", U },
		{ "ya no me duele más la pantorrilla", R },
		/* less air than before */
		{ "hoy tengo menos aliento que ayer, creo", U },
		{ "siento que le entra menos aire a mi marido", U },
		{ "pon menos aire acondicionado que hace frío", R },
		{ "mi mamá tiene menos apetito que ayer", R },
		/* over-triage: a greeting, a little gum bleeding that stopped */
		{ "que tal doctor, todo tranquilo por aca", R },
		{ "que onda, ya caminé mis 30 minutos", R },
		{ "me sangran un poquito las encias al cepillarme pero ya nada", R },
		{ "me sangran un poquito las encias al cepillarme y no para", U },
	};

	(void)state;
	CHECK(c);
}

static void
test_tune40_en(void **state)
{
	static const struct case_ c[] = {
		/* the clot gone to the lungs said with "it", "me" and "ma" for my */
		{ "i reckon its gone to my lungs like my nan's did", E },
		{ "scared it's moved to his lung, hes not right", E },
		{ "its gane tae ma lungs i ken it", E },
		{ "it has travelled up to me lungs I think", E },
		{ "the clot's shifted to me lungs", E },
		{ "what if it goes to my lungs?", A },
		/* blood brought up, then a later "not" about the amount */
		{ "coughing up blood earlier not much but blood all the same", E },
		{ "hawking up blood this morning not a lot", E },
		{ "been hacking up phlegm, no blood in it thank god", R },
		/* can't typed every which way, and "can't seem to" before breath */
		{ "cnat breathe", E },
		{ "carnt breathe properly", E },
		{ "catn get my breath", E },
		{ "cant seem to get enough air in", E },
		{ "cannae seem tae get ma breath", E },
		{ "cant manage to get a proper breath", E },
		{ "walking doesn't seem to affect my breathing", R },
		/* a PE dictated letter by letter; breathing "all wrong" */
		{ "pretty sure it's a P. E. again", E },
		{ "I think im having a p-e", E },
		{ "my breathing is all wrong today", U },
		/* over-triage: "bloody" as an intensifier after a comma or verb */
		{ "moved the wardrobe, bloody heavy that was", R },
		{ "it was bloody freezing on the walk", R },
		{ "my phlegm is bloody and thick", E },
	};

	(void)state;
	CHECK(c);
}

static void
test_tune40_de(void **state)
{
	static const struct case_ c[] = {
		/* done for with the air, the breath used up or missing a while */
		{ "bin nach ein paar Metern total fertig mit der Puste", U },
		{ "die Puste ist sofort alle, wenn ich zum Briefkasten geh", U },
		{ "mir fehlt seit gestern Abend immer wieder die Luft", U },
		/* red on the toilet paper or in the bowl, any inflection */
		{ "hellrote Streifen auf dem Toilettenpapier", U },
		{ "im Klo war heute alles so rötlich", U },
		/* the chest named as the bosom */
		{ "es drückt so unterm Busen, links", U },
		/* a low pain score or walking on slower is the manageable ache */
		{ "ziehen in der Wade beim Spazieren, 2/10, ich gehe dann etwas langsamer", A },
		{ "Wade zieht beim Laufen so 8 von 10", U },
		/* whether to call 112 for a symptom, asked in general */
		{ "muss man bei Atemnot eigentlich gleich den Notarzt rufen?", A },
		{ "soll ich bei den Schmerzen jetzt 112 rufen?", U },
		/* an if-clause with würde is a supposition */
		{ "falls mir die Luft wegbleiben würde, würde ich sofort anrufen", A },
		/* a racing heart that feels odd is no chest pain */
		{ "mein Herz klopft so seltsam und mir ist schwindlig", U },
	};
	/* an unsure answer that grants a degree is a yes */
	static const char *const m1[] = { "es zieht so in der Brust",
	    "wei\u00df nicht so recht, etwas schon" };
	static const char *const m2[] = { "mir ist die Luft knapp",
	    "schwer zu sagen, ein bisschen vielleicht" };
	static const char *const m3[] = { "mir ist die Luft knapp",
	    "weiss nicht, eher nicht" };
	/* breathless, a no, then pain under the bosom; a calm chest */
	static const char *const m4[] = { "Atemnot seit heute", "nein",
	    "und jetzt sticht es unterm Busen" };
	static const char *const m5[] = { "schnaufe mehr beim Gehen",
	    "nein, Brust ist ganz ruhig" };
	/* a heart racing oddly after breathlessness is no chest pain */
	static const char *const m6[] = { "schnaufe mehr beim Gehen",
	    "nein", "jetzt rast mein Herz so komisch und mir ist schwindlig" };
	static const enum triage_level ue[] = { U, E };
	static const enum triage_level uu[] = { U, U };
	static const enum triage_level uue[] = { U, U, E };
	static const enum triage_level uuu[] = { U, U, U };

	(void)state;
	CHECK(c);
	conv(m1, ue, NULL, 2);
	conv(m2, ue, NULL, 2);
	conv(m3, uu, NULL, 2);
	conv(m4, uue, NULL, 3);
	conv(m5, uu, NULL, 2);
	conv(m6, uuu, NULL, 3);
}

/* tune42: "out of breathe", yes/no tags and open alternatives as
 * questions, a plan with "anything I should do", a short "why" (pq, xq),
 * stocking troubles (es, de), the intensity after the symptom, and the
 * German umlaut typed as oe/ue in the leg's words */
static void
test_tune42(void **state)
{
	static const struct case_ c[] = {
		{ "out of breathe going up to bed", U },
		{ "out of breathe sitting down", E },
		{ "stockings in bed y/n", A },
		{ "swimming fine or not", A },
		{ "down the stairs as well or just up", A },
		{ "long drive on friday, anything i should know", A },
		{ "breathlessness horrendous", E },
		{ "short of breath very bad", E },
		{ "breathlessness not severe", U },
		{ "xq se me bajan las medias", A },
		{ "por q me pican tanto las medias", A },
		{ "las medias se me enrollan en la rodilla", A },
		{ "nadar tambien o solo caminar", A },
		{ "me voy de viaje en bus 8 horas, algo a tener en cuenta", A },
		{ "ahogo muy intenso", E },
		{ "dificultad para respirar extrema", E },
		{ "falta de aire leve", U },
		{ "Fuesse dick seit gestern", U },
		{ "Knoechel geschwollen und heiss", U },
		{ "atemnot total heftig", E },
		{ "luftnot echt brutal", E },
		{ "krasse atemnot", E },
		{ "atemnot nicht so schlimm", U },
		{ "die str\u00fcmpfe rollen sich oben ein", A },
		{ "strumpf juckt furchtbar", A },
		/* a history with its time cut short, a "was tun falls" */
		{ "breathless a few wks ago, all good now", R },
		{ "chest pain worse than last wk", U },
		{ "el anio pasado tuve trombosis en la pierna, ahora bien", R },
		{ "was machen falls die wade pocht", A },
		{ "was machen bei atemnot", U },
	};
	/* a yes to the follow-up after "out of breathe" */
	static const char *const m1[] = { "out of breathe on the stairs",
	    "yeah" };
	static const enum triage_level ue[] = { U, E };

	(void)state;
	CHECK(c);
	conv(m1, ue, NULL, 2);
}

static void
test_tune43_en(void **state)
{
	static const struct case_ c[] = {
		/* questions said without a question word or mark */
		{ "off to spain next month, anything special I need to be packing for the flight", A },
		{ "is grapefruit juice safe on warfarin", A },
		{ "turmeric tablets fine with my apixaban", A },
		{ "does ibuprofen interfere with rivaroxaban", A },
		{ "I'm fine on my blood thinners thanks", R },
		{ "stockings driving me mad, any harm in leaving them off at night", A },
		{ "socks are so itchy, will it do any harm to skip them tonight", A },
		{ "went 2 miles today, keep going like this or rest up a day", A },
		/* breath that needs pillows or a position; drowning for another */
		{ "have to prop myself up on three pillows to breathe at night", U },
		{ "had to sit up in bed to get a proper breath last night", U },
		{ "mum says it feels like she's drowning", E },
		{ "I'm drowning in paperwork this week", R },
		/* legs no longer a pair; a sock's line deeper on one side */
		{ "my calves don't match anymore", U },
		{ "ankles aren't the same size any more, the right one is puffy", U },
		{ "the sock marks on my bad leg are much deeper than the other side", U },
		{ "my stocking is cutting in tighter on the left today", U },
		/* idioms, with the patient's own red flag kept */
		{ "we were watching a film and some guy fainted, nearly spilled my tea", R },
		{ "watching tv and I passed out", E },
		{ "heart in my mouth when the scan results came", R },
		{ "my heart was in my mouth and pounding, feel dizzy", U },
		{ "the dog was panting and so was I", U },
		{ "our spaniel is wheezing after the beach", R },
		{ "my wife nearly had a heart attack at the price of the parking", R },
		{ "nearly had a heart attack when I saw blood in my pee", U },
		{ "I think I'm having a heart attack", E },
	};

	(void)state;
	CHECK(c);
}

static void
test_tune43_es(void **state)
{
	static const struct case_ c[] = {
		/* two choices offered without a question mark */
		{ "basta con caminar media hora o hace falta más", A },
		{ "la bici le hace bien o mal a la pierna", A },
		{ "ya puedo volver al gimnasio o aún es pronto", A },
		/* a question word inside the sentence, a form to fill */
		{ "oiga, cuándo podré dejar las medias", A },
		{ "el formulario del seguro pide si tuve trombosis, qué pongo", A },
		{ "camino cuando puedo, todo bien", R },
		/* a missed dose with the catch-up meant; told alone, a report */
		{ "se me olvidó el sintrom, lo tomo ahora", A },
		{ "me olvidé la inyección de heparina de ayer", R },
		/* a symptom inside a question: the symptom's level wins */
		{ "es normal que me palpite el gemelo por la noche", U },
		{ "siento el pulso en la pantorrilla, como un corazón", U },
		{ "tengo la pantorrilla agarrotada desde esta mañana", U },
		{ "me tomé el pulso de pie y todo bien", R },
		/* a leg like a boot; a big meal is no swelling */
		{ "tengo el tobillo que parece una bota", U },
		{ "estuve de pie en la boda y me puse como una bota", R },
		/* breathing that "costaba", with chest pain */
		{ "al subir la cuesta me dolía el pecho y me costó respirar", E },
		{ "anoche le costaba respirar a mi madre", U },
		{ "me costó un dineral el aire acondicionado", R },
		/* idioms, never over a patient's own symptom */
		{ "la multa me dejó sin respiración jaja", R },
		{ "al final la cuesta me dejó sin aliento", U },
		{ "en la película al protagonista le da un infarto", R },
		{ "viendo la novela a la abuela le dio un infarto", E },
		{ "mi perra tiene la pata hinchada", R },
		{ "el perro me pisó la pata y la tengo hinchada", U },
		{ "con el gol se me salía el corazón por la boca", R },
		{ "mañana analítica de sangre", R },
	};

	(void)state;
	CHECK(c);
}

static void
test_tune43_de(void **state)
{
	static const struct case_ c[] = {
		/* a question, then the leg told as getting worse now */
		{ "Darf ich weitergehen wenn das Bein wehtut? Seit gestern wird es immer heftiger", U },
		{ "Soll ich Pause machen wenn die Wade zieht? Mit jedem Schritt wurde es schlimmer", U },
		/* bleeding that goes on, its time in second-language German */
		{ "Nase blute seit lange Zeit, nehme Eliquis. Was tun?", U },
		{ "Zahnfleisch blutet seit ner Viertelstunde, soll ich Eis drauf?", U },
		/* a fall told in the present, parted verb; not the idioms */
		{ "Ist das normal, dass ich nach dem Aufstehen einfach umfalle?", E },
		{ "beim Duschen wird mir komisch und dann kippe ich um", E },
		{ "bin so müde, ich fall gleich um vor Müdigkeit", R },
		{ "Die Warteschlange war zum Umfallen lang", R },
		/* breath said plainly */
		{ "Mama Brust weh und Atmen nix gut", E },
		{ "Atmung nicht normal seit heute", U },
		/* a large bruise told by its size after it */
		{ "nehme Marcumar, der Bluterguss am Arm ist handgroß", U },
		{ "das Hämatom am Oberschenkel breitet sich aus", U },
		{ "der blaue Fleck wird schon kleiner", R },
		/* a question without a question mark */
		{ "Ich sitze viel im Büro. Ist das gefährlich für die Thrombose", A },
		/* a supposition closed by "sollte" */
		{ "Wenn ich auf dem Flug Atemnot bekommen sollte, wen soll ich anrufen", A },
		/* idioms: suspense, a football club, a TV character */
		{ "Beim Finale hab ich vor Spannung den Atem angehalten, Beine gut", R },
		{ "Mir blieb die Luft weg vor Staunen, so schön war die Aussicht", R },
		{ "Mein Herz schlägt für Schalke, Tablette genommen", R },
		{ "Hab beim Krimi beinahe einen Herzinfarkt bekommen 😂", R },
		{ "Im Film hatte der Kommissar eine Lungenembolie, war spannend", R },
		/* ...while the patient's own symptoms are still read */
		{ "Hab fast nen Herzinfarkt gekriegt, die Brust drückt so", E },
		{ "Im Film hatte einer eine Lungenembolie, die gleichen Symptome hab ich auch", E },
		{ "Beim Treppensteigen blieb mir die Luft weg", U },
		{ "Hab die Luft angehalten und jetzt sticht es in der Brust", U },
	};
	CHECK(c);
}

/*
 * A "what if" followed by a sentence that says it is happening now is read as
 * real (a relapse cue in a later sentence); inside the same clause it stays a
 * "what if".
 */
static void
test_relapse_after_what_if(void **state)
{
	static const struct case_ c[] = {
		{ "what do I do if my calf swells? its happening now", U },
		{ "what should I do if my leg gets swollen. that's what's happening to me right now", U },
		{ "what if I get chest pain, is that common", A },
		{ "qu\u00e9 hago si se me hincha la pierna? me est\u00e1 pasando ahora", U },
		{ "qu\u00e9 hago si me falta el aire? no me pasa nada, solo pregunto", A },
		{ "Was mach ich wenn die Wade anschwillt? Passiert grad", U },
		{ "Was mach ich wenn ich Brustschmerzen kriege? passiert heute nicht, nur Frage", A },
		{ "what if mi pierna se pone roja otra vez, llamo?", A },
		/* a stop undone: "started again" */
		{ "my nose bled, it stopped after 3 minutes but it started again", U },
		{ "Nasenbluten hatte aufgeh\u00f6rt, jetzt hat es wieder angefangen", U },
		{ "no bleeding, I started again with my walks", R },
	};

	(void)state;
	CHECK(c);
}

static void
test_tune44_es(void **state)
{
	static const struct case_ c[] = {
		/* a body gone limp, eyes rolled up, a gaze gone */
		{ "mi madre se me quedó como un trapo en el sofá", E },
		{ "se nos quedó blandita en la silla", E },
		{ "se le voltearon los ojos y se fue para atrás", E },
		{ "se le fue la mirada un momento y no nos hablaba", E },
		{ "estoy hecha un trapo después de limpiar la casa", R },
		/* spoken to or shaken and nothing; a while without an answer */
		{ "la sacudíamos y no reaccionaba", E },
		{ "estuvo como dos minutos sin reaccionar", E },
		{ "la doctora lleva dos días sin responder a mis mensajes", R },
		{ "llamé a la clínica y no me contestaban el teléfono", R },
		/* sliding off a seat; regional verbs and nouns */
		{ "se escurrió del sillón y la tuvimos que sujetar", E },
		{ "mi abuela se desgonzó en el comedor", E },
		{ "se me desguanzó en los brazos", E },
		{ "a mi tío le dio un vaguido en la cocina", E },
		{ "ando desguanzada de tanto caminar, 5 km hoy", R },
		/* gone for a moment, out like a candle, a gap in memory */
		{ "se nos fue unos segundos, luego volvió", E },
		{ "cenando se apagó como una vela", E },
		{ "de repente se apagó la luz en todo el barrio", R },
		{ "el dolor se me fue un rato con el paseo", R },
		{ "lo último que recuerdo es estar en el baño y luego el suelo", E },
		{ "cuando me di cuenta estaba tirada en la cocina", E },
		{ "lo último que recuerdo de la película es el final", R },
		/* idioms */
		{ "mi gata casi se desmaya de la emoción cuando llegué", R },
		{ "perdí el sentido del ridículo bailando, la pierna bien", R },
		/* a leg told by what people notice */
		{ "los vaqueros me aprietan solo de la pierna derecha", U },
		{ "la goma del calcetín se me hunde en la pantorrilla", U },
		{ "no se me ven los huesitos del tobillo", U },
		{ "ya no tengo tobillo, es una sola pieza", U },
		{ "tengo la pierna que parece una columna", U },
		{ "siento como una bola dentro de la pantorrilla", U },
		{ "me duele al apoyar el pie desde ayer", U },
		{ "la pierna me duele menos pero está el triple de hinchada que ayer", U },
		{ "la pantorrilla está como una brasa", U },
		{ "dormí como un tronco, hoy caminé 30 min", R },
		/* breathing a little harder, so the question is asked */
		{ "me cuesta un poquito más respirar que ayer", U },
	};
	CHECK(c);
}

static void
test_tune44_en(void **state)
{
	static const struct case_ c[] = {
		/* waking or coming to where nobody sleeps */
		{ "came round jammed between the toilet and the wall", E },
		{ "dad woke up slumped against the radiator in the hall", E },
		{ "woke up with my face on the kitchen tiles", E },
		{ "woke up in bed at 7 and did my walk", R },
		/* falling like a puppet, crumpling */
		{ "she went down like a rag doll at the bus stop", E },
		{ "he just crumpled at the sink, awake now", E },
		{ "she dropped like someone had cut her strings", E },
		{ "husband folded like a deckchair in the garden", E },
		{ "I just crumpled the letter and binned it", R },
		/* missing time, the world seen from the floor */
		{ "lost a couple of minutes somewhere this morning", E },
		{ "a few minutes are missing from my memory today", E },
		{ "lost 10 minutes looking for my keys this morning", R },
		{ "kitchen, then the ceiling and then the lino", E },
		/* slept hard, not fainted */
		{ "the wife crashed out asleep on the couch after the party", R },
		/* sliding, sinking, going heavy, the head lolling, the room swimming */
		{ "mum sank to the floor in the kitchen", E },
		{ "he slid off the toilet and wont answer me properly", E },
		{ "his head lolled and his eyes were half open", E },
		{ "she went a dead weight in my arms", E },
		{ "everything swam and then I was lying on the rug", E },
		{ "slid off the chair to reach the remote", R },
		{ "sank into the sofa after my walk, lovely", R },
		/* clothes and shoes that fit one leg only */
		{ "jeans are so tight on my left leg today", U },
		{ "cant get my bad boot on this morning", U },
		{ "left slipper won't go on anymore", U },
		{ "trousers are tight around my waist since christmas lol", R },
		/* deep sock marks, a landmark gone, the dent that stays */
		{ "stocking marks really deep on the right tonight", U },
		{ "cant see my ankle bone anymore on the right side", U },
		{ "the knobbly bit of his ankle has vanished", U },
		{ "pushed on his shin and it left a dent that took ages to fill", U },
		/* leg images: food, heaters, colours, stretched skin, pitting */
		{ "his foot looks like a loaf of bread", U },
		{ "my right calf is like a radiator", U },
		{ "her ankle has gone a mottled purplish colour", U },
		{ "leg is huge and the skin is taut", U },
		{ "his shin is pitting when you press it", U },
		{ "my wellies won't go over my right calf", U },
		/* warmth compared, tender like a bruise */
		{ "my calf feels hotter than the good leg", U },
		{ "feels like someone kicked me in the shin but nobody did", U },
		/* flexing that catches, a walking ache that no longer eases */
		{ "if I point my foot up my calf nips", U },
		{ "pain in the calf on my walks won't settle even when I stop now", U },
		/* puffed up is a swelling, not a breath, unless it goes up something */
		{ "his ankle is puffed up and shiny", U },
	};

	(void)state;
	CHECK(c);
}

static void
test_tune44_de(void **state)
{
	static const struct case_ c[] = {
		/* Swiss and Bavarian participles of sinking together */
		{ "De Vatter isch im Bus zämegsunke", E },
		{ "Oma is in da Kuchl zsammgsunkn", E },
		{ "Mama isch i de Chuchi umkeit", E },
		/* the lights going out for a person, not in the house */
		{ "Ihm sind beim Arzt plötzlich die Lichter ausgegangen", E },
		{ "Meinem Mann sind im Garten die Lichter ausgegangen", E },
		{ "Es hat mich beim Duschen einfach ausgeknipst", E },
		{ "Stromausfall, bei uns im Haus sind die Lichter ausgegangen", R },
		{ "Mir sind fast die Lichter ausgegangen vor Müdigkeit", R },
		/* found lying, black told in reported speech, no answer */
		{ "Hab sie regungslos vorm Bett gefunden", E },
		{ "Er sagt, ihm wäre ganz kurz schwarz geworden und er sei gestürzt", E },
		{ "Mein Mann hat mitten im Satz plötzlich nicht mehr geantwortet", E },
		{ "Mein Sohn hat auf meine Nachricht nicht mehr geantwortet", R },
		{ "Beim Aufstehen sind ihm die Beine weggeknickt", E },
		/* dozing and things that tip over are no faint */
		{ "Oma ist nach dem Kaffee im Sessel weggenickt", R },
		{ "Die Milch ist umgekippt, muss neue kaufen", R },
		/* clothes tight on one leg only, the one that no longer fits */
		{ "Die Leggings spannt nur am rechten Bein", U },
		{ "Linke Socke schneidet ein, rechte nicht", U },
		{ "Die Uhr passt noch, aber der linke Schuh nicht mehr", U },
		{ "Schuhe drücken links und rechts, sind halt neu", R },
		/* a sock mark or dent that stays; a stocking suddenly tight */
		{ "Strumpfabdruck bleibt rechts den ganzen Tag", U },
		{ "Wenn ich ins Schienbein drücke, bleibt eine Delle stehen", U },
		{ "Seit gestern schnürt der Stützstrumpf total ein", U },
		{ "Ist es normal, dass der Kompressionsstrumpf so einschneidet?", A },
		/* the leg risen like dough, pressure from inside */
		{ "Mein Knöchel ist aufgegangen wie ein Hefeteig", U },
		{ "Der Fuß ist richtig aufgeschwemmt seit der Reise", U },
		{ "Mei Wadl is aufganga wia a Germknödl", U },
		{ "De Schuach drückt nur links", U },
		{ "Der linke Stützstrumpf geht seit gestern kaum noch hoch", U },
		{ "Sie lag reglos neben dem Bett", E },
		{ "Druckgefühl in der linken Wade seit heute Morgen", U },
		{ "Der Verband am Bein ist aufgegangen, soll ich ihn neu wickeln?", A },
		{ "Beide Beine wieder gleich dick, super", R },
		{ "Der rote Fleck am Bein war nur ein Mückenstich", R },
		/* chest pain with the verb first and a time between */
		{ "Sticht seit gestern Abend immer wieder rechts in der Brust", U },
		{ "Brennt seit einer Stunde hinter dem Brustbein", U },
	};
	CHECK(c);
}

static void
test_severity_compose(void **state)
{
	/* breathless (any words) + breath_severity (a sign of severity in
	 * other words) is an emergency: rule breathless_severe_sign.  Mild
	 * signs, a sign said to be fine, denials and what-ifs are not. */
	static const struct case_ c[] = {
		{ "out of puff even lying in bed", E },
		{ "wheezing and can barely get as far as the bathroom", E },
		{ "short of breath, can hardly move", E },
		{ "short of breath, talking in short bursts", E },
		{ "winded after one stair", E },
		{ "sob and its getting worse by the minute", E },
		{ "too puffed out to tie my shoelaces", E },
		{ "puffed out, cant get out of my chair", E },
		{ "se me acaba el aire hasta acostada", E },
		{ "me cuesta respirar, no llego ni a la cocina", E },
		{ "me cuesta respirar y hablo palabra por palabra", E },
		{ "respiro con dificultad incluso sentada en el sofa", E },
		{ "me cuesta respirar hasta para vestirme", E },
		{ "schnaufe, schaff es kaum bis zur Kueche", E },
		{ "Luft wird knapp, sogar im Sitzen", E },
		{ "keuche und komm nicht hoch", E },
		{ "Luft ist knapp, kann mich kaum bewegen", E },
		{ "Atemnot, wird rasch schlimmer", E },
		{ "breathless going up two flights of stairs", U },
		{ "a bit short of breath walking up the hill", U },
		{ "breathless on exertion but fine at rest", U },
		{ "puffed out after a few steps", U },
		{ "breathless when I talk on the phone", U },
		{ "me falta el aire al subir la cuesta", U },
		{ "me falta el aire caminando, en reposo bien", U },
		{ "Atemnot beim Treppensteigen, in Ruhe gut", U },
		{ "keuche nach 10 Stufen", U },
		{ "no breathlessness even at rest", R },
		{ "nada de falta de aire, ni en reposo", R },
		{ "keine Atemnot, auch nicht in Ruhe", R },
		{ "what should I do if I get breathless at rest?", A },
		{ "que hago si me falta el aire en reposo?", A },
		{ "was mache ich wenn ich in Ruhe Atemnot bekomme?", A },
	};

	(void)state;
	CHECK(c);
}

static void
test_tune45(void **state)
{
	static const struct case_ c[] = {
		/* vomit told by colour and texture */
		{ "dad has been sick twice, it's black and looks like coffee granules", E },
		{ "she threw up dark brown stuff with lumps in it, on apixaban", E },
		{ "brought up some black lumpy vomit this morning", E },
		{ "vomité algo negro como café molido", E },
		{ "mi padre devolvió algo marrón oscuro con grumos", E },
		{ "hab gspiebn und es war voller Bluad", E },
		{ "er hat sich übergeben, alles voller Bluat", E },
		{ "his vomit is black", E },
		{ "he is sick of the black cat scratching", R },
		{ "devolví la camiseta negra a la tienda", R },
		/* heavy periods with clots on blood thinners */
		{ "my period has huge clots and I'm on rivaroxaban", U },
		{ "la regla me viene con coágulos enormes desde el Sintrom", U },
		{ "muss alle zwei Stunden den Tampon wechseln, seit Eliquis", U },
		{ "Regel seit Xarelto mit dicken Klumpen", U },
		/* racing heart and dizziness as images, in dialects */
		{ "heart going like a drum and my head goes all floaty", U },
		{ "there's like a bird fluttering in my chest and I feel dizzy", U },
		{ "ando como si hubiera bebido y el corazón a mil", U },
		{ "me noto como borracho sin haber tomado y el pulso desbocado", U },
		{ "mei Herz schlagt wie verruckt und mir is ganz damisch", U },
		{ "S'Härz gumpt wie wild und mir isch trümmlig", U },
		/* upper back up top with breathlessness */
		{ "upper part of my back hurts and I'm a bit breathless", E },
		{ "pain in the back up top and I can't catch my breath", E },
		/* pain on breathing in as a knife, breathing otherwise fine */
		{ "al respirar hondo me clava como un cuchillo en el costado", U },
		{ "cada vez que inspiro es como una puñalada, respiro bien", U },
		{ "como una puñalada cuando inspiro y me ahogo", E },
		/* the DVT or the pain moved up into the chest */
		{ "i reckon my dvt has shifted", E },
		{ "pain moved up from my calf into my chest", E },
		{ "my dvt is moving in the right direction, scan better", R },
		/* a named condition feared now */
		{ "what if what I've got now is a PE? feel rubbish", E },
		{ "¿y si esto es un infarto? me siento fatal", E },
		{ "¿y si lo que tiene ahora mi madre es un infarto?", E },
		{ "was wenn das jetzt ein Herzinfarkt ist?", E },
		{ "what do I do if I have a heart attack?", A },
		{ "¿y si algún día me da un infarto?", A },
		/* how to tell a condition from anxiety: a question */
		{ "what's the difference between a heart attack and a panic attack?", A },
		{ "¿cuál es la diferencia entre un infarto y un ataque de pánico?", A },
		{ "Wie unterscheide ich einen Herzinfarkt von einer Panikattacke?", A },
		/* bleeding stopped within minutes: not unusual; longer is */
		{ "nose bled this morning, stopped after 3 minutes, fine now", R },
		{ "bled from my gums a bit while flossing but it stopped within a minute", R },
		{ "me sangró la encía al cepillarme, se paró enseguida", R },
		{ "mi corte sangró un poco pero paró en un minuto", R },
		{ "Nase hat geblutet, nach 5 Minuten vorbei", R },
		{ "nosebleed for 25 minutes, stopped in 2 minutes after I pinched it", U },
		{ "me sangró la nariz media hora y paró en dos minutos con hielo", U },
		{ "Nasenbluten seit einer Stunde, nach 2 Minuten Drücken vorbei", U },
		{ "coughed up blood, stopped in about two minutes", E },
		/* pain on breathing in denied or gone */
		{ "no pain when taking a deep breath now", R },
		{ "the pain on breathing in from the weekend has totally gone", R },
		{ "inspiro hondo y sin ninguna molestia", R },
		{ "respiro hondo sin dolor pero me falta el aire", U },
		{ "Herzrasen gestern Abend, jetzt ist alles wieder gut", R },
		{ "Herzrasen und Brustschmerzen, jetzt wieder ruhig", U },
		/* pink froth while brushing is gum blood, no blood coughed up */
		{ "rosa Schaum beim Zähneputzen, mit Eliquis", R },
		{ "beim Zähneputzen Atemnot und rosa Schaum", E },
		{ "nach dem Zähneputzen rosa Schaum im Waschbecken", R },
		{ "Zahnfleisch blutet beim Putzen, Mund voller Blut nach dem Husten", E },
	};

	(void)state;
	CHECK(c);
}

/* tune46 (German): second-language and very old writers: infinitives for
 * conjugated verbs, the verb last, missing articles, literal images */
static void
test_tune46_de(void **state)
{
	static const struct case_ c[] = {
		/* a fall with the infinitive, someone lying, no answer */
		{ "Oma kippen einfach um im Flur", E },
		{ "Vater liegen am Fußboden, bitte", E },
		{ "Mama nix reagieren, Augen offen", E },
		{ "Opa nicht aufwachen seit Mittag", E },
		{ "Ich sprechen nix gut Deutsch, danke für Hilfe", R },
		{ "Die Preise fallen um 10 Prozent", R },
		/* dizzy or black before the eyes, then a fall, either order */
		{ "war schwindlig und bin im Flur gestürzt", E },
		{ "bin hingefallen weil mir schwarz vor Augen wurde", E },
		{ "nicht schwindlig, nicht hingefallen, alles gut", R },
		/* the heart attack in two words or translated */
		{ "ich glaube mein Vater Herz Anfall", E },
		{ "Angst vor Herzkrise, links alles weh", E },
		/* clutching the chest without sich */
		{ "mein Mann greift an Brust und schwitzt", U },
		{ "sie halten Brust ganz fest", U },
		/* images without a verb or article */
		{ "Bein wie tausend Nadeln seit heute", U },
		{ "wie Messer in Wade beim Gehen", U },
		{ "Brust wie in Schraubstock", U },
		{ "wie Stein liegt drauf, auf Brust", U },
		{ "Herz wie Dolch, bitte", U },
		{ "Mir ist ein Stein vom Herzen gefallen", R },
		/* breath told by an image */
		{ "ich schnaufen wie alte Dampflok auf Treppe", U },
		{ "Atem wie Blasebalg seit gestern", U },
		{ "mein Mann schnarcht wie eine Lokomotive", R },
		{ "ich fühlen wie Fisch ohne Wasser", E },
		{ "Luft kommen nicht rein", E },
		/* leg pain and a racing heart with the infinitive */
		{ "Wade pochen seit Morgen", U },
		{ "Herz rasen und mir schwindlig", U },
		/* history with a second-language ending */
		{ "Bruder hatte Lungenembolie vor 3 Jahre, mir geht gut", R },
	};

	(void)state;
	CHECK(c);
}

static void
test_tune46_es(void **state)
{
	/* second-language and very old writers (tune46): infinitives for the
	 * conjugated verb, the verb before "no poder", "ataque corazón", the
	 * sight gone dark before a fall, Portuguese words, a knife or needles
	 * in the calf, a small ache, "antes ..., ahora ya no", pride */
	static const struct case_ c[] = {
		{ "mi mamá caer en cocina y no responder un rato", E },
		{ "abuelo caerse en la calle y ya no abrir ojos", E },
		{ "papá no despertar unos segundos, asustado", E },
		{ "ayer caí rendida y no despertar hasta las 10", R },
		{ "se me oscureció la vista y me caí en el pasillo", E },
		{ "vista nublar y luego caer al suelo", E },
		{ "mi tía dice respirar ya no puede", E },
		{ "respirar no poder, ayuda", E },
		{ "aire no entrar bien, pecho no duele", E },
		{ "aire faltar un poco hoy", U },
		{ "el aire ni me entra ni me sale", E },
		{ "creo ataque del corazón, sudar mucho", E },
		{ "mi abuelo murió de ataque corazón hace años", R },
		{ "todo girar y corazón latir fuerte", U },
		{ "não dá pra respirar direito", E },
		{ "meu peito dói desde ontem", U },
		{ "to tonta e o coração acelerado", U },
		{ "siento como agujas en el gemelo al caminar", U },
		{ "en la pierna como un puñal cuando ando", U },
		{ "dolorcito chiquito en el gemelo al caminar, sigo?", A },
		{ "dolor pequeño en pantorrilla pero cada día más", U },
		{ "antes me dolía el pecho al subir, ahora ya no", R },
		{ "tengo el corazón lleno de alegría con mis nietos", R },
		{ "no poder hablar con doctor ayer, llamar hoy", R },
	};

	(void)state;
	CHECK(c);
}

static void
test_tune46_en(void **state)
{
	static const struct case_ c[] = {
		/* being without air or breath (sin aire said in English); not a denial */
		{ "my chest is hurting and I stay without air", E },
		{ "she is completely without breath since the morning", E },
		{ "walking fine now, no problems without air conditioning", R },
		{ "I walk without breathing problems now", R },
		/* breath 'less'/'little' with adverbs between; air and breath with 'the' after a rest */
		{ "the breath is also very less today", U },
		{ "I have less breath since morning", U },
		{ "I must rest on each stair to take the air", U },
		{ "cannot walk far, I stop to catch the breath", U },
		/* tiredness put on breathing */
		{ "my mother get tired with breathing when she talk", U },
		{ "breathing is making her tired even with small walk", U },
		/* leg size said with 'more' or 'become'; a stab that a leg part 'gives' */
		{ "her calf is more big than the other one", U },
		{ "the ankle become very fat since Sunday", U },
		{ "my legs are fat, always been like that", R },
		{ "my knee gives me a sharp jab when I bend", U },
		/* the toilet or latrine for stool; stool like charcoal */
		{ "my father's latrine is black, he is on apixaban", U },
		{ "his poo come out like charcoal since yesterday", U },
		{ "I cleaned the toilet, it was black with dirt", R },
		/* Hindi/Urdu, Tagalog and Malay words carers mix into English */
		{ "saans phool rahi hai aur chest mein dard", E },
		{ "mummy ko saans lene mein dikkat ho rahi hai", U },
		{ "hindi makahinga si lolo", E },
		{ "nahihirapang huminga si nanay since kagabi", U },
		{ "masakit ang dibdib ni tatay", U },
		{ "sesak nafas and sakit dada since morning", E },
		{ "namamaga yung paa ni lola", U },
		{ "pair mein soojan aur dard hai", U },
		{ "masakit pa rin ang ulo ko", R },
		/* a mild calf ache without article or -es */
		{ "her calf is little stiff after the shopping, go away when she sit", A },
		{ "tiny ache in the calf on long walk, when I rest it is better", A },
		{ "calf pain, it no go away when I rest", U },
		{ "small ache in calf but more and more every day", U },
	};

	(void)state;
	CHECK(c);
}

/*
 * The twelfth session's outside review: a cause after "no puedo" / "kann
 * nicht" is no denial; a "what if" answered by "I just did" or "ich habe sie
 * gerade"; a carer who could not wake the patient.
 */
static void
test_outside_review_causes(void **state)
{
	static const struct case_ c[] = {
		{ "no puedo andar por la falta de aire", U },
		{ "no puedo ni peinarme de la falta de aire", E },
		{ "no puedo dormir por el dolor de pecho", U },
		{ "ich kann nicht schlafen wegen Brustschmerzen", U },
		{ "kann kaum gehen wegen der Atemnot", U },
		{ "no me falta el aire, no puedo quejarme por ahora", R },
		{ "what happens if you cough up blood? I just did", E },
		{ "what do I do if I get chest pain? I've got it now", U },
		{ "\u00bfqu\u00e9 hago si me duele el pecho? es que me duele ahora", U },
		{ "Was mache ich bei Brustschmerzen? Ich habe sie gerade", U },
		{ "what if I cough blood? just asking", A },
		{ "we couldn't wake her for a minute, she's talking now", E },
		{ "I can't wake up in the morning, always tired", R },
		{ "can't lie flat, have to prop myself right up to get any air", E },
		{ "went out to get some air, lovely day", R },
	};

	(void)state;
	CHECK(c);
}

/*
 * tune47/48 (de): questions without a question mark in dialect and
 * second-language German (Swiss modal openers, "... ist ok" after a plan,
 * "gut oder schlecht", "lässt fragen, ob ... darf"); upper back typed with
 * "ue" with breathlessness; a leg that feels heated from inside; shooting
 * pain on pulling the foot up; "hab's / spür's in der Wade", a cramp that
 * won't let go; resolutions, dated history, idioms, a call-back request,
 * how-to-recognise questions; a gum bleed with pink saliva stays urgent.
 */
static void
test_tune47_de(void **state)
{
	static const struct case_ c[] = {
		{ "t\u00f6rf i wieder go jogge", A },
		{ "s\u00f6ll i d str\u00fcmpf au znacht tr\u00e4ge", A },
		{ "darf ich mit zug 8 stunde nach polen fahren ist ok", A },
		{ "im urlaub schwimmen gehen ist erlaubt", A },
		{ "sauna mit thrombose ok oder nicht", A },
		{ "treppe steigen ist gut oder schlecht f\u00fcr bein", A },
		{ "mein Mann l\u00e4sst fragen, ob er wieder Fahrrad fahren darf", A },
		{ "weiss nicht ob ich mit dem Strumpf schlafen soll", A },
		{ "obere ruecken tut weh und luft knapp", E },
		{ "schmerz im oberen r\u00fcckn + atemnot", E },
		{ "sein bein f\u00fchlt sich an wie eine w\u00e4rmflasche", U },
		{ "als h\u00e4tte ich ne herdplatte in der wade", U },
		{ "als ob jemand ein heizkissen in meine wade gelegt h\u00e4tte", U },
		{ "das ziehen in der wade hat nach dem hochlegen nachgelassen", R },
		{ "die wade ist dick und sie ist ganz rot", U },
		{ "wenn ich die zehen anziehe f\u00e4hrt's in die wade", U },
		{ "beim fusshochziehen zieht es heftig", U },
		{ "ich sp\u00fcr's seit heute im bein und es wird schlimmer", U },
		{ "wadenkrampf der einfach nicht aufh\u00f6rt", U },
		{ "merke die wade beim laufen etwas, leichtes ziehen", A },
		{ "sp\u00fcre es ein bisschen in der wade beim gehen", A },
		{ "die blutung am finger hat nach ein paar minuten aufgeh\u00f6rt", R },
		{ "nasenbluten hat bis jetzt nicht aufgeh\u00f6rt", U },
		{ "die atemnot von heute morgen ist weg", R },
		{ "meine lungenembolie ist drei jahre her, darf ich fliegen?", A },
		{ "der preis hat mir den atem geraubt, sonst gut", R },
		{ "ruft mich jemand an?", R },
		{ "wann gilt eine wade als geschwollen?", A },
		{ "kann ich eine thrombose selber erkennen?", A },
		{ "zahnfleisch blutet seit einer stunde, der speichel ist rosa", U },
		{ "merci vielmal f\u00fcr d tipps", R },
	};

	(void)state;
	CHECK(c);
}

/*
 * tune47 (en): a symptom told as over in other words ("long gone", "ancient
 * history") comes back with "it's started again" / "flared up again"; a
 * nosebleed stopped within minutes that starts again; a YES with more words
 * after it; a collapse told by a carer; stocking troubles as a question.
 */
static void
test_tune47_en(void **state)
{
	static const struct case_ c[] = {
		/* a carer's collapse: gone down somewhere, can't get up, confused and clammy */
		{ "my wife has gone down in the bathroom and I cant get her up", E },
		{ "grandad fell in the hallway and can't get himself back up, he's grey and clammy", E },
		{ "he's on the floor and we can't get him up off the floor", E },
		{ "she seems disorientated and clammy, not herself at all", E },
		/* no collapse; a hill no longer climbed without a stop is read
		 * as breathlessness since the nineteenth session */
		{ "fell over in the garden last week, still can't get up the hill without stopping", U },
		{ "the swelling has gone down in my calf", R },
		/* stocking troubles: advice */
		{ "my compression stockings keep slipping down by lunchtime", A },
		{ "the stocking is cutting into the back of my knee", A },
		{ "compression socks are so itchy in this heat", A },
	};
	static const char *const m1[] = {
	    "the breathlessness after the op is long gone now",
	    "it's started again tonight" };
	static const char *const m2[] = {
	    "that chest tightness is ancient history",
	    "well it's flared up again this morning" };
	static const char *const m3[] = {
	    "nosebleed earlier, it stopped after a couple of minutes",
	    "it's come on again and it's been 20 mins" };
	static const char *const m4[] = {
	    "had a nosebleed at lunch, stopped after 4 mins" };
	static const char *const m5[] = {
	    "my chest feels heavy today",
	    "yep and I get puffed out just walking to the loo" };
	static const char *const m6[] = {
	    "what should I do if I get chest pain in the night?",
	    "asking because I'm a bit puffed out walking lately" };
	static const enum triage_level ru[] = { R, U }, r[] = { R },
	    ue[] = { U, E }, au[] = { A, U };

	(void)state;
	CHECK(c);
	conv(m1, ru, NULL, 2);
	conv(m2, ru, NULL, 2);
	conv(m3, ru, NULL, 2);
	conv(m4, r, NULL, 1);
	conv(m5, ue, NULL, 2);
	/* another symptom as the reason for asking is no "happening now" */
	conv(m6, au, NULL, 2);
}

/*
 * tune49 (German): Ohnmacht typed without its "hn", asked about or not; a
 * breath that itself hurts (pain on breathing in is chest pain, so that a
 * later YES or breathlessness makes the emergency); a throat squeezed or a
 * strangler as the image of breathing, with upper back pain.
 */
static void
test_tune49_de(void **state)
{
	static const struct case_ c[] = {
		{ "papa ist onmechtig, was mach ich jetzt?", E },
		{ "mama is in omacht gefallen", E },
		{ "er ist omächtich geworden soll ich 112 rufen", E },
		{ "wie erkenne ich ob jemand ohnmächtig ist?", A },
		{ "jeder Atemzug brennt wie Feuer in der Brust", U },
		{ "tiefes Luftholen sticht total", U },
		{ "beim Husten sticht es wie ein Messer unter den Rippen", U },
		{ "kein Atemzug sticht mehr, alles gut", R },
		{ "als ob mir einer die Gurgel zudrückt beim Atmen", E },
		{ "fühlt sich an als würde mich jemand würgen, oben am Rücken brennts", E },
		{ "wie Hände um den Hals, Rücken oben zieht", E },
		{ "die Angst schnürt mir den Hals zu", U },
		{ "mein Baby würgt beim Essen", R },
	};

	(void)state;
	CHECK(c);
}

/*
 * tune49 (English): only half a breath (breathless; with a weight on the
 * chest an emergency); a named condition after "if I think" in a question;
 * a call for a human; "it's ok if I slow down" makes a calf ache mild.
 */
static void
test_tune49_en(void **state)
{
	static const struct case_ c[] = {
		{ "only managing half breaths today", U },
		{ "like a piano on my chest and I can just get half a breath", E },
		{ "my lungs fill only halfway and my chest aches", E },
		{ "I only walked half a mile today", R },
		{ "took half a tablet this morning", R },
		{ "what do I do if I suspect it's a clot in my lung?", A },
		{ "what should we do if mum thinks it's a heart attack?", A },
		{ "I think it's a PE, what do I do", E },
		{ "is anybody even reading my messages", R },
		{ "I'd like a real person please", R },
		{ "my calf aches on walks but it's fine once I rest", A },
		{ "calf is sore walking, it's better if i stop for a bit", A },
	};

	(void)state;
	CHECK(c);
}

/*
 * A "what if" question, and in the next message a word or two saying it is
 * happening ("it just happened", "I am now", "es que me acaba de pasar",
 * "hab ich grad"): the symptom asked about is reported.  A message that
 * says something else ("I am going to the shop now", "bin gerade
 * spazieren") is no confirmation.
 */
static void
test_what_if_then_confirmed(void **state)
{
	static const struct { const char *first, *second; enum triage_level want; } c[] = {
		{ "what do I do if I cough up blood?", "it's just happened", TRIAGE_EMERGENCY },
		{ "what if I get chest pain", "well I am now", TRIAGE_URGENT },
		{ "what should I do if my calf swells up?", "cos it has.", TRIAGE_URGENT },
		{ "what if I get chest pain", "I am going to the shop now", TRIAGE_ROUTINE },
		{ "\u00bfqu\u00e9 hago si toso sangre?", "pues me acaba de pasar", TRIAGE_EMERGENCY },
		{ "qu\u00e9 pasa si me duele el pecho", "ahorita s\u00ed", TRIAGE_URGENT },
		{ "was mach ich wenn ich Blut huste", "hab ich grad", TRIAGE_EMERGENCY },
		{ "was mach ich wenn ich Blut huste", "bin gerade spazieren", TRIAGE_ROUTINE },
	};
	struct triage_state st;
	struct triage_result res;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof c / sizeof c[0]; i++) {
		triage_state_init(&st);
		triage_step(rules, &st, c[i].first, 1000, &res);
		triage_step(rules, &st, c[i].second, 1060, &res);
		if (res.level != c[i].want)
			fail_msg("\"%s\" then \"%s\": %s, want %s", c[i].first,
			    c[i].second, triage_level_name(res.level),
			    triage_level_name(c[i].want));
	}
}

/*
 * One sentence sent as two messages ("I can't" / "breathe", "tosí" / "y
 * salió sangre"): a message that placed nowhere and looks cut short is
 * kept, and the next one, within TRIAGE_JOIN_WINDOW, is read joined to it
 * too.  Not after the window, not when the next one says something whole,
 * and the fragment survives the state's round trip through its string.
 */
static void
test_split_message(void **state)
{
	static const struct {
		const char *first, *second;
		int64_t gap;
		enum triage_level want;
	} c[] = {
		{ "sorry phone cut off. I can't", "breathe", 40, TRIAGE_EMERGENCY },
		{ "I coughed", "and there was blood", 20, TRIAGE_EMERGENCY },
		{ "tos\u00ed", "y sali\u00f3 sangre", 30, TRIAGE_EMERGENCY },
		{ "ich kann nicht", "atmen", 15, TRIAGE_EMERGENCY },
		{ "ich kann nicht", "atmen", TRIAGE_JOIN_WINDOW + 60, TRIAGE_URGENT },
		{ "I coughed.", "and there was blood", 20, TRIAGE_URGENT },
		{ "my chest", "feels crushed and I'm puffing", 30, TRIAGE_EMERGENCY },
		{ "I threw up and there was", "blood in it", 30, TRIAGE_EMERGENCY },
		{ "meine Brust", "f\u00fchlt sich zugeschn\u00fcrt an und ich bin kurzatmig", 30, TRIAGE_EMERGENCY },
		/* a denial is no fragment */
		{ "keine brustschmerzen", "aber luft krieg ich schlecht", 30, TRIAGE_URGENT },
	};
	struct triage_state st, back;
	struct triage_result res;
	char *s;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof c / sizeof c[0]; i++) {
		triage_state_init(&st);
		triage_step(rules, &st, c[i].first, 1000, &res);
		/* the daemon stores the state between messages */
		s = triage_state_format(rules, &st);
		assert_int_equal(triage_state_parse(rules, s, &back), 0);
		free(s);
		assert_string_equal(back.prev, st.prev);
		assert_true(back.prev_at == st.prev_at);
		triage_step(rules, &back, c[i].second, 1000 + c[i].gap, &res);
		if (res.level != c[i].want)
			fail_msg("\"%s\" then \"%s\" %lld s later: %s, want %s",
			    c[i].first, c[i].second, (long long)c[i].gap,
			    triage_level_name(res.level),
			    triage_level_name(c[i].want));
	}
	/* a whole message is kept as no fragment */
	triage_state_init(&st);
	triage_step(rules, &st, "walked 20 minutes", 1000, &res);
	assert_true(st.prev_at == 0);
	triage_step(rules, &st, "my chest", 1000, &res);
	assert_true(st.prev_at == 1000);
	assert_string_equal(st.prev, "my chest");
}

/*
 * tune62b (an outside attack, sixteenth session): a question, then a
 * sentence that says when it happened or for how long, is a report; not
 * when that sentence says all is well, denies, or speaks of another time.
 */
static void
test_report_after_question(void **state)
{
	static const struct case_ c[] = {
		{ "what do I do if I cough up blood? happened this morning", E },
		{ "in case I pass out again, who do I call? went down twice today", E },
		{ "what do I do if it won't stop bleeding? been 30 mins, nose", U },
		{ "qu\u00e9 hago si no para de sangrar el corte? lleva una hora", U },
		{ "Was soll ich tun, wenn ich Blut huste? Ist heute fr\u00fch passiert", E },
		{ "Was mache ich, wenn das Nasenbluten nicht aufh\u00f6rt? Geht seit 30 Minuten", U },
		/* the writer's own inside the "what if" */
		{ "what should I do if my leg swells up like this?", U },
		{ "Soll ich ins Krankenhaus, wenn das Bein so dick und hei\u00df ist?", U },
		/* still a question */
		{ "what do I do if I cough up blood? I'm fine today, just asking", A },
		{ "what should I do if I get chest pain? none today", A },
		{ "Was mached mir, wenn er wieder Bluet im Urin het? Grad isch alles guet.", A },
		/* a report undoes a "what if", never a history */
		{ "Hatte 2019 einen Herzinfarkt, hab ich das schon erz\u00e4hlt? Heute trotzdem flott 40 min unterwegs gewesen", A },
	};

	(void)state;
	CHECK(c);
}

/* tune62b: "that's me" after a general question reports what it asked. */
static void
test_now_after_general_question(void **state)
{
	static const char *const m1[] = {
	    "what should I do if I cough up blood?",
	    "because that's what just happened" };
	static const char *const m2[] = {
	    "what should I do if I get breathless and chest pain?",
	    "I have both right now" };
	static const char *const m3[] = {
	    "what does it mean if you faint on blood thinners?",
	    "my dad just did" };
	static const char *const m4[] = { "qu\u00e9 hago si me sangra la nariz?",
	    "llevo 20 minutos y nada" };
	static const char *const m5[] = {
	    "Was tun, wenn man Atemnot und Brustschmerzen hat?",
	    "weil ich das alles grad hab" };
	static const enum triage_level we[] = { A, E };
	static const enum triage_level wu[] = { A, U };

	(void)state;
	conv(m1, we, NULL, 2);
	conv(m2, we, NULL, 2);
	conv(m3, we, NULL, 2);
	conv(m4, wu, NULL, 2);
	conv(m5, we, NULL, 2);
}

/*
 * A NO keeps the follow-up question for one more message, which only a
 * late answer (a correction or a change said with what it feels like)
 * turns into a YES; the plain yes words do not count there.
 */
static void
test_late_answer(void **state)
{
	static const char *const m1[] = { "getting a bit puffed walking round the house",
	    "no", "feels heavy now, like a weight" };
	static const char *const m2[] = { "me falta un poco el aire hoy", "no",
	    "antes no, pero ahora s\u00ed me aprieta" };
	static const char *const m3[] = { "kriege schlechter Luft als sonst",
	    "nein", "jetzt dr\u00fcckt es" };
	static const char *const m4[] = { "bit breathless today", "no",
	    "tightness gone now" };
	static const char *const m5[] = { "me falta el aire", "no",
	    "ya hice mis 20 minutos de paseo, despacito" };
	static const enum triage_level we[] = { U, U, E };
	static const enum triage_level wu[] = { U, U, U };
	struct triage_state	st, back;
	struct triage_result	r;
	char			*s, *s2;

	(void)state;
	conv(m1, we, NULL, 3);
	conv(m2, we, NULL, 3);
	conv(m3, we, NULL, 3);
	conv(m4, wu, NULL, 3);
	conv(m5, wu, NULL, 3);
	/* a plain yes after the NO answers nothing: the NO was the answer */
	triage_state_init(&st);
	triage_step(rules, &st, "bit breathless today", T0, &r);
	triage_step(rules, &st, "no", T0 + 60, &r);
	assert_false(triage_question_pending(&st, T0 + 120));
	triage_step(rules, &st, "yes", T0 + 120, &r);
	assert_int_equal(r.answer, TRIAGE_ANSWER_NONE);
	/* a correction as the first answer that says it is fine is no YES */
	triage_state_init(&st);
	triage_step(rules, &st, "bit breathless today", T0, &r);
	triage_step(rules, &st, "no but today I feel great", T0 + 60, &r);
	assert_int_equal(r.level, TRIAGE_URGENT);
	/* only the next message: then the question is forgotten */
	triage_state_init(&st);
	triage_step(rules, &st, "bit breathless today", T0, &r);
	triage_step(rules, &st, "no", T0 + 60, &r);
	triage_step(rules, &st, "ok thanks", T0 + 120, &r);
	assert_int_equal(r.answer, TRIAGE_ANSWER_NONE);
	assert_false(triage_question_pending(&st, T0 + 180));
	/* corrected in the same message: a YES as the first answer */
	{
		static const char *const m7[] = { "bit breathless on the stairs today",
		    "didnt before but I do now" };
		static const char *const m8[] = { "bin heut kurzatmig",
		    "nein... doch, ein bisschen" };
		static const enum triage_level w[] = { U, E };

		conv(m7, w, NULL, 2);
		conv(m8, w, NULL, 2);
	}
	/* the declined question survives the store and still counts as pending */
	triage_state_init(&st);
	triage_step(rules, &st, "bit breathless today", T0, &r);
	triage_step(rules, &st, "no", T0 + 60, &r);
	assert_int_equal(r.answer, TRIAGE_ANSWER_NO);
	s = triage_state_format(rules, &st);
	assert_non_null(strstr(s, " declined=1"));
	assert_int_equal(triage_state_parse(rules, s, &back), 0);
	s2 = triage_state_format(rules, &back);
	assert_string_equal(s, s2);
	triage_step(rules, &back, "now it's tight", T0 + 120, &r);
	assert_int_equal(r.level, TRIAGE_EMERGENCY);
	assert_non_null(strstr(r.rules, "late_yes"));
	assert_false(triage_question_pending(&back, T0 + 180));
	free(s);
	free(s2);
}

/* tune62b: the heart said to be failing is a named condition. */
static void
test_heart_failing(void **state)
{
	static const struct case_ c[] = {
		{ "feels like my heart is giving out", E },
		{ "siento que el coraz\u00f3n se me va a parar", E },
		{ "hab das Gef\u00fchl, mein Herz macht gleich schlapp", E },
		{ "wenn die Wade bei jedem Schritt mehr wehtut", U },
	};

	(void)state;
	CHECK(c);
}

/*
 * A negation reaches along a list joined by "or" (disjunct cues), and a bare
 * "no" right after a symptom at the clause's end denies it; neither reaches
 * past "but" or a new clause, and "nada" as an object denies nothing.
 */
static void
test_denial_lists(void **state)
{
	static const struct case_ c[] = {
		{ "haven't had any chest pain or breathlessness or coughed up blood since I left hospital", R },
		{ "no he tenido dolor de pecho ni me ha faltado el aire ni he tosido sangre", R },
		{ "Atemnot keine, Brustschmerz nein, Bein unver\u00e4ndert", R },
		{ "Brustschmerzen habe ich keine, Atemnot auch nicht", R },
		{ "chest pain none, breathing fine", R },
		/* still present */
		{ "no fever or cough but I cant breathe", E },
		{ "my chest hurts no joke", U },
		{ "me duele al respirar hondo y estoy agitada sin hacer nada", E },
		{ "sigo con la pierna hinchada y nadie hace nada", U },
		/* a denial of something else reaches no symptom after the list */
		{ "no sleep or food because of crushing chest pain", U },
		{ "havent slept or eaten since this crushing chest pain started", U },
		{ "I didnt rest or eat because of the chest pain and breathlessness", E },
	};

	(void)state;
	CHECK(c);
}

/* A denial taken back on second thought brings the symptom back. */
static void
test_second_thoughts(void **state)
{
	static const char *const m1[] = {
	    "no me duele el pecho pero si me falta el aire al caminar una cuadra",
	    "bueno, ahora que lo pienso s\u00ed, me aprieta un poquito" };
	static const char *const m2[] = { "no chest pain but breathless on the stairs",
	    "actually now I think about it, yes a bit" };
	static const char *const m3[] = { "keine Brustschmerzen, aber kurzatmig",
	    "wenn ich mir recht \u00fcberlege, doch, ein bisschen" };
	static const char *const m4[] = { "no chest pain, walked 20 min",
	    "come to think of it, I did 30 actually" };
	static const enum triage_level we[] = { U, E };
	static const enum triage_level wr[] = { R, R };

	(void)state;
	conv(m1, we, NULL, 2);
	conv(m2, we, NULL, 2);
	conv(m3, we, NULL, 2);
	conv(m4, wr, NULL, 2);
}

/*
 * A question about the illness in general is advice; one that names the
 * writer, points at now, or (in Spanish) speaks of "the calf" as one's own
 * stays a report.
 */
static void
test_general_questions(void **state)
{
	static const struct case_ c[] = {
		{ "is coughing up blood a sign of a PE?", A },
		{ "can you pass out from a PE?", A },
		{ "es grave toser sangre?", A },
		{ "se puede desmayar uno por una embolia?", A },
		{ "Ist Bluthusten gef\u00e4hrlich?", A },
		{ "Kann man von einer Lungenembolie ohnm\u00e4chtig werden?", A },
		/* the writer's own */
		{ "is coughing up blood a sign of a PE? I did this morning", E },
		{ "can you pass out from a PE? I nearly did", E },
		{ "is coughing up blood this bad a sign of a PE?", E },
		{ "\u00bfes normal que la pantorrilla est\u00e9 calientita y roja?", U },
		{ "\u00bfes normal una presi\u00f3n en el pecho estando sentada viendo la tele?", U },
		{ "Ist Bluthusten gef\u00e4hrlich? Hab grad welches gehustet", E },
	};

	(void)state;
	CHECK(c);
}

/*
 * tune62b: figures of speech and other subjects are no symptom; the same
 * words about the writer still are.
 */
static void
test_figures_of_speech(void **state)
{
	static const struct case_ c[] = {
		{ "I nearly passed out laughing at my grandson's school play", R },
		{ "we had a power blackout last night, whole street, candles everywhere", R },
		{ "the garden shed roof collapsed in the storm lol, nobody hurt", R },
		{ "my heart is in my mouth waiting for the scan results", R },
		{ "the consultant said my lungs are clear and heart is strong", R },
		{ "watching casualty and someone coughed up blood, made me paranoid haha", R },
		{ "me dej\u00f3 sin respiraci\u00f3n el paisaje de la sierra", R },
		{ "mi perro jadea mucho con este calor", R },
		{ "Ich bin vor Lachen fast erstickt", R },
		{ "der Hund hechelt wie verr\u00fcckt bei der Hitze", R },
		{ "Ich hatte Herzklopfen vor Freude, als mein Enkel kam", R },
		/* the writer's own */
		{ "I passed out and my chest hurts", E },
		{ "watching tv and I coughed up blood", E },
		{ "anoche viendo la novela sent\u00ed el coraz\u00f3n a mil y me mare\u00e9", U },
		{ "bin ohnmaechtig geworden heute frueh", E },
		{ "my lungs are clear but I can't breathe", E },
	};

	(void)state;
	CHECK(c);
}

/*
 * A compound the lexicon does not know reads by its head when the head is a
 * target ("Treppenhausatemnot"); real words that end so stay whole
 * (known.rules: "ununterbrochen" is no "erbrochen"), and a longer head
 * after a short word keeps the word for the other readings.
 */
static void
test_compound_head(void **state)
{
	static const struct case_ c[] = {
		{ "Treppenhausatemnot nenn ich das jetzt", U },
		{ "Belastungsluftnot seit gestern", U },
		{ "zahnfleisch blutet seit dem fruehstueck ununterbrochen, muss dauernd rot ausspucken", U },
		{ "binumgekippt", E },
	};
	char	*r;

	(void)state;
	CHECK(c);
	r = triage_read_text(rules, "Treppenhausatemnot");
	assert_string_equal(r, "treppenhaus atemnot");
	free(r);
	r = triage_read_text(rules, "ununterbrochen");
	assert_string_equal(r, "ununterbrochen");
	free(r);
}

/*
 * A diminutive the lexicon does not know reads as the word of the rules it
 * makes small (es.rules `ending`): "airecito" is aire, "piernita" pierna,
 * "doctorcito" doctor (no typo of dolorcito), "chorrito" chorro; a real
 * word the rules spell stays ("calentita"), and an ending that makes no
 * word of the rules keeps the word ("pasillo", "bonito").
 */
static void
test_diminutive_endings(void **state)
{
	static const struct reading r[] = {
		{ "me falta el airecito", "me falta el aire" },
		{ "la piernita", "la pierna" },
		{ "buenas tardes doctorcito", "buenas tardes doctor" },
		{ "un chorrito", "un chorro" },
		{ "la naricita", "la nariz" },
		{ "calentita", "calentita" },
		{ "en el pasillo", "en el pasillo" },
		{ "bonito", "bonito" },
		/* a real word known.rules lists stays: no "subo", no "pero" */
		{ "dolor s\u00fabito", "dolor subito" },
		{ "el perito", "el perito" },
	};
	static const struct case_ c[] = {
		{ "hoy me empezo un cansancio y me falta el airecito", U },
		{ "buenas tardes doctorcito, todo bien, camine 20 min", R },
	};

	(void)state;
	check_reads(r, sizeof r / sizeof r[0]);
	CHECK(c);
}

/*
 * A question for the office (who is writing, appointments, opening hours,
 * parking) is no question the canned advice answers: routine, read by a
 * person (review).  A clinical question that names an appointment keeps
 * its advice; a checklist the writer answers at once is no question; pain
 * on breathing in is chest pain however many words come between (de).
 */
static void
test_office_questions(void **state)
{
	static const struct case_ c[] = {
		{ "who is this? I got a text from this number", R },
		{ "what time does the clinic open on saturday", R },
		{ "where do I park for the haematology clinic?", R },
		{ "can you change my appointment on thursday?", R },
		{ "\u00bfa qu\u00e9 hora abren el s\u00e1bado?", R },
		{ "me pueden cambiar la cita del jueves?", R },
		{ "Wo kann ich parken, wenn ich zur Kontrolle komme?", R },
		{ "Wann ist eigentlich mein n\u00e4chster Termin?", R },
		{ "???", R },
		{ "Atemnot? N\u00f6. Brustschmerzen? Nein. Nur m\u00fcde", R },
		{ "breathless? nope, not a bit", R },
		/* clinical questions keep their advice */
		{ "can I fly to Spain before my next appointment?", A },
		{ "is it ok to walk to the car park and back every day?", A },
		{ "Darf ich ins Thermalbad?", A },
		{ "Kann ich mit dem Bein zum Parkrun?", A },
		/* and a symptom its level */
		{ "who is this? my chest hurts and I can't breathe", E },
		{ "Der rechte Hausschuh passt nicht mehr, Fu\u00df richtig aufgebl\u00e4ht", U },
		{ "beim Einatmen tuts mir hinten im R\u00fccken und vorne weh", U },
		{ "es zieht rechts beim Luftholen und ich keuche", E },
	};
	struct triage_state	st;
	struct triage_result	res;

	(void)state;
	CHECK(c);
	triage_state_init(&st);
	triage_step(rules, &st, "where do I park for the clinic?", T0, &res);
	assert_non_null(strstr(res.rules, "review"));
	assert_true(res.review);
}

/*
 * Someone else's story is read as a report, even when the writer says they
 * are fine: a carer says so too ("my sister cannot breathe, I'm ok"), and
 * a story blanked on such words hid current symptoms of the patient and the
 * writer's own (an outside review's cases).  Over-triage is the safe error.
 */
static void
test_someone_elses_story(void **state)
{
	static const struct case_ c[] = {
		{ "my sister cannot breathe, I'm ok", E },
		{ "mi hermana tiene dolor de pecho y le falta el aire, yo estoy bien", E },
		{ "Meine Freundin hat Brustschmerzen und kriegt keine Luft, mir gehts gut", E },
		{ "caring for my uncle, he passed out twice, I'm fine", E },
		{ "Vor einer Stunde Blut gehustet, sonst alles gut.", E },
		{ "soy paciente de la cl\u00ednica, anoche tos\u00ed sangre, pero estoy bien", E },
		{ "my husband collapsed last night, I'm fine", E },
		{ "my sister had a clot too, I'm fine but my chest hurts and I can't breathe", E },
	};

	(void)state;
	CHECK(c);
}

/*
 * Paraphrases from tune63 by class: urine or toilet water the colour of
 * blood in either order, out cold with any verb of staying, ending up on
 * the floor, a cramp in the chest, stool like tar, pain on breathing in
 * said with no pain word.
 */
static void
test_tune63_paraphrases(void **state)
{
	static const struct case_ c[] = {
		{ "al hacer pis el agua del v\u00e1ter se ha puesto rosa", U },
		{ "la orina me sale rosadita desde ayer, tomo sintrom", U },
		{ "mi mare s\u2019a quedao sin sent\u00edo en la silla", E },
		{ "se me nubla la vista y acabo en el suelo", E },
		{ "me dio un calambre en el pecho", U },
		{ "Mein Kot sieht aus wie Teer", U },
		{ "nen Krampf in der Brust gekriegt und seitdem pfeift mir die Luft", E },
		{ "same spot, worse when I breathe in", U },
		/* "doch" still ends a denial; what "man" does may be one's own */
		{ "Keine Luftnot doch etwas Brustschmerz", U },
		{ "keine Schmerzen mehr doch eine kurze Ohnmacht gehabt", E },
		{ "muss man bei atemnot und brustschmerzen die 112 rufen, hab das beides", E },
		/* blood spat from the gums is bleeding, not blood coughed up */
		{ "gums bleeding loads and it won't stop, keep spitting red", U },
		{ "Zahnfleisch blutet dauernd, Spucke ist rot, h\u00f6rt nicht auf", U },
		{ "me sangran las enc\u00edas, llevo media hora escupiendo sangre", U },
		{ "spitting blood since this morning", E },
		{ "my gums bleed a bit but I've been coughing and spitting blood", E },
		/* the gums ruled out, or blood from further down */
		{ "spitting blood, my gums are fine", E },
		{ "I keep spitting up blood, not from my gums", E },
		{ "escupo sangre, no es de las enc\u00edas", E },
		{ "Ich spucke Blut, das Zahnfleisch ist es nicht", E },
		{ "Bluthusten seit heute fr\u00fch, spucke es aus, Zahnfleisch blutet auch etwas", E },
		{ "hawking up blood, spitting it out, gums bleed sometimes", E },
		/* look-alikes */
		{ "me he quedado sin palabras con la noticia", R },
		{ "el agua de la piscina estaba rosa por la luz, precioso", R },
	};

	(void)state;
	CHECK(c);
}

/*
 * Eighteenth session: breath said to be "justito" in Spanish; a symptom
 * "nearly gone" with no verb; an ache hedged as "kinda"; questions without
 * a question mark; glued and spelled words.  Each with the cases that must
 * stay high.  Plans said back ("I know to call 999 if I get chest pain"),
 * colon checklists, gym chest days, visits that "came round" and stories
 * were read lower for a while and taken out after two outside reviews found
 * real red flags they hid: those cases keep the safe, higher level.
 */
static void
test_eighteenth_classes(void **state)
{
	static const struct case_ c[] = {
		{ "Me noto el aire justito desde que me levant\u00e9", U },
		{ "llevo el aire muy escaso hoy y me aprieta el pecho", E },
		{ "swelling nearly gone, walking every day", R },
		{ "Schwellung fast weg, laufe jeden Tag", R },
		{ "la hinchaz\u00f3n ya casi no se nota", R },
		{ "swelling nearly gone but back today", U },
		{ "die Schwellung war fast weg, aber heute ist sie wieder da", U },
		{ "la hinchaz\u00f3n casi desaparecida pero hoy otra vez peor", U },
		{ "my calf kinda aches on my walks, is that normal?", A },
		{ "calf kinda aches and it is getting worse", U },
		{ "calf kinda aches, sharp pain when I walk", U },
		{ "chest day at the gym, legs fine", R },
		{ "hice pecho en el gym con poquito peso", U },
		{ "heute Brusttag im Studio, Bein gut", R },
		{ "did chest and triceps, now my chest hurts and I'm breathless", E },
		{ "hice pecho y ahora me duele el pecho", U },
		/* a plan, not a report */
		{ "I know to call 999 if I get chest pain", U },
		{ "noted, if I cough up blood I go to A&E", E },
		{ "Ya s\u00e9 que si me falta el aire llamo al 911", U },
		{ "verstanden, wenn ich Brustschmerzen bekomme, rufe ich die 112", U },
		/* the symptom is here, growing, or the "si" may be a yes */
		{ "I'll call 999 if the chest pain gets worse", U },
		{ "if I get any more breathless I will call 999", U },
		{ "if I get chest pain again I call 999", U },
		{ "I will call 999 if I have to, I can't breathe", E },
		{ "si me duele el pecho llamo al 112", U },
		{ "wenn die Brustschmerzen schlimmer werden, rufe ich 112", U },
		{ "bei Atemnot rufe ich den Notruf, hab grad Atemnot", U },
		{ "if i walk fast i get breathless", U },
		{ "I'll ring 999 if I get breathless and chest pain, I have both", E },
		{ "ya se que si me falta el aire y me duele el pecho llamo al 112, tengo las dos cosas", E },
		{ "bei Atemnot rufe ich den Notruf, hab das grad", U },
		{ "Hab gelesen dass man bei Atemnot mit Brustschmerz 112 anrufen soll. Gilt das f\u00fcr mich?", E },
		/* visits are no coming round; a collapse in a book is a story */
		{ "My son came round Saturday and we shifted the old wardrobe", E },
		{ "the plumber finally came to sort the boiler", E },
		{ "we're reading one about a woman who collapses on a mountain", E },
		{ "when I came to I was on the floor", E },
		{ "she fainted and came round after a minute", E },
		{ "worried about my husband who collapsed this morning", E },
		/* a word spelled letter by letter joins only into a target */
		{ "ay dios m\u00edo creo que esto es el t e p que me dijeron", E },
		{ "feeling s o b today", U },
		{ "I can't breathe, it is an e m e r g e n c y", E },
		{ "voy a y o no s\u00e9, ya les digo", R },
		/* Spanish questions dictated without a question mark */
		{ "el doctor me dijo que nadar es bueno puedo ir a la pileta del club con la media puesta", A },
		{ "y en el agua me saco la media o la dejo", A },
		{ "y las medias me las tengo que dejar puestas en el avi\u00f3n", A },
		{ "camino treinta minutos dos veces al d\u00eda est\u00e1 bien o tengo que caminar m\u00e1s", A },
		{ "tengo que parar en las escaleras porque me ahogo", E },
		{ "si subo las escaleras me falta el aire, tengo que parar", U },
		{ "cuando camino me duele la pierna, tengo que caminar menos", U },
		/* a diagnosis ruled out, and one not ruled out */
		{ "Arzt hat eine Lungenembolie ausgeschlossen, CT war sauber", R },
		{ "la embolia qued\u00f3 descartada, estoy tranquila", R },
		{ "Lungenembolie nicht ausgeschlossen, soll nochmal hin", E },
		{ "Lungenembolie soll ausgeschlossen werden", E },
		{ "no descartan una embolia pulmonar", E },
		{ "todav\u00eda no han descartado la embolia", E },
		/* the rules' glue words run into a word of the rules */
		{ "mefalta elaire y meduele elpecho desde hace media hora", E },
		{ "mychest hurts", U },
		{ "diebrust tut weh und mirfehlt luft", E },
		/* never a real word that begins so */
		{ "mi hermano est\u00e1 sudando, hace calor", R },
		/* tune65: checklists with a colon, a blocked nose, a faint bruise */
		{ "breathless: no. chest pain: none. leg: better", E },
		{ "Luftnot: keine. Brustschmerz: keiner. Bein: besser.", E },
		{ "falta de aire: no. dolor de pecho: nada", E },
		{ "breathing: no air at all", E },
		{ "can't breathe through my nose, cold is awful", R },
		{ "can't breathe through my nose or mouth", E },
		{ "Ich kriege keine Luft mehr durch die Nase, der Schnupfen ist furchtbar", R },
		{ "the bruise is only faint now", R },
		{ "I feel faint", E },
		/* a comparison with before is no denial */
		{ "not as breathless as last week but now it hurts when I breathe in", E },
		{ "Ich bin nicht mehr ganz so kurzatmig wie letzte Woche, aber jetzt tut beim Einatmen die linke Seite weh", E },
		{ "no estoy tan ahogada como ayer pero ahora me duele el pecho al respirar", E },
		{ "Luftnot habe ich dabei nicht, nur das Kreuz zwickt.", R },
		{ "Die Schmerzen in der Brust, von denen ich Ihnen letzte Woche schrieb, sind vollst\u00e4ndig verschwunden.", R },
		/* questions without a question mark */
		{ "HE WALKS 10 MINS NOW IS THAT ENOUGH", A },
		{ "he's also asking about the compression socks for the plane", A },
		{ "Und ob sie die Treppe in den ersten Stock schon nehmen darf.", A },
		/* vomit said to be red without the word blood */
		{ "he's been sick three times and this time it was bright red", E },
		{ "I feel sick and the leg is red", U },
	};

	(void)state;
	CHECK(c);
}

/*
 * Nineteenth session: pain that "hurts a bit more" is worse however mild the
 * words around it; the climb that "winds" someone; the Spanish gerund of
 * "doler"; a question word opening a later sentence with no question mark.
 * With the cases that must stay as they are.
 */
static void
test_nineteenth_classes(void **state)
{
	static const struct case_ c[] = {
		{ "calf hurting a bit more today", U },
		{ "leg hurts a bit more than it did, is that normal?", U },
		{ "my leg doesn't hurt any more", R },
		{ "no more pain in my leg", R },
		{ "Mein Bein tut heut bissl mehr weh", U },
		{ "die Wade tut heute etwas mehr weh als gestern", U },
		{ "Bein tut nicht mehr weh", R },
		{ "the stairs still wind me a bit, is that normal?", U },
		{ "that hill winds him every time and his chest goes tight", E },
		{ "the kids wind me up something rotten", R },
		{ "me est\u00e1 doliendo la pierna un mont\u00f3n", U },
		{ "necesito que alguien me llame, me est\u00e1 doliendo la pierna", U },
		{ "Hi Sister, this is Mrs Okafor. Please what is the correct way to put on the compression stocking", A },
		{ "Hallo, hier ist Frau Yilmaz. Wie zieht man den Kompressionsstrumpf richtig an", A },
		{ "Hola, soy la se\u00f1ora P\u00e9rez. C\u00f3mo se pone bien la media de compresi\u00f3n", A },
		{ "Mir geht es gut. Wie sch\u00f6n die Sonne scheint", R },
		/* a climb broken off part way; "gassed" */
		{ "I have to stop halfway up the stairs now", U },
		{ "muss auf halber Treppe stehen bleiben", U },
		{ "i get gassed going up the hill", U },
		{ "im gassed up to go to the gym", R },
		{ "my wife just collapsed in the hallway", E },
		/* an outside red team's misses */
		{ "hechle und hab ein stechen im brustkorb", E },
		{ "ich hechle seit einer stunde", U },
		{ "der Hund hechelt in der Hitze", R },
		{ "no doy con el aire, y el pecho me duele como si me pisaran", E },
		{ "me vine abajo de golpe y no me acuerdo de nada", E },
		{ "mi pap\u00e1 se vino abajo cuando muri\u00f3 mi mam\u00e1", R },
		{ "another clot, this time in my lung", E },
		{ "tengo el pecho como atenazado y me falta el aire", E },
		{ "my breathings gone all shallow", U },
		/* the outside review's look-alikes and variants */
		{ "Die Heizung pumpt nur noch lauwarm", R },
		{ "se vino abajo la estanter\u00eda de golpe al suelo", R },
		{ "me vine abajo con la noticia y no me acuerdo de nada de lo que dijo el m\u00e9dico", R },
		{ "I had to stop halfway up the stairs to answer the phone", R },
		{ "I'm so gassed for the weekend", R },
		{ "Die Nachbarn sind so laut, als w\u00fcrde ein Elefant \u00fcber mir wohnen", R },
		{ "no doy con el aire acondicionado", R },
		{ "el dolor de pecho y la falta de aire ya se fueron", R },
		{ "Die Atemnot und der Husten sind vorbei", R },
		{ "no encuentro el aire", U },
		{ "she's labouring to breathe", U },
		{ "going upstairs knocks the wind out of me", U },
		{ "I stop on every landing now", U },
		{ "Die Wade macht sich heute wieder bemerkbar", U },
		{ "this time they found it in his lungs", E },
		/* a postneg after a new noun phrase is its own (postend) */
		{ "dolor de pecho y la hinchazon ya se fue", U },
		{ "Brustschmerzen und die Schwellung ist weg", U },
		{ "chest pain and the swelling has gone", U },
		{ "me falta el aire y la hinchaz\u00f3n se fue", U },
		{ "chest pain and breathlessness have gone", R },
		{ "the chest pain I had last week has gone", R },
		/* de-tune66 */
		{ "beim Treppensteigen meldet sich die Wade ein bisschen", A },
		{ "Rufen Sie mich bitte an wegen dem Flug nach Teneriffa, hab da noch Fragen", A },
		{ "musste sich auf die Mauer setzen und hat gepumpt wie ein Maik\u00e4fer", U },
		{ "Opa st\u00fctzt sich auf die Knie und pumpt nur noch. Sprechen geht kaum", E },
		{ "die Puste reicht grad so bis zum Gartentor", U },
		{ "I ben heit beim Schaffa em Garta zammagklappt", E },
		{ "Moin, hab heut beim Deichspaziergang ordentlich gepustet, mehr als sonst", U },
		{ "ow far shud i b walkin now its been 5 wks", A },
	};

	(void)state;
	CHECK(c);
}

/*
 * The eighteenth session's outside review: messages the session's first
 * rules read lower than its start did, wrongly.  Each holds its level.
 */
static void
test_review18_holds(void **state)
{
	static const struct case_ c[] = {
		/* conditional habits are reports, not plans */
		{ "if i get up too fast i faint ill ring the gp", E },
		{ "if i cough it brings up blood ill go to a&e", E },
		{ "if i have a bath i feel faint and breathless, should i call the doctor", E },
		{ "if i go for a walk i get breathless and chest pain do i call 999", E },
		{ "if i have to ill call 999 chest pain and sob", E },
		{ "if he gets up he gets chest pain and hes breathless, should we call an ambulance", E },
		{ "will ring 999 if he gets any paler he collapsed in the kitchen", E },
		{ "ill phone the gp if he doesnt perk up he fainted on the loo", E },
		{ "ill call you if it doesnt settle coughed a bit of blood up", E },
		{ "ok si, se desmayo mi marido, llamo al 911", E },
		{ "entonces si me levanto de la cama me desmayo, voy al hospital", E },
		{ "vale si tosi sangre voy a urgencias", E },
		{ "bei meiner Mutter Blut gehustet, rufe ich den Notarzt", E },
		{ "bei uns ist oma umgekippt ruf ich die 112", E },
		{ "wenn ich huste kommt blut fahre ich ins krankenhaus", E },
		{ "bei mir brustschmerzen und atemnot soll ich den notarzt rufen", E },
		/* the chest with another body part is no gym */
		{ "hes holding his chest and arm and sweating", U },	/* the reader: E */
		{ "my chest and back hurt", U },
		{ "a sharp pain hit my chest and now im breathless", E },
		{ "chest press feeling and breathless", E },
		{ "Schmerzen in der Brust Tag und Nacht", U },
		{ "Schmerzen in Brust und R\u00fccken gemacht", U },
		{ "hago esfuerzo pecho y me duele", U },
		/* family members come round from a faint */
		{ "my son came to after a few seconds on the floor", E },
		{ "my daughter came round after about a minute", E },
		{ "she came to again in the ambulance", E },
		/* a story that happened to the writer too */
		{ "watched a video about a woman who fainted like i did this morning", E },
		{ "heard about a man who coughs up blood like me, started last night", E },
		/* a colon that is no whole answer */
		{ "coughed blood this morning: nah not loads", E },
		{ "fainted: no warning at all", E },
		{ "chest pain: none yesterday but today yes", U },
		{ "Atemnot: nichts hilft", U },
		{ "dolor en el pecho: nada me lo quita", U },
		/* the mouth too */
		{ "no puedo respirar por la nariz ni bien por la boca", E },
		{ "hard to breathe through my nose, and through my mouth its not great either", U },	/* the reader: E */
		/* ruled out: only the named condition */
		{ "Atemnot Corona ausgeschlossen", U },
	};

	(void)state;
	CHECK(c);
}

/*
 * A longer answer (up to 24 words) with a yes anywhere and what the chest
 * feels like, undenied, after a question about chest pain; not with a no,
 * a denial of the feeling, or "better".
 */
static void
test_long_yes_answers(void **state)
{
	static const char *const yes_en[] = {
		"well now you mention it a bit of tightness yes but it comes and goes",
	};
	static const char *const no_en[] = {
		"no, not really, I don't think I have any tightness or pain there",
		"nah it's much better now yes, walked fine",
	};
	static const char *const yes_es[] = {
		"pues ahora que lo dice un poco de opresi\u00f3n s\u00ed, pero va y viene",
	};
	static const char *const no_es[] = {
		"\u00bfq si me duele? no, el pecho no, nom\u00e1s el ahogo",
	};
	static const char *const yes_de[] = {
		"jetzt wo Sie fragen, ja, es dr\u00fcckt ein bisschen, kommt und geht",
	};
	static const char *const no_de[] = {
		"nein, Druck hab ich keinen, ja mir gehts sonst gut",
	};

	(void)state;
	check_answers_after("i'm a bit out of puff today", yes_en, 1, no_en, 2);
	check_answers_after("me falta un poco el aire hoy", yes_es, 1, no_es, 1);
	check_answers_after("bin heute etwas kurzatmig", yes_de, 1, no_de, 1);
}

/*
 * A sentence sent as three messages: a joined reading that finds a symptom
 * at the level the message had anyway is kept ("my chest" "it really
 * hurts": chest pain, for "and I'm breathless" to complete), and a joined
 * reading still cut short is kept as the fragment ("my chest" "and my
 * breathing" "its bad").
 */
static void
test_fragment_chain(void **state)
{
	static const struct {
		const char *m[3];
		enum triage_level want;
	} c[] = {
		{ { "my chest", "it really hurts", "and I'm breathless" }, TRIAGE_EMERGENCY },
		{ { "my chest", "and my breathing", "its bad" }, TRIAGE_EMERGENCY },
		{ { "I can't", "get my", "breath" }, TRIAGE_EMERGENCY },
		{ { "tos\u00ed", "y sali\u00f3", "sangre" }, TRIAGE_EMERGENCY },
		{ { "el pecho", "me duele mucho", "y me falta el aire" }, TRIAGE_EMERGENCY },
		{ { "meine Brust", "tut so weh", "und ich krieg keine Luft" }, TRIAGE_EMERGENCY },
		/* a chain broken by a whole message or the window stays apart */
		{ { "my chest", "walked 20 minutes today.", "its bad" }, TRIAGE_URGENT },
	};
	struct triage_state st;
	struct triage_result res;
	size_t i, k;

	(void)state;
	for (i = 0; i < sizeof c / sizeof c[0]; i++) {
		triage_state_init(&st);
		for (k = 0; k < 3; k++)
			triage_step(rules, &st, c[i].m[k], 1000 + 30 * (int64_t)k,
			    &res);
		if (res.level != c[i].want)
			fail_msg("\"%s\" \"%s\" \"%s\": %s, want %s", c[i].m[0],
			    c[i].m[1], c[i].m[2], triage_level_name(res.level),
			    triage_level_name(c[i].want));
	}
	/* past the window, the last is read alone */
	triage_state_init(&st);
	triage_step(rules, &st, "my chest", 1000, &res);
	triage_step(rules, &st, "and my breathing", 1030, &res);
	triage_step(rules, &st, "its bad", 1030 + TRIAGE_JOIN_WINDOW + 60, &res);
	assert_null(strstr(res.rules, "joined_reading"));
}

/*
 * A whole message only the second reader placed is read joined to the next
 * ("he's been sick twice this morning." "this time it was bright red"),
 * its full stop dropped; one the rules placed is not.  With the reader,
 * which these tests otherwise leave out.
 */
static void
test_reader_message_joined(void **state)
{
	static const struct conv_case c[] = {
		{ { "my husband has been sick twice this morning.", "this time it was bright red" }, TRIAGE_EMERGENCY },
		{ { "my husband has been sick twice this morning", "it was bright red this time" }, TRIAGE_EMERGENCY },
		{ { "vomit\u00e9 dos veces", "esta vez sali\u00f3 rojo" }, TRIAGE_EMERGENCY },
		/* placed by the rules: whole, no continuation */
		{ { "walked 20 minutes today, legs fine.", "this time it was bright red" }, TRIAGE_ROUTINE },
	};

	(void)state;
	rules->reader = reader;
	CHECK_CONVS(c);
	rules->reader = NULL;
}

/*
 * A carer passes the answer on (answer relay): "asked him, he says yeah a
 * bit" after a breathless message is a YES, an emergency; a relayed or
 * hedged NO is read as sent and leaves the question open.
 */
static void
test_relayed_answers(void **state)
{
	static const struct conv_case c[] = {
		{ { "my mum is breathless today", "asked him, he says yeah a bit" }, TRIAGE_EMERGENCY },
		{ { "my mum is breathless today", "I asked her about her chest - she said yes" }, TRIAGE_EMERGENCY },
		{ { "meine Mutter ist seit heute kurzatmig", "Ich hab sie gefragt, sie sagt ja, ein bisschen" }, TRIAGE_EMERGENCY },
		{ { "mi mam\u00e1 est\u00e1 con falta de aire hoy", "le pregunt\u00e9 y dice que s\u00ed, un poquito" }, TRIAGE_EMERGENCY },
		/* a relayed or hedged NO leaves the question open: a YES after it
		 * counts (an outside review); the chest a NO names still counts */
		{ { "my dad gets puffed out walking to the loo", "asked her. she says not really" }, TRIAGE_URGENT },
		{ { "bit breathless today", "honestly, no" }, TRIAGE_URGENT },
		{ { "Ich bin etwas kurzatmig", "Weiß nicht genau... nein" }, TRIAGE_URGENT },
		{ { "me falta un poco el aire", "dice que no" }, TRIAGE_URGENT },
		{ { "bit breathless today", "No but my sternum is tender" }, TRIAGE_EMERGENCY },
		{ { "Ich bin etwas kurzatmig", "Er sagt nein, aber die Brust f\u00fchlt sich voll an" }, TRIAGE_EMERGENCY },
		{ { "bit breathless today", "No chest pain. \U0001F44D" }, TRIAGE_URGENT },
		{ { "bit breathless today", "no thanks. Yes I got the leaflet" }, TRIAGE_URGENT },
		/* a hedge before the answer, the answer in a later sentence; a
		 * question repeated is no answer */
		{ { "I get breathless walking today", "well now you ask, maybe a little bit when I walk to the kitchen" }, TRIAGE_EMERGENCY },
		{ { "I think I'm a bit short of breath", "hard to say, it's more of a heaviness than a pain" }, TRIAGE_EMERGENCY },
		{ { "bit short of breath when I lie flat", "only a tiny bit, nothing worth bothering you about really" }, TRIAGE_EMERGENCY },
		{ { "Bin seit heute kurzatmig", "Entschuldigung, der Nachbar war da. Zu Ihrer Frage: ja, so ein Druck ist da manchmal" }, TRIAGE_EMERGENCY },
		{ { "me falta el aire desde la ma\u00f1ana", "perdona q no contest\u00e9 antes, estaba tendiendo la ropa. pues s\u00ed, algo de presi\u00f3n s\u00ed tengo" }, TRIAGE_EMERGENCY },
		{ { "Mei Ma kriegt a bissle schlecht Luft", "I han en gfrogt, er moint ja, a weng" }, TRIAGE_EMERGENCY },
		{ { "Breathing's been a bit laboured since I got up", "yes" }, TRIAGE_EMERGENCY },
		{ { "camine 2 cuadras y me tuve q sentar x el ahogo", "q si me duele? no, el pecho no, nomas el ahogo" }, TRIAGE_URGENT },
	};

	(void)state;
	CHECK_CONVS(c);
}

/*
 * An outside review: a NO relayed or hedged ("she says not really", "Hm,
 * nein") used to leave the question open, and a YES after it counted; the
 * relay patterns must not turn it into a NO that blocks that YES.
 */
static void
test_relayed_no_then_yes(void **state)
{
	static const struct conv_case c[] = {
		{ { "my dad gets puffed out walking to the loo", "asked her. she says not really", "yes" }, E },
		{ { "Mum says her chest hurts", "checked with dad, he reckons no", "yeah a little" }, E },
		{ { "bit breathless today", "now you ask, not really", "sort of, yes" }, E },
		{ { "me falta un poco el aire", "dice que no", "perd\u00f3n, dice que s\u00ed" }, E },
		{ { "mi madre dice que le duele el pecho", "le pregunt\u00e9 y dice que no", "s\u00ed, un poco" }, E },
		{ { "Ich bin etwas kurzatmig", "er meint nein", "ja" }, E },
		{ { "Meiner Mutter tut die Brust weh", "Hm, nein", "oh doch, schon" }, E },
	};

	(void)state;
	CHECK_CONVS(c);
}

/*
 * tune47 (es): heavy or endless periods on blood thinners in everyday words,
 * coughing blood in a learner's or a dictation's spelling, calf pain that
 * grows day by day or makes one stop; "una duda: si ..." is a what-if.
 */
static void
test_tune47_es(void **state)
{
	static const struct case_ c[] = {
		{ "con el sintrom la regla me viene como una hemorragia", U },
		{ "mi mujer est\u00e1 menstruando much\u00edsimo desde que toma eliquis", U },
		{ "ya van once d\u00edas con la regla y no se me quita, tomo xarelto", U },
		{ "le baj\u00f3 muy fuerte a mi hija y lleva dos semanas as\u00ed", U },
		{ "con la menstruaci\u00f3n traspaso la ropa del uniforme", U },
		{ "tengo el periodo y anoche manch\u00e9 hasta las s\u00e1banas", U },
		{ "el periodo de recuperaci\u00f3n dura mucho", R },
		{ "tengo dolor de regla y no se me quita", R },
		{ "me baj\u00f3 bien fuerte la presi\u00f3n ayer", R },
		{ "mi pap\u00e1 tusi\u00f3 con sangre", E },
		{ "to ciendo sangre toda la ma\u00f1ana", E },
		{ "la pantorrilla me pincha un poquito m\u00e1s cada ma\u00f1ana cuando salgo", U },
		{ "el dolor del gemelo me oblig\u00f3 a pararme en el parque", U },
		{ "cada d\u00eda camino un poco m\u00e1s", R },
		{ "otra duda: si con el eliquis me baja la regla muy fuerte qu\u00e9 hago", A },
		{ "estoy ag\u00fcitada hoy, no fui a caminar", R },
		{ "mi t\u00eda muri\u00f3 de una embolia pulmonar", R },
	};

	(void)state;
	CHECK(c);
}

static void
test_tune49_es(void **state)
{
	static const struct case_ c[] = {
		/* short typos of the air, the chest and the stool */
		{ "desde anoche me falta el aure", U },
		{ "no me entra el aira, ayuda", E },
		{ "tengo dolor en el pech desde ayer", U },
		{ "el peco me aprieta cuando camino", U },
		{ "yo peco de confiada con las medias", R },
		{ "sangre en las ecez, tomo sintrom", U },
		/* "respirar" split by dictation */
		{ "mi padre no puede res pirar", E },
		{ "me cuesta respi rar al subir", U },
		/* breathless from just talking: severe */
		{ "me ahogo nomás de hablar", E },
		{ "se fatiga con solo hablar, tiene la voz cortada", E },
		{ "hasta de hablar me ahogo", E },
		/* the chest crushed as an image: chest pain */
		{ "siento como si me aplastaran el pecho", U },
		{ "tengo como un puño en el pecho", U },
		/* effort told as a comparison */
		{ "camino una cuadra y acabo como si hubiera corrido una maratón", U },
		{ "me visto y quedo como si hubiese subido el Aconcagua", U },
		{ "corrí 5 km y terminé como si hubiera corrido una maratón", R },
		/* bleeding that will not stop */
		{ "tomo xarelto y la nariz no hay manera de que pare", U },
		{ "me hice un tajo pelando papas y no logro que deje de sangrar", U },
		{ "no hay forma de que el niño pare de llorar", R },
		/* drowned in paperwork: an idiom */
		{ "ando ahogado de trámites con el seguro, la pierna bien", R },
	};

	(void)state;
	CHECK(c);
}

static void
test_tune50_de(void **state)
{
	static const struct case_ c[] = {
		/* breathing with the verb first, "mit dem Atmen" */
		{ "mit dem Atmen klappt es gar nicht mehr", E },
		{ "es geht irgendwie nicht mehr mit der Luft", E },
		{ "geht nicht so gut mit dem Atmen heute", U },
		{ "mein Sohn kriegt nicht so gut Luft beim Treppensteigen", U },
		/* smothering as an image: can't breathe */
		{ "als würde mir einer ein Kopfkissen aufs Gesicht pressen", E },
		{ "fühlt sich an wie wenn mir jemand Mund und Nase zuhält", E },
		{ "als ob man mich unter Wasser drückt", E },
		{ "ich schlaf mit dem Kissen auf dem Kopf, der Nachbar ist laut", R },
		/* Swabian / Alemannic pain words with the chest and the calf */
		{ "Seit heit morga schdichd's mr en dr Bruschd", U },
		{ "hab Schmerza und a Schdecha em Bruschdkorb", U },
		{ "s'druckd so uff dr Bruscht", U },
		{ "mei Wad duad so weh seit geschdern", U },
		{ "d Wada isch gschwolla", U },
		/* one side no longer fits its shoe: swelling */
		{ "rechts komm ich nicht mehr in meinen Stiefel", U },
		{ "in den rechten Schuh pass ich nicht mehr rein", U },
		{ "ich komm nicht mehr hinterher mit dem Schuhe putzen", R },
		/* a heart beating higher for joy: an idiom */
		{ "mein Herz schlägt höher wenn ich an den Urlaub denke", R },
	};

	(void)state;
	CHECK(c);
}

static void
test_tune51_en(void **state)
{
	static const struct case_ c[] = {
		/* a "what if" confirmed later in the same message */
		{ "is it bad if you cough up blood? my dad just has", E },
		{ "what happens if you black out on warfarin? I did yesterday", E },
		{ "what if my calf goes red and hot? mine has since this morning", U },
		{ "what should I do if my chest gets tight? because it is", U },
		{ "what if he stops breathing? he just did", E },
		{ "who do I call if my nose won't stop bleeding? it has been an hour", U },
		{ "what if I get chest pain? I have no idea what to do", A },
		{ "what should I do if I get breathless? I am going on holiday", A },
		/* glued small words and real-word typos of red-flag phrases */
		{ "cant get mybreath at all", E },
		{ "im strugglingtobreathe", E },
		{ "hecoughedupblood", E },
		{ "threwupblood", E },
		{ "shepassedout in the shop", E },
		{ "outofbreath just sitting", U },
		{ "chest pain andsob", E },
		{ "brest hurts and i'm breathless", E },
		{ "caught a cold, blood tests fine", R },
		/* the clot feared to have come loose or moved */
		{ "think the dvt has come loose", E },
		{ "a piece of the clot broke away", E },
		{ "i'm scared i've dislodged the clot", E },
		{ "scan says the clot hasn't moved", R },
		{ "what if the dvt has already shifted?", E },
		{ "what if the clot moves when I run?", A },
		{ "the clot is breaking up nicely on the scan", R },
		/* slang for collapsing */
		{ "dad conked out in the garden", E },
		{ "she flaked out on the bathroom floor", E },
		{ "I fell asleep standing up at the sink", E },
		{ "no idea what happened, ended up on the kitchen floor", E },
		{ "hes on the floor", E },
		{ "the car conked out on the motorway", R },
		{ "conked out at 9 last night, slept well", R },
		{ "dropped off in front of the telly", R },
		{ "spent the afternoon flaked out in the garden", R },
		{ "flaked out on the sofa after the long walk", R },
		{ "the kids wound up on the floor laughing", R },
		{ "tripped on the rug and ended up on the floor", R },
		/* severe breathlessness told by what it stops */
		{ "too breathless to even type", E },
		{ "too out of puff to reply properly", E },
		{ "can hardly get the words out", E },
		{ "talking in between gasps", E },
		{ "can't send one message without stopping for air", E },
		/* breathing judged; going blue */
		{ "breathing not good at all", U },
		{ "my breathing isn't great", U },
		{ "breathing's a bit dodgy today", U },
		{ "can't cope with my breathing", E },
		{ "he went blue and stopped breathing", E },
		{ "I've told him till I'm blue in the face", R },
		/* a leg about to burst */
		{ "my leg feels like it will burst", U },
		{ "calf feels ready to pop", U },
		{ "ankle looks like it could explode", U },
		{ "heard a pop in my knee on the stairs", R },
	};
	/* a YES with a word in front, or no word at all */
	static const char *const yes[] = { "sadly so", "I'm afraid it is",
	    "honestly yes", "mm-hmm", "mmhmm", "uh-huh", "yessum",
	    "i reckon so", "breathing too", "yeah breathless as well" };
	static const char *const no[] = { "thankfully not", "uh uh",
	    "nuh uh", "I think it is getting better" };
	static const enum triage_level wy[] = { U, E }, wn[] = { U, U };
	const char	*m[2];
	size_t		 i;

	(void)state;
	CHECK(c);
	for (i = 0; i < sizeof yes / sizeof yes[0]; i++) {
		m[0] = strstr(yes[i], "breath") != NULL ?
		    "sore chest since this morning" :
		    "bit breathless on the stairs today";
		m[1] = yes[i];
		conv(m, wy, NULL, 2);
	}
	for (i = 0; i < sizeof no / sizeof no[0]; i++) {
		m[0] = "bit breathless on the stairs today";
		m[1] = no[i];
		conv(m, wn, NULL, 2);
	}
}

static void
test_tune51_es(void **state)
{
	static const struct case_ c[] = {
		/* a "paro" as it happens, or to someone: a named condition */
		{ "creo que a mi esposo le está dando un paro", E },
		{ "mi tío sufrió un paro cardíaco hace un rato", E },
		{ "el lunes hay un paro de transporte, no podré ir", R },
		{ "casi me da un paro del susto con la factura", R },
		/* the clot come loose or moved, with me / le */
		{ "siento que se me ha soltado el trombo", E },
		{ "el coágulo se le subió, estoy segura", E },
		{ "se me zafó el coágulo de la pierna", E },
		{ "el trombo se me está moviendo para arriba", E },
		{ "el doctor dice que ya se me fue el coágulo", R },
		/* "what if", then it is happening */
		{ "qué hago si toso sangre? ya me pasó hace un rato", E },
		{ "qué hago si no puedo respirar? porque ahora no puedo", E },
		{ "qué hago si me desmayo? porque ahora me siento mareado", A },
		{ "qué hago si me duele el pecho? porque ya me duele", U },
		{ "qué hago si me desmayo? me pasó hace un año", A },
		/* small words glued on */
		{ "nopuedorespirar bien", E },
		{ "nomeentra el aire", E },
		{ "mi mamá dice que le faltaelaire", U },
		/* what one cannot do for want of air */
		{ "no le salen las palabras de lo ahogado que está", E },
		{ "mi bebé dejó de respirar unos segundos", E },
		{ "mi marido deja de respirar cuando duerme, ronca mucho", U },
		/* the breathing named with a judgement */
		{ "tengo la respiración pesada", U },
		{ "me falla la respiración", U },
		{ "no puede con la respiración", E },
		{ "se me está yendo la respiración", E },
		{ "se me va la respiración al subir la cuesta", U },
		{ "la respiración bien, gracias", R },
		/* collapse told by slang and by what follows */
		{ "se le apagaron las luces y se cayó", E },
		{ "me bajó la tensión y me fui al suelo", E },
		{ "encontramos a la abuela tirada en el baño", E },
		/* a leg about to burst, one trouser leg tight */
		{ "la pantorrilla está a punto de reventar", U },
		{ "me va a estallar la pierna", U },
		{ "la pernera derecha me aprieta", U },
		{ "me aprieta el vaquero en la pierna izquierda", U },
		{ "me va a explotar la cabeza con tanto trámite", R },
		{ "el pantalón me aprieta, engordé en navidad", R },
		/* the Mexican calf */
		{ "la chamorra me duele más cada día", U },
	};
	static const char *const yes[] = { "lamentablemente sí",
	    "por desgracia sí", "me temo que sí", "ajam", "ujum", "aha sí" };
	static const enum triage_level w[] = { U, E };
	const char *m[2];
	size_t i;

	(void)state;
	CHECK(c);
	for (i = 0; i < sizeof yes / sizeof yes[0]; i++) {
		m[0] = "me aprieta el pecho";
		m[1] = yes[i];
		conv(m, w, NULL, 2);
	}
}

/*
 * tune53/54 (de): a Swiss nosebleed that does not stop or has lasted;
 * very bad air, or sitting down again and again, as a sign of severity.
 */
static void
test_tune53_de(void **state)
{
	static const struct case_ c[] = {
		{ "d Naseblüete hört nöd uf, scho 20 min, nimm Xarelto", U },
		{ "hatte kurz Nasebluete, jetzt wieder gut", R },
		{ "krieg ganz schlecht Luft seit dem Mittag", E },
		{ "muss mich alle paar Schritte hinsetzen, so kurzatmig", E },
	};

	(void)state;
	CHECK(c);
}

/*
 * tune51 (de): an outside attack aimed at under-triage.  A "was wenn"
 * question, then "it is so now" in a later sentence of the same SMS; a YES
 * with a word in front or no word ("oh ja", "mhm", "denk schon"); small
 * words glued to the symptom ("kriegkaumluft", "istumgefallen"); the clot
 * feared loose or moving and "denke LE"; collapse in slang ("abgeklappt",
 * "aus den Pantinen gehauen", "Filmriss"); breath too short to type or to
 * lie down, and "bleibt die Luft weg"; "Atmung" judged; a leg full of water.
 */
static void
test_tune51_de(void **state)
{
	static const struct case_ c[] = {
		{ "was mach ich wenn ich Blut spucke? tu ich gerade", E },
		{ "was tun wenn die Wade dick wird? ist bei mir gerade so", U },
		{ "was wenn ich kaum Luft kriege? genau das ist jetzt", E },
		{ "keine Atemnot. mach ich gerade \u00dcbungen", R },
		{ "was mache ich wenn ich keine Luft bekomme? mach gerade Yoga", A },
		{ "bekommekeineluft", E },
		{ "kriegkaumluft", E },
		{ "kannnichtmehratmen", E },
		{ "istumgefallen", E },
		{ "atemnotundbrustschmerzen", E },
		{ "brustdruckundluftnot", E },
		{ "keinelust", R },
		{ "der Thrombus hat sich losgerissen", E },
		{ "Gerinnsel ist weitergewandert glaub ich", E },
		{ "denke LE", E },
		{ "das Gerinnsel hat sich aufgel\u00f6st", R },
		{ "die Thrombosespritze wurde verschoben", R },
		{ "Le Mans war super", R },
		{ "er ist einfach abgeklappt", E },
		{ "Mama hat's aus den Pantinen gehauen", E },
		{ "auf einmal Filmriss", E },
		{ "hat ihn weggehauen, lag im Flur", E },
		{ "das Handy lag im Bad", R },
		{ "das hat mich aus den Latschen gehauen, so eine gute Nachricht", R },
		{ "atmet wie ein Fisch an Land", E },
		{ "kann nicht flach liegen sonst ersticke ich", E },
		{ "kann kaum schreiben so kurzatmig", E },
		{ "bin so au\u00dfer Atem dass ich kaum tippen kann", E },
		{ "ihm bleibt st\u00e4ndig die Puste weg", E },
		{ "mir bleibt beim Treppensteigen die Luft weg", U },
		{ "kann kaum tippen, Finger kalt", R },
		{ "Lunge ist heute nicht gut", U },
		{ "die Atmung ist katastrophal", E },
		{ "Atmung klappt \u00fcberhaupt nicht", E },
		{ "Atmung ist gut, Bein auch", R },
		{ "Bein voller Wasser", U },
		{ "Wade ist wie vollgelaufen", U },
		{ "Wade wie eine Wasserbombe", U },
		{ "f\u00fchlt sich an wie Wasser in der Wade", U },
		{ "Bein f\u00fchlt sich voll gut an", R },
		{ "Atmen auch, krieg nicht genug", U },
		{ "krieg nicht genug Schlaf", R },
		{ "Papa klappt st\u00e4ndig weg", E },
		{ "die Atmung ist heute mies", U },
		{ "Mama ist umgeklappt", E },
		{ "kann kaum eine Nachricht schreiben, so au\u00dfer Atem", E },
		{ "Atmen geht heute gar nicht", E },
		{ "atme wie ein Karpfen an Land", E },
		{ "atmen geht heute gar nicht mehr so gut", U },
		{ "das hat mich umgehauen, tolle Nachricht", R },
	};
	static const char *const yes[] = { "oh ja", "achja", "mhm", "hmhm",
	    "ich f\u00fcrchte ja", "bef\u00fcrchte schon", "denk schon",
	    "sieht so aus", "aha ja", "jo leider", "vermute schon" };
	static const char *const notyes[] = { "ach so, nein", "ich denke nicht",
	    "mhh nee", "ich denke schon besser", "ach nein" };

	(void)state;
	CHECK(c);
	check_answers_after("bin seit heute fr\u00fch kurzatmig", yes,
	    sizeof yes / sizeof yes[0], notyes, sizeof notyes / sizeof notyes[0]);
}

static void
test_tune52_en(void **state)
{
	static const struct case_ c[] = {
		/* A: a symptom inside a walk report or a greeting */
		{ "went for a stroll, afterwards my calf felt like it was tearing apart", U },
		{ "did 20 mins on the bike then it felt like a blade going into my calf", U },
		{ "walked round the park, had to stop twice to catch my breath", U },
		{ "hiya! in bed now and i feel smothered", U },
		{ "went to the supermarket and the floor was spinning and my heart was pounding", U },
		{ "walked 3km, had to stop once to tie my shoelace", R },
		{ "had a lovely walk, didn't have to stop for breath once", R },
		{ "the floor was wet so i slipped", R },
		/* D: a clot in the lung or a heart attack in other words */
		{ "i reckon the clot has gone into my lungs", E },
		{ "worried its a clot, moved to my lung", E },
		{ "i think im having a cardiac episode", E },
		{ "could this be an mi", E },
		{ "a cardiac nurse rang me", R },
		/* F: struggling to breathe, softened */
		{ "struggling a fair bit for breath", E },
		{ "been struggling a little to get air", E },
		{ "struggling a bit with the stockings", R },
		/* G: a double negation affirms */
		{ "i cant say im not short of breath and my chest hurts", E },
		{ "it isnt as if i'm not breathless, chest hurts too", E },
		{ "wouldnt say there's no chest pain, and i'm breathless", E },
		{ "no chest pain and not breathless", R },
		{ "not that i'm not grateful, thanks", R },
		/* a late report of tightness, no body part named */
		{ "hmm actually i've got a bit of pressure now", U },
		{ "i have high blood pressure", R },
	};
	/* B: a yes to the follow-up question without a yes-word */
	static const char *const yes[] = { "that as well", "i've got that too",
	    "unfortunately", "it does now you mention it", "having that too",
	    "it is a bit" };
	static const char *const notyes[] = { "not that as well", "no not that too",
	    "it doesn't" };

	(void)state;
	CHECK(c);
	check_answers_after("short of breath this afternoon", yes,
	    sizeof yes / sizeof yes[0], notyes, sizeof notyes / sizeof notyes[0]);
}

static void
test_tune52_es(void **state)
{
	/* A: the calf with an image of violence, in a walk report. */
	static const struct case_ c[] = {
		{ "fui a caminar y el gemelo como si me lo desgarraran", U },
		{ "hola! pase\u00e9 20 minutos y la pierna como si me apu\u00f1alaran", U },
		{ "la pantorrilla como rota", U },
		{ "la pantorrilla como si nada, todo bien", R },
		{ "no recupero el aliento", U },
		/* F: struggling to breathe reworded. */
		{ "hago mucho esfuerzo para respirar", E },
		{ "respiro haciendo fuerza", E },
		{ "me cuesta mucho respirar", E },
		{ "hago esfuerzo para caminar", R },
		{ "se le fue el aire y se puso azul", E },
		/* D: a clot in the lung past a comma. */
		{ "un co\u00e1gulo, creo que en el pulm\u00f3n", E },
		{ "el trombo, se me fue al pulm\u00f3n", E },
		{ "el trombo, no en el pulm\u00f3n gracias a dios", R },
		/* G: a double negation. */
		{ "no digo que no me duela el pecho, y me cuesta respirar", E },
		/* A catheter bag with blood, on blood thinners. */
		{ "la bolsa de orina sale rosada", U },
		{ "compr\u00e9 una bolsa roja", R },
		/* Vomit with red bits or threads of blood. */
		{ "vomit\u00e9 pedacitos rojizos", E },
		{ "he devuelto y sal\u00edan hilitos de sangre", E },
		{ "me han devuelto la camiseta roja", R },
	};
	/* B: a yes to the follow-up without a yes-word. */
	static const char *const yes[] = { "tambi\u00e9n eso", "los dos",
	    "tengo ambas cosas", "desgraciadamente", "la tengo" };
	/* C: a what-if, then "that is how I am now". */
	static const char *const h1[] = {
	    "\u00bfqu\u00e9 pasa si me duele el pecho y me falta el aire?",
	    "as\u00ed mismo estoy" };
	static const enum triage_level w1[] = { U, E };
	static const char *const h2[] = { "\u00bfqu\u00e9 hago si toso sangre?",
	    "eso es lo que tengo" };
	static const enum triage_level w2[] = { A, E };
	static const char *const h3[] = { "\u00bfy si se me hincha la pierna?",
	    "as\u00ed estoy mejor" };
	static const enum triage_level w3[] = { A, R };
	static const enum triage_level wy[] = { U, E };
	size_t i;

	CHECK(c);
	for (i = 0; i < sizeof yes / sizeof yes[0]; i++) {
		const char *m[] = { "me falta el aire", yes[i] };

		conv(m, wy, NULL, 2);
	}
	conv(h1, w1, NULL, 2);
	conv(h2, w2, NULL, 2);
	conv(h3, w3, NULL, 2);
}

static void
test_tune52_de(void **state)
{
	static const struct case_ c[] = {
		{ "5 km gewandert, danach hat sich die Wade angef\u00fchlt als w\u00e4r was gerissen", U },
		{ "war spazieren, am Schluss als w\u00fcrde die Wade platzen", U },
		{ "Runde um den Block, musste dauernd anhalten um Luft zu holen", U },
		{ "kurz einkaufen, musste alle paar Meter stehenbleiben zum Verschnaufen", U },
		{ "muss echt hart arbeiten um Luft zu kriegen", E },
		{ "hab gro\u00dfe M\u00fche beim Atmen", E },
		{ "Atmen kostet mich richtig Kraft", E },
		{ "tu mich echt schwer beim Atmen", E },
		{ "ich w\u00fcrde nicht sagen dass ich keine Atemnot hab, und die Brust dr\u00fcckt", E },
		{ "Thrombose, jetzt wohl in der Lunge", E },
		{ "glaub ich hab einen Lungeninfarkt", E },
		{ "er spuckt Blut", E },
		{ "LE? ich hab Panik", E },
		{ "Kn\u00f6chel geschwollen und blau, nicht angesto\u00dfen, nehme Xarelto", U },
		{ "hab keine M\u00fche beim Atmen", R },
		{ "Pause gemacht und Kaffee getrunken", R },
		{ "musste kurz stehen bleiben um die Schuhe zu binden", R },
		{ "hab mir die Lunge aus dem Leib gelacht beim Film mit Oma", R },
	};
	static const char *const whatif[][2] = {
		{ "was wenn ich Blut spucke?", "hatte ich heute fr\u00fch" },
		{ "was wenn ich ohnm\u00e4chtig werde?", "ging mir vorhin genau so" },
		{ "was wenn ich Brustschmerzen und Atemnot kriege?", "mir geht's gerade so" },
		{ "was ist wenn man Blut erbricht?", "genau das hab ich gerade" },
		{ "was wenn ich Blut spucke?", "das hab ich leider" },
	};
	static const char *const yes[] = { "ja das auch", "selbstverst\u00e4ndlich",
	    "auf alle F\u00e4lle", "hab ich auch leider", "definitiv", "beide" };
	static const char *const notyes[] = { "nat\u00fcrlich nicht", "beides nicht" };
	struct triage_state	st;
	struct triage_result	r;
	size_t			i;

	(void)state;
	CHECK(c);
	for (i = 0; i < sizeof whatif / sizeof whatif[0]; i++) {
		triage_state_init(&st);
		triage_step(rules, &st, whatif[i][0], T0, &r);
		if (r.level != TRIAGE_ADVICE)
			fail_msg("\"%s\" was no question", whatif[i][0]);
		triage_step(rules, &st, whatif[i][1], T0 + 60, &r);
		if (r.level != TRIAGE_EMERGENCY)
			fail_msg("\"%s\" did not escalate", whatif[i][1]);
	}
	check_answers_after("bin seit heute fr\u00fch kurzatmig", yes,
	    sizeof yes / sizeof yes[0], notyes, sizeof notyes / sizeof notyes[0]);
}

/*
 * de-tune56: carers and neighbours in Berlin, Ruhr/Rhineland, Saxon and
 * northern colloquial German: the j-participle of collapse ("wechjekippt",
 * "zusammjesackt", "aus de Pantinen jekippt"), Saxon g and b for k and p,
 * "liecht" (liegt) on the floor, breathing as an everyday image ("pumpt
 * wie'n Maikaefer", "schnauft wie ne Lok", "weil se so pustet", "als ob er
 * ersaeuft"), dictated "Atem Not", "Been" for Bein with "heess", "puckert",
 * "dickes Been", bruises everywhere, "schwummerich" and "kloppt", and the
 * denials "nuescht", "Luft is jut", "keene Schmerzen inne Brust".
 */
static void
test_tune56_de(void **state)
{
	static const struct case_ c[] = {
		{ "Opa is im Bad wechjekippt", E },
		{ "Mudder is beim Kochen zusammjesackt", E },
		{ "Omma is uff de Stra\u00dfe aus de Pantinen jekippt", E },
		{ "Vaddi is einfach zusammgeglappt", E },
		{ "Oma liecht im Wohnzimmer aufm Boden", E },
		{ "Oppa sacht nix mehr, liescht aufm Teppich", E },
		{ "Vadder pumpt beim Treppesteigen wie'n Maik\u00e4fer", U },
		{ "Tante Hilde schnauft wie ne olle Lokomotive", U },
		{ "Mutti muss sich bei jedem Schritt hinsetzen weil se so pustet", U },
		{ "Omma is wieder ausse Puste", U },
		{ "Vadder sacht dat is als ob er ers\u00e4uft", E },
		{ "Oma hat Atem Not Punkt und Brust tut weh", E },
		{ "Oma kriecht nech jenuch Luft", E },
		{ "Opa sacht er hat wat Schweret uff de Brust", U },
		{ "Oma hat n dickes Been seit jestern", U },
		{ "det linke Been von Vadder is hee\u00df", U },
		{ "Mutti ihr Been puckert", U },
		{ "Been is so dick wie ne Leberwurscht", U },
		{ "Opa hat \u00fcberall blaue Flecke anne Arme", U },
		{ "Mudder is schwummerich un dat Herz kloppt wie wild", U },
		{ "Keene Schmerzen inne Brust, Luft is jut", R },
		{ "Luft is jut, n\u00fcscht mit de Brust", R },
		{ "Oma kricht wieder jut Luft", R },
		{ "Fahrradreifen hat keene Luft, Opa l\u00e4uft trotzdem", R },
		{ "Wat is wenn Omma keene Luft kricht?", A },
		{ "Dat Been is wieder abjeschwollen", R },
		{ "Die Wade war weg vom Ziehen, getz wieder da", U },
	};

	(void)state;
	CHECK(c);
}

static void
test_tune58_all(void **state)
{
	static const struct case_ c[] = {
		/* A feared named condition in hope, a plea or a rhetorical
		 * question; a plain denial by someone who knows is none. */
		{ "Hoffentlich ist es kein Infarkt, der Arm kribbelt", E },
		{ "Ich hoffe mal, das ist keine Embolie", E },
		{ "Bitte lass es keinen Herzinfarkt sein", E },
		{ "Das ist doch nicht etwa eine Lungenembolie?", E },
		{ "Nicht dass der Thrombus jetzt in der Lunge ist", E },
		{ "Der Kardiologe meinte es war kein Infarkt", R },
		{ "Bitte sagen Sie mir, dass das keine Embolie ist", E },
		{ "Die \u00c4rztin sagt mir dass es keine Lungenembolie ist", R },
		{ "Hoffentlich wirds morgen besser", R },
		{ "I hope it is not a PE", E },
		{ "hopefully not a clot in my lung", E },
		{ "this can't be a heart attack, can it?", E },
		{ "hope the clot hasn't gone to my lungs", E },
		{ "doctor said it's not a PE", R },
		{ "Dios quiera que no sea un co\u00e1gulo en el pulm\u00f3n", E },
		{ "no vaya a ser un infarto", E },
		{ "espero que el co\u00e1gulo no se haya ido al pulm\u00f3n", E },
		{ "el m\u00e9dico dice que no es un infarto", R },
		/* Severe breathlessness by an intensifier or a struggle. */
		{ "Atmen f\u00e4llt mir extrem schwer", E },
		{ "ich krieg ganz schwer Luft", E },
		{ "hab heftige Atemnot", E },
		{ "Luft bekomm ich nur noch mit M\u00fche", E },
		{ "Er japst ununterbrochen", E },
		{ "Leichte Atemnot beim Treppensteigen", U },
		{ "I can only get air with great effort", E },
		{ "lucho por cada respiraci\u00f3n", E },
		{ "respiro muy muy superficial", E },
		/* Blackout euphemisms. */
		{ "Mir war eben kurz schwarz vor Augen", E },
		{ "Ihm ist kurz der Film gerissen", E },
		{ "Oma ist kaum wach zu bekommen", E },
		/* tune57: a habit of coughing blood asked about, black stool
		 * in a carer's word, a calf hard as a board and warm. */
		{ "Wenn ich huste kommt Blut mit, oder?", E },
		{ "Was mach ich wenn ich Blut huste?", A },
		{ "mutti hat schwarze Kacke seit heute, nimmt Eliquis", U },
		{ "Wade wie ein Brett, hart und hei\u00df", U },
		{ "Kei Schmerz i de Bruscht, kei Atemnot", R },
		{ "han kei Luft meh", E },
	};
	static const char *const yes_de[] = { "Beim Laufen schon", "Stiegen ja",
	    "nur wenn ich die Treppe nehme", "wenn ich mich b\u00fccke, dann ja",
	    "k\u00f6nnte schon sein", "ein kleines bisschen", "abends meistens",
	    "i glaub scho", "a bissl scho", "Druck ja, Stechen nein",
	    "eher Enge als Schmerz", "Nein, eher so ein Brennen",
	    "nee, aber es dr\u00fcckt ein bisschen" };
	static const char *const no_de[] = { "nein nur der Druck", "nein, gar nichts",
	    "nein danke, geht schon besser", "schon besser",
	    "morgen geh ich zum Hausarzt", "nein, eher nicht" };
	static const char *const yes_en[] = { "going up hills yes", "only uphill",
	    "if I push myself, then yes", "mornings always",
	    "more pressure than pain", "depends, bending over yes" };
	static const char *const no_en[] = { "no just the pain", "fine thanks" };
	static const char *const yes_es[] = { "en la escalera s\u00ed", "solo de subida",
	    "si me esfuerzo, entonces s\u00ed", "por las ma\u00f1anas siempre",
	    "m\u00e1s presi\u00f3n que dolor", "depende, al agacharme s\u00ed" };
	static const char *const no_es[] = { "no, nada" };

	(void)state;
	CHECK(c);
	check_answers_after("Mir ziehts in der Brust", yes_de,
	    sizeof yes_de / sizeof yes_de[0], no_de, sizeof no_de / sizeof no_de[0]);
	check_answers_after("I am a bit breathless today", yes_en,
	    sizeof yes_en / sizeof yes_en[0], no_en, sizeof no_en / sizeof no_en[0]);
	check_answers_after("me falta un poco el aire hoy", yes_es,
	    sizeof yes_es / sizeof yes_es[0], no_es, sizeof no_es / sizeof no_es[0]);
}

static void
test_tune55_de(void **state)
{
	/* Bavarian and Austrian dialect classes, not the corpus lines. */
	static const struct case_ c[] = {
		{ "Zwickt mi scho de ganze Zeit im linkn Haxn", U },
		{ "Beim Spaziergeh ziagts a bissl in da Wadn", A },
		{ "d'Wadl werd imma schlimma", U },
		{ "Da Fua\u00df is ned besser wordn", U },
		{ "De Wadl is hoa\u00df und rot seit heid fruah", U },
		{ "Mei Knia is rot und warm", U },
		{ "wenn i an Fua\u00df aufiziag stichts in da Wadl", U },
		{ "Des ziagt ma so in da Brust seit in da Fruah", U },
		{ "Wenn i tiaf Luft hol stichts", U },
		{ "Des Zahnfleisch bluat seit ana guatn Stund und h\u00f6rt ned auf", U },
		{ "Hob mi gschnittn, des blutet und blutet", U },
		{ "Scho s vierte Taschentuch vom Nasnbluatn", U },
		{ "s Pipi is heid rosa", U },
		{ "Pl\u00f6tzlich hob i nix mehr mitkriagt, bin am Sofa wieder zu mir kemma", E },
		{ "Mein Vater ist ohne m\u00e4chtig geworden", E },
		{ "Er hat Blut er brochen", E },
		{ "Ich glaube ich habe einen Herz in Farkt", E },
		{ "Druck in der Frust seit heute morgen", U },
		{ "Darf ich fliegen Fragezeichen", A },
		{ "Luft... hob koane mehr", E },
		{ "Wann i moi Bluad im Stuhl hob, soll i anruafn?", A },
		{ "Mei Lungenembolie is scho 5 Johr her", R },
		{ "As Schnaufen geht wieda ganz guat", R },
		{ "Bei der Nebenkostenabrechnung blieb mir die Luft weg", R },
		{ "Seit der Rechnung krieg ich keine Luft mehr und die Brust dr\u00fcckt", E },
		{ "De Fiass san schee warm in de neuen Socken", R },
		{ "D'Haxn is ned rot und ned warm", R },
		{ "Er hat das ohne m\u00e4chtig viel Aufwand geschafft", R },
		{ "Auf der Parkbank am See ausgeruht, dann heim", R },
		{ "musste auf der Bank verschnaufen, so kurzatmig", U },
	};

	(void)state;
	CHECK(c);
}

static void
test_tune59_en2(void **state)
{
	/* 6: a real, recurring symptom in an if-clause is a report. */
	static const struct case_ c[] = {
		{ "can I go for a swim if my chest aches whenever I climb the stairs", U },
		{ "is it safe to fly if my ankle puffs up every night", U },
		{ "how many laps can I do if I end up breathless after each lap", U },
		{ "should I still go out if my calf keeps cramping", U },
		{ "would it be ok to cycle if my calf throbs every time I pedal", U },
		{ "do I keep my leg up if it swells most evenings", U },
		{ "what should I do if I get chest pain?", A },
		{ "what if my leg swells every evening?", A },
		{ "what happens if I get chest pain when I'm out walking?", A },
	};
	/* 3, 4, 5: a no taken back, a hedge, a feeling instead of a yes. */
	static const char *const yes[] = { "nah... hold on, yeah a little",
	    "nope, scratch that, it is", "no. hmm, actually there is",
	    "dunno, could be", "he's not sure, perhaps", "tough to say, maybe",
	    "don't think so, perhaps a bit heavy", "a smidge",
	    "ever so slightly", "it can get a bit heavy",
	    "wouldn't call it pain, more a tightness",
	    "not painful, tight though" };
	static const char *const notyes[] = { "no... actually I'm fine",
	    "no, wait, it's better now", "maybe later",
	    "no, maybe a bit sore from the gym", "a tad better",
	    "it doesn't feel tight" };
	/* 3: the correction in the next message, after the no. */
	static const char *const m1[] = { "a bit puffed out today", "nope",
	    "soz, meant to type yes" };
	static const char *const m2[] = { "chest is sore this morning", "no",
	    "wrong button, yes" };
	static const char *const m3[] = { "out of breath on the stairs", "no",
	    "hmm, now it's a bit heavy" };
	static const char *const m4[] = { "out of breath on the stairs", "no",
	    "well it's tight but that's the stockings" };
	static const char *const m5[] = { "my calf is swollen",
	    "sorry I meant yes" };
	static const char *const m6[] = { "a bit puffed today", "no",
	    "that was supposed to say yes" };
	static const enum triage_level w1[] = { U, U, E };
	static const enum triage_level w4[] = { U, U, U };
	static const enum triage_level w5[] = { U, U };

	(void)state;
	CHECK(c);
	check_answers_after("bit breathless today", yes,
	    sizeof yes / sizeof yes[0], notyes, sizeof notyes / sizeof notyes[0]);
	conv(m1, w1, NULL, 3);
	conv(m2, w1, NULL, 3);
	conv(m3, w1, NULL, 3);
	conv(m4, w4, NULL, 3);
	conv(m5, w5, NULL, 2);
	conv(m6, w1, NULL, 3);
}

static void
test_tune59_es1(void **state)
{
	/* Classes of the es-tune59b attack (es1), not the corpus lines. */
	static const struct case_ c[] = {
		/* 2: tight, not pain, the chest only in the denied part. */
		{ "no me duele el pecho, lo noto oprimido", U },
		{ "no me duele el t\u00f3rax, m\u00e1s bien siento presi\u00f3n", U },
		{ "el pecho no me duele, pero lo tengo pesado", U },
		{ "dolor de pecho no tengo, pero me aprieta", U },
		{ "no me duele el pecho sino que me oprime y me ahogo", E },
		{ "no me duele el pecho ni me aprieta", R },
		{ "no me duele el pecho, me aprieta la media", R },
		/* 3: the chest pointed at, not named. */
		{ "tengo como una losa aqu\u00ed en el centro", U },
		{ "aqu\u00ed en medio siento un nudo que aprieta", U },
		{ "como un cintur\u00f3n apretado ac\u00e1 arriba", U },
		{ "me pesa aqu\u00ed, en medio", U },
		{ "me falta el aire y siento un peso ac\u00e1 en medio", E },
		{ "me duele aqu\u00ed en medio de la espalda", R },
		{ "la media me aprieta aqu\u00ed arriba", R },
		/* 9: a named fear as a hedge or a question wanting "no". */
		{ "no es un infarto, \u00bfverdad? me duele el brazo", E },
		{ "no pienso que sea una embolia pero me falta el aire", E },
		{ "no tendr\u00e9 un co\u00e1gulo en el pulm\u00f3n, \u00bfno?", E },
		{ "no fue un infarto, dijo el m\u00e9dico", R },
	};
	/* 1 and 2: a hedged, qualified or conditional yes to the question. */
	static const char *const yes[] = { "quiz\u00e1 s\u00ed, no s\u00e9",
	    "no estoy muy seguro, tal vez", "por ratos", "masomenos",
	    "nom\u00e1s un poquito", "no tanto, pero un poco",
	    "casi nada pero a veces", "no, bueno, pensandolo bien s\u00ed",
	    "no, solo al subir la cuesta", "quien sabe, a lo mejor un poco",
	    "ni idea, creo que algo", "no me duele, lo noto pesado",
	    "dolor como tal no, es m\u00e1s bien presi\u00f3n" };
	static const char *const no[] = { "no s\u00e9, creo que no",
	    "no tanto, ya estoy mejor", "no, para nada", "m\u00e1s o menos bien",
	    "no, solo cuando camino me duele la pierna",
	    "no me duele, me aprieta la media" };

	(void)state;
	CHECK(c);
	check_answers_after("me falta un poco el aire", yes,
	    sizeof yes / sizeof yes[0], no, sizeof no / sizeof no[0]);
	check_answers_after("me duele el pecho", yes,
	    sizeof yes / sizeof yes[0], no, sizeof no / sizeof no[0]);
}

static void
test_tune59_es2(void **state)
{
	/* tune59b classes in other words, not the corpus lines: a feared
	 * condition behind a belief or a plea, bleeding that cannot be
	 * stopped, breath told as oxygen, lungs or strength, a leg that
	 * cannot be borne or pulses, "como que me voy" with palpitations. */
	static const struct case_ c[] = {
		{ "no pienso que sea una embolia pero tengo miedo", E },
		{ "Dios no quiera que sea un infarto", E },
		{ "creo que le est\u00e1 dando un paro a mi padre", E },
		{ "casi me da un paro del susto", R },
		{ "el m\u00e9dico no cree que sea una embolia", R },
		{ "no conseguimos parar el sangrado de la enc\u00eda", U },
		{ "no hay manera de cortar la sangre del dedo", U },
		{ "imposible frenar la sangre de la nariz", U },
		{ "a mi madre no se le corta la sangre del corte", U },
		{ "no consigo que pare de sangrar el corte", U },
		{ "mi abuela se est\u00e1 desangrando por la nariz", U },
		{ "ya se par\u00f3 la sangre de la nariz", R },
		{ "ya dej\u00f3 de sangrar la nariz", R },
		{ "ya par\u00f3 de sangrar la enc\u00eda pero volvi\u00f3 a empezar", U },
		{ "le hace falta ox\u00edgeno a mi marido", U },
		{ "me qued\u00e9 sin ox\u00edgeno subiendo la cuesta", U },
		{ "no acabo de llenar los pulmones", U },
		{ "no tengo fuerzas ni para respirar", E },
		{ "respirar le cuesta horrores", E },
		{ "me falta el ox\u00edgeno y tengo el pecho apretado", E },
		{ "los pulmones ya se me llenan bien", R },
		{ "no tengo tiempo ni para respirar", R },
		{ "ya no aguanto el gemelo", U },
		{ "el muslo no lo soporto m\u00e1s", U },
		{ "le pulsa la pantorrilla", U },
		{ "no aguanto las ganas de salir a pasear", R },
		{ "el coraz\u00f3n desbocado y siento que me voy", U },
		{ "taquicardia y como si me fuera", U },
		{ "siento que me voy a ir a casa temprano", R },
		{ "no tengo suficiente ox\u00edgeno", U },
		{ "me quedo corta de ox\u00edgeno al subir", U },
		{ "respirar es un suplicio", E },
		{ "no puedo m\u00e1s con la pantorrilla", U },
		{ "siento pulsaciones en el gemelo", U },
		{ "palpitaciones y siento que me apago", U },
		{ "no tengo ox\u00edgeno en la bombona, me la traen ma\u00f1ana", R },
	};

	(void)state;
	CHECK(c);
}

static void
test_tune59_en1(void **state)
{
	/* tune59b (an outside attack): the classes, in new words. */
	static const struct case_ c[] = {
		/* clots coughed or vomited up, no word blood */
		{ "been hacking up clots all night", E },
		{ "mum brought up some dark clots when she coughed", E },
		{ "a couple of clots came up when i was coughing", E },
		{ "there were clots in my phlegm this morning", E },
		{ "puked up clots", E },
		{ "was sick and there were a few clots in it", E },
		{ "the clot came up at my appointment, doc says its shrinking", R },
		{ "coughed a clot up", E },
		{ "getting clots when i cough", E },
		{ "the clot came up in conversation with the gp", R },
		/* breathing a struggle, a battle; struggling with it */
		{ "every breath's a real struggle tonight", E },
		{ "her breathing has been a battle since lunch", E },
		{ "he's struggling with his breathing", E },
		{ "breathing is no struggle now", R },
		/* the bosom for the chest */
		{ "my bosom feel tight and heavy", U },
		{ "pain in me bosom and can't get me breath", E },
		{ "he's my bosom buddy from school", R },
		/* shortness of breathing, breath shortness */
		{ "shortness of breathing on the stairs", U },
		{ "bit of breath shortness today", U },
		/* clipped fragments */
		{ "ribs: sore. breathing: hard.", E },
		{ "chest, fine. leg, fine.", R },
		{ "breathing, fine, chest, no pain", R },
		/* body part, comma, symptom */
		{ "ankle, throbbing since morning", U },
		{ "my knee, bit stiff after gardening", U },
		{ "leg, much better thanks", R },
		{ "calf, no pain today", R },
		{ "the leg is not right", U },
		/* leg-pain idioms */
		{ "calf is giving me grief again", U },
		{ "the leg is absolute murder", U },
		{ "my calf's been at me all day", U },
		{ "calf's been acting up since yesterday", U },
		{ "the calf is screaming at me", U },
		{ "calf giving me no bother", R },
		/* collapse idioms */
		{ "mum had a wobbly and went over in the kitchen", E },
		{ "dad went down like a sack of potatoes in the shop", E },
		{ "she dropped in the kitchen", E },
		{ "she's dropped in the hallway", E },
		{ "he swooned when he stood up", E },
		{ "her legs just went and she fell", E },
		{ "nan dropped in on us for tea", R },
		{ "she swooned over the new vicar", R },
		{ "i went over to mums for lunch", R },
		{ "she went down to the chemist for me", R },
		{ "dad went down the road to the paper shop", R },
		{ "had a funny turn and went down for a second", E },
		/* a symptom back as "it" or "thing" */
		{ "that chest thing is back", U },
		{ "i used to get breathless, now it's started again", U },
		{ "the not being able to get my breath thing is back", E },
	};

	(void)state;
	CHECK(c);
}

static void
test_tune60_de(void **state)
{
	static const struct case_ c[] = {
		/* "can't breathe" with a dialect or typed-short verb */
		{ "er kann nich mehr atmn", E },
		{ "Mama kan ned atma", E },
		{ "ich kann nicht atme, bitte", E },
		{ "i ko ned gscheid schnaufn", E },
		{ "Opa kann nicht schnaufe", E },
		/* pain verbs before Alemannic/Bavarian chest words */
		{ "s zieht mir i dr Bruscht", U },
		{ "jetzt brennts uf de Bruscht", U },
		{ "Bruschtweh sit geschter", U },
		{ "hab Bruschtstiche", U },
		/* "no" for noch, not a denial */
		{ "bin no kurzatmig", U },
		{ "es tuet no weh i de Bruscht", U },
		{ "there is no chest pain", R },
		/* "Wasser" for urine with a possessive */
		{ "sein Wasser ist heute rosa", U },
		{ "mein Wasser sieht aus wie Himbeersaft", U },
		{ "das Wasser im Pool war rot", R },
		/* a stab in the leg as a noun; pain growing step by step */
		{ "im Bein plötzlich ein Stich wie mit Nadeln", U },
		{ "an der Wade ein Stich von ner Mücke", R },
		{ "sie wird bei jedem Schritt stärker", U },
		{ "der Schmerz wird von Schritt zu Schritt schlimmer", U },
		/* over with fort, futsch, verflogen; breathing normal */
		{ "Die Brustschmerzen sind zum Glück futsch", R },
		{ "d Atemnot isch verflogen", R },
		{ "er schnauft wieder ganz normal", R },
		{ "i ko ned normal schnaufn", E },
	};

	(void)state;
	CHECK(c);
}

static void
test_cough_blood_across_comma(void **state)
{
	static const struct case_ c[] = {
		{ "woke up coughing, blood on the pillow", E },
		{ "bin hustend aufgewacht, Blut aufm Kopfkissen", E },
		{ "tos toda la noche, sangre en el pañuelo", E },
		/* A sentence's end still parts them (the safety net's urgent). */
		{ "coughing a lot. blood in my pee", U },
		/* So is pain when the toes are pulled up. */
		{ "when I pull my toes up, the calf screams", U },
		{ "wenn ich die zehen zur nase zieh, reißt es in der wade", U },
		/* Other concepts still stop at a comma. */
		{ "chest is fine, leg hurts", U },
	};

	CHECK(c);
}

static void
test_negation_scope(void **state)
{
	static const struct case_ c[] = {
		{ "I'm not great, can't breathe properly", E },
		{ "don't know what's wrong, I can't get my breath", E },
		{ "can't talk much, can't breathe", E },
		{ "not great and can't breathe", E },
		{ "no fever and chest pain", U },
		{ "no cough, my chest hurts", U },
		{ "no puedo respirar", E },
		{ "no me llega el aire", E },
		{ "ich kann nicht atmen", E },
		{ "keine Luft", E },
		{ "no chest pain, no breathlessness", R },
		{ "no chest pain or breathlessness", R },
		{ "my calf doesn't hurt any more", R },
		{ "no tengo dolor de pecho ni falta de aire", R },
		{ "nosebleed won't stop", U },
		/* A later "but I have now" undoes the denial... */
		{ "never had chest pain before but I have now", U },
		{ "hatte nie Brustschmerzen, aber jetzt schon", U },
		/* ...but a new symptom after "aber jetzt" undoes nothing. */
		{ "Die Brustschmerzen sind weg, aber jetzt bin ich kurzatmig", U },
		/* "can't X for Y": the negation is about X, not the symptom. */
		{ "I can't get up the stairs for gasping", E },
	};

	CHECK(c);
}

static void
test_paraphrases(void **state)
{
	static const struct case_ c[] = {
		{ "like breathing through a straw", E },	/* air hunger */
		{ "it's like a belt round my ribs", U },
		{ "a weight pressing on my chest", U },
		{ "chest in a vice", U },
		{ "I went down and woke up on the bathroom floor", E },
		{ "one calf much fatter than the other", U },
		{ "pink water in the toilet after I pee, on rivaroxaban", U },
		{ "blood when I wipe, I'm on apixaban", U },
		{ "ich bekomme schlecht Luft", U },
		{ "feels like an elephant sitting on my chest", U },
		{ "fighting for every breath", E },
		{ "me aprieta el pecho como una faja", U },
		/* breathing as a fight or a great effort */
		{ "breathing is a real battle today", E },
		{ "jeder Atemzug ist ein Kampf", E },
		{ "ich muss um jeden Atemzug k\u00e4mpfen", E },
		{ "respira con mucho esfuerzo", E },
		/* about to keel over; black before the eyes is dizziness */
		{ "ich kipp gleich um", E },
		{ "se me puso todo negro y me tuve que sentar", E },
		{ "Herz stolpert und mir wird schwarz vor Augen", U },
		{ "me cuesta respirar y me voy a caer", E },
		/* a throbbing leg, also in a compound; blood when passing water */
		{ "Thrombosebein pocht wie verr\u00fcckt", U },
		{ "das kranke Bein h\u00e4mmert", U },
		{ "orine con sangre hoy, tomo sintrom", U },
		{ "una pierna se ve + gorda q la otra", U },
		/* former held-back part 9 */
		{ "can only get 3 or 4 words out before i need another breath", E },
		{ "one ankle looks like a bread roll next to the other one", U },
		{ "phlegm\u2019s got blood in it", E },
		{ "mum is sure its another PE like in 2022", E },
		{ "V.a. L.E.?? f\u00fchlt sich genauso an wie damals", E },
		{ "feeling giddy since morning and heartbeat is very fast", U },
		{ "HEART RACING AND FEEL LIKE IM GOING TO TOPPLE OVER", U },
		{ "nehme marcumar und pinkle seit heute rot", U },
		{ "aufgewacht aufm fliesenboden, weiss nich wie ich da hingekommen bin", E },
		{ "u thnk its ok 2 fly nxt wk", A },
		{ "a q altura pongo la pierna cuando duermo", A },
		{ "a q hora abre la farmacia el domingo", R },
		/* tune19: what a keyword list misses */
		{ "its crushing n going up into his jaw n hes puffing", E },
		{ "cant get my boot zipped over the bad leg anymore", U },
		{ "calf feels like its on fire when i point my toes up", U },
		{ "room keeps tilting and i can feel my pulse thumping", U },
		{ "on apixaban, dressing soaked twice already", U },
		{ "passd owt in the shower", E },
		{ "siento un peso en el pecho y respiro a sorbitos", E },
		{ "la nariz parece grifo abierto, con el sintrom", U },
		{ "ich chume fascht n\u00f6d zum schnuufe", E },
		{ "mein Mann is\u2019 im Garten umg\u2019fallen", E },
		{ "mei Wad\u2019l is\u2019 ganz hoa\u00df und g\u2019schwoll\u2019n", U },
		{ "pain between my shoulder blades since this morning", U },
		{ "sunburnt my shoulder blades at the beach lol", R },
		{ "Oben im R\u00fccken alles gut, danke", R },
		{ "El sol me dej\u00f3 la cara roja y caliente", R },
		{ "no siento la pierna hinchada pero s\u00ed roja y caliente", U },
		{ "dice que ahora s\u00ed le duele cuando respira", U },
		{ "ausatmen geht schwer", U },
		/* questions without a question mark */
		{ "stairs ok", A },
		{ "my dad asks can he use the stairs at home", A },
		{ "las medias me las quito pa dormir o no", A },
		{ "jogge seit 2 wochen wieder ganz langsam, passt das so", A },
		{ "la pierna ya est\u00e1 normal", R },
		/* tune21 */
		{ "me siento ida y con taquicardia", U },
		{ "me sali\u00f3 un hematoma del tama\u00f1o de un pu\u00f1o", U },
		{ "mir tut das einatmen weh und ich schnauf wie nach nem marathon", E },
		{ "d\u2019wadn is ganz hoass und rot", U },
		{ "me molesta tantito el chamorro al caminar, es normal?", A },
		{ "el mes pasado me sangr\u00f3 la nariz pero nada desde entonces", R },
	};

	CHECK(c);
}

/*
 * The level of an answer to the chest-pain question a breathless patient
 * was asked, after first (NULL: "a bit breathless since this morning").
 */
static enum triage_level
answer_level_after(const char *first, const char *answer)
{
	struct triage_state	st;
	struct triage_result	r;

	triage_state_init(&st);
	triage_step(rules, &st, first != NULL ? first :
	    "a bit breathless since this morning", T0, &r);
	assert_true(triage_question_pending(&st, T0 + 60));
	triage_step(rules, &st, answer, T0 + 60, &r);
	return r.level;
}

static enum triage_level
answer_level(const char *answer)
{
	return answer_level_after(NULL, answer);
}

/*
 * A hedged or partial yes to the follow-up question is a yes, and so is "I
 * don't know" (when unsure, the higher level); a no is not, and neither is
 * a short message that says it is better or makes a plan.
 */
static void
test_hedged_answers(void **state)
{
	static const char *const yes[] = { "think so, sort of a squeeze",
	    "only when i walk up the hill", "not sure, maybe a little pressure",
	    "sometimes yeah", "no s\u00e9, un poco apretado s\u00ed",
	    "a lo mejor un poquito de presi\u00f3n",
	    "bisschen, wenn ich schneller geh",
	    "eigentlich schon, beim treppensteigen",
	    "wei\u00df nicht genau, eher ein dr\u00fccken", "no s\u00e9",
	    "sie sagt a bissl scho", "dr\u00fcckt nur am berg, sonst nicht",
	    "no pain but tight", "nein, aber etwas Druck",
	    "no, pero me aprieta un poco", "only when I walk up hills",
	    "he said yeah kinda", "she says yes a bit" };
	static const char *const notyes[] = { "no not really", "nope",
	    "eher nicht", "nein, nur m\u00fcde", "feeling a bit better now",
	    "walked a bit today", "maybe ill see the gp tomorrow",
	    "un poco mejor gracias", "a lo mejor voy al m\u00e9dico ma\u00f1ana",
	    "etwas besser heute", "vielleicht morgen zum Arzt",
	    "just going for my walk now",
	    "only when I twist, it's the muscle I strained",
	    "a little tired but thats all", "ein bisschen m\u00fcde",
	    "un poco cansada nada m\u00e1s",
	    "nur beim Treppensteigen, aber keine Schmerzen",
	    "a veces cuando subo escaleras, pero sin dolor",
	    "she says no, just tired" };
	size_t			i;

	for (i = 0; i < sizeof yes / sizeof yes[0]; i++)
		if (answer_level(yes[i]) != TRIAGE_EMERGENCY)
			fail_msg("\"%s\" did not escalate", yes[i]);
	for (i = 0; i < sizeof notyes / sizeof notyes[0]; i++)
		if (answer_level(notyes[i]) != TRIAGE_URGENT)
			fail_msg("\"%s\" escalated", notyes[i]);
}

static void
test_cough_then_blood(void **state)
{
	static const char *const m[] = { "opa hustet und ist kurzatmig",
	    "jetzt ist blut im taschentuch" };
	static const enum triage_level w[] = { U, E };
	static const char *const m2[] = { "coughing all night",
	    "now there's blood on the tissue" };
	static const enum triage_level w2[] = { R, E };
	/* blood from the nose or a cut is no coughed-up blood */
	static const char *const m3[] = { "Husten seit gestern",
	    "Nasenbluten, Blut im Taschentuch, hat aufgeh\u00f6rt" };
	static const char *const m4[] = { "Tengo tos seca desde ayer",
	    "me cort\u00e9 afeit\u00e1ndome, sangre en el pa\u00f1uelo" };
	static const enum triage_level w3[] = { R, U };

	conv(m, w, NULL, 2);
	conv(m2, w2, NULL, 2);
	conv(m3, w3, NULL, 2);
	conv(m4, w3, NULL, 2);
}

static void
test_spec_additions(void **state)
{
	static const struct case_ c[] = {
		{ "I think I'm having a heart attack", E },
		{ "I think it's a PE", E },
		{ "the clot has gone to my lungs", E },
		{ "creo que es un infarto", E },
		{ "ich glaube, das ist eine Lungenembolie", E },
		{ "it hurts to breathe in", U },
		{ "upper back pain and I'm breathless", E },
		{ "dizzy and my heart is racing", U },
		{ "mareado y con taquicardia", U },
		{ "Schwindel und Herzrasen", U },
		{ "my gums won't stop bleeding, on apixaban", U },
		{ "cut on my hand has been bleeding for an hour", U },
	};

	CHECK(c);
}

static void
one(const char *text, struct triage_result *r)
{
	struct triage_state	st;

	triage_state_init(&st);
	triage_step(rules, &st, text, T0, r);
}

static void
test_review_and_requests(void **state)
{
	static const struct {
		const char		*text;
		enum triage_request	 want;
	} req[] = {
		{ "STOP", TRIAGE_REQUEST_STOP },
		{ "baja", TRIAGE_REQUEST_STOP },
		{ "Stopp!", TRIAGE_REQUEST_STOP },
		{ "ABMELDEN", TRIAGE_REQUEST_STOP },
		{ "please stop texting me", TRIAGE_REQUEST_STOP },
		{ "no me env\u00eden m\u00e1s mensajes", TRIAGE_REQUEST_STOP },
		{ "bitte keine SMS mehr", TRIAGE_REQUEST_STOP },
		{ "HELP", TRIAGE_REQUEST_HELP },
		{ "ayuda", TRIAGE_REQUEST_HELP },
		{ "Hilfe", TRIAGE_REQUEST_HELP },
		{ "START", TRIAGE_REQUEST_START },
		{ "alta", TRIAGE_REQUEST_START },
		{ "stop walking reminders please", TRIAGE_REQUEST_STOP },
		{ "thanks", TRIAGE_REQUEST_NONE },
	};
	struct triage_result	r;
	size_t			i;

	for (i = 0; i < sizeof req / sizeof req[0]; i++) {
		one(req[i].text, &r);
		if (r.request != req[i].want)
			fail_msg("\"%s\": request %d, want %d", req[i].text,
			    r.request, req[i].want);
	}
	/* A red flag in the same message is still a red flag. */
	one("stop texting me, I can't breathe", &r);
	assert_int_equal(r.level, E);
	assert_int_equal(r.request, TRIAGE_REQUEST_STOP);

	/* A request for a person, and what nothing places, go to a person. */
	one("can someone call me", &r);
	assert_int_equal(r.level, R);
	assert_true(r.review);
	assert_string_equal(r.reply, "review");
	assert_non_null(strstr(r.rules, "review"));
	one("ll\u00e1menme por favor", &r);
	assert_true(r.review);
	one("rufen Sie mich bitte an", &r);
	assert_true(r.review);
	one("zxqv plork", &r);
	assert_true(r.review);
	assert_string_equal(r.rules, "review");
	one("thanks, walked 20 mins", &r);
	assert_false(r.review);
	one("no chest pain today", &r);
	assert_false(r.review);
	/* A word of the chest that no rule places: urgent, and a person reads it. */
	one("something going on in my chest", &r);
	assert_int_equal(r.level, U);
	assert_true(r.review);
	assert_string_equal(r.reply, "unsure");
	one("my chest is fine, walked 2 km", &r);
	assert_int_equal(r.level, R);
	/*
	 * Greetings, thanks, apologies and a folded-hands emoji are no reason
	 * to read such a message as chit-chat (the perturbation tool appends
	 * 🙏; "Thanks, noted" was once the answer).
	 */
	one("something going on in my chest \U0001F64F", &r);
	assert_int_equal(r.level, U);
	assert_true(r.review);
	one("morning, sorry to bother, something going on in my chest", &r);
	assert_int_equal(r.level, U);
	one("hola buenas, algo raro en el pecho desde hoy", &r);
	assert_int_equal(r.level, U);
	one("hallo, heute irgendwas komisch in der Brust, danke", &r);
	assert_int_equal(r.level, U);
	/* ... but a word of the chest beside "fine" or 👍 still is. */
	one("chest all good now \U0001F44D", &r);
	assert_int_equal(r.level, R);
	one("gave blood today, thanks", &r);
	assert_int_equal(r.level, R);
	/* A red flag the rules know is no case for the safety net's inbox. */
	one("my chest hurts", &r);
	assert_int_equal(r.level, U);
	assert_false(r.review);
	assert_null(strstr(r.rules, "unsure_alarm"));
	/* A person asked for beside a red flag: both. */
	one("can someone call me, my chest hurts", &r);
	assert_int_equal(r.level, U);
	assert_true(r.review);
}

static void
test_follow_up_extra_words(void **state)
{
	static const char *const pairs[][2] = {
		{ "bit breathless today", "yes a little" },
		{ "ich bin etwas kurzatmig", "ja, etwas" },
		{ "me falta un poco el aire", "s\u00ed, un poco" },
		{ "a bit short of breath", "yeah kind of" },
		/* An idiom's yes, a relayed hedge, an image of the asked symptom. */
		{ "I get puffed on the stairs", "sure does" },
		{ "there's a pressure in his chest", "she says maybe a bit" },
		{ "breathless walking the dog", "feels more like a band" },
		{ "there's a pressure in his chest", "yeah and he's breathing faster" },
	};
	struct triage_state	st;
	struct triage_result	r;
	size_t			i;

	for (i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
		triage_state_init(&st);
		triage_step(rules, &st, pairs[i][0], T0, &r);
		assert_int_equal(r.level, U);
		triage_step(rules, &st, pairs[i][1], T0 + 60, &r);
		if (r.level != E)
			fail_msg("\"%s\" after \"%s\": %s", pairs[i][1],
			    pairs[i][0], triage_level_name(r.level));
	}
}

static void
test_norm_fold(void **state)
{
	static const struct {
		const char	*in, *out;
	} c[] = {
		{ "Can\u2019t", "can't" },
		{ "\u201cquoted\u201d \u00abx\u00bb", "\"quoted\" \"x\"" },
		{ "\u00d1and\u00fa Stra\u00dfe \u00c6ther", "nandu strasse aether" },
		{ "est\u00b4a qu`e can\u00b4t", "esta que can't" },
		{ "a\u200bb\u00adc\u00a0d", "abc d" },
		{ "wait\u2026 \u2014 ok", "wait... - ok" },
		{ "emoji \xf0\x9f\x98\xb0 kept", "emoji \xf0\x9f\x98\xb0 kept" },
	};
	char	out[256];
	size_t	i, n;

	for (i = 0; i < sizeof c / sizeof c[0]; i++) {
		n = triage_norm_fold(c[i].in, strlen(c[i].in), out,
		    TRIAGE_FOLD_CASE);
		assert_int_equal(n, strlen(out));
		assert_string_equal(out, c[i].out);
	}
	/* Without the case fold a pattern keeps its escapes. */
	triage_norm_fold("\\W+\\b\u00e9", 7, out, 0);
	assert_string_equal(out, "\\W+\\be");
	/*
	 * Dotted abbreviations joined, long runs squeezed, the dot of a
	 * one-letter word before another word a soft stop, nothing else.
	 */
	n = triage_norm_words(NULL, "s.o.b. e.g. a. b sooooo", 23, out, 0, NULL);
	assert_string_equal(out, "sob eg a\x1f b soo");
	assert_int_equal(n, strlen(out));
}

/*
 * A word cut short reads as a long target ("komp." is 21 bytes for 5), but
 * never past the TRIAGE_NORM_SIZE bytes the reader gives out: a message of
 * many such words once ran over the scan buffer.
 */
static void
test_norm_words_bounded(void **state)
{
	struct triage_lexicon	*lx;
	struct triage_state	 st;
	struct triage_result	 r;
	char			 in[1200], *out;
	size_t			 i, n, len, size;

	lx = triage_lexicon_new();
	assert_int_equal(triage_lexicon_add(lx, "kompressionsstrumpfe",
	    LEX_TARGET), 0);
	triage_lexicon_build(lx);
	for (len = 0; len + 6 < sizeof in; len += 6)
		memcpy(in + len, "komp.,", 6);
	in[len] = '\0';
	size = TRIAGE_NORM_SIZE(len);
	/* Twice the size, so that an overrun fails here rather than crashes. */
	assert_non_null(out = malloc(2 * size));
	memset(out, 0x5a, 2 * size);
	n = triage_norm_words(lx, in, len, out, 0, NULL);
	assert_true(n < size);
	assert_int_equal(n, strlen(out));
	for (i = size; i < 2 * size; i++)
		assert_int_equal((unsigned char)out[i], 0x5a);
	/* The first ones still read as the word they cut short. */
	assert_memory_equal(out, "kompressionsstrumpfe\x1f,", 22);
	free(out);
	triage_lexicon_free(lx);
	/* And through the rules' own lexicon, as the daemon reads it. */
	triage_state_init(&st);
	triage_step(rules, &st, in, T0, &r);
	(void)state;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_emergencies),
		cmocka_unit_test(test_urgent),
		cmocka_unit_test(test_advice_and_routine),
		cmocka_unit_test(test_negation),
		cmocka_unit_test(test_negation_scope_ends),
		cmocka_unit_test(test_negation_that_is_the_symptom),
		cmocka_unit_test(test_hedges_count),
		cmocka_unit_test(test_history_and_recurrence),
		cmocka_unit_test(test_hypotheticals),
		cmocka_unit_test(test_harmless_phrases),
		cmocka_unit_test(test_text_speak_and_carers),
		cmocka_unit_test(test_cross_message_escalation),
		cmocka_unit_test(test_episode_never_steps_down),
		cmocka_unit_test(test_episode_ends_after_24_hours),
		cmocka_unit_test(test_follow_up_question),
		cmocka_unit_test(test_hypothetical_stays_out_of_the_conversation),
		cmocka_unit_test(test_happening_now),
		cmocka_unit_test(test_came_back),
		cmocka_unit_test(test_replies),
		cmocka_unit_test(test_activity_reports),
		cmocka_unit_test(test_language_detection),
		cmocka_unit_test(test_state_round_trip),
		cmocka_unit_test(test_bad_input_is_safe),
		cmocka_unit_test(test_loader_diagnostics),
		cmocka_unit_test(test_literal_walk),
		cmocka_unit_test(test_line_cuts),
		cmocka_unit_test(test_large_set_loads),
		cmocka_unit_test(test_prefilter_never_misses),
		cmocka_unit_test(test_caseless_pairs_with_ascii),
		cmocka_unit_test(test_caseless_symbols_pair_with_nothing),
		cmocka_unit_test(test_apostrophe_forms),
		cmocka_unit_test(test_surface_forms),
		cmocka_unit_test(test_typos),
		cmocka_unit_test(test_negation_scope),
		cmocka_unit_test(test_cough_blood_across_comma),
		cmocka_unit_test(test_everyday_ways),
		cmocka_unit_test(test_regional_english_spanish),
		cmocka_unit_test(test_german_dialect),
		cmocka_unit_test(test_told_by_effect),
		cmocka_unit_test(test_second_language),
		cmocka_unit_test(test_breathless_chest_named),
		cmocka_unit_test(test_bleeding_and_comparisons),
		cmocka_unit_test(test_compared_with_past),
		cmocka_unit_test(test_observed_signs),
		cmocka_unit_test(test_paraphrases),
		cmocka_unit_test(test_hedged_answers),
		cmocka_unit_test(test_cough_then_blood),
		cmocka_unit_test(test_spec_additions),
		cmocka_unit_test(test_dizzy_needs_the_spin),
		cmocka_unit_test(test_forms_of_classes),
		cmocka_unit_test(test_glued_words),
		cmocka_unit_test(test_tune60_de),
		cmocka_unit_test(test_tune59_en1),
		cmocka_unit_test(test_tune59_es2),
		cmocka_unit_test(test_tune59_es1),
		cmocka_unit_test(test_tune59_en2),
		cmocka_unit_test(test_tune55_de),
		cmocka_unit_test(test_tune58_all),
		cmocka_unit_test(test_tune56_de),
		cmocka_unit_test(test_tune53_de),
		cmocka_unit_test(test_tune52_de),
		cmocka_unit_test(test_tune52_es),
		cmocka_unit_test(test_tune52_en),
		cmocka_unit_test(test_tune51_de),
		cmocka_unit_test(test_tune51_es),
		cmocka_unit_test(test_tune51_en),
		cmocka_unit_test(test_split_message),
		cmocka_unit_test(test_fragment_chain),
		cmocka_unit_test(test_report_after_question),
		cmocka_unit_test(test_now_after_general_question),
		cmocka_unit_test(test_late_answer),
		cmocka_unit_test(test_heart_failing),
		cmocka_unit_test(test_denial_lists),
		cmocka_unit_test(test_second_thoughts),
		cmocka_unit_test(test_general_questions),
		cmocka_unit_test(test_figures_of_speech),
		cmocka_unit_test(test_compound_head),
		cmocka_unit_test(test_diminutive_endings),
		cmocka_unit_test(test_office_questions),
		cmocka_unit_test(test_someone_elses_story),
		cmocka_unit_test(test_tune63_paraphrases),
		cmocka_unit_test(test_eighteenth_classes),
		cmocka_unit_test(test_long_yes_answers),
		cmocka_unit_test(test_review18_holds),
		cmocka_unit_test(test_nineteenth_classes),
		cmocka_unit_test(test_reader_message_joined),
		cmocka_unit_test(test_relayed_answers),
		cmocka_unit_test(test_relayed_no_then_yes),
		cmocka_unit_test(test_what_if_then_confirmed),
		cmocka_unit_test(test_tune50_de),
		cmocka_unit_test(test_glued_stretched),
		cmocka_unit_test(test_tune49_es),
		cmocka_unit_test(test_tune47_es),
		cmocka_unit_test(test_tune49_en),
		cmocka_unit_test(test_tune49_de),
		cmocka_unit_test(test_tune47_de),
		cmocka_unit_test(test_tune47_en),
		cmocka_unit_test(test_outside_review_causes),
		cmocka_unit_test(test_tune46_es),
		cmocka_unit_test(test_tune46_de),
		cmocka_unit_test(test_tune46_en),
		cmocka_unit_test(test_tune45),
		cmocka_unit_test(test_relapse_after_what_if),
		cmocka_unit_test(test_tune44_es),
		cmocka_unit_test(test_tune44_en),
		cmocka_unit_test(test_tune44_de),
		cmocka_unit_test(test_tune42),
		cmocka_unit_test(test_tune43_en),
		cmocka_unit_test(test_tune43_es),
		cmocka_unit_test(test_tune43_de),
		cmocka_unit_test(test_severity_compose),
		cmocka_unit_test(test_tune40_en),
		cmocka_unit_test(test_tune40_de),
		cmocka_unit_test(test_tune40_es),
		cmocka_unit_test(test_tune39_de),
		cmocka_unit_test(test_tune38_de),
		cmocka_unit_test(test_tune38_en),
		cmocka_unit_test(test_tune38_es),
		cmocka_unit_test(test_tune37_de),
		cmocka_unit_test(test_tune36_es),
		cmocka_unit_test(test_tune36_en),
		cmocka_unit_test(test_tune36_de),
		cmocka_unit_test(test_second_reading),
		cmocka_unit_test(test_stretched_abbreviation),
		cmocka_unit_test(test_tune34_de),
		cmocka_unit_test(test_tune35_de),
		cmocka_unit_test(test_tune34_es),
		cmocka_unit_test(test_tune34_en),
		cmocka_unit_test(test_tune33_es),
		cmocka_unit_test(test_tune33_en),
		cmocka_unit_test(test_tune33_de),
		cmocka_unit_test(test_tune32_es),
		cmocka_unit_test(test_tune32_de),
		cmocka_unit_test(test_tune32_en),
		cmocka_unit_test(test_tune31_de),
		cmocka_unit_test(test_tune31_es),
		cmocka_unit_test(test_tune31_en),
		cmocka_unit_test(test_strong_pain_not_mild),
		cmocka_unit_test(test_tune30_en),
		cmocka_unit_test(test_tune30_es),
		cmocka_unit_test(test_tune30_de),
		cmocka_unit_test(test_tune29_en),
		cmocka_unit_test(test_tune29_es),
		cmocka_unit_test(test_tune29_de),
		cmocka_unit_test(test_clitics_and_optional_letters),
		cmocka_unit_test(test_tune28_en),
		cmocka_unit_test(test_tune28_de),
		cmocka_unit_test(test_tune28_es),
		cmocka_unit_test(test_tune27),
		cmocka_unit_test(test_tune26_en),
		cmocka_unit_test(test_tune26_es),
		cmocka_unit_test(test_tune26_de),
		cmocka_unit_test(test_doubts_are_not_chat),
		cmocka_unit_test(test_tune25_es),
		cmocka_unit_test(test_tune25_de),
		cmocka_unit_test(test_stem_typos),
		cmocka_unit_test(test_tune24_es),
		cmocka_unit_test(test_tune24_de),
		cmocka_unit_test(test_tune24_en),
		cmocka_unit_test(test_review_and_requests),
		cmocka_unit_test(test_follow_up_extra_words),
		cmocka_unit_test(test_norm_fold),
		cmocka_unit_test(test_norm_words_bounded),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
