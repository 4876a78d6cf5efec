package dev.writ.cli;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

/**
 * A {@code GovernanceReport} as Markdown: the summary, then the register and the grants
 * as tables.
 */
final class GovernanceMarkdown {

	/** The most workloads a page lists; the JSON report has them all. */
	static final int MAX_ROWS = 200;

	private GovernanceMarkdown() {
	}

	static String of(Map<String, Object> report) {
		Map<String, Object> summary = map(report.get("summary"));
		StringBuilder md = new StringBuilder();
		md.append("# Governance report, ").append(report.get("assessed_on")).append("\n\n");
		md.append("Policies ")
			.append(report.get("policy_digest"))
			.append("; evidence of use: ")
			.append(report.get("evidence"))
			.append(".\n\n");
		double share = ((Number) Objects.requireNonNull(summary.get("federated_share"))).doubleValue();
		md.append("**")
			.append(summary.get("grants"))
			.append(" federated grant(s), ")
			.append(summary.get("api_keys"))
			.append(" API key(s) remaining: ")
			.append(Math.round(share * 100))
			.append("% federated.**\n\n");
		md.append("| state | API keys |\n|---|---|\n");
		map(summary.get("by_state"))
			.forEach((state, n) -> md.append("| ").append(state).append(" | ").append(n).append(" |\n"));
		md.append("\nDue within 30 days: ")
			.append(list(summary.get("due_within_30_days")))
			.append("\nReady to retire: ")
			.append(list(summary.get("ready_to_retire")))
			.append("\nGrants with no use on record: ")
			.append(list(summary.get("grants_without_use")))
			.append("\nGrants unused in the last 30 days: ")
			.append(list(summary.get("grants_unused_30_days")))
			.append("\n");
		md.append("\n## API keys\n\n| id | state | kind | owner | due | system | holder | stored in | where |\n")
			.append("|---|---|---|---|---|---|---|---|---|\n");
		for (Object item : items(report.get("api_keys"))) {
			Map<String, Object> key = map(item);
			md.append("| ")
				.append(List.of("id", "state", "kind", "owner", "due", "system", "holder", "stored_in", "where")
					.stream()
					.map((field) -> cell(key.get(field)))
					.collect(Collectors.joining(" | ")))
				.append(" |\n");
		}
		md.append("\n## Grants\n\n| id | audience | last used | exchanges, 30 days |\n|---|---|---|---|\n");
		for (Object item : items(report.get("grants"))) {
			Map<String, Object> grant = map(item);
			Object lastUsed = grant.get("last_used");
			md.append("| ")
				.append(cell(grant.get("id")))
				.append(" | ")
				.append(cell(grant.get("audience")))
				.append(" | ")
				.append((lastUsed != null) ? cell(lastUsed) : "never on record")
				.append(" | ")
				.append(cell(grant.get("exchanges_30_days")))
				.append(" |\n");
		}
		List<?> subjects = items(report.get("subjects"));
		md.append("\n## Workloads that federate\n\n| subject | last used | exchanges, 30 days |\n|---|---|---|\n");
		for (Object item : subjects.subList(0, Math.min(subjects.size(), MAX_ROWS))) {
			Map<String, Object> subject = map(item);
			md.append("| ")
				.append(cell(subject.get("subject")))
				.append(" | ")
				.append(cell(subject.get("last_used")))
				.append(" | ")
				.append(cell(subject.get("exchanges_30_days")))
				.append(" |\n");
		}
		if (subjects.size() > MAX_ROWS) {
			md.append("\n").append(subjects.size() - MAX_ROWS).append(" more in the JSON report.\n");
		}
		Map<String, Object> credentials = map(report.get("credentials"));
		List<?> targets = items(credentials.get("targets"));
		if (!targets.isEmpty()) {
			md.append("\n## Just-in-time credentials\n\n| target | kind | admin credential | issued, 30 days |\n")
				.append("|---|---|---|---|\n");
			for (Object item : targets) {
				Map<String, Object> target = map(item);
				md.append("| ")
					.append(cell(target.get("id")))
					.append(" | ")
					.append(cell(target.get("kind")))
					.append(" | ")
					.append(cell(target.get("admin_credential")))
					.append(" | ")
					.append(cell(target.get("issued_30_days")))
					.append(" |\n");
			}
			md.append("\nReplaced by credentials: ")
				.append(list(credentials.get("replaced_by_credentials")))
				.append(". Replaceable: ")
				.append(list(credentials.get("replaceable_by_credentials")))
				.append(".\n");
		}
		return md.toString();
	}

	/** A section of a report (a JSON object). */
	@SuppressWarnings("unchecked")
	static Map<String, Object> map(@Nullable Object value) {
		return (Map<String, Object>) Objects.requireNonNull(value, "a report section");
	}

	/** A list of a report. */
	static List<?> items(@Nullable Object value) {
		return (List<?>) Objects.requireNonNull(value, "a report list");
	}

	private static String list(@Nullable Object items) {
		List<?> list = items(items);
		return list.isEmpty() ? "none" : list.stream().map(String::valueOf).collect(Collectors.joining(", "));
	}

	// A table cell: one line, and nothing Markdown would read as markup (a link, HTML,
	// code).
	static String cell(@Nullable Object value) {
		return String.valueOf(value)
			.replaceAll("\\p{Cntrl}+", " ")
			.replace("\\", "\\\\")
			.replace("|", "\\|")
			.replace("`", "\\`")
			.replace("[", "\\[")
			.replace("]", "\\]")
			.replace("<", "&lt;")
			.replace(">", "&gt;");
	}

}
