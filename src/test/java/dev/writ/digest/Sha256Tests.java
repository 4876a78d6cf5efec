package dev.writ.digest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class Sha256Tests {

	// FIPS 180-2, appendix B.1: SHA-256("abc").
	private static final String ABC_HEX = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

	@Test
	void hexWhenAbcThenTheStandardsVector() {
		assertThat(Sha256.hex("abc".getBytes(StandardCharsets.US_ASCII))).isEqualTo(ABC_HEX);
	}

	@Test
	void base64urlWhenAbcThenTheSameDigestUnpadded() {
		assertThat(Sha256.base64url("abc")).isEqualTo("ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0");
	}

	@Test
	void startWhenFedInPartsThenTheDigestOfTheWhole() {
		MessageDigest digest = Sha256.start();
		digest.update("a".getBytes(StandardCharsets.US_ASCII));
		digest.update("bc".getBytes(StandardCharsets.US_ASCII));
		assertThat(Sha256.hex(digest)).isEqualTo(ABC_HEX);
	}

}
