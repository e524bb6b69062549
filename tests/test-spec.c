/*
 * The selection spec: parser, canonical text, setter, errors that name the key and value;
 * and the small name tables of the API. Pure: no topology, no VA driver.
 *
 * SPDX-License-Identifier: MIT
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "tests/common/runner.h"
#include "vadiscover/vadiscover.h"

/* Parse @text, expect success, and return the canonical text (static buffer). */
static const char *canon(const char *text)
{
	static char out[512];
	struct vad_spec *spec = NULL;
	char err[256] = "";
	int r = vad_spec_new(&spec, text, err, sizeof(err));

	ck_assert_msg(r == 0, "'%s': %d %s", text, r, err);
	ck_assert_ptr_nonnull(spec);
	ck_assert_str_eq(err, "");
	const char *s = vad_spec_to_string(spec);
	ck_assert_ptr_nonnull(s);
	snprintf(out, sizeof(out), "%s", s);
	vad_spec_free(spec);
	return out;
}

/* Parse @text, expect -EINVAL with exactly @message; *out stays NULL. */
static void bad(const char *text, const char *message)
{
	struct vad_spec *spec = (struct vad_spec *)0x1;
	char err[512] = "";
	int r = vad_spec_new(&spec, text, err, sizeof(err));

	ck_assert_msg(r == -EINVAL, "'%s' gave %d, not -EINVAL", text, r);
	ck_assert_ptr_null(spec);
	ck_assert_str_eq(err, message);
}

START_TEST(empty_spec)
{
	struct vad_spec *spec = NULL;

	ck_assert_int_eq(vad_spec_new(&spec, NULL, NULL, 0), 0);
	ck_assert_str_eq(vad_spec_to_string(spec), "");
	ck_assert_ptr_null(vad_spec_get_driver(spec));
	vad_spec_free(spec);
	ck_assert_str_eq(canon(""), "");
	ck_assert_str_eq(canon("  "), "");
	vad_spec_free(NULL);
}
END_TEST

START_TEST(canonical_order)
{
	/* Keys come back in grammar order whatever order they were given in. */
	ck_assert_str_eq(canon("index=1,encode=av1,decode=hevc+h264,node=/dev/dri/renderD128,"
			       "vf=4,role=vf,pci=0000:00:02.4,driver=iHD,kernel_driver=i915|xe,"
			       "vendor=0x8086"),
			 "vendor=0x8086,kernel_driver=i915|xe,driver=iHD,pci=0000:00:02.4,role=vf,"
			 "vf=4,node=/dev/dri/renderD128,decode=h264+hevc,encode=av1,index=1");
}
END_TEST

START_TEST(normalisation)
{
	ck_assert_str_eq(canon("vendor_id=0x8086"), "vendor=0x8086");
	/* Ids are hex, as lspci -nn prints them: 8086 is Intel, with or without 0x. */
	ck_assert_str_eq(canon("vendor=8086"), "vendor=0x8086");
	ck_assert_str_eq(canon("vendor_id=10de"), "vendor=0x10de");
	ck_assert_str_eq(canon("vendor=1002"), "vendor=0x1002");
	ck_assert_str_eq(canon("vendor=0X8086"), "vendor=0x8086");
	ck_assert_str_eq(canon("vendor=0x10DE"), "vendor=0x10de");
	ck_assert_str_eq(canon("pci=00:02.4"), "pci=0000:00:02.4");
	ck_assert_str_eq(canon("pci=0000:03:00.0"), "pci=0000:03:00.0");
	ck_assert_str_eq(canon("pci=10000:E1:1F.7"), "pci=10000:e1:1f.7");
	ck_assert_str_eq(canon(" vendor = 0x1002 , role=none "), "vendor=0x1002,role=none");
	ck_assert_str_eq(canon("role=pf"), "role=pf");
	ck_assert_str_eq(canon("decode=av1_10+vp9_10+hevc10+mpeg2+jpeg+vc1+vp8+vp9+av1+h264+hevc"),
			 "decode=mpeg2+h264+hevc+hevc10+vp8+vp9+vp9_10+av1+av1_10+jpeg+vc1");
	ck_assert_str_eq(canon("encode=h264+h264"), "encode=h264");
	ck_assert_str_eq(canon("vf=7,role=vf"), "role=vf,vf=7");
	ck_assert_str_eq(canon("index=0"), "index=0");
}
END_TEST

