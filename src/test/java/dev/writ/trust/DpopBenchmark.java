package dev.writ.trust;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jwt.SignedJWT;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import dev.writ.testing.TestDpop;

/**
 * What the DPoP check costs an exchange: {@link DpopVerifier#verify} of an ES256 proof
 * (parse, header and claim checks, the signature, the key's thumbprint) against the one
 * ES256 signature verification it cannot avoid, same key, same provider, same run. The
 * proof's single use is a store write, measured with the store (docs/benchmarks.md), not
 * here. {@code bench/jmh.sh DpopBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = { "--sun-misc-unsafe-memory-access=allow", "--enable-native-access=ALL-UNNAMED" })
public class DpopBenchmark {

	static final String HTU = "https://writ.example.org/oauth2/token";

	private DpopVerifier verifier;

	private List<String> proof;

	private SignedJWT signed;

	private JWSVerifier es256;

	@Setup
	public void setUp() throws Exception {
		Instant now = Instant.parse("2026-12-07T12:00:00Z");
		TestDpop client = TestDpop.generate();
		String value = client.proof("POST", HTU, now).sign();
		this.proof = List.of(value);
		// A window wider than the run: the same proof verifies every time (its single use
		// is the store's part).
		this.verifier = new DpopVerifier(URI.create(HTU), Duration.ofHours(1), Clock.fixed(now, ZoneOffset.UTC));
		this.signed = SignedJWT.parse(value);
		this.es256 = VerificationKey.of(this.signed.getHeader().getJWK()).verifier(JWSAlgorithm.ES256);
	}

	/** The whole DPoP check of a token request. */
	@Benchmark
	public Object dpopCheck() {
		return this.verifier.verify(this.proof, "POST");
	}

	/** The one ES256 verification the check cannot avoid. */
	@Benchmark
	public boolean bareEs256Verify() throws Exception {
		return this.signed.verify(this.es256);
	}

}
