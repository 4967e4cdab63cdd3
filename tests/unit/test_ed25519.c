/* SPDX-License-Identifier: MIT */
/*
 * SHA-512 (FIPS 180-4 examples) and Ed25519 verification: every RFC 8032 section 7.1 test
 * vector, and the edges where verifiers disagree, with libsodium's verdict (the differential
 * fuzzer, tests/fuzz/fuzz_ed25519.c, made the torsion cases and checks the rest at random).
 */
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "ed25519.h"
#include "sha512.h"

static size_t unhex(const char *h, u8 *out, size_t max)
{
	size_t n = strlen(h) / 2;

	for (size_t i = 0; i < n && i < max; i++) {
		char b[3] = {h[2 * i], h[2 * i + 1], 0};
		out[i] = (u8)strtoul(b, NULL, 16);
	}
	return n;
}

static int sha512_is(const void *msg, size_t len, const char *want)
{
	u8 d[64], w[64];

	sha512(msg, len, d);
	unhex(want, w, sizeof(w));
	return memcmp(d, w, 64) == 0;
}

static void test_sha512_fips(void)
{
	static const char two_block[] = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
					"hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";
	char *million = malloc(1000000);

	CHECK(sha512_is("", 0,
			"cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce"
			"47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e"));
	CHECK(sha512_is("abc", 3,
			"ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
			"2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"));
	CHECK(sha512_is(two_block, 112,
			"8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018"
			"501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909"));
	memset(million, 'a', 1000000);
	CHECK(sha512_is(million, 1000000,
			"e718483d0ce769644e2e42c7bc15b4638e1f98b13b2044285632a803afa973eb"
			"de0ff244877ea60a4cb0432ce577c31beb009c5c2c49aa2e4eadb217ad8cc09b"));
	free(million);
}

/* Any split of the input gives the one-shot digest (block and padding boundaries). */
static void test_sha512_incremental(void)
{
	u8 msg[300], one[64], inc[64];

	for (size_t i = 0; i < sizeof(msg); i++)
		msg[i] = (u8)(i * 7 + 1);
	for (size_t len = 0; len <= sizeof(msg); len += 37) {
		sha512(msg, len, one);
		for (size_t cut = 0; cut <= len; cut += 13) {
			struct sha512_ctx c;

			sha512_init(&c);
			sha512_update(&c, msg, cut);
			sha512_update(&c, msg + cut, len - cut);
			sha512_final(&c, inc);
			CHECK(memcmp(one, inc, 64) == 0);
		}
	}
	for (size_t len = 110; len <= 130; len++) { /* the length field's block boundary */
		struct sha512_ctx c;

		sha512(msg, len, one);
		sha512_init(&c);
		for (size_t i = 0; i < len; i++)
			sha512_update(&c, msg + i, 1);
		sha512_final(&c, inc);
		CHECK(memcmp(one, inc, 64) == 0);
	}
}

struct ed_vector {
	const char *name, *pk, *msg, *sig;
};

