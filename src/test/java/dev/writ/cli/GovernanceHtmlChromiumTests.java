package dev.writ.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.nimbusds.jose.util.JSONObjectUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The HTML governance report in a real headless Chromium (Debian's {@code chromium},
 * which {@code .ci/run} installs): it renders, and the counts the browser shows are the
 * JSON report's. The screenshot is kept in {@code target/governance-report/} as the
 * test's artefact.
 */
class GovernanceHtmlChromiumTests {

	@TempDir
	Path root;

	private String report(Path site, Path audit, String format) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		int status = new WritCli(new PrintStream(out, true, StandardCharsets.UTF_8),
				new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
				GovernanceCommandsTests.TODAY, Map.of())
			.run("governance", "report", site.toString(), "--audit", audit.toString(), "--format", format);
		assertThat(status).isZero();
		return out.toString(StandardCharsets.UTF_8);
	}

	private static String chromium(String... args) throws IOException, InterruptedException {
		List<String> command = new java.util.ArrayList<>(
				List.of(chromiumBinary(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
						"--no-first-run", "--user-data-dir=" + Files.createTempDirectory("chromium-")));
		command.addAll(List.of(args));
		Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
		String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor(90, TimeUnit.SECONDS)).as("chromium ended").isTrue();
		assertThat(process.exitValue()).as("chromium's exit status").isZero();
		return out;
	}

	private static String chromiumBinary() {
		for (String candidate : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser")) {
			if (Files.isExecutable(Path.of(candidate))) {
				return candidate;
			}
		}
		throw new IllegalStateException("no headless Chromium: apt-get install chromium (.ci/run does)");
	}

	@Test
	@SuppressWarnings("unchecked")
	void htmlReportInChromiumThenItsCountsAreTheJsonReportsAndAScreenshotIsTaken() throws Exception {
		GovernanceCommandsTests fixture = new GovernanceCommandsTests();
		fixture.root = this.root;
		Path site = fixture.site();
		Path audit = fixture.audit();
		Map<String, Object> json = JSONObjectUtils.parse(report(site, audit, "json"));
		Map<String, Object> summary = (Map<String, Object>) json.get("summary");
		Path artefacts = Files.createDirectories(Path.of("target/governance-report"));
		Path page = Files.writeString(artefacts.resolve("report.html"), report(site, audit, "html"));

		String dom = chromium("--dump-dom", page.toUri().toString());
		chromium("--screenshot=" + artefacts.resolve("report.png").toAbsolutePath(), "--window-size=1280,1800",
				page.toUri().toString());

		assertThat(dom).contains("<h1>Governance report</h1>");
		assertThat(shown(dom, "data-count", "api_keys")).isEqualTo(String.valueOf(summary.get("api_keys")));
		assertThat(shown(dom, "data-count", "grants")).isEqualTo(String.valueOf(summary.get("grants")));
		assertThat(shown(dom, "data-count", "ready_to_retire"))
			.isEqualTo(String.valueOf(((List<?>) summary.get("ready_to_retire")).size()));
		assertThat(shown(dom, "data-count", "grants_unused_30_days"))
			.isEqualTo(String.valueOf(((List<?>) summary.get("grants_unused_30_days")).size()));
		Map<String, Object> byState = (Map<String, Object>) summary.get("by_state");
		byState
			.forEach((state, n) -> assertThat(shown(dom, "data-state", state)).as(state).isEqualTo(String.valueOf(n)));
		assertThat(Pattern.compile("<tr data-key=").matcher(dom).results().count())
			.isEqualTo(((List<?>) json.get("api_keys")).size());
		assertThat(artefacts.resolve("report.png")).isNotEmptyFile();
		byte[] png = Files.readAllBytes(artefacts.resolve("report.png"));
		assertThat(new String(png, 1, 3, StandardCharsets.US_ASCII)).isEqualTo("PNG");
	}

	private static String shown(String dom, String attribute, String name) {
		Matcher matcher = Pattern.compile(attribute + "=\"" + Pattern.quote(name) + "\">([^<%]*)").matcher(dom);
		assertThat(matcher.find()).as(attribute + " " + name + " in the page").isTrue();
		return matcher.group(1);
	}

}
