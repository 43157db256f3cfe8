/* SPDX-License-Identifier: ISC */
/*
 * The inbound SMS flow without HTTP: real settings (configuration, the
 * shipped prompts and rules) and the SQLite backend on :memory:.
 */
#include "testlib.h"

#include "testgw.h"

#include "form.h"
#include "outbox_policy.h"
#include "prompts.h"
#include "provider.h"
#include "xmalloc.h"
#include "sms.h"

static int
setup(void **state)
{
	struct fixture	*fx;
	struct patient	 p;

	if (testgw_setup(state) == -1)
		return -1;
	fx = *state;
	memset(&p, 0, sizeof p);
	p.phone = (char *)"+447700900111";
	p.enrolled = 1;
	return storage_patient_insert(fx->st, &p, 0, NULL);
}

/* Posts a form body at now; returns the response (caller frees body). */
static struct sms_response
post_at(struct fixture *fx, const char *body, int64_t now)
{
	struct form		*f;
	struct sms_response	 res;
	struct provider_inbound	 in;
	const char		*why;

	assert_int_equal(form_parse(body, strlen(body), 100, &f), FORM_OK);
	/* As the server does: the provider's hooks read the form. */
	if (provider_twilio_hooks.inbound(f, &in, &why) == -1) {
		memset(&res, 0, sizeof res);
		res.status = 400;
		res.body = xasprintf("%s\n", why);
	} else
		sms_handle(fx->set, fx->st, &fx->m, &provider_twilio_hooks,
		    &in, now, &res);
	form_free(f);
	if (res.status == 200)	/* stored at once: no group here */
		sms_done(&fx->m, &res, 1);
	assert_null(res.who);
	assert_null(res.note);
	return res;
}

static struct sms_response
post(struct fixture *fx, const char *body)
{
	return post_at(fx, body, 1000);
}

static void
expect_at(struct fixture *fx, const char *body, int64_t now, int status,
    const char *needle)
{
	struct sms_response	res = post_at(fx, body, now);

	assert_int_equal(res.status, status);
	if (needle != NULL && strstr(res.body, needle) == NULL)
		fail_msg("reply to %s lacks '%s': %s", body, needle, res.body);
	free(res.body);
}

static void
expect(struct fixture *fx, const char *body, int status, const char *needle)
{
	expect_at(fx, body, 1000, status, needle);
}

static void
test_emergency_reply_for_everyone(void **state)
{
	struct fixture	*fx = *state;

	/* Enrolled patient. */
	expect(fx, "MessageSid=SMa1&From=%2B447700900111&Body=breathless+and+my+chest+hurts",
	    200, "Call 999 now");
	/* Unknown number: still emergency advice, not the "not enrolled" text. */
	expect(fx, "MessageSid=SMa2&From=%2B447700900222&Body=chest+pain+and+short+of+breath",
	    200, "Call 999 now");
	/* Opted-out patient: an opt-out never silences emergency advice. */
	expect(fx, "MessageSid=SMa3&From=%2B447700900111&Body=STOP", 200, "START");
	expect(fx, "MessageSid=SMa4&From=%2B447700900111&Body=I+cant+breathe+and+my+chest+hurts",
	    200, "Call 999 now");
	assert_int_equal(fx->m.replies[TRIAGE_EMERGENCY], 3);
}

static void
test_repeat_is_answered_once(void **state)
{
	struct fixture		*fx = *state;
	struct sms_response	 a, b;
	const char		*body =
	    "MessageSid=SMdup&From=%2B447700900111&Body=walked+20+min+today";

	a = post(fx, body);
	b = post(fx, body);
	assert_int_equal(a.status, 200);
	assert_int_equal(b.status, 200);
	assert_string_equal(a.body, b.body);
	assert_int_equal(fx->m.inbound, 1);
	assert_int_equal(fx->m.duplicates, 1);
	free(a.body);
	free(b.body);
}

