/* SPDX-License-Identifier: ISC */
/*
 * The Twilio adapter's classification of every answer class in
 * spec/twilio.md ("Sending": retry later, opted out, permanent); the Vonage
 * adapter's classification of the SMS API's statuses, its webhook
 * signatures (vectors from the provider's Node library) and parsing; and
 * the provider table.
 */
#include "testlib.h"

#include "conf.h"
#include "form.h"
#include "provider.h"

static enum provider_outcome
classify(long status, const char *body, struct provider_result *r)
{
	provider_twilio_classify(status, body, r);
	return r->outcome;
}

static void
test_created(void **state)
{
	struct provider_result	r;

	assert_int_equal(classify(201, "{\"sid\": \"SM0123456789abcdef0123456789abcdef\","
	    " \"status\": \"queued\", \"error_code\": null}", &r), PROVIDER_SENT);
	assert_string_equal(r.sid, "SM0123456789abcdef0123456789abcdef");
	assert_string_equal(r.status, "queued");
	assert_int_equal(r.error_code, 0);
	assert_int_equal(r.http_status, 201);
}

static void
test_retry_class(void **state)
{
	struct provider_result	r;

	assert_int_equal(classify(429, "{\"code\": 20429, \"message\": \"Too Many"
	    " Requests\", \"status\": 429}", &r), PROVIDER_RETRY);
	assert_int_equal(r.error_code, 20429);
	assert_int_equal(classify(500, "", &r), PROVIDER_RETRY);
	assert_int_equal(classify(503, "<html>busy</html>", &r), PROVIDER_RETRY);
	assert_int_equal(classify(400, "{\"code\": 30001, \"message\": \"Queue"
	    " overflow\", \"status\": 400}", &r), PROVIDER_RETRY);
	assert_int_equal(classify(400, "{\"code\": 63018, \"status\": 400}", &r),
	    PROVIDER_RETRY);
	/* our account or configuration, not the message: keep it */
	assert_int_equal(classify(401, "{\"code\": 20003, \"status\": 401}", &r),
	    PROVIDER_RETRY);
	assert_int_equal(classify(403, "{\"code\": 20003, \"status\": 403}", &r),
	    PROVIDER_RETRY);
	assert_int_equal(classify(404, "{\"code\": 20404, \"status\": 404}", &r),
	    PROVIDER_RETRY);
	assert_int_equal(classify(400, "{\"code\": 21606, \"status\": 400}", &r),
	    PROVIDER_RETRY);
	assert_int_equal(classify(400, "{\"code\": 21212, \"status\": 400}", &r),
	    PROVIDER_RETRY);
}

static void
test_opted_out(void **state)
{
	struct provider_result	r;

	assert_int_equal(classify(400, "{\"code\": 21610, \"message\": \"Attempt"
	    " to send to unsubscribed recipient\", \"more_info\":"
	    " \"https://www.twilio.com/docs/errors/21610\", \"status\": 400}", &r),
	    PROVIDER_OPTED_OUT);
	assert_int_equal(r.error_code, 21610);
	assert_string_equal(r.detail, "Attempt to send to unsubscribed recipient");
}

static void
test_permanent(void **state)
{
	struct provider_result	r;

	assert_int_equal(classify(400, "{\"code\": 21211, \"message\": \"The 'To'"
	    " number is not a valid phone number.\", \"status\": 400}", &r),
	    PROVIDER_FAILED);
	assert_int_equal(r.error_code, 21211);
	assert_int_equal(classify(400, "{\"code\": 21614, \"status\": 400}", &r),
	    PROVIDER_FAILED);
	/* a long message is cut, not overflowed */
	assert_int_equal(classify(400, "{\"code\": 21211, \"message\": \""
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "\"}", &r), PROVIDER_FAILED);
	assert_int_equal(strlen(r.detail), sizeof r.detail - 1);
}

/*
 * Only a sid proves the provider created the message (issue 16): any other
 * 2xx (a proxy's maintenance page, 204, a 201 without a sid) is retried.
 */
static void
test_sent_needs_sid(void **state)
{
	struct provider_result	r;

	assert_int_equal(classify(200, "<html>down for maintenance</html>", &r),
	    PROVIDER_RETRY);
	assert_string_equal(r.sid, "");
	assert_int_equal(classify(204, "", &r), PROVIDER_RETRY);
	assert_int_equal(classify(201, "{\"status\": \"queued\"}", &r),
	    PROVIDER_RETRY);
	assert_int_equal(classify(201, "{\"sid\": \"\", \"status\": "
	    "\"queued\"}", &r), PROVIDER_RETRY);
	assert_int_equal(classify(201, "{\"sid\": 12}", &r), PROVIDER_RETRY);
	assert_int_equal(classify(202, "[\"SM123\"]", &r), PROVIDER_RETRY);
	assert_int_equal(classify(200, "{\"sid\": \"SM0123456789abcdef0123456789abcdef\","
	    " \"status\": \"queued\"}", &r), PROVIDER_SENT);
}

