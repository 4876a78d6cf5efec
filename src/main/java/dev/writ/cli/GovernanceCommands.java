package dev.writ.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import com.nimbusds.jose.util.JSONObjectUtils;

import dev.writ.config.ServerSettings;
import dev.writ.error.Failures;
import dev.writ.policy.ApiKeyRegister;
import dev.writ.policy.GovernanceReport;
import dev.writ.policy.Grant;
import dev.writ.policy.PolicyException;
import dev.writ.policy.PolicySet;
import dev.writ.policy.UsageLedger;

/**
 * {@code governance report [DIR] [--audit FILE] [--format md|json|html]}: the register of
 * API keys that remain and the grants, as {@code GET /admin/governance} answers, from the
 * policies as the server loads them and, with {@code --audit}, the evidence of an audit
 * file ({@code writ.audit.file}) for who federates already. Without one, no entry can be
 * {@code ready-to-retire} and no grant has a use on record.
 */
final class GovernanceCommands implements CommandGroup {

	private static final Arguments.Syntax REPORT = Arguments.Syntax.of(1)
		.withOptions("--keys", "--max-ttl", "--default-ttl", "--audit", "--format")
		.withFlags(CommandSettings.LOOPBACK_HTTP);

	private final Console console;

	GovernanceCommands(Console console) {
		this.console = console;
	}

	@Override
	public int run(String command, List<String> words) {
		if (!command.equals("report")) {
			throw new UsageException("unknown command: governance " + command);
		}
		return report(Arguments.read(words, REPORT));
	}

	private int report(Arguments arguments) {
		String format = arguments.option("--format").orElse("md");
		if (!format.equals("md") && !format.equals("json") && !format.equals("html")) {
			throw new UsageException("--format is md, json or html, not '" + format + "'");
		}
		ServerSettings settings = CommandSettings.read(arguments, this.console.environment(),
				arguments.positional(0).map((directory) -> Map.of("writ.policies-dir", directory)).orElse(Map.of()));
		Optional<String> audit = arguments.option("--audit");
		try (ServerPolicies policies = ServerPolicies.load(settings, this.console.clock())) {
			PolicySet set = policies.set();
			AuditEvidence evidence = null;
			if (audit.isPresent()) {
				try {
					evidence = AuditEvidence.read(Path.of(audit.get()), set.register()::federatesTo,
							set.grants().stream().map(Grant::id).collect(Collectors.toSet()));
				}
				catch (IOException ex) {
					this.console.err()
						.println("writ: cannot read the audit file " + audit.get() + ": " + Failures.message(ex));
					return 1;
				}
			}
			LocalDate today = LocalDate.ofInstant(this.console.clock().instant(), ZoneOffset.UTC);
			UsageLedger usage = (evidence != null) ? evidence.usage()
					: new UsageLedger((subject, audience) -> false, (grant) -> false);
			List<ApiKeyRegister.Assessment> assessed = set.register().assess(today, usage::used);
			String source = (evidence == null) ? "none: no --audit file"
					: "the audit file " + audit.get() + ": " + evidence.granted() + " granted exchange(s)"
							+ ((evidence.skipped() > 0) ? ", " + evidence.skipped() + " line(s) skipped" : "");
			Map<String, Object> report = GovernanceReport.of(set, assessed, today, usage, source);
			this.console.out().println(switch (format) {
				case "json" -> JSONObjectUtils.toJSONString(report);
				case "html" -> GovernanceHtml.of(report);
				default -> GovernanceMarkdown.of(report);
			});
			return 0;
		}
		catch (PolicyException ex) {
			ex.problems().forEach((problem) -> this.console.err().println("writ: " + problem));
			return 1;
		}
	}

}