static void
test_keywords(void **state)
{
	struct fixture	*fx = *state;
	struct patient	 p;

	expect(fx, "MessageSid=SMk1&From=%2B447700900111&Body=+Stop.+", 200,
	    "no more messages");
	assert_int_equal(storage_patient_find(fx->st, "+447700900111", &p), 1);
	assert_true(p.opted_out);
	patient_clear(&p);
	/* Opted out: an ordinary message gets no reply at all. */
	expect(fx, "MessageSid=SMk2&From=%2B447700900111&Body=walked+today", 200,
	    "<Response/>");
	/* YES opts back in only while opted out. */
	expect(fx, "MessageSid=SMk3&From=%2B447700900111&Body=yes", 200,
	    "Welcome back");
	assert_int_equal(storage_patient_find(fx->st, "+447700900111", &p), 1);
	assert_false(p.opted_out);
	patient_clear(&p);
	/*
	 * Subscribed, nothing pending: not a keyword, and nothing the engine
	 * can place (spec/triage.md, Additions): a person reads it.
	 */
	expect(fx, "MessageSid=SMk4&From=%2B447700900111&Body=yes", 200,
	    "will read your message");
	expect(fx, "MessageSid=SMk5&From=%2B447700900111&Body=HELP", 200,
	    "+441234567890");
	/* A sentence with STOP in it is not an opt-out. */
	expect(fx, "MessageSid=SMk6&From=%2B447700900111&Body=STOP+and+think",
	    200, "<Message>");
	assert_int_equal(storage_patient_find(fx->st, "+447700900111", &p), 1);
	assert_false(p.opted_out);
	patient_clear(&p);
	/*
	 * Not a carrier keyword, but a plain request to stop (the engine's
	 * topic stop): the patient asked for no more messages.
	 */
	expect(fx, "MessageSid=SMk6b&From=%2B447700900111&Body=STOP+walking+reminders",
	    200, "no more messages");
	assert_int_equal(storage_patient_find(fx->st, "+447700900111", &p), 1);
	assert_true(p.opted_out);
	patient_clear(&p);
	/* START from an unknown number is stored as an unenrolled opt-in. */
	expect(fx, "MessageSid=SMk7&From=%2B15005550009&Body=START", 200, "Welcome");
}

static void
test_unknown_number(void **state)
{
	struct fixture	*fx = *state;

	expect(fx, "MessageSid=SMu1&From=%2B447700900999&Body=hello", 200,
	    "enrolled with Test Clinic");
	expect(fx, "MessageSid=SMu2&From=%2B447700900999&Body=hello", 200,
	    "+441234567890");
}

static void
test_bad_requests(void **state)
{
	struct fixture	*fx = *state;

	expect(fx, "From=%2B447700900111&Body=hi", 400, "MessageSid");
	expect(fx, "MessageSid=&From=%2B447700900111&Body=hi", 400, "MessageSid");
	expect(fx, "MessageSid=SMb1&Body=hi", 400, "From");
	expect(fx, "MessageSid=SMb2&From=%2B447700900111", 400, "Body");
	expect(fx, "MessageSid=SM%00x&From=%2B447700900111&Body=hi", 400, "MessageSid");
	/* Sids and numbers are stored and logged as they came: no control
	 * characters, no invalid UTF-8. */
	expect(fx, "MessageSid=SM1%0Aforged&From=%2B447700900111&Body=hi", 400,
	    "MessageSid");
	expect(fx, "MessageSid=SM%FFx&From=%2B447700900111&Body=hi", 400,
	    "MessageSid");
	expect(fx, "MessageSid=SMb0&From=%2B4477%1B00900111&Body=hi", 400, "From");
	expect(fx, "MessageSid=SMb0&From=%2B4477%C0%AF900111&Body=hi", 400, "From");
	expect(fx, "MessageSid=SMb0&From=%2B4477%7F900111&Body=hi", 400, "From");
	/* 64 bytes at most: a Twilio sid is 34, an E.164 number at most 16. */
	expect(fx, "MessageSid=SM" "0123456789012345678901234567890123456789"
	    "0123456789012345678901&From=%2B447700900111&Body=hi", 200, NULL);
	expect(fx, "MessageSid=SM" "0123456789012345678901234567890123456789"
	    "01234567890123456789012&From=%2B447700900111&Body=hi", 400,
	    "MessageSid");
	expect(fx, "MessageSid=SMb0&From=%2B447700900111"
	    "01234567890123456789012345"
	    "6789012345678901234567890&Body=hi", 200, NULL);
	expect(fx, "MessageSid=SMb0b&From=%2B447700900111"
	    "01234567890123456789012345"
	    "67890123456789012345678901&Body=hi", 400, "From");
	/* Invalid UTF-8 and NUL in the body are repaired, not refused. */
	expect(fx, "MessageSid=SMb3&From=%2B447700900111&Body=chest%FF%00pain+and+breathless",
	    200, "Call 999");
	/* An empty body (a picture message) is a message. */
	expect(fx, "MessageSid=SMb4&From=%2B447700900111&Body=", 200, "<Message>");
	/* A sender that is not E.164 (a short code) can still be answered. */
	expect(fx, "MessageSid=SMb5&From=12345&Body=STOP", 200, "START");
}