/*
 * A redirect (api_base with http for https), a 4xx without JSON, 408, 413
 * and 421 say nothing about the recipient: retried, never failed for good.
 * Only a permanently invalid recipient fails.
 */
static void
test_only_recipient_errors_fail(void **state)
{
	struct provider_result	r;
	static const long	 statuses[] = { 301, 302, 307, 308, 400, 405,
	    408, 409, 413, 415, 421, 422, 451 };
	size_t			 i;

	for (i = 0; i < sizeof statuses / sizeof statuses[0]; i++) {
		assert_int_equal(classify(statuses[i], "", &r), PROVIDER_RETRY);
		assert_int_equal(classify(statuses[i], "<html>x</html>", &r),
		    PROVIDER_RETRY);
	}
	assert_int_equal(classify(400, "not json", &r), PROVIDER_RETRY);
	assert_int_equal(classify(400, "{\"code\": 21602, \"status\": 400}", &r),
	    PROVIDER_RETRY);
	assert_int_equal(classify(100, "", &r), PROVIDER_RETRY);
	assert_int_equal(classify(0, "", &r), PROVIDER_RETRY);
	/* the recipient itself: never retried */
	assert_int_equal(classify(400, "{\"code\": 21211, \"status\": 400}", &r),
	    PROVIDER_FAILED);
	assert_int_equal(classify(400, "{\"code\": 21614, \"status\": 400}", &r),
	    PROVIDER_FAILED);
}

static void
test_table(void **state)
{
	assert_non_null(provider_find("twilio"));
	assert_non_null(provider_find("console"));
	assert_non_null(provider_find("vonage"));
	assert_null(provider_find("nexmo"));
	assert_string_equal(provider_names(), "console, twilio, vonage");
	/* Every provider has webhooks; only a keypad needs call and voice. */
	assert_ptr_equal(provider_find("console")->hooks,
	    &provider_twilio_hooks);
	assert_null(provider_vonage_hooks.reply);
	assert_null(provider_vonage_hooks.call);
}

static enum provider_outcome
vclassify(long status, const char *body, struct provider_result *r)
{
	provider_vonage_classify(status, body, r);
	return r->outcome;
}

#define VONAGE_MSG(st) "{\"message-count\":\"1\",\"messages\":[{\"to\":" \
	"\"447700900000\",\"status\":\"" st "\",\"error-text\":\"why\"}]}"

/* The SMS API answers 200 whatever happened: each part's status decides. */
static void
test_vonage_classify(void **state)
{
	struct provider_result	r;

	assert_int_equal(vclassify(200, "{\"message-count\":\"1\",\"messages\":"
	    "[{\"to\":\"447700900000\",\"message-id\":\"0A00000012\","
	    "\"status\":\"0\"}]}", &r), PROVIDER_SENT);
	assert_string_equal(r.sid, "0A00000012");
	assert_string_equal(r.status, "accepted");
	assert_int_equal(vclassify(200, VONAGE_MSG("1"), &r), PROVIDER_RETRY);
	assert_int_equal(r.error_code, 1);
	assert_string_equal(r.detail, "why");
	assert_int_equal(vclassify(200, VONAGE_MSG("5"), &r), PROVIDER_RETRY);
	assert_int_equal(vclassify(200, VONAGE_MSG("4"), &r), PROVIDER_RETRY);
	assert_int_equal(vclassify(200, VONAGE_MSG("9"), &r), PROVIDER_RETRY);
	assert_int_equal(vclassify(200, VONAGE_MSG("3"), &r), PROVIDER_FAILED);
	assert_int_equal(vclassify(200, VONAGE_MSG("6"), &r), PROVIDER_FAILED);
	assert_int_equal(vclassify(200, VONAGE_MSG("33"), &r), PROVIDER_FAILED);
	assert_int_equal(vclassify(200, VONAGE_MSG("7"), &r),
	    PROVIDER_OPTED_OUT);
	assert_int_equal(r.error_code, 7);
	/* one part accepted: the recipient has something; never again */
	assert_int_equal(vclassify(200, "{\"messages\":[{\"message-id\":"
	    "\"A1\",\"status\":\"0\"},{\"status\":\"1\"}]}", &r),
	    PROVIDER_SENT);
	assert_string_equal(r.sid, "A1");
	/* not the SMS API's answer */
	assert_int_equal(vclassify(200, "<html>maintenance</html>", &r),
	    PROVIDER_RETRY);
	assert_int_equal(vclassify(200, "{\"messages\":[]}", &r),
	    PROVIDER_RETRY);
	assert_int_equal(vclassify(200, "{\"messages\":[{\"status\":\"0\"}]}",
	    &r), PROVIDER_RETRY);
	assert_int_equal(vclassify(429, "", &r), PROVIDER_RETRY);
	assert_int_equal(vclassify(503, "", &r), PROVIDER_RETRY);
	assert_int_equal(vclassify(401, "{}", &r), PROVIDER_RETRY);
	assert_int_equal(r.http_status, 401);
}

