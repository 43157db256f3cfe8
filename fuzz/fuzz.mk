# SPDX-License-Identifier: ISC
# The libFuzzer targets, built with clang into build-fuzz/ whatever
# compiler configure chose, so they never mix with the normal build.
# `make fuzz` runs this with the configured tree's dependency flags and
# config.h; fuzz/run.sh builds through it and runs the targets.  GNU make.
#
#   make fuzz                        ASan + UBSan (the default)
#   make fuzz FUZZ_MODE=coverage     source-based coverage, into build-fuzz-cov/

FUZZ_CC		?= clang
FUZZ_MODE	?= sanitize
srcdir		?= .
builddir	?= .

ifeq ($(FUZZ_MODE),coverage)
FUZZ_OUT	?= $(builddir)/build-fuzz-cov
FUZZ_INSTR	 = -fprofile-instr-generate -fcoverage-mapping
else
FUZZ_OUT	?= $(builddir)/build-fuzz
FUZZ_INSTR	 = -fsanitize=address,undefined -fno-sanitize-recover=all
endif

FUZZ_CFLAGS	?= -g -O1
FUZZ_ALL	 = -std=c11 -fno-omit-frame-pointer $(FUZZ_INSTR) $(FUZZ_CFLAGS) \
		   -Wall -Wextra -Wno-unused-parameter
FUZZ_CPPFLAGS	 = -I$(builddir) -I$(srcdir)/src -I$(srcdir)/fuzz \
		   -DFUZZ_SRCDIR='"$(srcdir)"' $(DEP_CFLAGS)

# Every module of the library (all of src/ but main.c) and the harness.
LIB_OBJS	 = $(patsubst $(srcdir)/src/%.c,$(FUZZ_OUT)/obj/%.o, \
		   $(filter-out $(srcdir)/src/main.c,$(wildcard $(srcdir)/src/*.c)))
HARNESS_OBJS	 = $(FUZZ_OUT)/obj/fuzz.o $(FUZZ_OUT)/obj/triage_check.o \
		   $(FUZZ_OUT)/obj/xml_check.o
TARGETS		 = fuzz_form fuzz_signature fuzz_twiml fuzz_utf8 fuzz_triage \
		   fuzz_rules fuzz_conf fuzz_prompts fuzz_json fuzz_ivr \
		   fuzz_voice

all: $(addprefix $(FUZZ_OUT)/,$(TARGETS))

$(FUZZ_OUT)/obj/%.o: $(srcdir)/src/%.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CPPFLAGS) $(FUZZ_ALL) -fsanitize=fuzzer-no-link \
	    -MMD -MP -c -o $@ $<

$(FUZZ_OUT)/obj/%.o: $(srcdir)/fuzz/%.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CPPFLAGS) $(FUZZ_ALL) -fsanitize=fuzzer-no-link \
	    -MMD -MP -c -o $@ $<

$(FUZZ_OUT)/libclotline.a: $(LIB_OBJS)
	rm -f $@
	ar rcs $@ $^

$(FUZZ_OUT)/fuzz_%: $(FUZZ_OUT)/obj/fuzz_%.o $(HARNESS_OBJS) \
    $(FUZZ_OUT)/libclotline.a
	$(FUZZ_CC) $(FUZZ_ALL) -fsanitize=fuzzer -o $@ $^ $(DEP_LIBS)

clean:		# the build; the corpus and artifacts are kept
	rm -rf $(FUZZ_OUT)/obj $(FUZZ_OUT)/libclotline.a \
	    $(addprefix $(FUZZ_OUT)/,$(TARGETS))

.PHONY: all clean
.SECONDARY:

-include $(wildcard $(FUZZ_OUT)/obj/*.d)