static void
test_store_failure_is_503(void **state)
{
	struct fixture	*fx = *state;

	/* A transaction left open makes BEGIN fail: the message is not kept. */
	assert_int_equal(storage_begin(fx->st), 0);
	expect(fx, "MessageSid=SMf1&From=%2B447700900111&Body=hi", 503, NULL);
	storage_rollback(fx->st);
	assert_int_equal(fx->m.db_errors, 1);
	/* And then it works, as a provider retry would. */
	expect(fx, "MessageSid=SMf1&From=%2B447700900111&Body=hi", 200, "<Message>");
}

/* 1 if the number is stored as opted out. */
static int
opted_out(struct fixture *fx, const char *phone)
{
	struct patient	p;
	int		rc;

	assert_int_equal(storage_patient_find(fx->st, phone, &p), 1);
	rc = p.opted_out;
	patient_clear(&p);
	return rc;
}

/* Escalations stored so far. */
static size_t
escalations(struct fixture *fx)
{
	struct escalation_filter f = { .max = 100 };
	struct escalation_row	*v;
	size_t			 n;

	assert_int_equal(storage_escalation_list(fx->st, &f, &v, &n), 0);
	escalation_list_free(v, n);
	return n;
}

/* On-call alerts queued so far (an episode's escalation raises several). */
static int
alerts(struct fixture *fx)
{
	struct escalation_filter f = { .max = 100 };
	struct escalation_row	*v;
	size_t			 n, i;
	int			 total = 0;

	assert_int_equal(storage_escalation_list(fx->st, &f, &v, &n), 0);
	for (i = 0; i < n; i++)
		total += v[i].nalerts;
	escalation_list_free(v, n);
	return total;
}

/* Messages attached to escalations so far. */
static int
attached(struct fixture *fx)
{
	struct escalation_filter f = { .max = 100 };
	struct escalation_row	*v;
	size_t			 n, i;
	int			 total = 0;

	assert_int_equal(storage_escalation_list(fx->st, &f, &v, &n), 0);
	for (i = 0; i < n; i++)
		total += v[i].nmessages;
	escalation_list_free(v, n);
	return total;
}

/*
 * The bug this guards: an opted-out patient in an emergency episode who
 * answered YES a second time (no question pending any more) was opted back
 * in with "Welcome back", and nobody was alerted.  Inside an emergency
 * episode YES is an answer, never an opt-in.
 */
static void
test_yes_twice_in_emergency_while_opted_out(void **state)
{
	struct fixture	*fx = *state;

	expect(fx, "MessageSid=SMy1&From=%2B447700900111&Body=STOP", 200,
	    "no more messages");
	assert_true(opted_out(fx, "+447700900111"));
	expect(fx, "MessageSid=SMy2&From=%2B447700900111&Body=bit+breathless+today",
	    200, "chest pain or tightness");
	assert_int_equal(escalations(fx), 1);
	assert_int_equal(alerts(fx), 1);
	/* The answer to the question: emergency, a new alert (the level rose). */
	expect(fx, "MessageSid=SMy3&From=%2B447700900111&Body=YES", 200,
	    "Call 999 now");
	assert_int_equal(escalations(fx), 1);
	assert_int_equal(alerts(fx), 2);
	/*
	 * No question pending now, but the episode is an emergency: escalated
	 * (attached to the episode's escalation), and no new alert.
	 */
	expect(fx, "MessageSid=SMy4&From=%2B447700900111&Body=YES", 200,
	    "Call 999 now");
	assert_int_equal(escalations(fx), 1);
	assert_int_equal(attached(fx), 3);
	assert_int_equal(alerts(fx), 2);
	assert_true(opted_out(fx, "+447700900111"));
	assert_int_equal(fx->m.replies[TRIAGE_EMERGENCY], 2);
}

