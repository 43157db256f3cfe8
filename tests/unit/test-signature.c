/* SPDX-License-Identifier: ISC */
/*
 * Signature vectors from shared/spec/twilio.md, every row, port variants
 * included, and the ways a signature must fail.
 */
#include "testlib.h"

#include "form.h"
#include "signature.h"

#define TOKEN "12345"
#define PARAMS "CallSid=CA1234567890ABCDE&Caller=%2B14158675309&Digits=1234" \
	"&From=%2B14158675309&To=%2B18005551212"

static struct form *
parse(const char *body)
{
	struct form *f;

	assert_int_equal(form_parse(body, strlen(body), 100, &f), FORM_OK);
	return f;
}

static void
check_compute(const char *url, const char *body, const char *want)
{
	struct form	*f = parse(body);
	char		 got[SIGNATURE_SIZE];

	assert_int_equal(signature_compute(TOKEN, url, f, got), 0);
	assert_string_equal(got, want);
	form_free(f);
}

static void
test_vector_url_as_given(void **state)
{
	check_compute("https://mycompany.com/myapp.php?foo=1&bar=2", PARAMS,
	    "RSOYDt4T1cUTdK1PDd93/VVr8B8=");
}

static void
test_vector_https_default_port(void **state)
{
	check_compute("https://mycompany.com:443/myapp.php?foo=1&bar=2", PARAMS,
	    "kvajT1Ptam85bY51eRf/AJRuM3w=");
}

static void
test_vector_http_default_port(void **state)
{
	check_compute("http://mycompany.com:80/myapp.php?foo=1&bar=2", PARAMS,
	    "0ZXoZLH/DfblKGATFgpif+LLRf4=");
}

static void
test_vector_http_other_port(void **state)
{
	check_compute("http://mycompany.com:1234/myapp.php?foo=1&bar=2", PARAMS,
	    "Zmvh+3yNM1Phv2jhDCwEM3q5ebU=");
}

static void
test_vector_repeated_keys(void **state)
{
	check_compute("https://mycompany.com/myapp.php?foo=1&bar=2",
	    "Sid=CA123&SidAccount=AC123&Digits=5678&Digits=1234&Digits=1234",
	    "IK+Dwps556ElfBT0I3Rgjkr1wJU=");
}

static void
test_verify_variants(void **state)
{
	struct form	*f = parse(PARAMS);
	const char	*plain = "RSOYDt4T1cUTdK1PDd93/VVr8B8=";

	/* The URL as given. */
	assert_true(signature_verify(TOKEN,
	    "https://mycompany.com/myapp.php?foo=1&bar=2", f, plain));
	/* Provider signed with :443 but we rebuilt the URL without it. */
	assert_true(signature_verify(TOKEN,
	    "https://mycompany.com/myapp.php?foo=1&bar=2", f,
	    "kvajT1Ptam85bY51eRf/AJRuM3w="));
	/* Our URL has :443, provider signed without a port. */
	assert_true(signature_verify(TOKEN,
	    "https://mycompany.com:443/myapp.php?foo=1&bar=2", f, plain));
	/* A non-default port validates against the port-stripped signature. */
	assert_true(signature_verify(TOKEN,
	    "https://mycompany.com:1234/myapp.php?foo=1&bar=2", f, plain));
	/* ... and against its own. */
	assert_true(signature_verify(TOKEN,
	    "http://mycompany.com:1234/myapp.php?foo=1&bar=2", f,
	    "Zmvh+3yNM1Phv2jhDCwEM3q5ebU="));
	/* http with :80 against the plain http URL. */
	assert_true(signature_verify(TOKEN,
	    "http://mycompany.com/myapp.php?foo=1&bar=2", f,
	    "0ZXoZLH/DfblKGATFgpif+LLRf4="));
	form_free(f);
}

static void
test_verify_rejects(void **state)
{
	struct form	*f = parse(PARAMS);
	struct form	*tampered = parse("CallSid=CA1234567890ABCDE"
	    "&Caller=%2B14158675309&Digits=1235&From=%2B14158675309"
	    "&To=%2B18005551212");
	const char	*url = "https://mycompany.com/myapp.php?foo=1&bar=2";
	const char	*good = "RSOYDt4T1cUTdK1PDd93/VVr8B8=";

	assert_false(signature_verify(TOKEN, url, f, NULL));
	assert_false(signature_verify(TOKEN, url, f, ""));
	assert_false(signature_verify(TOKEN, url, f,
	    "RSOYDt4T1cUTdK1PDd93/VVr8B8"));	/* truncated */
	assert_false(signature_verify(TOKEN, url, f,
	    "RSOYDt4T1cUTdK1PDd93/VVr8B9="));	/* one character off */
	assert_false(signature_verify("54321", url, f, good));	/* other token */
	/* The keyed HMAC kept for the last token follows a change back. */
	assert_true(signature_verify(TOKEN, url, f, good));
	assert_false(signature_verify("123456", url, f, good));
	assert_false(signature_verify("1234", url, f, good));
	assert_true(signature_verify(TOKEN, url, f, good));
	assert_false(signature_verify(TOKEN, url, tampered, good));
	assert_false(signature_verify(TOKEN,
	    "https://mycompany.com/myapp.php?foo=1&bar=3", f, good));
	assert_false(signature_verify(TOKEN,
	    "https://evil.example/myapp.php?foo=1&bar=2", f, good));
	form_free(f);
	form_free(tampered);
}

static void
test_decoded_values_are_signed(void **state)
{
	/* '+' is a space and %2B a plus: the signature covers decoded values. */
	struct form	*a = parse("Body=hello+world&From=%2B44");
	struct form	*b = parse("Body=hello%20world&From=%2b44");
	char		 sa[SIGNATURE_SIZE], sb[SIGNATURE_SIZE];

	assert_int_equal(signature_compute(TOKEN, "https://x.test/s", a, sa), 0);
	assert_int_equal(signature_compute(TOKEN, "https://x.test/s", b, sb), 0);
	assert_string_equal(sa, sb);
	form_free(a);
	form_free(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vector_url_as_given),
		cmocka_unit_test(test_vector_https_default_port),
		cmocka_unit_test(test_vector_http_default_port),
		cmocka_unit_test(test_vector_http_other_port),
		cmocka_unit_test(test_vector_repeated_keys),
		cmocka_unit_test(test_verify_variants),
		cmocka_unit_test(test_verify_rejects),
		cmocka_unit_test(test_decoded_values_are_signed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
