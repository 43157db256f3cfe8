/* SPDX-License-Identifier: ISC */
/*
 * The country calling codes ITU-T assigns (E.164 and its complement, the
 * list of assigned codes), as data: phone.c reads nothing else.  Codes are
 * prefix-free, so a number begins with at most one of them.  Shared codes
 * (1 for the North American Numbering Plan, 7 for Russia and Kazakhstan)
 * appear once; codes for global services (800 freephone, 870 Inmarsat,
 * 881-883 satellite and international networks ...) are listed, since
 * they are assigned; spare codes (such as 210, 384, 999) are not.
 *
 * trunk lists the digits that cannot begin the national number because
 * they are the national trunk prefix dialled only inside the country
 * ("0" for most; "01" in the North American plan, where 1 is dialled
 * before a long-distance number and no area code begins with 0 or 1), so
 * a number written with it kept after the country code (+44 07700 ...) is
 * a mistake.  "" where national numbers themselves may begin with 0:
 * Italy, San Marino and the Vatican keep the 0 of their area codes, and
 * Côte d'Ivoire, Gabon and the Republic of the Congo number from 0.
 */
#include "config.h"

#include <stddef.h>

#include "phone.h"

#define T0	"0"

const struct phone_country phone_countries[] = {
	{ "1", "01" },
	/* Zone 2: Africa, and Aruba, the Faroes, Greenland */
	{ "20", T0 }, { "211", T0 }, { "212", T0 }, { "213", T0 },
	{ "216", T0 }, { "218", T0 }, { "220", T0 }, { "221", T0 },
	{ "222", T0 }, { "223", T0 }, { "224", T0 }, { "225", "" },
	{ "226", T0 }, { "227", T0 }, { "228", T0 }, { "229", T0 },
	{ "230", T0 }, { "231", T0 }, { "232", T0 }, { "233", T0 },
	{ "234", T0 }, { "235", T0 }, { "236", T0 }, { "237", T0 },
	{ "238", T0 }, { "239", T0 }, { "240", T0 }, { "241", "" },
	{ "242", "" }, { "243", T0 }, { "244", T0 }, { "245", T0 },
	{ "246", T0 }, { "247", T0 }, { "248", T0 }, { "249", T0 },
	{ "250", T0 }, { "251", T0 }, { "252", T0 }, { "253", T0 },
	{ "254", T0 }, { "255", T0 }, { "256", T0 }, { "257", T0 },
	{ "258", T0 }, { "260", T0 }, { "261", T0 }, { "262", T0 },
	{ "263", T0 }, { "264", T0 }, { "265", T0 }, { "266", T0 },
	{ "267", T0 }, { "268", T0 }, { "269", T0 }, { "27", T0 },
	{ "290", T0 }, { "291", T0 }, { "297", T0 }, { "298", T0 },
	{ "299", T0 },
	/* Zones 3 and 4: Europe */
	{ "30", T0 }, { "31", T0 }, { "32", T0 }, { "33", T0 },
	{ "34", T0 }, { "350", T0 }, { "351", T0 }, { "352", T0 },
	{ "353", T0 }, { "354", T0 }, { "355", T0 }, { "356", T0 },
	{ "357", T0 }, { "358", T0 }, { "359", T0 }, { "36", T0 },
	{ "370", T0 }, { "371", T0 }, { "372", T0 }, { "373", T0 },
	{ "374", T0 }, { "375", T0 }, { "376", T0 }, { "377", T0 },
	{ "378", "" }, { "379", "" }, { "380", T0 }, { "381", T0 },
	{ "382", T0 }, { "383", T0 }, { "385", T0 }, { "386", T0 },
	{ "387", T0 }, { "389", T0 }, { "39", "" },
	{ "40", T0 }, { "41", T0 }, { "420", T0 }, { "421", T0 },
	{ "423", T0 }, { "43", T0 }, { "44", T0 }, { "45", T0 },
	{ "46", T0 }, { "47", T0 }, { "48", T0 }, { "49", T0 },
	/* Zone 5: the Americas south of the North American plan */
	{ "500", T0 }, { "501", T0 }, { "502", T0 }, { "503", T0 },
	{ "504", T0 }, { "505", T0 }, { "506", T0 }, { "507", T0 },
	{ "508", T0 }, { "509", T0 }, { "51", T0 }, { "52", T0 },
	{ "53", T0 }, { "54", T0 }, { "55", T0 }, { "56", T0 },
	{ "57", T0 }, { "58", T0 }, { "590", T0 }, { "591", T0 },
	{ "592", T0 }, { "593", T0 }, { "594", T0 }, { "595", T0 },
	{ "596", T0 }, { "597", T0 }, { "598", T0 }, { "599", T0 },
	/* Zone 6: South-East Asia and Oceania */
	{ "60", T0 }, { "61", T0 }, { "62", T0 }, { "63", T0 },
	{ "64", T0 }, { "65", T0 }, { "66", T0 }, { "670", T0 },
	{ "672", T0 }, { "673", T0 }, { "674", T0 }, { "675", T0 },
	{ "676", T0 }, { "677", T0 }, { "678", T0 }, { "679", T0 },
	{ "680", T0 }, { "681", T0 }, { "682", T0 }, { "683", T0 },
	{ "685", T0 }, { "686", T0 }, { "687", T0 }, { "688", T0 },
	{ "689", T0 }, { "690", T0 }, { "691", T0 }, { "692", T0 },
	/* Zone 7: Russia and Kazakhstan */
	{ "7", T0 },
	/* Zone 8: East Asia and global services */
	{ "800", T0 }, { "808", T0 }, { "81", T0 }, { "82", T0 },
	{ "84", T0 }, { "850", T0 }, { "852", T0 }, { "853", T0 },
	{ "855", T0 }, { "856", T0 }, { "86", T0 }, { "870", T0 },
	{ "878", T0 }, { "880", T0 }, { "881", T0 }, { "882", T0 },
	{ "883", T0 }, { "886", T0 }, { "888", T0 },
	/* Zone 9: West, Central and South Asia, the Middle East */
	{ "90", T0 }, { "91", T0 }, { "92", T0 }, { "93", T0 },
	{ "94", T0 }, { "95", T0 }, { "960", T0 }, { "961", T0 },
	{ "962", T0 }, { "963", T0 }, { "964", T0 }, { "965", T0 },
	{ "966", T0 }, { "967", T0 }, { "968", T0 }, { "970", T0 },
	{ "971", T0 }, { "972", T0 }, { "973", T0 }, { "974", T0 },
	{ "975", T0 }, { "976", T0 }, { "977", T0 }, { "979", T0 },
	{ "98", T0 }, { "991", T0 }, { "992", T0 }, { "993", T0 },
	{ "994", T0 }, { "995", T0 }, { "996", T0 }, { "998", T0 },
};
const size_t phone_ncountries = sizeof phone_countries /
    sizeof phone_countries[0];