/* Enrols phone with a language; returns the patient id. */
static int64_t
enrol(struct fixture *fx, const char *phone, const char *lang)
{
	struct patient	p;
	int64_t		id;

	memset(&p, 0, sizeof p);
	p.phone = (char *)phone;
	p.language = (char *)lang;
	p.enrolled = 1;
	assert_int_equal(storage_patient_insert(fx->st, &p, 0, &id), 0);
	return id;
}

/* Opt-out, opt-in and help in the patients' languages, words and requests. */
static void
test_keywords_in_languages(void **state)
{
	struct fixture	*fx = *state;

	(void)enrol(fx, "+34600000001", "es");
	(void)enrol(fx, "+4915100000001", "de");

	expect(fx, "MessageSid=SMl1&From=%2B34600000001&Body=BAJA", 200,
	    "Se ha dado de baja");
	assert_true(opted_out(fx, "+34600000001"));
	expect(fx, "MessageSid=SMl2&From=%2B34600000001&Body=ALTA", 200,
	    "Le damos de nuevo la bienvenida");
	assert_false(opted_out(fx, "+34600000001"));
	expect(fx, "MessageSid=SMl3&From=%2B34600000001&Body=AYUDA", 200,
	    "+441234567890");
	expect(fx, "MessageSid=SMl4&From=%2B34600000001&Body=no+me+env%C3%ADen+m%C3%A1s+mensajes",
	    200, "Se ha dado de baja");
	assert_true(opted_out(fx, "+34600000001"));

	expect(fx, "MessageSid=SMl5&From=%2B4915100000001&Body=STOPP", 200,
	    "keine Nachrichten mehr");
	assert_true(opted_out(fx, "+4915100000001"));
	expect(fx, "MessageSid=SMl6&From=%2B4915100000001&Body=Start", 200,
	    "Willkommen zur");
	assert_false(opted_out(fx, "+4915100000001"));
	expect(fx, "MessageSid=SMl7&From=%2B4915100000001&Body=HILFE", 200,
	    "+441234567890");
	expect(fx, "MessageSid=SMl8&From=%2B4915100000001&Body=ABMELDEN", 200,
	    "keine Nachrichten mehr");
	assert_true(opted_out(fx, "+4915100000001"));
	expect(fx, "MessageSid=SMl9&From=%2B4915100000001&Body=START", 200,
	    "Willkommen zur");
	expect(fx, "MessageSid=SMl10&From=%2B4915100000001&Body=bitte+keine+SMS+mehr",
	    200, "keine Nachrichten mehr");
	assert_true(opted_out(fx, "+4915100000001"));

	expect(fx, "MessageSid=SMl11&From=%2B447700900111&Body=please+stop+texting+me",
	    200, "no more messages");
	assert_true(opted_out(fx, "+447700900111"));
	/* HELP is answered while opted out (carrier rules). */
	expect(fx, "MessageSid=SMl12&From=%2B447700900111&Body=help", 200,
	    "+441234567890");
	assert_true(opted_out(fx, "+447700900111"));
	assert_int_equal(fx->m.keyword_replies, 12);
	assert_int_equal(escalations(fx), 0);
}

/*
 * A red flag and a request to stop in one message: the red flag is
 * answered and escalated, and the opt-out is stored too.
 */
static void
test_red_flag_and_stop(void **state)
{
	struct fixture	*fx = *state;

	expect(fx, "MessageSid=SMr1&From=%2B447700900111&Body=I+cant+breathe+and+"
	    "my+chest+hurts%2C+stop+texting+me", 200, "Call 999 now");
	assert_true(opted_out(fx, "+447700900111"));
	assert_int_equal(escalations(fx), 1);
	assert_int_equal(fx->m.replies[TRIAGE_EMERGENCY], 1);
	/*
	 * Opted out now: once the episode is over, nothing below a red flag
	 * is answered.
	 */
	expect_at(fx, "MessageSid=SMr2&From=%2B447700900111&Body=walked+20+min+today",
	    1000 + TRIAGE_WINDOW, 200, "<Response/>");
	/* An unknown number: the same, with an unenrolled opted-out row. */
	expect(fx, "MessageSid=SMr3&From=%2B447700900222&Body=coughing+up+blood%2C+"
	    "please+stop+texting+me", 200, "999");
	assert_true(opted_out(fx, "+447700900222"));
	assert_int_equal(escalations(fx), 2);
}

