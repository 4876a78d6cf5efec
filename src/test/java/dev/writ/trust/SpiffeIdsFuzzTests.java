package dev.writ.trust;

import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.spiffe.spiffeid.SpiffeId;
import io.spiffe.spiffeid.TrustDomain;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes {@link SpiffeIds}. The oracle: the one documented refusal,
 * {@link IllegalArgumentException} itself (a subclass, or java-spiffe's own exception,
 * means a path SpiffeIds did not mean to take), and an accepted value is canonical: it
 * prints back exactly as given and parses again to itself.
 */
final class SpiffeIdsFuzzTests {

	@FuzzTest
	void parseId(byte[] input) {
		String value = new String(input, StandardCharsets.UTF_8);
		SpiffeId id = acceptedOrNull(() -> SpiffeIds.parseId(value));
		if (id == null) {
			return;
		}
		assertThat(id.toString()).isEqualTo(value).startsWith(id.getTrustDomain().toIdString());
		assertThat(value.getBytes(StandardCharsets.UTF_8)).hasSizeLessThanOrEqualTo(SpiffeIds.MAX_ID_BYTES);
		assertThat(SpiffeIds.parseId(id.toString())).isEqualTo(id);
		assertThat(SpiffeIds.parseTrustDomain(id.getTrustDomain().getName())).isEqualTo(id.getTrustDomain());
	}

	@FuzzTest
	void parseTrustDomain(byte[] input) {
		String name = new String(input, StandardCharsets.UTF_8);
		TrustDomain domain = acceptedOrNull(() -> SpiffeIds.parseTrustDomain(name));
		if (domain == null) {
			return;
		}
		assertThat(domain.getName()).isEqualTo(name);
		assertThat(domain.toIdString()).isEqualTo("spiffe://" + name);
		if (domain.toIdString().length() <= SpiffeIds.MAX_ID_BYTES) {
			// A trust domain's own ID is a SPIFFE ID with an empty path (SPIFFE ID §2.1).
			assertThat(SpiffeIds.parseId(domain.toIdString()).getTrustDomain()).isEqualTo(domain);
		}
	}

	// The value parsed, or null when refused the documented way; anything else escapes as
	// a finding.
	private static <T> T acceptedOrNull(Supplier<T> parse) {
		try {
			return parse.get();
		}
		catch (IllegalArgumentException ex) {
			assertThat(ex).isExactlyInstanceOf(IllegalArgumentException.class);
			return null;
		}
	}

}
