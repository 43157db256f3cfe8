/* SPDX-License-Identifier: ISC */
/*
 * Phone number checks.  The gateway keys patients by E.164 numbers only.
 */
#ifndef CLOTLINE_PHONE_H
#define CLOTLINE_PHONE_H

/* 1 if s is '+', a non-zero digit, and 7 to 15 digits in all. */
int	phone_is_e164(const char *s);

#endif