/*
 * YES while a follow-up question is pending is its answer, opted out or
 * not; once the question is answered and the episode is only urgent, YES
 * from an opted-out number opts back in again.
 */
static void
test_yes_pending_question_while_opted_out(void **state)
{
	struct fixture	*fx = *state;

	(void)enrol(fx, "+447700900222", "en");
	expect(fx, "MessageSid=SMq1&From=%2B447700900111&Body=STOP", 200,
	    "no more messages");
	expect(fx, "MessageSid=SMq2&From=%2B447700900111&Body=bit+breathless+today",
	    200, "Reply YES or NO");
	expect(fx, "MessageSid=SMq3&From=%2B447700900111&Body=yes", 200,
	    "Call 999 now");
	assert_true(opted_out(fx, "+447700900111"));
	assert_int_equal(escalations(fx), 1);
	assert_int_equal(alerts(fx), 2);

	expect(fx, "MessageSid=SMq4&From=%2B447700900222&Body=STOP", 200,
	    "no more messages");
	expect(fx, "MessageSid=SMq5&From=%2B447700900222&Body=bit+breathless+today",
	    200, "Reply YES or NO");
	expect(fx, "MessageSid=SMq6&From=%2B447700900222&Body=no", 200, NULL);
	assert_true(opted_out(fx, "+447700900222"));
	expect(fx, "MessageSid=SMq7&From=%2B447700900222&Body=yes", 200,
	    "Welcome back");
	assert_false(opted_out(fx, "+447700900222"));
}

/*
 * STOP is triaged like any message and its conversation state kept: a
 * "no" in it answers the question, so a later YES is an opt-in; a bare
 * STOP leaves the question pending, so a later YES is still the answer.
 */
static void
test_stop_keeps_conversation_state(void **state)
{
	struct fixture	*fx = *state;

	(void)enrol(fx, "+447700900222", "en");
	expect(fx, "MessageSid=SMs1&From=%2B447700900111&Body=bit+breathless+today",
	    200, "Reply YES or NO");
	expect(fx, "MessageSid=SMs2&From=%2B447700900111&Body=no%2C+stop+texting+me",
	    200, "no more messages");
	expect(fx, "MessageSid=SMs3&From=%2B447700900111&Body=YES", 200,
	    "Welcome back");
	assert_int_equal(escalations(fx), 1);

	expect(fx, "MessageSid=SMs4&From=%2B447700900222&Body=bit+breathless+today",
	    200, "Reply YES or NO");
	expect(fx, "MessageSid=SMs5&From=%2B447700900222&Body=STOP", 200,
	    "no more messages");
	expect(fx, "MessageSid=SMs6&From=%2B447700900222&Body=YES", 200,
	    "Call 999 now");
	assert_true(opted_out(fx, "+447700900222"));
	assert_int_equal(escalations(fx), 2);
	assert_int_equal(alerts(fx), 3);
}

/* Once the emergency episode is over (24 h), YES opts back in again. */
static void
test_yes_after_the_episode(void **state)
{
	struct fixture	*fx = *state;

	expect(fx, "MessageSid=SMe1&From=%2B447700900111&Body=STOP", 200,
	    "no more messages");
	expect(fx, "MessageSid=SMe2&From=%2B447700900111&Body=I+cant+breathe",
	    200, "Call 999 now");
	expect_at(fx, "MessageSid=SMe3&From=%2B447700900111&Body=yes",
	    1000 + 23 * 3600, 200, "Call 999 now");
	assert_true(opted_out(fx, "+447700900111"));
	expect_at(fx, "MessageSid=SMe4&From=%2B447700900111&Body=yes",
	    1000 + 23 * 3600 + TRIAGE_WINDOW, 200, "Welcome back");
	assert_false(opted_out(fx, "+447700900111"));
}

