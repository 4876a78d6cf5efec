package dev.writ.cli;

import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * A {@code GovernanceReport} as one self-contained HTML page (no script, no request for
 * anything): a summary bar of the register by state, the figures an admin reads first, a
 * timeline of what falls due in the next twelve months, and the register and grants as
 * tables. Every value from the policies is escaped. Counts carry {@code data-} attributes
 * so a test (or a scraper) reads them back.
 */
final class GovernanceHtml {

	private static final Map<String, String> COLOURS = Map.of("owner-unknown", "#7b1fa2", "expired", "#c62828",
			"ready-to-retire", "#2e7d32", "rotation-due", "#ef6c00", "review-due", "#f9a825", "ok", "#90a4ae");

	private GovernanceHtml() {
	}

	static String of(Map<String, Object> report) {
		Map<String, Object> summary = map(report.get("summary"));
		Map<String, Object> byState = map(summary.get("by_state"));
		int keys = ((Number) Objects.requireNonNull(summary.get("api_keys"))).intValue();
		int grants = ((Number) Objects.requireNonNull(summary.get("grants"))).intValue();
		double share = ((Number) Objects.requireNonNull(summary.get("federated_share"))).doubleValue();
		LocalDate today = LocalDate.parse(String.valueOf(report.get("assessed_on")));
		StringBuilder html = new StringBuilder();
		html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
			// Nothing runs and nothing is fetched, whatever a value holds.
			.append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">")
			.append("<meta name=\"viewport\" content=\"width=device-width\">")
			.append("<title>Writ governance report, ")
			.append(escape(today))
			.append("</title><style>")
			.append("body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#212121}")
			.append("h1{font-size:1.5rem;margin:0 0 .25rem}.muted{color:#616161}")
			.append(".figures{display:flex;gap:1rem;margin:1.25rem 0}.figure{flex:1;border:1px solid #e0e0e0;border-radius:8px;padding:.75rem 1rem}")
			.append(".figure b{display:block;font-size:1.8rem}")
			.append(".bar{display:flex;height:28px;border-radius:6px;overflow:hidden;margin:.5rem 0}.bar div{color:#fff;font-size:12px;")
			.append("display:flex;align-items:center;justify-content:center;white-space:nowrap}")
			.append(".legend span{display:inline-block;margin-right:1rem}.legend i{display:inline-block;width:10px;height:10px;margin-right:4px;border-radius:2px}")
			.append("table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem;font-size:13px}th,td{border-bottom:1px solid #eee;padding:6px 8px;text-align:left;vertical-align:top}")
			.append("th{background:#fafafa}td{overflow-wrap:anywhere}.state{border-radius:4px;color:#fff;padding:1px 6px;font-size:12px;white-space:nowrap}")
			.append("</style></head><body>\n");
		html.append("<h1>Governance report</h1><p class=\"muted\">")
			.append(escape(today))
			.append(" &middot; policies ")
			.append(escape(report.get("policy_digest")))
			.append(" &middot; evidence of use: ")
			.append(escape(report.get("evidence")))
			.append("</p>\n");
		html.append("<div class=\"figures\">")
			.append(figure("grants", grants, "federated grants"))
			.append(figure("api_keys", keys, "API keys remaining"))
			.append("<div class=\"figure\"><b data-count=\"federated_share\">")
			.append(Math.round(share * 100))
			.append("%</b>of integrations federated</div>")
			.append(figure("ready_to_retire", items(summary.get("ready_to_retire")).size(), "ready to retire"))
			.append(figure("due_within_30_days", items(summary.get("due_within_30_days")).size(), "due within 30 days"))
			.append(figure("grants_unused_30_days", items(summary.get("grants_unused_30_days")).size(),
					"grants unused in 30 days"))
			.append("</div>\n");
		html.append("<h2>The register by state</h2><div class=\"bar\" role=\"img\" aria-label=\"API keys by state\">");
		byState.forEach((state, n) -> {
			int count = ((Number) n).intValue();
			if (count > 0) {
				html.append("<div style=\"flex:")
					.append(count)
					.append(";background:")
					.append(COLOURS.getOrDefault(state, "#757575"))
					.append("\">")
					.append(escape(state))
					.append(" ")
					.append(count)
					.append("</div>");
			}
		});
		html.append("</div><p class=\"legend\">");
		byState.forEach((state, n) -> html.append("<span><i style=\"background:")
			.append(COLOURS.getOrDefault(state, "#757575"))
			.append("\"></i>")
			.append(escape(state))
			.append(": <b data-state=\"")
			.append(escape(state))
			.append("\">")
			.append(n)
			.append("</b></span>"));
		html.append("</p>\n");
		html.append(timeline(report, today));
		html.append("<h2>API keys</h2><table><thead><tr><th>id</th><th>state</th><th>kind</th><th>owner</th>")
			.append("<th>due</th><th>system</th><th>holder</th><th>stored in</th><th>migration trigger</th></tr></thead><tbody>");
		for (Object item : items(report.get("api_keys"))) {
			Map<String, Object> key = map(item);
			String state = String.valueOf(key.get("state"));
			html.append("<tr data-key=\"")
				.append(escape(key.get("id")))
				.append("\"><td>")
				.append(escape(key.get("id")))
				.append("<br><span class=\"muted\">")
				.append(escape(key.get("where")))
				.append("</span></td><td><span class=\"state\" style=\"background:")
				.append(COLOURS.getOrDefault(state, "#757575"))
				.append("\">")
				.append(escape(state))
				.append("</span></td>");
			for (String field : List.of("kind", "owner", "due", "system", "holder", "stored_in", "migration_trigger")) {
				html.append("<td>").append(escape(key.get(field))).append("</td>");
			}
			html.append("</tr>");
		}
		html.append("</tbody></table>\n<h2>Grants</h2><table><thead><tr><th>id</th><th>audience</th><th>last used</th>")
			.append("<th>exchanges, 30 days</th></tr></thead><tbody>");
		for (Object item : items(report.get("grants"))) {
			Map<String, Object> grant = map(item);
			Object lastUsed = grant.get("last_used");
			html.append("<tr><td>")
				.append(escape(grant.get("id")))
				.append("</td><td>")
				.append(escape(grant.get("audience")))
				.append("</td><td>")
				.append((lastUsed != null) ? escape(lastUsed) : "<span class=\"muted\">never on record</span>")
				.append("</td><td>")
				.append(escape(grant.get("exchanges_30_days")))
				.append("</td></tr>");
		}
		List<?> subjects = items(report.get("subjects"));
		html.append("</tbody></table>\n<h2>Workloads that federate</h2><table><thead><tr><th>subject</th>")
			.append("<th>last used</th><th>exchanges, 30 days</th></tr></thead><tbody>");
		for (Object item : subjects.subList(0, Math.min(subjects.size(), GovernanceMarkdown.MAX_ROWS))) {
			Map<String, Object> subject = map(item);
			html.append("<tr data-subject=\"")
				.append(escape(subject.get("subject")))
				.append("\"><td>")
				.append(escape(subject.get("subject")))
				.append("</td><td>")
				.append(escape(subject.get("last_used")))
				.append("</td><td>")
				.append(escape(subject.get("exchanges_30_days")))
				.append("</td></tr>");
		}
		if (subjects.size() > GovernanceMarkdown.MAX_ROWS) {
			html.append("<tr><td colspan=\"3\" class=\"muted\">")
				.append(subjects.size() - GovernanceMarkdown.MAX_ROWS)
				.append(" more in the JSON report</td></tr>");
		}
		html.append("</tbody></table>\n");
		Map<String, Object> credentials = map(report.get("credentials"));
		List<?> targets = items(credentials.get("targets"));
		if (!targets.isEmpty()) {
			html.append("<h2>Just-in-time credentials</h2><table><thead><tr><th>target</th><th>kind</th>")
				.append("<th>admin credential</th><th>issued, 30 days</th></tr></thead><tbody>");
			for (Object item : targets) {
				Map<String, Object> target = map(item);
				html.append("<tr data-target=\"")
					.append(escape(target.get("id")))
					.append("\"><td>")
					.append(escape(target.get("id")))
					.append("</td><td>")
					.append(escape(target.get("kind")))
					.append("</td><td>")
					.append(escape(target.get("admin_credential")))
					.append("</td><td>")
					.append(escape(target.get("issued_30_days")))
					.append("</td></tr>");
			}
			html.append("</tbody></table>\n<p>Replaced by credentials: ")
				.append(escape(String.join(", ", strings(credentials.get("replaced_by_credentials")))))
				.append("</p>\n");
		}
		html.append("</body></html>\n");
		return html.toString();
	}

	private static List<String> strings(@Nullable Object value) {
		return items(value).stream().map(String::valueOf).toList();
	}

	private static String figure(String name, int value, String label) {
		return "<div class=\"figure\"><b data-count=\"" + name + "\">" + value + "</b>" + label + "</div>";
	}

	/**
	 * What falls due in the next twelve months, each entry a marker on one line (SVG).
	 */
	private static String timeline(Map<String, Object> report, LocalDate today) {
		LocalDate end = today.plusMonths(12);
		long span = ChronoUnit.DAYS.between(today, end);
		StringBuilder svg = new StringBuilder();
		svg.append("<h2>Due in the next twelve months</h2><svg viewBox=\"0 0 1000 90\" width=\"100%\" role=\"img\" ")
			.append("aria-label=\"when API keys fall due\"><line x1=\"20\" y1=\"40\" x2=\"980\" y2=\"40\" stroke=\"#bdbdbd\"/>");
		for (int month = 0; month <= 12; month += 3) {
			double x = 20 + 960.0 * ChronoUnit.DAYS.between(today, today.plusMonths(month)) / span;
			svg.append("<text x=\"")
				.append(Math.round(x))
				.append("\" y=\"80\" font-size=\"12\" text-anchor=\"")
				.append((month == 0) ? "start" : (month == 12) ? "end" : "middle")
				.append("\" fill=\"#757575\">")
				.append(escape(today.plusMonths(month)))
				.append("</text>");
		}
		for (Object item : items(report.get("api_keys"))) {
			Map<String, Object> key = map(item);
			LocalDate due = LocalDate.parse(String.valueOf(key.get("due")));
			long days = Math.max(0, Math.min(span, ChronoUnit.DAYS.between(today, due)));
			if (due.isAfter(end)) {
				continue;
			}
			double x = 20 + 960.0 * days / span;
			svg.append("<circle cx=\"")
				.append(Math.round(x))
				.append("\" cy=\"40\" r=\"7\" fill=\"")
				.append(COLOURS.getOrDefault(String.valueOf(key.get("state")), "#757575"))
				.append("\"><title>")
				.append(escape(key.get("id")))
				.append(": ")
				.append(escape(due))
				.append("</title></circle>");
		}
		return svg.append("</svg>\n").toString();
	}

	private static Map<String, Object> map(@Nullable Object value) {
		return GovernanceMarkdown.map(value);
	}

	private static List<?> items(@Nullable Object value) {
		return GovernanceMarkdown.items(value);
	}

	static String escape(@Nullable Object value) {
		return String.valueOf(value)
			.replace("&", "&amp;")
			.replace("<", "&lt;")
			.replace(">", "&gt;")
			.replace("\"", "&quot;")
			.replace("'", "&#39;");
	}

}
