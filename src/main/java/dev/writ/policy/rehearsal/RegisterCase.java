package dev.writ.policy.rehearsal;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.nodes.Node;

import dev.writ.policy.ApiKeyEntry;
import dev.writ.policy.ApiKeyRegister;
import dev.writ.policy.load.StrictYaml;

/**
 * One check of the register of API keys in a test file ({@code register:} beside
 * {@code tests:}): on a day, with the exchanges on record, each named entry is in the
 * state expected — so a review cycle, an expiry or a retirement is tested before the day
 * comes, as a grant is before it ships.
 *
 * <pre>
 * register:
 *   - name: once checkout federates, its key is ready to retire
 *     date: 2026-12-10
 *     used: [ { subject: spiffe://example.org/checkout, audience: https://payments.example.org } ]
 *     expect: { payments-stripe: ready-to-retire }
 * </pre>
 *
 * @param name the check's name
 * @param where the check, as {@code file:line}
 * @param on the day it is assessed on
 * @param used the subject and audience pairs with a Writ token on record
 * @param expect each entry's id and expected state, as reports name it
 */
record RegisterCase(String name, String where, LocalDate on, Set<List<String>> used, Map<String, String> expect) {

	private static final Set<String> CASE_KEYS = Set.of("name", "date", "used", "expect");

	private static final Set<String> USED_KEYS = Set.of("subject", "audience");

	private static final Set<String> STATES = Arrays.stream(ApiKeyEntry.State.values())
		.map(ApiKeyEntry.State::label)
		.collect(Collectors.toSet());

	/**
	 * The check at {@code node}, or null with its problems recorded.
	 * @param ids the register's entries: an expectation names one of them
	 */
	static @Nullable RegisterCase decode(StrictYaml yaml, Node node, Set<String> ids) {
		Map<String, Node> fields = yaml.mapping(node, "a register check", CASE_KEYS);
		if (fields == null) {
			return null;
		}
		int before = yaml.problemCount();
		for (String required : List.of("name", "date", "expect")) {
			if (!fields.containsKey(required)) {
				yaml.problem(node, "a register check needs " + required);
			}
		}
		String name = fields.containsKey("name") ? yaml.string(fields.get("name"), "name") : null;
		LocalDate on = fields.containsKey("date") ? yaml.date(fields.get("date"), "date") : null;
		Set<List<String>> used = new LinkedHashSet<>();
		List<Node> uses = fields.containsKey("used") ? yaml.sequence(fields.get("used"), "used") : List.of();
		for (Node use : (uses == null) ? List.<Node>of() : uses) {
			Map<String, Node> pair = yaml.mapping(use, "a use", USED_KEYS);
			if (pair == null) {
				continue;
			}
			if (!pair.containsKey("subject") || !pair.containsKey("audience")) {
				yaml.problem(use, "a use needs subject and audience");
				continue;
			}
			String subject = yaml.string(pair.get("subject"), "subject");
			String audience = yaml.string(pair.get("audience"), "audience");
			if (subject != null && audience != null) {
				used.add(List.of(subject, audience));
			}
		}
		Map<String, String> expect = new LinkedHashMap<>();
		int beforeExpect = yaml.problemCount();
		Map<String, Node> expected = fields.containsKey("expect")
				? yaml.mapping(fields.get("expect"), "expect (the register's entry ids)", ids) : null;
		if (expected != null) {
			expected.forEach((id, value) -> {
				String state = yaml.string(value, "the state of " + id);
				if (state != null && !STATES.contains(state)) {
					yaml.problem(value, "a state is one of " + STATES.stream().sorted().toList());
				}
				else if (state != null) {
					expect.put(id, state);
				}
			});
			if (expected.isEmpty() && yaml.problemCount() == beforeExpect) {
				yaml.problem(StrictYaml.at(fields, "expect", node), "expect names at least one entry and its state");
			}
		}
		if (yaml.problemCount() > before || name == null || on == null) {
			return null;
		}
		return new RegisterCase(name, yaml.where(node), on, used, expect);
	}

	/** The check against a register: what differed, expected against actual. */
	List<String> mismatches(ApiKeyRegister register) {
		Map<String, ApiKeyEntry.State> states = new LinkedHashMap<>();
		for (ApiKeyRegister.Assessment assessment : register.assess(this.on,
				(subject, audience) -> this.used.contains(List.of(subject, audience)))) {
			states.put(assessment.entry().id(), assessment.state());
		}
		List<String> mismatches = new ArrayList<>();
		this.expect.forEach((id, state) -> {
			ApiKeyEntry.State actual = states.get(id);
			// Decoded against the register's ids: every id expected is an entry.
			if (actual != null && !actual.label().equals(state)) {
				mismatches.add("expected " + id + " " + state + " on " + this.on + ", got " + actual.label());
			}
		});
		return mismatches;
	}

}