/* Open inbox rows, newest first (caller frees with inbox_list_free). */
static struct inbox_row *
inbox(struct fixture *fx, size_t *n)
{
	struct inbox_row	*v;

	assert_int_equal(storage_inbox_list(fx->st, 1, 100, &v, n), 0);
	return v;
}

/*
 * A message the engine marks for review goes to the staff inbox with its
 * message, and the reply says a person will read it; whoever sent it.
 */
static void
test_review_inbox(void **state)
{
	struct fixture		*fx = *state;
	struct inbox_row	*v;
	struct patient		 p;
	size_t			 n;

	assert_int_equal(storage_patient_find(fx->st, "+447700900111", &p), 1);
	expect(fx, "MessageSid=SMv1&From=%2B447700900111&Body=can+someone+call+me+please",
	    200, "will read your message");
	v = inbox(fx, &n);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].reason, "review");
	assert_string_equal(v[0].phone, "+447700900111");
	assert_int_equal(v[0].patient_id, p.id);
	assert_string_equal(v[0].body, "can someone call me please");
	assert_non_null(v[0].level);	/* routine, or advice as a question */
	assert_true(v[0].inbound_id > 0);
	inbox_list_free(v, n);
	patient_clear(&p);
	/* A repeat is answered from the store: no second row. */
	expect(fx, "MessageSid=SMv1&From=%2B447700900111&Body=can+someone+call+me+please",
	    200, "will read your message");
	/* Nothing places it: reviewed too. */
	expect(fx, "MessageSid=SMv2&From=%2B447700900111&Body=the+blue+one+or+the+other",
	    200, "will read your message");
	v = inbox(fx, &n);
	assert_int_equal(n, 2);
	assert_string_equal(v[0].body, "the blue one or the other");
	inbox_list_free(v, n);
	/* Placed messages and keywords are not. */
	expect(fx, "MessageSid=SMv3&From=%2B447700900111&Body=walked+20+min+today",
	    200, "logged");
	expect(fx, "MessageSid=SMv4&From=%2B447700900111&Body=STOP", 200,
	    "no more messages");
	expect(fx, "MessageSid=SMv5&From=%2B447700900111&Body=YES", 200,
	    "Welcome back");
	v = inbox(fx, &n);
	assert_int_equal(n, 2);
	inbox_list_free(v, n);

	/* Opted out: kept for a person, answered with nothing. */
	expect(fx, "MessageSid=SMv6&From=%2B447700900111&Body=STOP", 200,
	    "no more messages");
	expect(fx, "MessageSid=SMv7&From=%2B447700900111&Body=please+call+me",
	    200, "<Response/>");
	v = inbox(fx, &n);
	assert_int_equal(n, 3);
	assert_string_equal(v[0].body, "please call me");
	inbox_list_free(v, n);

	/* A red flag asking for a call: escalated, and in the inbox. */
	expect(fx, "MessageSid=SMv8&From=%2B447700900111&Body=my+chest+hurts+and+"
	    "I+am+breathless%2C+please+call+me", 200, "Call 999 now");
	assert_int_equal(escalations(fx), 1);
	v = inbox(fx, &n);
	assert_int_equal(n, 4);
	assert_string_equal(v[0].level, "emergency");
	inbox_list_free(v, n);
	assert_int_equal(fx->m.silent, 1);
	assert_int_equal(fx->m.inbox, 4);
}

/*
 * An unknown number's review message: kept for a person, and told so in
 * whichever language the message looked like.
 */
