package dev.writ.policy.rehearsal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.writ.policy.Decision;
import dev.writ.policy.Explanation;

/**
 * A rehearsed decision as people read it: the same facts as text for
 * {@code policy explain} and {@code policy test} and as JSON for
 * {@code POST /admin/explain} — the decision, the subject's source and attributes, the
 * policy digest, and every grant with where and why it stopped.
 */
public final class ExplanationView {

	private ExplanationView() {
	}

	/** The lines {@code policy explain} prints. */
	public static List<String> text(Rehearsal.Result result) {
		List<String> lines = new ArrayList<>();
		Decision decision = result.explanation().decision();
		if (decision instanceof Decision.Allow allow) {
			lines.add("decision:   ALLOW by grant " + allow.grantId() + ": " + allow.audience() + " "
					+ allow.scopes().stream().sorted().toList() + " for " + allow.ttl().toSeconds() + "s"
					+ (allow.claims().isEmpty() ? "" : ", claims " + allow.claims()));
		}
		else if (decision instanceof Decision.Deny deny) {
			lines.add("decision:   DENY " + deny.errorCode().code() + " (\"" + deny.description() + "\")");
			lines.add("because:    " + deny.detail());
		}
		lines.add("subject:    " + result.subject() + " from " + result.source());
		if (result.presented() != null) {
			lines.add("presented:  " + result.presented());
		}
		if (result.actor() != null) {
			lines.add("actor:      " + result.actor() + " from " + result.actorSource());
		}
		lines.add("attributes: " + (result.attributes().isEmpty() ? "(none)" : result.attributes()));
		lines.add("policies:   digest " + result.policyDigest());
		lines.addAll(steps(result.explanation()));
		return lines;
	}

	/** Every grant, where it is and where and why it stopped, as lines of text. */
	public static List<String> steps(Explanation explanation) {
		List<String> lines = new ArrayList<>();
		lines.add("grants:");
		for (Explanation.Step step : explanation.grants()) {
			lines.add("  %-28s %-12s %s%n                               at %s".formatted(step.grant(), step.outcome(),
					step.reason(), step.where()));
		}
		return lines;
	}

	/** The body {@code POST /admin/explain} answers. */
	public static Map<String, Object> json(Rehearsal.Result result) {
		Map<String, Object> response = new LinkedHashMap<>();
		Decision decision = result.explanation().decision();
		if (decision instanceof Decision.Allow allow) {
			response.put("decision", "allow");
			response.put("grant", allow.grantId());
			response.put("audience", allow.audience());
			response.put("scopes", allow.scopes().stream().sorted().toList());
			response.put("ttl_seconds", allow.ttl().toSeconds());
			response.put("token_claims", allow.claims());
		}
		else if (decision instanceof Decision.Deny deny) {
			response.put("decision", "deny");
			response.put("error", deny.errorCode().code());
			response.put("reason", deny.detail());
		}
		response.put("source", result.source());
		if (result.actor() != null) {
			response.put("actor", Map.of("subject", result.actor(), "source", String.valueOf(result.actorSource())));
		}
		if (result.presented() != null) {
			response.put("presented", result.presented());
		}
		response.put("attributes", result.attributes());
		response.put("policy_digest", result.policyDigest());
		response.put("grants",
				result.explanation()
					.grants()
					.stream()
					.map((Explanation.Step step) -> Map.of("grant", step.grant(), "where", step.where(), "outcome",
							step.outcome().name(), "reason", step.reason()))
					.toList());
		return response;
	}

}
