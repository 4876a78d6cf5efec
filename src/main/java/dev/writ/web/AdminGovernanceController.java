package dev.writ.web;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.springframework.http.CacheControl;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.writ.config.RegisterMonitor;
import dev.writ.policy.ApiKeyEntry;
import dev.writ.policy.ApiKeyRegister;
import dev.writ.policy.Grant;
import dev.writ.policy.PolicySet;
import dev.writ.policy.PolicyStore;

/**
 * {@code GET /admin/governance}, for a Writ token with scope {@code writ:governance}: the
 * register of API keys that remain, each with its state today (assessed on the request,
 * with this node's evidence of who federates), the summary an admin reads first (keys
 * against federated grants, by state and owner, what is due in 30 days, what is ready to
 * retire), and the grants this node has not seen used since it started. Names where keys
 * are kept, never a key.
 */
@RestController
class AdminGovernanceController {

	private final PolicyStore policies;

	private final RegisterMonitor register;

	private final Clock clock;

	AdminGovernanceController(PolicyStore policies, RegisterMonitor register, Clock clock) {
		this.policies = policies;
		this.register = register;
		this.clock = clock;
	}

	@GetMapping("/admin/governance")
	ResponseEntity<Map<String, Object>> governance() {
		PolicySet set = this.policies.current();
		LocalDate today = LocalDate.ofInstant(this.clock.instant(), ZoneOffset.UTC);
		List<ApiKeyRegister.Assessment> assessed = this.register.assessNow();
		Map<String, Integer> byState = new LinkedHashMap<>();
		for (ApiKeyEntry.State state : ApiKeyEntry.State.values()) {
			byState.put(state.label(), 0);
		}
		Map<String, Integer> byOwner = new TreeMap<>();
		List<Object> keys = new ArrayList<>();
		List<String> dueSoon = new ArrayList<>();
		List<String> retire = new ArrayList<>();
		for (ApiKeyRegister.Assessment assessment : assessed) {
			ApiKeyEntry entry = assessment.entry();
			byState.merge(assessment.state().label(), 1, Integer::sum);
			byOwner.merge(entry.owner(), 1, Integer::sum);
			if (!entry.due().isAfter(today.plus(ApiKeyEntry.DUE_WINDOW))) {
				dueSoon.add(entry.id());
			}
			if (assessment.state() == ApiKeyEntry.State.READY_TO_RETIRE) {
				retire.add(entry.id());
			}
			keys.add(key(assessment));
		}
		List<Object> grants = new ArrayList<>();
		List<String> unused = new ArrayList<>();
		for (Grant grant : set.grants()) {
			Map<String, Object> row = new LinkedHashMap<>();
			row.put("id", grant.id());
			row.put("audience", grant.audience());
			row.put("last_used", this.register.lastUsed(grant.id()).map(Object::toString).orElse(null));
			if (this.register.lastUsed(grant.id()).isEmpty()) {
				unused.add(grant.id());
			}
			grants.add(row);
		}
		int federated = set.grants().size();
		Map<String, Object> summary = new LinkedHashMap<>();
		summary.put("grants", federated);
		summary.put("api_keys", assessed.size());
		summary.put("federated_share",
				(federated + assessed.size() == 0) ? 1.0 : (double) federated / (federated + assessed.size()));
		summary.put("by_state", byState);
		summary.put("by_owner", byOwner);
		summary.put("due_within_30_days", dueSoon);
		summary.put("ready_to_retire", retire);
		summary.put("grants_unused_on_this_node", unused);
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("assessed_on", today.toString());
		body.put("policy_digest", set.digest());
		body.put("summary", summary);
		body.put("api_keys", keys);
		body.put("grants", grants);
		return ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(body);
	}

	private static Map<String, Object> key(ApiKeyRegister.Assessment assessment) {
		ApiKeyEntry entry = assessment.entry();
		Map<String, Object> row = new LinkedHashMap<>();
		row.put("id", entry.id());
		row.put("state", assessment.state().label());
		row.put("kind", entry.kind().label());
		row.put("system", entry.system());
		row.put("holder", entry.holder());
		row.put("owner", entry.owner());
		row.put("due", entry.due().toString());
		row.put("rotation_due", (entry.rotationDue() != null) ? String.valueOf(entry.rotationDue()) : null);
		row.put("stored_in", entry.storedIn());
		row.put("justification", entry.justification());
		row.put("migration_trigger", entry.migrationTrigger());
		row.put("federates_to", entry.federatesTo());
		row.put("where", entry.where());
		return row;
	}

}