static void
test_unknown_number_review(void **state)
{
	static const char *const langs[] = { "en", "es", "de" };
	struct fixture		*fx = *state;
	struct sms_response	 res;
	struct inbox_row	*v;
	size_t			 n, i;

	res = post(fx, "MessageSid=SMw1&From=%2B447700900999&"
	    "Body=can+someone+call+me");
	assert_int_equal(res.status, 200);
	for (i = 0; i < sizeof langs / sizeof langs[0]; i++)
		if (strstr(res.body, prompts_lookup(fx->set->prompts, langs[i],
		    "review")) != NULL)
			break;
	if (i == sizeof langs / sizeof langs[0])
		fail_msg("not the review prompt: %s", res.body);
	free(res.body);
	v = inbox(fx, &n);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].phone, "+447700900999");
	assert_int_equal(v[0].patient_id, 0);
	assert_string_equal(v[0].reason, "review");
	inbox_list_free(v, n);
	/*
	 * Placed (a greeting): the usual answer, which says how to reach the
	 * clinic, and a row all the same: a number not enrolled is someone
	 * staff should hear of (issue 16).
	 */
	expect(fx, "MessageSid=SMw2&From=%2B447700900999&Body=hello", 200,
	    "enrolled with Test Clinic");
	v = inbox(fx, &n);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].patient_id, 0);
	assert_int_equal(v[1].patient_id, 0);
	inbox_list_free(v, n);
	/* A carrier keyword from it is no message for a person. */
	expect(fx, "MessageSid=SMw3&From=%2B447700900999&Body=STOP", 200,
	    NULL);
	v = inbox(fx, &n);
	assert_int_equal(n, 2);
	inbox_list_free(v, n);
}

/* One Vonage inbound webhook's form, as the server hands it on. */
static struct sms_response
vonage_at(struct fixture *fx, const char *body, int64_t now)
{
	struct form		*f;
	struct sms_response	 res;
	struct provider_inbound	 in;
	const char		*why;

	assert_int_equal(form_parse(body, strlen(body), 100, &f), FORM_OK);
	assert_int_equal(provider_vonage_hooks.inbound(f, &in, &why), 0);
	sms_handle(fx->set, fx->st, &fx->m, &provider_vonage_hooks, &in, now,
	    &res);
	form_free(f);
	if (res.status == 200)
		sms_done(&fx->m, &res, 1);
	return res;
}

/* The replies queued for the outbox (Vonage cannot reply in its answer). */
static size_t
queued_replies(struct fixture *fx, const char *needle)
{
	struct outbound_row	rows[16];
	size_t			n, i, hits = 0;

	assert_int_equal(storage_outbound_claim(fx->st, 1000000, 16, rows, &n),
	    0);
	for (i = 0; i < n; i++) {
		if (strcmp(rows[i].kind, "reply") == 0 &&
		    strstr(rows[i].body, needle) != NULL)
			hits++;
		/* Red-flag advice goes first, and is never a loop. */
		if (strstr(rows[i].body, "999") != NULL)
			assert_int_equal(rows[i].priority, OUTBOX_PRIO_EMERGENCY);
		outbound_row_clear(&rows[i]);
	}
	return hits;
}

/*
 * A long message in parts, out of order: nothing is triaged until it is
 * whole, a repeated part changes nothing, and the whole message's red flag
 * (split across the parts) is answered through the outbox and escalated.
 */
static void
test_vonage_parts(void **state)
{
	struct fixture		*fx = *state;
	struct sms_response	 res;
	char			*reply = NULL;

	res = vonage_at(fx, "msisdn=447700900111&messageId=P2&text=t+hurts&"
	    "concat-ref=9&concat-part=2&concat-total=2", 1000);
	assert_int_equal(res.status, 200);
	assert_string_equal(res.body, "");
	free(res.body);
	assert_int_equal(storage_inbound_find(fx->st, "vonage", "P2", &reply),
	    0);
	res = vonage_at(fx, "msisdn=447700900111&messageId=P2&text=t+hurts&"
	    "concat-ref=9&concat-part=2&concat-total=2", 1001);
	free(res.body);
	assert_int_equal(fx->m.duplicates, 1);
	res = vonage_at(fx, "msisdn=447700900111&messageId=P1&text=breathless"
	    "+and+my+ches&concat-ref=9&concat-part=1&concat-total=2", 1002);
	assert_int_equal(res.status, 200);
	assert_string_equal(res.body, "");
	assert_true(res.queued);
	free(res.body);
	/* Stored once, under the first part's id, with the emergency reply. */
	assert_int_equal(storage_inbound_find(fx->st, "vonage", "P1", &reply),
	    1);
	assert_non_null(strstr(reply, "999"));
	free(reply);
	assert_int_equal(fx->m.replies[TRIAGE_EMERGENCY], 1);
	assert_int_equal(queued_replies(fx, "999"), 1);
	/* A part sent again after the whole was triaged: nothing new. */
	res = vonage_at(fx, "msisdn=447700900111&messageId=P1&text=breathless"
	    "+and+my+ches&concat-ref=9&concat-part=1&concat-total=2", 1003);
	free(res.body);
	assert_int_equal(fx->m.replies[TRIAGE_EMERGENCY], 1);
}