START_TEST(driver_getter)
{
	struct vad_spec *spec = NULL;

	ck_assert_int_eq(vad_spec_new(&spec, "vendor=0x8086,driver=iHD", NULL, 0), 0);
	ck_assert_str_eq(vad_spec_get_driver(spec), "iHD");
	vad_spec_free(spec);
	ck_assert_ptr_null(vad_spec_get_driver(NULL));
}
END_TEST

START_TEST(errors_keys)
{
	bad("vendr=0x8086", "unknown key 'vendr' (known: vendor vendor_id kernel_driver driver "
	    "pci role vf node decode encode index)");
	bad("vendor=0x8086,vendor=0x1002", "key 'vendor' given twice");
	bad("vendor_id=0x8086,vendor=0x1002", "key 'vendor' given twice");
	bad("vendor", "missing '=' after 'vendor' (pairs are key=value)");
	bad("vendor=0x8086,,role=vf", "empty pair in 'vendor=0x8086,,role=vf' (pairs are key=value "
	    "joined by ',')");
	bad("vendor=0x8086,", "empty pair in 'vendor=0x8086,' (pairs are key=value joined by ',')");
	bad("role=", "empty value for key 'role'");
}
END_TEST

START_TEST(errors_values)
{
	bad("vendor=0x10000", "invalid value '0x10000' for key 'vendor': expected a PCI vendor id "
	    "in hex as lspci prints it (8086 or 0x8086), at most ffff");
	bad("vendor=intel", "invalid value 'intel' for key 'vendor': expected a PCI vendor id "
	    "in hex as lspci prints it (8086 or 0x8086), at most ffff");
	/* Decimal 32902 (= 0x8086) is read as hex, which is too large: no silent decimal. */
	bad("vendor=32902", "invalid value '32902' for key 'vendor': expected a PCI vendor id "
	    "in hex as lspci prints it (8086 or 0x8086), at most ffff");
	bad("vendor=0x", "invalid value '0x' for key 'vendor': expected a PCI vendor id "
	    "in hex as lspci prints it (8086 or 0x8086), at most ffff");
	bad("kernel_driver=i915||xe", "invalid value 'i915||xe' for key 'kernel_driver': expected "
	    "kernel driver names joined by '|', e.g. i915|xe");
	bad("driver=../evil", "invalid value '../evil' for key 'driver': expected a VA driver name "
	    "like iHD, i965, radeonsi (at most 255 bytes)");
	/* vaSetDriverName() refuses a name of 256 bytes or more. */
	{
		struct vad_spec *spec;
		char text[7 + 256 + 1] = "driver=", message[512];

		memset(text + 7, 'a', 256);
		text[7 + 256] = 0;
		snprintf(message, sizeof(message), "invalid value '%s' for key 'driver': expected "
			 "a VA driver name like iHD, i965, radeonsi (at most 255 bytes)", text + 7);
		bad(text, message);
		text[7 + 255] = 0;
		ck_assert_int_eq(vad_spec_new(&spec, text, NULL, 0), 0);
		vad_spec_free(spec);
	}
	bad("pci=02.4", "invalid value '02.4' for key 'pci': expected a PCI slot like "
	    "0000:00:02.4 (or 00:02.4)");
	bad("pci=0000:00:02.8", "invalid value '0000:00:02.8' for key 'pci': expected a PCI slot "
	    "like 0000:00:02.4 (or 00:02.4)");
	bad("pci=0000:00:20.0", "invalid value '0000:00:20.0' for key 'pci': expected a PCI slot "
	    "like 0000:00:02.4 (or 00:02.4)");
	bad("role=host", "invalid value 'host' for key 'role' (known: pf vf none)");
	bad("vf=0", "invalid value '0' for key 'vf': VFs are counted from 1 (0000:00:02.1 is vf=1)");
	bad("vf=four", "invalid value 'four' for key 'vf': expected a VF number counted from 1 "
	    "(0000:00:02.4 is vf=4)");
	bad("vf=4,role=pf", "key 'vf' (vf=4) contradicts role=pf: a VF number implies role=vf");
	bad("node=renderD128", "invalid value 'renderD128' for key 'node': expected an absolute "
	    "path like /dev/dri/renderD128");
	bad("decode=h265", "unknown codec 'h265' for key 'decode' (known: mpeg2 h264 hevc hevc10 "
	    "vp8 vp9 vp9_10 av1 av1_10 jpeg vc1)");
	bad("encode=h264+", "invalid value 'h264+' for key 'encode': expected codec names joined "
	    "by '+' (known: mpeg2 h264 hevc hevc10 vp8 vp9 vp9_10 av1 av1_10 jpeg vc1)");
	bad("index=-1", "invalid value '-1' for key 'index': expected a number counted from 0");
	bad("index=99999999999", "invalid value '99999999999' for key 'index': expected a number "
	    "counted from 0");
}
END_TEST