/* The vonage_sms.yml inbound example, a value with '&' and '='. */
static struct form *
vonage_form(const char *extra)
{
	static const char base[] = "msisdn=447700900001&to=447700900000&"
	    "messageId=0A0000000123ABCD1&text=Hello+%26+welcome%3Dyes&"
	    "type=text&keyword=HELLO&message-timestamp=2020-01-01+12%3A00%3A00&"
	    "timestamp=1578787200&nonce=aaaaaaaa-bbbb-cccc-dddd-0123456789ab";
	struct form	*f;
	char		 buf[1024];

	snprintf(buf, sizeof buf, "%s%s", base, extra);
	assert_int_equal(form_parse(buf, strlen(buf), 100, &f), FORM_OK);
	return f;
}

/*
 * Vectors: @vonage/sms 1.x verifySignature accepts each of these for the
 * form above with the secret "my-secret" (tests/interop checks the
 * gateway against the library itself).
 */
static void
test_vonage_sign(void **state)
{
	static const struct {
		const char	*method;
		const char	*sig;
	} v[] = {
		{ "md5hash", "4ba82af5b1ed3c52fb01faa20d99a720" },
		{ "md5", "f4d344696e70f4d948a76cb1bf6e9c66" },
		{ "sha1", "a52d35308ec1cba56b51c4fe5791a5e38ed1f338" },
		{ "sha256", "a06ed29cd1426ffc8cff0a8dc330691e1eda8c7714dbbe7ed7"
		    "c7a044e9d8c20c" },
		{ "sha512", "813e867c4196c0f3c1573f941a536d6774c308207690aac3ca"
		    "88a6bbd11de8fa9d4abfec87aafdfeede45c563de02f914f6fde7aec1f"
		    "deae38817f658ee947bb" },
	};
	struct form	*f = vonage_form(""), *g;
	char		 out[160];
	size_t		 i;

	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		assert_int_equal(provider_vonage_sign("my-secret", v[i].method,
		    f, out, sizeof out), 0);
		assert_string_equal(out, v[i].sig);
	}
	/* sig itself is not signed */
	g = vonage_form("&sig=0000");
	assert_int_equal(provider_vonage_sign("my-secret", "md5hash", g, out,
	    sizeof out), 0);
	assert_string_equal(out, v[0].sig);
	form_free(g);
	assert_int_equal(provider_vonage_sign("my-secret", "crc32", f, out,
	    sizeof out), -1);
	form_free(f);
}

static int
vverify(const char *sigparam, int64_t now, const char **why)
{
	struct conf		 c;
	struct provider_request	 rq;
	struct form		*f = vonage_form(sigparam);
	int			 ok;

	memset(&c, 0, sizeof c);
	memset(&rq, 0, sizeof rq);
	c.signature_secret = (char *)"my-secret";
	c.signature_method = (char *)"sha256";
	*why = "";
	ok = provider_vonage_hooks.verify(&c, &rq, f, now, why);
	form_free(f);
	return ok;
}

static void
test_vonage_verify(void **state)
{
	const char	*why;
	const char	*good = "&sig=a06ed29cd1426ffc8cff0a8dc330691e1eda8c7714"
			    "dbbe7ed7c7a044e9d8c20c";
	const char	*upper = "&sig=A06ED29CD1426FFC8CFF0A8DC330691E1EDA8C"
			    "7714DBBE7ED7C7A044E9D8C20C";

	assert_int_equal(vverify(good, 1578787200, &why), 1);
	assert_int_equal(vverify(upper, 1578787200 + 299, &why), 1);
	/* a signed request is not good forever, nor from the future */
	assert_int_equal(vverify(good, 1578787200 + 301, &why), 0);
	assert_string_equal(why, "timestamp too old or too far ahead");
	assert_int_equal(vverify(good, 1578787200 - 301, &why), 0);
	assert_int_equal(vverify("&sig=a06ed29cd1426ffc8cff0a8dc330691e1eda8c77"
	    "14dbbe7ed7c7a044e9d8c20d", 1578787200, &why), 0);
	assert_string_equal(why, "wrong sig");
	assert_int_equal(vverify("", 1578787200, &why), 0);
	assert_string_equal(why, "missing sig");
	/* a parameter added after signing */
	assert_int_equal(vverify("&sig=a06ed29cd1426ffc8cff0a8dc330691e1eda8c7"
	    "714dbbe7ed7c7a044e9d8c20c&concat=true", 1578787200, &why), 0);
}