/* A part that never comes: after the wait, what came is triaged as it is. */
static void
test_vonage_parts_missing(void **state)
{
	struct fixture		*fx = *state;
	struct sms_response	 res;
	struct provider_inbound	 pin;
	char			*reply = NULL;

	res = vonage_at(fx, "msisdn=447700900111&messageId=Q1&text=my+leg+is"
	    "+swollen+and&concat-ref=5&concat-part=1&concat-total=3", 1000);
	free(res.body);
	res = vonage_at(fx, "msisdn=447700900111&messageId=Q3&text=ing+today&"
	    "concat-ref=5&concat-part=3&concat-total=3", 1001);
	free(res.body);
	assert_int_equal(fx->m.inbound, 0);
	/* The server's timer, once the wait is over. */
	memset(&pin, 0, sizeof pin);
	pin.from = "+447700900111";
	pin.part_ref = "5";
	pin.parts = 3;
	sms_handle(fx->set, fx->st, &fx->m, &provider_vonage_hooks, &pin, 1200,
	    &res);
	assert_int_equal(res.status, 200);
	sms_done(&fx->m, &res, 1);
	free(res.body);
	assert_int_equal(fx->m.inbound, 1);
	assert_int_equal(storage_inbound_find(fx->st, "vonage", "Q1", &reply),
	    1);
	free(reply);
	/* Nothing left to wait for. */
	sms_handle(fx->set, fx->st, &fx->m, &provider_vonage_hooks, &pin, 1300,
	    &res);
	free(res.body);
	sms_done(&fx->m, &res, 1);
	assert_int_equal(fx->m.inbound, 1);
	/* The missing part arrives at last: it stands alone. */
	res = vonage_at(fx, "msisdn=447700900111&messageId=Q2&text=+hurt&"
	    "concat-ref=5&concat-part=2&concat-total=3", 1400);
	free(res.body);
	assert_int_equal(fx->m.inbound, 2);
	assert_int_equal(storage_inbound_find(fx->st, "vonage", "Q2", &reply),
	    1);
	free(reply);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_emergency_reply_for_everyone, setup, testgw_teardown),
		cmocka_unit_test_setup_teardown(test_repeat_is_answered_once, setup, testgw_teardown),
		cmocka_unit_test_setup_teardown(test_keywords, setup, testgw_teardown),
		cmocka_unit_test_setup_teardown(test_unknown_number, setup, testgw_teardown),
		cmocka_unit_test_setup_teardown(test_bad_requests, setup, testgw_teardown),
		cmocka_unit_test_setup_teardown(test_store_failure_is_503, setup, testgw_teardown),
		cmocka_unit_test_setup_teardown(test_yes_twice_in_emergency_while_opted_out, setup, testgw_teardown),
		cmocka_unit_test_setup_teardown(test_keywords_in_languages, setup, testgw_teardown),
		cmocka_unit_test_setup_teardown(test_red_flag_and_stop, setup, testgw_teardown),
		cmocka_unit_test_setup_teardown(test_yes_pending_question_while_opted_out, setup, testgw_teardown),
		cmocka_unit_test_setup_teardown(test_stop_keeps_conversation_state, setup, testgw_teardown),
		cmocka_unit_test_setup_teardown(test_yes_after_the_episode, setup, testgw_teardown),
		cmocka_unit_test_setup_teardown(test_review_inbox, setup, testgw_teardown),
		cmocka_unit_test_setup_teardown(test_unknown_number_review, setup, testgw_teardown),
		cmocka_unit_test_setup_teardown(test_vonage_parts, setup, testgw_teardown),
		cmocka_unit_test_setup_teardown(test_vonage_parts_missing, setup, testgw_teardown),
	};
	int	rc;

	rc = cmocka_run_group_tests(tests, NULL, NULL);
	testlib_cleanup();
	return rc;
}
