package dev.writ;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** How many platform threads carry the virtual ones, as the server sets it at start. */
class CarriersTests {

	private String before;

	@BeforeEach
	void remember() {
		this.before = System.getProperty(WritApplication.CARRIERS);
	}

	@AfterEach
	void restore() {
		if (this.before == null) {
			System.clearProperty(WritApplication.CARRIERS);
		}
		else {
			System.setProperty(WritApplication.CARRIERS, this.before);
		}
	}

	@Test
	void carriersWhenUnsetThenTwoPerProcessor() {
		System.clearProperty(WritApplication.CARRIERS);
		WritApplication.carriersPerProcessor(2);
		assertThat(System.getProperty(WritApplication.CARRIERS))
			.isEqualTo(Integer.toString(2 * Runtime.getRuntime().availableProcessors()));
	}

	@Test
	void carriersWhenTheJvmWasToldThenAsTold() {
		System.setProperty(WritApplication.CARRIERS, "3");
		WritApplication.carriersPerProcessor(2);
		assertThat(System.getProperty(WritApplication.CARRIERS)).isEqualTo("3");
	}

}