START_TEST(errors_without_buffer)
{
	struct vad_spec *spec = NULL;
	char err[8];

	ck_assert_int_eq(vad_spec_new(&spec, "bogus=1", NULL, 0), -EINVAL);
	ck_assert_ptr_null(spec);
	/* A short buffer gets a truncated, terminated message. */
	ck_assert_int_eq(vad_spec_new(&spec, "bogus=1", err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "unknown");
	ck_assert_int_eq(vad_spec_new(NULL, "", NULL, 0), -EINVAL);
}
END_TEST

START_TEST(set_replaces)
{
	struct vad_spec *spec = NULL;
	char err[256] = "";

	ck_assert_int_eq(vad_spec_new(&spec, "vendor=0x8086,driver=i965", NULL, 0), 0);
	ck_assert_str_eq(vad_spec_to_string(spec), "vendor=0x8086,driver=i965");
	ck_assert_int_eq(vad_spec_set(spec, "driver", "iHD", err, sizeof(err)), 0);
	ck_assert_int_eq(vad_spec_set(spec, "vendor_id", "0x1002", err, sizeof(err)), 0);
	ck_assert_int_eq(vad_spec_set(spec, "kernel_driver", "i915|xe", err, sizeof(err)), 0);
	ck_assert_int_eq(vad_spec_set(spec, "kernel_driver", "xe", err, sizeof(err)), 0);
	ck_assert_str_eq(vad_spec_to_string(spec), "vendor=0x1002,kernel_driver=xe,driver=iHD");
	ck_assert_str_eq(vad_spec_get_driver(spec), "iHD");

	/* A bad value is an error that leaves the spec as it was. */
	ck_assert_int_eq(vad_spec_set(spec, "vendor", "0xfffff", err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "invalid value '0xfffff' for key 'vendor': expected a PCI vendor id "
			 "in hex as lspci prints it (8086 or 0x8086), at most ffff");
	ck_assert_int_eq(vad_spec_set(spec, "driver", "", err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "empty value for key 'driver'");
	ck_assert_int_eq(vad_spec_set(spec, "colour", "red", err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "unknown key 'colour' (known: vendor vendor_id kernel_driver driver "
			 "pci role vf node decode encode index)");
	ck_assert_int_eq(vad_spec_set(spec, "role", "pf", err, sizeof(err)), 0);
	ck_assert_int_eq(vad_spec_set(spec, "vf", "2", err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "key 'vf' (vf=2) contradicts role=pf: a VF number implies role=vf");
	ck_assert_str_eq(vad_spec_to_string(spec),
			 "vendor=0x1002,kernel_driver=xe,driver=iHD,role=pf");
	ck_assert_int_eq(vad_spec_set(spec, "role", "vf", err, sizeof(err)), 0);
	ck_assert_int_eq(vad_spec_set(spec, "vf", "2", err, sizeof(err)), 0);
	ck_assert_str_eq(vad_spec_to_string(spec),
			 "vendor=0x1002,kernel_driver=xe,driver=iHD,role=vf,vf=2");
	vad_spec_free(spec);
}
END_TEST

/* vad_spec_set() is "key=value" parsed: a value the grammar cannot hold (a node path with
 * ',', found by tests/fuzz/fuzz-spec) is refused, so that the canonical text always parses
 * back to the same spec. */
START_TEST(set_round_trips)
{
	struct vad_spec *spec = NULL, *again = NULL;
	char err[256] = "";

	ck_assert_int_eq(vad_spec_new(&spec, NULL, NULL, 0), 0);
	ck_assert_int_eq(vad_spec_set(spec, "node", "/d,", err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "invalid value '/d,' for key 'node': a path with ',' cannot be "
			 "written in a spec");
	ck_assert_int_eq(vad_spec_set(spec, "node", "/dev/dri/a,b", err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(vad_spec_to_string(spec), "");
	ck_assert_int_eq(vad_spec_set(spec, "node", " /dev/dri/by-path/pci-0000:00:02.4-render ",
				      err, sizeof(err)), 0);
	ck_assert_int_eq(vad_spec_new(&again, vad_spec_to_string(spec), err, sizeof(err)), 0);
	ck_assert_str_eq(vad_spec_to_string(again), vad_spec_to_string(spec));
	ck_assert_str_eq(vad_spec_to_string(spec), "node=/dev/dri/by-path/pci-0000:00:02.4-render");
	vad_spec_free(again);
	vad_spec_free(spec);
}
END_TEST

/* vad_spec_unset(): a key by its name or alias goes, its value freed (valgrind), the
 * canonical text follows; unsetting an unset key is no error, an unknown key is. */
START_TEST(unset_removes)
{
	struct vad_spec *spec = NULL;
	char err[256] = "x";

	ck_assert_int_eq(vad_spec_new(&spec, "vendor=8086,kernel_driver=i915|xe,driver=iHD,"
				      "pci=00:02.4,role=vf,vf=4,node=/dev/dri/renderD132,"
				      "decode=hevc,encode=av1,index=1", NULL, 0), 0);
	ck_assert_int_eq(vad_spec_unset(spec, "vendor_id", err, sizeof(err)), 0);
	ck_assert_str_eq(err, "");
	ck_assert_int_eq(vad_spec_unset(spec, "kernel_driver", err, sizeof(err)), 0);
	ck_assert_int_eq(vad_spec_unset(spec, "driver", err, sizeof(err)), 0);
	ck_assert_ptr_null(vad_spec_get_driver(spec));
	ck_assert_str_eq(vad_spec_to_string(spec), "pci=0000:00:02.4,role=vf,vf=4,"
			 "node=/dev/dri/renderD132,decode=hevc,encode=av1,index=1");
	ck_assert_int_eq(vad_spec_unset(spec, "driver", err, sizeof(err)), 0);
	ck_assert_int_eq(vad_spec_unset(spec, "pci", NULL, 0), 0);
	ck_assert_int_eq(vad_spec_unset(spec, "node", NULL, 0), 0);
	ck_assert_int_eq(vad_spec_unset(spec, "vf", NULL, 0), 0);
	ck_assert_int_eq(vad_spec_unset(spec, "encode", NULL, 0), 0);
	ck_assert_str_eq(vad_spec_to_string(spec), "role=vf,decode=hevc,index=1");
	/* With vf= gone, role= may be anything again. */
	ck_assert_int_eq(vad_spec_set(spec, "role", "pf", err, sizeof(err)), 0);
	ck_assert_int_eq(vad_spec_unset(spec, "colour", err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "unknown key 'colour' (known: vendor vendor_id kernel_driver driver "
			 "pci role vf node decode encode index)");
	ck_assert_int_eq(vad_spec_unset(spec, "decode", NULL, 0), 0);
	ck_assert_int_eq(vad_spec_unset(spec, "index", NULL, 0), 0);
	ck_assert_int_eq(vad_spec_unset(spec, "role", NULL, 0), 0);
	ck_assert_str_eq(vad_spec_to_string(spec), "");
	/* The key can be given again. */
	ck_assert_int_eq(vad_spec_set(spec, "vf", "2", NULL, 0), 0);
	ck_assert_str_eq(vad_spec_to_string(spec), "vf=2");
	vad_spec_free(spec);
}
END_TEST

START_TEST(codec_names)
{
	unsigned int all = 0;

	for (unsigned int i = 0; i < VAD_CODEC_COUNT; i++) {
		const char *name = vad_codec_name(1u << i);

		ck_assert_ptr_nonnull(name);
		ck_assert_uint_eq(vad_codec_from_name(name), 1u << i);
		all |= 1u << i;
	}
	ck_assert_uint_eq(all, 0x7ff);
	ck_assert_str_eq(vad_codec_name(VAD_CODEC_HEVC10), "hevc10");
	ck_assert_str_eq(vad_codec_name(VAD_CODEC_VP9_10), "vp9_10");
	ck_assert_ptr_null(vad_codec_name(0));
	ck_assert_ptr_null(vad_codec_name(VAD_CODEC_H264 | VAD_CODEC_HEVC));
	ck_assert_ptr_null(vad_codec_name(1u << VAD_CODEC_COUNT));
	ck_assert_uint_eq(vad_codec_from_name("H264"), 0);
	ck_assert_uint_eq(vad_codec_from_name(""), 0);
	ck_assert_uint_eq(vad_codec_from_name(NULL), 0);
}
END_TEST

START_TEST(enum_names)
{
	ck_assert_str_eq(vad_bus_name(VAD_BUS_PCI), "pci");
	ck_assert_str_eq(vad_bus_name(VAD_BUS_PLATFORM), "platform");
	ck_assert_str_eq(vad_bus_name(VAD_BUS_USB), "usb");
	ck_assert_str_eq(vad_bus_name(VAD_BUS_VIRTIO), "virtio");
	ck_assert_str_eq(vad_bus_name(VAD_BUS_UNKNOWN), "unknown");
	ck_assert_str_eq(vad_bus_name((enum vad_bus)99), "unknown");
	ck_assert_str_eq(vad_sriov_role_name(VAD_SRIOV_PF), "pf");
	ck_assert_str_eq(vad_sriov_role_name(VAD_SRIOV_VF), "vf");
	ck_assert_str_eq(vad_sriov_role_name(VAD_SRIOV_NONE), "none");
	ck_assert_str_eq(vad_verdict_name(VAD_VERDICT_SELECTED), "selected");
	ck_assert_str_eq(vad_verdict_name(VAD_VERDICT_MATCH), "match");
	ck_assert_str_eq(vad_verdict_name(VAD_VERDICT_FILTERED), "filtered");
	ck_assert_str_eq(vad_verdict_name(VAD_VERDICT_NO_ACCESS), "no-access");
	ck_assert_str_eq(vad_verdict_name(VAD_VERDICT_NO_VA), "no-va");
	ck_assert_str_eq(vad_verdict_name(VAD_VERDICT_SKIPPED), "skipped");
	ck_assert_str_eq(vad_verdict_name(VAD_VERDICT_NONE), "none");
	ck_assert_str_eq(vad_version(), VAD_VERSION);
}
END_TEST

START_TEST(context_refcount)
{
	struct vad_context *ctx = NULL;

	ck_assert_int_eq(vad_new(&ctx), 0);
	ck_assert_ptr_eq(vad_ref(ctx), ctx);
	ck_assert_ptr_null(vad_unref(ctx));
	/* Still alive: one reference left. */
	ck_assert_uint_eq(vad_device_count(ctx), 0);
	ck_assert_ptr_null(vad_device_get(ctx, 0));
	ck_assert_ptr_null(vad_unref(ctx));
	ck_assert_ptr_null(vad_unref(NULL));
	ck_assert_int_eq(vad_new(NULL), -EINVAL);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("spec");
	TCase *tc;

	tc = test_case(s, "parse");
	tcase_add_test(tc, empty_spec);
	tcase_add_test(tc, canonical_order);
	tcase_add_test(tc, normalisation);
	tcase_add_test(tc, driver_getter);

	tc = test_case(s, "errors");
	tcase_add_test(tc, errors_keys);
	tcase_add_test(tc, errors_values);
	tcase_add_test(tc, errors_without_buffer);

	tc = test_case(s, "set");
	tcase_add_test(tc, set_replaces);
	tcase_add_test(tc, set_round_trips);
	tcase_add_test(tc, unset_removes);

	tc = test_case(s, "names");
	tcase_add_test(tc, codec_names);
	tcase_add_test(tc, enum_names);
	tcase_add_test(tc, context_refcount);
	return s;
}
