package dev.writ.policy;

import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import java.util.function.BiPredicate;

/**
 * The API keys that remain ({@code api_keys:}) and the teams that may own them
 * ({@code owners:}), from every policy file. Writ issues nothing from it and refuses
 * nothing because of it: it is the inventory that the policy check, the metrics and the
 * reports read.
 *
 * @param owners the declared owners
 * @param entries the entries, in file and line order
 */
public record ApiKeyRegister(Set<String> owners, List<ApiKeyEntry> entries) {

	public static final ApiKeyRegister EMPTY = new ApiKeyRegister(Set.of(), List.of());

	public ApiKeyRegister {
		owners = Set.copyOf(owners);
		entries = List.copyOf(entries);
	}

	/**
	 * Whether an entry would retire once {@code subject} has a Writ token for
	 * {@code audience}: the only uses worth keeping as evidence.
	 */
	public boolean federatesTo(String subject, String audience) {
		for (ApiKeyEntry entry : this.entries) {
			if (audience.equals(entry.federatesTo()) && subject.equals(entry.holder())) {
				return true;
			}
		}
		return false;
	}

	/**
	 * An entry and its state on a day.
	 *
	 * @param entry the entry
	 * @param state its state
	 */
	public record Assessment(ApiKeyEntry entry, ApiKeyEntry.State state) {
	}

	/**
	 * Every entry's state on {@code today}.
	 * @param federates whether a holder ({@code subject}) has used a Writ token for an
	 * audience
	 */
	public List<Assessment> assess(LocalDate today, BiPredicate<String, String> federates) {
		return this.entries.stream()
			.map((entry) -> new Assessment(entry,
					entry.state(today, this.owners.contains(entry.owner()),
							entry.federatesTo() != null && federates.test(entry.holder(), entry.federatesTo()))))
			.toList();
	}

}
