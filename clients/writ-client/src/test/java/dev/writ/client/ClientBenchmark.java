package dev.writ.client;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import dev.writ.testserver.WritTestServer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a cached {@link WritClient#token} costs the caller: the held token of a real
 * Writ's one-hour grant (no exchange during the run), from one thread and from sixteen.
 * Run with {@code MODULE=clients/writ-client bench/jmh.sh ClientBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ClientBenchmark {

	private WritTestServer writ;

	private WritClient client;

	@Setup(Level.Trial)
	public void setUp() {
		this.writ = TestSite.start();
		this.client = WritClient.builder()
			.tokenEndpoint(this.writ.tokenEndpoint())
			.identity(IdentitySource.file(this.writ.identityFile(TestSite.WORKLOAD, Duration.ofHours(1))))
			.build();
		this.client.token("https://hour.example.org", "hour:read");
	}

	@TearDown(Level.Trial)
	public void tearDown() {
		this.client.close();
		this.writ.close();
	}

	@Benchmark
	@Threads(1)
	public AccessToken cachedOneThread() {
		return this.client.token("https://hour.example.org", "hour:read");
	}

	@Benchmark
	@Threads(16)
	public AccessToken cachedSixteenThreads() {
		return this.client.token("https://hour.example.org", "hour:read");
	}

}
