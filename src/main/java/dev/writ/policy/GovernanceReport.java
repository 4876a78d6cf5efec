package dev.writ.policy;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;

/**
 * What the register and the grants say together, on a day, as one JSON-shaped map: the
 * body of {@code GET /admin/governance} and of {@code writ governance report}. Each entry
 * of the register with its state; the summary an admin reads first (grants against API
 * keys, by state and by owner, due within 30 days, ready to retire, grants with no use on
 * record and grants unused in the last 30 days: standing privilege); each grant's and
 * each subject's last use and exchanges in the last 30 days. Names where keys are kept,
 * never a key.
 */
public final class GovernanceReport {

	private GovernanceReport() {
	}

	/**
	 * @param set the policies in force
	 * @param assessed the register's entries with their states on {@code today}
	 * @param usage the granted exchanges on the evidence at hand
	 * @param evidence what that evidence is ("this node since it started", "the audit
	 * file ...")
	 */
	public static Map<String, Object> of(PolicySet set, List<ApiKeyRegister.Assessment> assessed, LocalDate today,
			UsageLedger usage, String evidence) {
		return of(set, assessed, today, usage, evidence, null);
	}

	/**
	 * The report with the just-in-time credentials' section: per target, the credentials
	 * issued in the last 30 days and the leases active now (where known), and which API
	 * keys of the register a target's credentials can replace or have replaced.
	 * @param activeLeases the active leases per target id, or null where the store is not
	 * at hand (the CLI reads the audit file only)
	 */
	public static Map<String, Object> of(PolicySet set, List<ApiKeyRegister.Assessment> assessed, LocalDate today,
			UsageLedger usage, String evidence, @Nullable Map<String, Integer> activeLeases) {
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
		List<String> idle = new ArrayList<>();
		Instant month = today.minusDays(30).atStartOfDay(java.time.ZoneOffset.UTC).toInstant();
		for (Grant grant : set.grants()) {
			Optional<UsageLedger.Use> used = usage.grant(grant.id(), today);
			Map<String, Object> row = new LinkedHashMap<>();
			row.put("id", grant.id());
			row.put("audience", grant.audience());
			row.put("last_used", used.map((use) -> use.lastUsed().toString()).orElse(null));
			row.put("exchanges_30_days", used.map(UsageLedger.Use::exchanges).orElse(0L));
			if (used.isEmpty()) {
				unused.add(grant.id());
			}
			if (used.isEmpty() || used.get().lastUsed().isBefore(month)) {
				idle.add(grant.id());
			}
			grants.add(row);
		}
		List<Object> subjects = new ArrayList<>();
		for (UsageLedger.Use use : usage.subjects(today)) {
			Map<String, Object> row = new LinkedHashMap<>();
			row.put("subject", use.name());
			row.put("last_used", use.lastUsed().toString());
			row.put("exchanges_30_days", use.exchanges());
			subjects.add(row);
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
		summary.put("grants_without_use", unused);
		summary.put("grants_unused_30_days", idle);
		summary.put("subjects_on_record", subjects.size());
		summary.put("evidence_not_kept", usage.notKept());
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("assessed_on", today.toString());
		body.put("policy_digest", set.digest());
		body.put("evidence", evidence);
		body.put("summary", summary);
		body.put("api_keys", keys);
		body.put("grants", grants);
		body.put("subjects", subjects);
		body.put("credentials", credentials(set, assessed, today, usage, activeLeases));
		return body;
	}

	private static Map<String, Object> credentials(PolicySet set, List<ApiKeyRegister.Assessment> assessed,
			LocalDate today, UsageLedger usage, @Nullable Map<String, Integer> activeLeases) {
		List<Object> targets = new ArrayList<>();
		for (CredentialTarget target : set.targets()) {
			long issued = 0;
			for (Grant grant : set.grants()) {
				if (grant.credential().isPresent() && grant.credential().get().target().id().equals(target.id())) {
					issued += usage.grant(grant.id(), today).map(UsageLedger.Use::exchanges).orElse(0L);
				}
			}
			Map<String, Object> row = new LinkedHashMap<>();
			row.put("id", target.id());
			row.put("kind", target.kind().label());
			row.put("audience", target.audience());
			row.put("admin_credential", target.register());
			row.put("issued_30_days", issued);
			row.put("active_leases", (activeLeases != null) ? activeLeases.getOrDefault(target.id(), 0) : null);
			targets.add(row);
		}
		// An API key whose federates_to is a target's audience: a credential of Writ's
		// can stand in for it, and has once its holder used one.
		List<String> replaceable = new ArrayList<>();
		List<String> replaced = new ArrayList<>();
		for (ApiKeyRegister.Assessment assessment : assessed) {
			String audience = assessment.entry().federatesTo();
			if (audience != null && set.targets().stream().anyMatch((t) -> t.audience().equals(audience))) {
				(assessment.state() == ApiKeyEntry.State.READY_TO_RETIRE ? replaced : replaceable)
					.add(assessment.entry().id());
			}
		}
		Map<String, Object> section = new LinkedHashMap<>();
		section.put("targets", targets);
		section.put("replaced_by_credentials", replaced);
		section.put("replaceable_by_credentials", replaceable);
		return section;
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
		LocalDate rotation = entry.rotationDue();
		row.put("rotation_due", (rotation != null) ? rotation.toString() : null);
		row.put("stored_in", entry.storedIn());
		row.put("justification", entry.justification());
		row.put("migration_trigger", entry.migrationTrigger());
		row.put("federates_to", entry.federatesTo());
		// The file's name, not the server's paths.
		row.put("where", entry.file().getFileName() + ":" + entry.line());
		return row;
	}

}