/* RFC 8032 section 7.1 (TEST 1, 2, 3, 1024, SHA(abc)). */
static const struct ed_vector rfc8032[] = {
    {"TEST 1", "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
     "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
     "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"},
    {"TEST 2", "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
     "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
     "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"},
    {"TEST 3", "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
     "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac"
     "18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"},
    {"TEST 1024", "278117fc144c72340f67d0f2316e8386ceffbf2b2428c9c51fef7c597f1d426e",
     "08b8b2b733424243760fe426a4b54908632110a66c2f6591eabd3345e3e4eb98"
     "fa6e264bf09efe12ee50f8f54e9f77b1e355f6c50544e23fb1433ddf73be84d8"
     "79de7c0046dc4996d9e773f4bc9efe5738829adb26c81b37c93a1b270b20329d"
     "658675fc6ea534e0810a4432826bf58c941efb65d57a338bbd2e26640f89ffbc"
     "1a858efcb8550ee3a5e1998bd177e93a7363c344fe6b199ee5d02e82d522c4fe"
     "ba15452f80288a821a579116ec6dad2b3b310da903401aa62100ab5d1a36553e"
     "06203b33890cc9b832f79ef80560ccb9a39ce767967ed628c6ad573cb116dbef"
     "efd75499da96bd68a8a97b928a8bbc103b6621fcde2beca1231d206be6cd9ec7"
     "aff6f6c94fcd7204ed3455c68c83f4a41da4af2b74ef5c53f1d8ac70bdcb7ed1"
     "85ce81bd84359d44254d95629e9855a94a7c1958d1f8ada5d0532ed8a5aa3fb2"
     "d17ba70eb6248e594e1a2297acbbb39d502f1a8c6eb6f1ce22b3de1a1f40cc24"
     "554119a831a9aad6079cad88425de6bde1a9187ebb6092cf67bf2b13fd65f270"
     "88d78b7e883c8759d2c4f5c65adb7553878ad575f9fad878e80a0c9ba63bcbcc"
     "2732e69485bbc9c90bfbd62481d9089beccf80cfe2df16a2cf65bd92dd597b07"
     "07e0917af48bbb75fed413d238f5555a7a569d80c3414a8d0859dc65a46128ba"
     "b27af87a71314f318c782b23ebfe808b82b0ce26401d2e22f04d83d1255dc51a"
     "ddd3b75a2b1ae0784504df543af8969be3ea7082ff7fc9888c144da2af58429e"
     "c96031dbcad3dad9af0dcbaaaf268cb8fcffead94f3c7ca495e056a9b47acdb7"
     "51fb73e666c6c655ade8297297d07ad1ba5e43f1bca32301651339e22904cc8c"
     "42f58c30c04aafdb038dda0847dd988dcda6f3bfd15c4b4c4525004aa06eeff8"
     "ca61783aacec57fb3d1f92b0fe2fd1a85f6724517b65e614ad6808d6f6ee34df"
     "f7310fdc82aebfd904b01e1dc54b2927094b2db68d6f903b68401adebf5a7e08"
     "d78ff4ef5d63653a65040cf9bfd4aca7984a74d37145986780fc0b16ac451649"
     "de6188a7dbdf191f64b5fc5e2ab47b57f7f7276cd419c17a3ca8e1b939ae49e4"
     "88acba6b965610b5480109c8b17b80e1b7b750dfc7598d5d5011fd2dcc5600a3"
     "2ef5b52a1ecc820e308aa342721aac0943bf6686b64b2579376504ccc493d97e"
     "6aed3fb0f9cd71a43dd497f01f17c0e2cb3797aa2a2f256656168e6c496afc5f"
     "b93246f6b1116398a346f1a641f3b041e989f7914f90cc2c7fff357876e506b5"
     "0d334ba77c225bc307ba537152f3f1610e4eafe595f6d9d90d11faa933a15ef1"
     "369546868a7f3a45a96768d40fd9d03412c091c6315cf4fde7cb68606937380d"
     "b2eaaa707b4c4185c32eddcdd306705e4dc1ffc872eeee475a64dfac86aba41c"
     "0618983f8741c5ef68d3a101e8a3b8cac60c905c15fc910840b94c00a0b9d0",
     "0aab4c900501b3e24d7cdf4663326a3a87df5e4843b2cbdb67cbf6e460fec350"
     "aa5371b1508f9f4528ecea23c436d94b5e8fcd4f681e30a6ac00a9704a188a03"},
    {"TEST SHA(abc)", "ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf",
     "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
     "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
     "dc2a4459e7369633a52b1bf277839a00201009a3efbf3ecb69bea2186c26b589"
     "09351fc9ac90b3ecfdfbc7c66431e0303dca179c138ac17ad9bef1177331a704"},
};

static int ed_verify_hex(const char *pk_hex, const char *msg_hex, const char *sig_hex)
{
	static u8 msg[2048];
	u8 pk[32], sig[64];
	size_t len = unhex(msg_hex, msg, sizeof(msg));

	unhex(pk_hex, pk, sizeof(pk));
	unhex(sig_hex, sig, sizeof(sig));
	return ed25519_verify(sig, msg, len, pk);
}

static void test_ed25519_rfc8032(void)
{
	for (size_t i = 0; i < sizeof(rfc8032) / sizeof(rfc8032[0]); i++) {
		const struct ed_vector *v = &rfc8032[i];
		int r = ed_verify_hex(v->pk, v->msg, v->sig);

		if (r != 0)
			printf("  %s rejected\n", v->name);
		CHECK_EQ(r, 0);
	}
}

/* Every single-bit change of signature, key or message is refused (TEST 3 and TEST 2). */
static void test_ed25519_bit_flips(void)
{
	const struct ed_vector *v = &rfc8032[2];
	u8 pk[32], sig[64], msg[2];
	int accepted = 0;

	unhex(v->pk, pk, 32);
	unhex(v->sig, sig, 64);
	unhex(v->msg, msg, 2);
	for (int bit = 0; bit < 64 * 8; bit++) {
		sig[bit / 8] ^= (u8)(1 << (bit % 8));
		accepted += ed25519_verify(sig, msg, 2, pk) == 0;
		sig[bit / 8] ^= (u8)(1 << (bit % 8));
	}
	for (int bit = 0; bit < 32 * 8; bit++) {
		pk[bit / 8] ^= (u8)(1 << (bit % 8));
		accepted += ed25519_verify(sig, msg, 2, pk) == 0;
		pk[bit / 8] ^= (u8)(1 << (bit % 8));
	}
	for (int bit = 0; bit < 2 * 8; bit++) {
		msg[bit / 8] ^= (u8)(1 << (bit % 8));
		accepted += ed25519_verify(sig, msg, 2, pk) == 0;
		msg[bit / 8] ^= (u8)(1 << (bit % 8));
	}
	CHECK_EQ(accepted, 0);
	CHECK_EQ(ed25519_verify(sig, msg, 2, pk), 0);
	CHECK(ed25519_verify(sig, msg, 1, pk) != 0); /* a shorter message */
}