static struct form *
parse(const char *body)
{
	struct form	*f;

	assert_int_equal(form_parse(body, strlen(body), 10, &f), FORM_OK);
	return f;
}

static void
test_vonage_inbound(void **state)
{
	struct provider_request	 rq;
	struct provider_inbound	 in;
	struct provider_status	 ps;
	struct form		*f;
	const char		*why = NULL;
	static const char	 json[] = "{\"msisdn\":\"447700900001\","
	    "\"to\":\"447700900000\",\"messageId\":\"0A01\",\"text\":"
	    "\"chest pain\",\"type\":\"text\",\"concat\":\"true\","
	    "\"concat-ref\":\"7\",\"concat-total\":\"2\",\"concat-part\":"
	    "\"1\",\"timestamp\":1578787200,\"x\":null}";

	memset(&rq, 0, sizeof rq);
	rq.content_type = "application/json; charset=utf-8";
	rq.body = json;
	rq.len = strlen(json);
	rq.max_fields = 100;
	assert_int_equal(provider_vonage_hooks.read(&rq, &f, &why), 0);
	assert_string_equal(form_get(f, "timestamp", NULL), "1578787200");
	assert_null(form_get(f, "x", NULL));
	assert_int_equal(provider_vonage_hooks.inbound(f, &in, &why), 0);
	assert_string_equal(in.sid, "0A01");
	assert_string_equal(in.from, "+447700900001");
	assert_string_equal(in.to, "+447700900000");
	assert_string_equal(in.body, "chest pain");
	assert_string_equal(in.part_ref, "7");
	assert_int_equal(in.part, 1);
	assert_int_equal(in.parts, 2);
	form_free(f);

	rq.content_type = "text/plain";
	assert_int_equal(provider_vonage_hooks.read(&rq, &f, &why), 415);
	rq.content_type = "application/json";
	rq.body = "[1]";
	rq.len = 3;
	assert_int_equal(provider_vonage_hooks.read(&rq, &f, &why), 400);

	f = vonage_form("");
	assert_int_equal(provider_vonage_hooks.inbound(f, &in, &why), 0);
	assert_null(in.part_ref);
	assert_int_equal(in.parts, 0);
	form_free(f);
	f = parse("msisdn=abc&messageId=1&text=x");
	assert_int_equal(provider_vonage_hooks.inbound(f, &in, &why), -1);
	assert_string_equal(why, "missing or malformed msisdn");
	form_free(f);

	/* A delivery receipt: our id from the callback URL or client-ref. */
	f = parse("messageId=0A02&status=delivered&err-code=0&client-ref=42");
	assert_int_equal(provider_vonage_hooks.status(f, NULL, &ps, &why), 0);
	assert_int_equal(ps.id, 42);
	assert_string_equal(ps.sid, "0A02");
	assert_string_equal(ps.state, "delivered");
	assert_int_equal(ps.verdict, PROVIDER_SENT);
	assert_int_equal(provider_vonage_hooks.status(f, "id=43", &ps, &why),
	    0);
	assert_int_equal(ps.id, 43);
	form_free(f);
	f = parse("messageId=0A03&status=failed&err-code=9");
	assert_int_equal(provider_vonage_hooks.status(f, NULL, &ps, &why), 0);
	assert_string_equal(ps.state, "failed");
	assert_int_equal(ps.code, 9);
	assert_int_equal(ps.verdict, PROVIDER_FAILED);
	form_free(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_created),
		cmocka_unit_test(test_retry_class),
		cmocka_unit_test(test_opted_out),
		cmocka_unit_test(test_permanent),
		cmocka_unit_test(test_sent_needs_sid),
		cmocka_unit_test(test_only_recipient_errors_fail),
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_vonage_classify),
		cmocka_unit_test(test_vonage_sign),
		cmocka_unit_test(test_vonage_verify),
		cmocka_unit_test(test_vonage_inbound),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