/* The edges, with libsodium 1.0.18's verdicts (the fuzzer's seeds named in each). */
static void test_ed25519_edges(void)
{
	const struct ed_vector *t1 = &rfc8032[0];
	char sig[129];
	u8 s[32];
	unsigned carry = 0;
	static const u8 l[32] = {0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7,
				 0xa2, 0xde, 0xf9, 0xde, 0x14, 0,    0,	   0,	 0,    0,    0,
				 0,    0,    0,	   0,	 0,    0,    0,	   0,	 0,    0x10};

	/* S + L: the same point equation, a non-canonical S (rfc0_s_plus_l). */
	unhex(t1->sig + 64, s, 32);
	memcpy(sig, t1->sig, 64);
	for (int i = 0; i < 32; i++) {
		unsigned v = s[i] + l[i] + carry;
		s[i] = (u8)v;
		carry = v >> 8;
		snprintf(sig + 64 + 2 * i, 3, "%02x", s[i]);
	}
	CHECK(ed_verify_hex(t1->pk, t1->msg, sig) != 0);
	/* A with its sign bit flipped (rfc0_a_sign). */
	CHECK(ed_verify_hex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707519a",
			    t1->msg, t1->sig) != 0);
	/* A of mixed order (aB + T8, T8 of order 8) where k*T8 = 0: the cofactorless equation
	 * holds and libsodium accepts (torsion_a1_m11, message "m11"). */
	CHECK_EQ(ed_verify_hex("7d7d64eb83a8e8cc39f2dc7bd5ba959ea8930ae901326c2195b0e09a3ab6cce3",
			       "6d3131",
			       "de9511d3ca2410cd65be75ab82f568b346c44331f2801b72897b0d6c263f0bf3"
			       "abe1c0db0b413d707ba848f1115445f497b06371a0a694c47be84228f6d2230a"),
		 0);
	/* R = rB + T8: a cofactored verifier accepts, the cofactorless one refuses
	 * (torsion_a0_r1_f0, message "torsion 0"). */
	CHECK(ed_verify_hex("3f58ea0631a9d034418a28ebf23915295881448c8e1d6840832aecf19f250916",
			    "746f7273696f6e2030",
			    "b9e138f1fb4f50d700676a0fb04233055113b7a735e76d13b6c59320bdc8a7ec"
			    "c58cbaa90e9c51df7e362ae1d19762c500755842c90807dc7542b5d44521f800") !=
	      0);
	/* R = the identity and S = k*a: the cofactorless equation holds, refused as small order
	 * (torsion_a0_r0_f2 makes the same kind). */
	CHECK(ed_verify_hex("a2fa2f4a355ba2e907a53009e9e37caddf7ac7e66a08ba07631f553072b3f24c",
			    "6d616e6966657374",
			    "0100000000000000000000000000000000000000000000000000000000000000"
			    "acab272a66eb4c4f293cf67f51fbebeb0f66fef027865f446b9e5941e3cd9b0e") !=
	      0);
	/* R of order 8, sign bit set (mut_k3_v2, message "manifest"). */
	CHECK(ed_verify_hex("3f58ea0631a9d034418a28ebf23915295881448c8e1d6840832aecf19f250916",
			    "6d616e6966657374",
			    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa"
			    "71145489629a70775d4037920a47d9b9adfd3a49b403037479d9ff425292690b") !=
	      0);
	/* A = p: a non-canonical encoding of y = 0 (small order too) (mut_k4_v5). */
	CHECK(ed_verify_hex("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
			    "6d616e6966657374",
			    "a7a314dae303166cd2a0f74e75e771874e0ca1d248df1be2cbea56ce5096d6f8"
			    "71145489629a70775d4037920a47d9b9adfd3a49b403037479d9ff425292690b") !=
	      0);
	/* A = the identity: for it [S]B = R + [k]A holds whenever R = [S]B; refused as small
	 * order. R = B, S = 1. */
	CHECK(ed_verify_hex("0100000000000000000000000000000000000000000000000000000000000000", "",
			    "5866666666666666666666666666666666666666666666666666666666666666"
			    "0100000000000000000000000000000000000000000000000000000000000000") !=
	      0);
}

int main(void)
{
	RUN(test_sha512_fips);
	RUN(test_sha512_incremental);
	RUN(test_ed25519_rfc8032);
	RUN(test_ed25519_bit_flips);
	RUN(test_ed25519_edges);
	CHECK_MAIN_END();
}
